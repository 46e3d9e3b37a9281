import type { MessageName } from "../../hw/spec/device-protocol.js";
import { Connection } from "../../system/serve/connection.js";
import { MessageFramer } from "../../system/serve/message-framer.js";
import { decodeMessage, encodeMessage, type Message, type MessageValues } from "../../system/serve/protocol-codec.js";
import { type ServeConfig, ServedRun, type ServedRunResult } from "../../system/serve/served-run.js";

/** A client in the test's own process, speaking the protocol's bytes to a served run without a socket. */
export class LoopbackClient {
  readonly run: ServedRun;
  /** Every message the server sent, decoded, in order. */
  readonly received: Message[] = [];
  result: ServedRunResult | null = null;
  closed = false;
  private readonly framer = new MessageFramer();
  private readonly connection: Connection;

  constructor(config: Partial<ServeConfig> = {}) {
    this.run = new ServedRun({ name: "loopback", seed: 1, parameters: {}, directory: null, waveform: false, pcap: false, callPicoseconds: 20_000, ...config });
    this.connection = new Connection(this.run, { write: (bytes) => (this.take(bytes), true), end: () => (this.closed = true) }, (result) => (this.result = result));
  }

  /** Raw bytes, as a client might send them (in any chunks). */
  sendBytes(bytes: Uint8Array): void {
    this.connection.receive(bytes);
  }

  send<N extends MessageName>(name: N, values: MessageValues<N>): void {
    this.sendBytes(encodeMessage(name, values));
  }

  /** Send a request and return the last message the server sent for it (its reply, or ERROR). */
  request<N extends MessageName>(name: N, values: MessageValues<N>): Message {
    const before = this.received.length;
    this.send(name, values);
    if (this.received.length === before) throw new Error(`${name}: no answer`);
    return this.received[this.received.length - 1]!;
  }

  hello(): Message {
    return this.request("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "loopback" });
  }

  disconnect(): void {
    this.connection.disconnected();
  }

  private take(bytes: Uint8Array): void {
    this.framer.push(bytes);
    for (let frame = this.framer.next(); frame.kind === "message"; frame = this.framer.next()) {
      const decoded = decodeMessage(frame.bytes, "server");
      if (decoded.kind === "refused") throw new Error(`the server sent a message its own decoder refuses: ${decoded.text}`);
      this.received.push(decoded.message);
    }
  }
}
