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
    socket.on("close", () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on("error", () => {});
  }

  /** Connect once the server listens (its socket file exists). */
  static async connect(path: string): Promise<SocketClient> {
    while (!existsSync(path)) await sleep(20);
    const socket = createConnection(path);
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
