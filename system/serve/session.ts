import { MAX_DATA_BYTES, PROTOCOL_MAGIC, PROTOCOL_VERSION, type MessageName } from "../../hw/spec/device-protocol.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import type { Diagnostic } from "../../hw/error-log.js";
import type { Design } from "../../sim/component.js";
import { HostMemoryError } from "../../sim/host/memory.js";
import { spi } from "../../sim/ipsec/esp.js";
import type { IcvLength } from "../../sim/crypto/backend.js";
import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { formatIpv4, type Ipv4Address } from "../../sim/packet/ipv4.js";
import type { NicHardware } from "../nic-system.js";
import { BenchPeer } from "./bench-peer.js";
import { DeviceClock } from "./device-clock.js";
import { DmaWrites } from "./dma-writes.js";
import { clipText, encodeMessage, layoutOf, type Message, messageName, type MessageValues, type Refusal } from "./protocol-codec.js";
import { formatTime, LAST_TIME } from "../../sim/time.js";

/** What serving one message gave: messages to send (notifications, then the reply), and whether the client said goodbye; or a refusal. */
export type Served = { readonly kind: "served"; readonly out: readonly Uint8Array[]; readonly goodbye: boolean } | ({ readonly kind: "refused" } & Refusal);

export interface SessionOptions {
  /** Simulated CPU time every request costs the client, ps. */
  readonly callPicoseconds: number;
}

type Handler<N extends MessageName> = (values: MessageValues<N>) => Uint8Array | null;

/**
 * One client driving the device: each message is served at the client's time plus the cost of a
 * call (see DeviceClock), and before each reply the client is sent what the device wrote into its
 * memory and what it reported, so that its copy of memory is the server's whenever it reads a
 * reply. Only the message sequence decides the run: served twice, it gives the same bytes.
 */
export class DeviceSession {
  readonly peer: BenchPeer;
  readonly clock: DeviceClock;
  /** Messages served, by name, for the summary. */
  readonly counts = new Map<MessageName, number>();
  clientName: string | null = null;
  /** The device's diagnostics since the last reply, each sent before the next. */
  private diagnosticsToSend: Diagnostic[] = [];
  private readonly dmaWrites: DmaWrites;
  private readonly handlers: { [N in MessageName]?: Handler<N> };

  constructor(
    readonly design: Design<NicHardware>,
    readonly options: SessionOptions,
    backend: AesGcmBackend,
  ) {
    const { kernel, top } = design;
    this.peer = new BenchPeer(top.peer, kernel, backend);
    this.clock = new DeviceClock(kernel, top.nic);
    this.dmaWrites = new DmaWrites(top.nic.dma);
    top.nic.errorLog.observers.push((diagnostic) => this.diagnosticsToSend.push(diagnostic));
    this.handlers = {
      MMIO_READ: ({ offset }) => {
        const value = this.clock.mmioRead(offset);
        // Its round trip would end past the last time the model holds: the value never comes, as no message may happen then.
        if (value === null) throw new PastModelTime("its reply would come after that");
        return this.reply("MMIO_READ_REPLY", { offset, value, time_ps: this.now });
      },
      MMIO_WRITE: ({ offset, value }) => (top.nic.mmioWrite(offset, value), null),
      ALLOCATE: (values) => this.allocate(values),
      MEMORY_WRITE: ({ address, data }) => (top.memory.write(address, data), null),
      MEMORY_READ: ({ address, bytes }) => this.reply("MEMORY_READ_REPLY", { address, data: top.memory.read(address, bytes).slice() }),
      WAIT: ({ duration_ps }) => {
        this.clock.wait(duration_ps);
        return this.reply("WAIT_REPLY", { time_ps: this.now, vectors: 0, pending: this.clock.latched });
      },
      WAIT_INTERRUPT: ({ timeout_ps, mask }) => this.waitInterrupt(timeout_ps, mask),
      PEER_SA: (values) => this.peerSa(values),
      PEER_ECHO: ({ enable }) => ((this.peer.echo = enable === 1), null),
      PEER_SEND: (values) => this.peerSend(values),
      PEER_STATUS: () => this.reply("PEER_STATUS_REPLY", { time_ps: this.now, ...this.peer.counts }),
      GOODBYE: () => this.goodbye(),
    };
  }

