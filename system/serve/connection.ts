import { PROTOCOL_ERRORS, type ProtocolErrorName } from "../../hw/spec/device-protocol.js";
import { SimulationError } from "../../sim/errors.js";
import { MessageFramer } from "./message-framer.js";
import { clipText, decodeMessage, encodeMessage, isPosted, layoutOf } from "./protocol-codec.js";
import type { ServedRun, ServedRunResult } from "./served-run.js";
import type { ServeEnding } from "./serve-summary.js";
import type { StoppingSignal } from "./stop-request.js";

/** Where a connection's bytes go: written in order; `end` closes the stream after what was written. */
export interface ByteSink {
  /** False once the stream holds as much as it should: the connection then serves nothing more until `drained()`. */
  write(bytes: Uint8Array): boolean;
  end(): void;
  /** Whether the stream is gone (the client closed it): a reply it refused then never holds the requests behind it back. */
  gone?(): boolean;
}

/** The client's stream, paused while the replies wait for the client to read them. */
export interface ByteSource {
  pause(): void;
  resume(): void;
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
  /** Bytes read from the client's stream so far. */
  private bytesRead = 0;
  /** Replies wait for the client to read them: the requests behind stay unserved, and its stream paused (one that never read held gigabytes). */
  private held = false;
  /** The client's stream ended while replies waited: what it sent before is served once they are read, then this ends the run. */
  private leaveWhenDrained: (() => void) | null = null;
  /** Messages already received wait for the next turn of the event loop, where a stop signal is heard (see `turnMilliseconds`). */
  private deferred = false;

  constructor(
    private readonly run: ServedRun,
    private readonly sink: ByteSink,
    private readonly onEnd: (result: ServedRunResult) => void = () => {},
    /** Why a stream that ends before its first byte had no client (`--stdio` with nothing at the other end); without it, such a stream is a disconnect. */
    private readonly silentEnd: string | null = null,
    private readonly source: ByteSource = { pause: () => {}, resume: () => {} },
    /**
     * Wall time one turn serves messages for, after which the rest already received wait for the
     * next turn: a signal is heard only between turns, and a batch of long waits sent in one write
     * held Ctrl-C off for seconds. What is served, and in what order, is the same either way.
     */
    private readonly turnMilliseconds = Infinity,
  ) {}

  get ended(): boolean {
    return this.closed;
  }

  /** Bytes from the client: every whole message in them is served now, unless replies wait to be read. */
  receive(chunk: Uint8Array): void {
    if (this.closed) return;
    this.bytesRead += chunk.length;
    this.framer.push(chunk);
    if (!this.held && !this.deferred) this.serveWhole();
  }

  /** The client has read the replies that waited: the requests behind them are served. */
  drained(): void {
    if (this.closed || !this.held) return;
    this.held = false;
    this.source.resume();
    this.serveThenLeave();
  }

  private readonly nextTurn = (): void => {
    if (this.closed || !this.deferred) return;
    this.deferred = false;
    this.source.resume();
    this.serveThenLeave();
  };

  /** Serve what was received; a stream that ended meanwhile is then left, once nothing waits. */
  private serveThenLeave(): void {
    this.serveWhole();
    if (!this.held && !this.deferred && this.leaveWhenDrained) this.leaveWhenDrained();
  }

  /** The client's stream ended after what it sent (its input closed, a socket half-closed): what it sent is served first, then `leave` (a disconnect by default). */
  inputEnded(leave: () => void = () => this.disconnected()): void {
    if (this.held || this.deferred) this.leaveWhenDrained = leave;
    else leave();
  }

  private serveWhole(turnEnds = performance.now() + this.turnMilliseconds): void {
    // At least one message a turn, however short the turn.
    for (let count = 0; !this.held; count++) {
      if (count > 0 && turnEnds !== Infinity && performance.now() >= turnEnds && this.framer.hasWhole()) {
        this.deferred = true;
        this.source.pause();
        // Twice: an immediate set while the loop reads input runs before it reads again, where a signal is heard.
        setImmediate(() => setImmediate(this.nextTurn));
        return;
      }
      const frame = this.framer.next();
      if (frame.kind === "incomplete") return;
      if (frame.kind === "malformed") return this.refuse("MALFORMED", frame.type, frame.text);
      const decoded = decodeMessage(frame.bytes, "client");
      if (decoded.kind === "refused") {
        // A value out of its field's range: a request still, out of turn or charged its call as any other.
        if (decoded.error === "BAD_VALUE") {
          const order = this.run.session.outOfTurn(decoded.messageType);
          if (order !== null) return this.refuse(order.error, order.messageType, order.text);
          try {
            this.run.session.chargeRefusedRequest();
          } catch (error) {
            return this.modelFailed(error, decoded.messageType);
          }
        }
        return this.refuse(decoded.error, decoded.messageType, decoded.text);
      }
      let served;
      try {
        served = this.run.session.serve(decoded.message);
      } catch (error) {
        return this.modelFailed(error, layoutOf(decoded.message.name).spec.code);
      }
      if (served.kind === "refused") return this.refuse(served.error, served.messageType, served.text);
      let room = true;
      for (const bytes of served.out) room = this.sink.write(bytes) && room;
      if (served.goodbye) return this.end({ kind: "goodbye" });
      // A client gone reads no reply: what the server has read of its stream is served (its posted writes reach the device), whenever its leaving was seen.
      if (!room && this.sink.gone?.() !== true) {
        this.held = true;
        this.source.pause();
      }
    }
  }

  /**
   * The client's stream ended (or failed): a run not over yet ends as a disconnect, naming a
   * message left half sent, and the signal that killed the client program when that is known.
   * `cutBeforeEnd`: the stream was closed before its end was read (a reply written to a socket the
   * client had closed failed, and the socket with it): what came after the bytes read is lost.
   */
  disconnected(killedBy: NodeJS.Signals | null = null, stoppedReading = false, cutBeforeEnd = false): void {
    if (this.closed) return;
    // Messages waiting for the next turn were received before the stream ended: served now, as they would have been in one turn.
    if (this.deferred) {
      this.deferred = false;
      this.serveWhole(Infinity);
      if (this.closed) return;
    }
    // Whole requests held back by replies the client did not read are not served: counted, not called a message cut off.
    let unserved = 0;
    let posted = 0;
    while (this.held) {
      const frame = this.framer.next();
      if (frame.kind !== "message") break;
      unserved++;
      if (isPosted(frame.bytes)) posted++;
    }
    const cutOff = this.framer.describePending();
    const readBytes = cutBeforeEnd ? { readBytes: this.bytesRead } : {};
    if (killedBy !== null) this.end({ kind: "client-killed", signal: killedBy, cutOff, ...readBytes });
    else if (this.bytesRead === 0 && this.silentEnd !== null) this.end({ kind: "no-client", reason: this.silentEnd });
    else this.end({ kind: "disconnected", cutOff, ...(unserved > 0 ? { unserved, unservedPosted: posted } : {}), ...(stoppedReading ? { stoppedReading: true } : {}), ...readBytes });
  }

  /** The server was stopped by a signal: the run ends here, between two messages, and the client's stream is closed. */
  interrupt(signal: StoppingSignal): void {
    if (this.closed) return;
    this.end({ kind: "interrupted", signal });
  }

  /** The model failed (or the server did) serving a message: the client is told, and the run still ends with its files. */
  private modelFailed(error: unknown, messageType: number): void {
    const message = error instanceof SimulationError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
    this.refuse("SIMULATION", messageType, message, { kind: "simulation-error", message });
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
