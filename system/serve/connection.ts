import { PROTOCOL_ERRORS, type ProtocolErrorName } from "../../hw/spec/device-protocol.js";
import { SimulationError } from "../../sim/errors.js";
import { MessageFramer } from "./message-framer.js";
import { clipText, decodeMessage, encodeMessage, layoutOf } from "./protocol-codec.js";
import type { ServedRun, ServedRunResult } from "./served-run.js";
import type { ServeEnding } from "./serve-summary.js";
import type { StoppingSignal } from "./stop-request.js";

/** Where a connection's bytes go: written in order; `end` closes the stream after what was written. */
export interface ByteSink {
  write(bytes: Uint8Array): void;
  end(): void;
}

/**
 * One client's byte stream against one served run: cut into messages, each decoded, served and
 * answered in order. A refused message gets ERROR and ends the run; GOODBYE ends it after the
 * reply; the stream ending first ends it as a disconnect. Either way the run's files are
 * written, and `onEnd` hears the result once.
 */
export class Connection {
  private readonly framer = new MessageFramer();
  private closed = false;
  private receivedAny = false;

  constructor(
    private readonly run: ServedRun,
    private readonly sink: ByteSink,
    private readonly onEnd: (result: ServedRunResult) => void = () => {},
    /** Why a stream that ends before its first byte had no client (`--stdio` with nothing at the other end); without it, such a stream is a disconnect. */
    private readonly silentEnd: string | null = null,
  ) {}

  get ended(): boolean {
    return this.closed;
  }

  /** Bytes from the client: every whole message in them is served now. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    if (chunk.length > 0) this.receivedAny = true;
    this.framer.push(chunk);
    for (;;) {
      const frame = this.framer.next();
      if (frame.kind === "incomplete") return;
      if (frame.kind === "malformed") return this.refuse("MALFORMED", frame.type, frame.text);
      const decoded = decodeMessage(frame.bytes, "client");
      if (decoded.kind === "refused") return this.refuse(decoded.error, decoded.messageType, decoded.text);
      let served;
      try {
        served = this.run.session.serve(decoded.message);
      } catch (error) {
        // The model failed (or the server did): the client is told, and the run still ends with its files.
        const message = error instanceof SimulationError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
        return this.refuse("SIMULATION", layoutOf(decoded.message.name).spec.code, message, { kind: "simulation-error", message });
      }
      if (served.kind === "refused") return this.refuse(served.error, served.messageType, served.text);
      for (const bytes of served.out) this.sink.write(bytes);
      if (served.goodbye) return this.end({ kind: "goodbye" });
    }
  }

  /**
   * The client's stream ended (or failed): a run not over yet ends as a disconnect, naming a
   * message left half sent, and the signal that killed the client program when that is known.
   */
  disconnected(killedBy: NodeJS.Signals | null = null): void {
    if (this.closed) return;
    const cutOff = this.framer.describePending();
    if (killedBy !== null) this.end({ kind: "client-killed", signal: killedBy, cutOff });
    else if (!this.receivedAny && this.silentEnd !== null) this.end({ kind: "no-client", reason: this.silentEnd });
    else this.end({ kind: "disconnected", cutOff });
  }

  /** The server was stopped by a signal: the run ends here, between two messages, and the client's stream is closed. */
  interrupt(signal: StoppingSignal): void {
    if (this.closed) return;
    this.end({ kind: "interrupted", signal });
  }

  private refuse(error: ProtocolErrorName, messageType: number, text: string, ending?: ServeEnding): void {
    const code = protocolErrorCode(error);
    this.sink.write(encodeMessage("ERROR", { code, message_type: messageType, message: clipText(text) }));
    this.end(ending ?? { kind: "protocol-error", error, message: text });
  }

  private end(ending: ServeEnding): void {
    this.closed = true;
    const result = this.run.finish(ending);
    this.sink.end();
    this.onEnd(result);
  }
}

export function protocolErrorCode(name: ProtocolErrorName): number {
  return PROTOCOL_ERRORS.find((entry) => entry.name === name)!.code;
}