  get now(): number {
    return this.design.kernel.now;
  }

  get helloDone(): boolean {
    return this.clientName !== null;
  }

  /** Serve one decoded message; a refusal names the message and field (the run then ends). */
  serve(message: Message): Served {
    this.counts.set(message.name, (this.counts.get(message.name) ?? 0) + 1);
    const order = this.outOfTurn(messageCode(message.name));
    if (order !== null) return { kind: "refused", ...order };
    if (message.name === "HELLO") return this.hello(message.values);
    // A request happens a call's time from now: not past the last time the model holds. GOODBYE may still end the run there.
    const pastTheEnd = this.now + this.options.callPicoseconds > LAST_TIME;
    if (pastTheEnd && message.name === "GOODBYE") {
      const reply = this.goodbye();
      return { kind: "served", out: [...this.notifications(), reply], goodbye: true };
    }
    if (pastTheEnd) return pastModelTime(message.name, "the message would happen after that");
    this.clock.advance(this.options.callPicoseconds);
    try {
      const handler = this.handlers[message.name] as Handler<typeof message.name> | undefined;
      const reply = handler!(message.values as never);
      if (reply === null) return { kind: "served", out: [], goodbye: false };
      return { kind: "served", out: [...this.notifications(), reply], goodbye: message.name === "GOODBYE" };
    } catch (error) {
      if (error instanceof RequestError) return refusal(error.code, message.name, `${message.name}.${error.field}: ${error.message}`);
      if (error instanceof PastModelTime) return pastModelTime(message.name, error.message);
      if (error instanceof HostMemoryError) return refusal("MEMORY", message.name, `${message.name}.address: ${error.message}`);
      throw error;
    }
  }

  /**
   * Why a message is out of turn, if it is: one before HELLO, or a second HELLO. Asked of every
   * message served and of one the codec refused for a value, so that it is ORDER whatever its
   * values (a second HELLO with a bad magic was BAD_VALUE, and charged its call; an outside check).
   */
  outOfTurn(messageType: number): Refusal | null {
    const isHello = messageType === messageCode("HELLO");
    if (isHello && this.helloDone) return { error: "ORDER", messageType, text: "HELLO: a second HELLO on one connection (HELLO is its first message only)" };
    if (!isHello && !this.helloDone) return { error: "ORDER", messageType, text: `${messageName(messageType) ?? "a message"}: the first message must be HELLO` };
    return null;
  }

  /**
   * A request the codec refused for a value out of its field's range is a request still, as one
   * a handler refuses: it costs its call, as every request does (the time rule). It was not
   * charged, and the run's end came a call earlier than for the handlers' refusals (an outside check).
   */
  chargeRefusedRequest(): void {
    if (this.helloDone && this.now + this.options.callPicoseconds <= LAST_TIME) this.clock.advance(this.options.callPicoseconds);
  }

  private hello(values: MessageValues<"HELLO">): Served {
    if (values.major !== PROTOCOL_VERSION.major) return refusal("VERSION", "HELLO", `HELLO.major: the client speaks version ${values.major}.${values.minor}, the server ${PROTOCOL_VERSION.major}.${PROTOCOL_VERSION.minor}`);
    this.clientName = values.client_name;
    this.clock.advance(this.options.callPicoseconds);
    const queues = this.design.top.nic.queues;
    const reply = this.reply("HELLO_REPLY", { magic: PROTOCOL_MAGIC, major: PROTOCOL_VERSION.major, minor: PROTOCOL_VERSION.minor, queues, vectors: queues + 1, max_data: MAX_DATA_BYTES, call_ps: this.options.callPicoseconds, time_ps: this.now });
    return { kind: "served", out: [...this.notifications(), reply], goodbye: false };
  }

  /**
   * The run is over once the writes the client posted before GOODBYE have reached the device: what
   * they caused comes with the reply, and its time is the run's end (the reply came first, and the
   * driver never heard of its last doorbell's error; from an outside check).
   */
  private goodbye(): Uint8Array {
    this.clock.landPostedWrites();
    return this.reply("GOODBYE_REPLY", { time_ps: this.now });
  }

