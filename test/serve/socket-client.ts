import { existsSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { MessageName } from "../../hw/spec/device-protocol.js";
import { MessageFramer } from "../../system/serve/message-framer.js";
import { decodeMessage, encodeMessage, type Message, type MessageValues } from "../../system/serve/protocol-codec.js";

/** A client of a served socket in the test's own process: sends messages, and hands over what the server sends, message by message. */
export class SocketClient {
  private readonly framer = new MessageFramer();
  private readonly messages: Message[] = [];
  private waiting: (() => void) | null = null;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.framer.push(chunk);
      for (let frame = this.framer.next(); frame.kind === "message"; frame = this.framer.next()) {
        const decoded = decodeMessage(frame.bytes, "server");
        if (decoded.kind === "message") this.messages.push(decoded.message);
      }
      this.waiting?.();
    });
    // The server's end of the stream closing ('end') is what counts: a half-open client's own stays open.
    for (const event of ["end", "close"]) {
      socket.on(event, () => {
        this.closed = true;
        this.waiting?.();
      });
    }
    socket.on("error", () => {});
  }

  /** Connect once the server listens (its socket file exists); `allowHalfOpen` keeps its side open when the server closes its own, as a client that does not read on would. */
  static async connect(path: string, allowHalfOpen = false): Promise<SocketClient> {
    while (!existsSync(path)) await sleep(20);
    const socket = createConnection({ path, allowHalfOpen });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new SocketClient(socket);
  }

  send<N extends MessageName>(name: N, values: MessageValues<N>): void {
    this.socket.write(encodeMessage(name, values));
  }

  hello(name = "socket-client"): Promise<Message> {
    this.send("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: name });
    return this.next();
  }

  /** The next message the server sends (its reply, a notification or ERROR); throws if the connection closes first. */
  async next(): Promise<Message> {
    while (this.messages.length === 0) {
      if (this.closed) throw new Error("the server closed the connection");
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    return this.messages.shift()!;
  }

  /** Resolves once the server has closed the connection. */
  async whenClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => (this.waiting = resolve));
  }
}
