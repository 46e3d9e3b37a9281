import { PROTOCOL_ERRORS, type ProtocolErrorName } from "../../hw/spec/device-protocol.js";
import { SimulationError } from "../../sim/errors.js";
import { MessageFramer } from "./message-framer.js";
import { clipText, decodeMessage, encodeMessage, layoutOf } from "./protocol-codec.js";
import type { ServedRun, ServedRunResult } from "./served-run.js";
import type { ServeEnding } from "./serve-summary.js";

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

  constructor(
    private readonly run: ServedRun,
    private readonly sink: ByteSink,
    private readonly onEnd: (result: ServedRunResult) => void = () => {},
  ) {}

  get ended(): boolean {
    return this.closed;
  }

  /** Bytes from the client: every whole message in them is served now. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
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

  /** The client's stream ended (or failed): a run not over yet ends as a disconnect, naming a message left half sent. */
  disconnected(): void {
    if (this.closed) return;
    this.end({ kind: "disconnected", cutOff: this.framer.describePending() });
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