  private reply<N extends MessageName>(name: N, values: MessageValues<N>): Uint8Array {
    return encodeMessage(name, values);
  }

  private allocate({ bytes, alignment, label }: MessageValues<"ALLOCATE">): Uint8Array {
    if ((alignment & (alignment - 1)) !== 0) throw new RequestError("BAD_VALUE", "alignment", `${alignment} is not a power of two`);
    const address = this.design.top.memory.allocate(bytes, label, alignment);
    return this.reply("ALLOCATE_REPLY", { address, bytes });
  }

  private waitInterrupt(timeout: number, mask: number): Uint8Array {
    const vectors = this.design.top.nic.queues + 1;
    if (mask >= 2 ** vectors) throw new RequestError("BAD_VALUE", "mask", `0x${mask.toString(16)} names vectors beyond the device's 0 to ${vectors - 1}`);
    const delivered = this.clock.waitInterrupt(timeout, mask);
    return this.reply("WAIT_REPLY", { time_ps: this.now, vectors: delivered, pending: this.clock.latched });
  }

  private peerSa(values: MessageValues<"PEER_SA">): null {
    // The key file names an SA by SPI and addresses, and Wireshark takes the first line; the peer takes what the host sends by SPI alone: a second key under either would leave frames undecryptable.
    const given = this.peer.holds(spi(values.spi), ipv4(values.destination), values.direction === 0 ? "host-to-peer" : "peer-to-host");
    if (given !== null) throw new RequestError("BAD_VALUE", "spi", `0x${values.spi.toString(16)}${given === "spi and destination" ? ` to ${formatIpv4(ipv4(values.destination))}` : " (host to peer)"} is given already (an earlier PEER_SA): ${given === "spi and destination" ? "an SPI and destination name one SA" : "the peer tells the SAs it decrypts under apart by SPI"}`);
    this.peer.addSa({
      parameters: { spi: spi(values.spi), keyMaterial: values.key_material, icvLength: values.icv_bytes as IcvLength, esn: false },
      source: ipv4(values.source),
      destination: ipv4(values.destination),
      direction: values.direction === 0 ? "host-to-peer" : "peer-to-host",
    });
    return null;
  }

  private peerSend({ gap_ps, count, bytes, traffic_class, esp }: MessageValues<"PEER_SEND">): null {
    if (esp === 1 && !this.peer.canEncrypt) throw new RequestError("BAD_VALUE", "esp", "1, but the peer has no peer-to-host SA (PEER_SA with direction 1)");
    this.peer.send(count, gap_ps, bytes, traffic_class, esp === 1);
    return null;
  }

  /** What the client must know before a reply: the device's DMA writes into its memory, then the device's new diagnostics. */
  private notifications(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const memory = this.design.top.memory;
    for (const { address, length } of this.dmaWrites.take()) {
      for (let offset = 0; offset < length; offset += MAX_DATA_BYTES) {
        const data = memory.read(address + offset, Math.min(MAX_DATA_BYTES, length - offset)).slice();
        out.push(encodeMessage("MEMORY_UPDATE", { address: address + offset, data }));
      }
    }
    for (const diagnostic of this.diagnosticsToSend) out.push(encodeMessage("DIAGNOSTIC", { time_ps: diagnostic.time, code: ErrorCode[diagnostic.code], message: clipText(diagnostic.message) }));
    this.diagnosticsToSend = [];
    return out;
  }
}

/** A request that would happen, or be answered, past the last time the model holds. */
function pastModelTime(name: Message["name"], what: string): Served {
  return refusal("SIMULATION", name, `${name}: the model's time has run out: it ends at ${formatTime(LAST_TIME)} (2^53 - 1 ps), and ${what}`);
}

class PastModelTime extends Error {}

/** A request the session refuses, naming the field. */
class RequestError extends Error {
  constructor(
    readonly code: Refusal["error"],
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function refusal(error: Refusal["error"], name: MessageName, text: string): Served {
  return { kind: "refused", error, messageType: messageCode(name), text };
}

const messageCode = (name: MessageName) => layoutOf(name).spec.code;

function ipv4(value: number): Ipv4Address {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
