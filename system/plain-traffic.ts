import { inject, injectable } from "../sim/di.js";
import { ArrivalOrder } from "../sim/stats/arrival-order.js";
import type { ComponentContext } from "../sim/component.js";
import { ComponentContextToken } from "../sim/component.js";
import { param } from "../sim/parameters.js";
import { packetSequence, sequencedPacket } from "../sim/packet/test-frames.js";
import { AesGcmBackendToken } from "../sim/crypto/backend.js";
import type { CapturedSa } from "../sim/ipsec/wireshark-esp-sa.js";
import { EspPeer } from "./esp-peer.js";
import { configureTunnels, tunnelFrameBytes } from "./ipsec-setup.js";
import { driverQueueProblems, frameFitProblems } from "./scenario/device-fit.js";
import { ETHERNET_HEADER_BYTES } from "../sim/packet/ethernet.js";
import { delay } from "../sim/process.js";
import { Component } from "../sim/component.js";
import { NicSystem } from "./nic-system.js";

/** Simple IMIX: 7 small, 4 medium, 1 large frame in every 12. */
const IMIX = [60, 60, 60, 60, 60, 60, 60, 576, 576, 576, 576, 1514];

/** The lengths of the ESP frames plain-traffic sends: its IMIX, tunnelled. */
export function plainTrafficFrames(): number[] {
  return IMIX.map((frame) => tunnelFrameBytes(frame - ETHERNET_HEADER_BYTES));
}

export interface FlowRecord {
  sent: number;
  received: number;
  bytes: number;
  /** Sum and maximum of send-to-receive latency, ps. */
  latencyTotal: number;
  latencyMaximum: number;
  readonly order: ArrivalOrder;
}

/**
 * The plain-traffic scenario, over IPsec: one customer per traffic class, each with its own IKE
 * identity, ISAKMP profile, ipsec_qos_group and ESP tunnel to the remote gateway (inner addresses
 * overlap between customers). The host sends IMIX packets through the intermediate driver, which
 * encrypts them in software; the peer's gateway sends packets of the same classes back; the run
 * ends when every packet has arrived and decrypted. Each carries its class and sequence number,
 * so the receivers check order and measure latency per class.
 */
@injectable()
export class TrafficGenerator extends Component {
  readonly params = this.parameters({
    queues: param.integer(4, "Traffic classes (and queues) carrying traffic each way", { minimum: 1, maximum: 8 }),
    framesPerQueue: param.integer(400, "Frames sent per class in each direction", { minimum: 1 }),
    meanGapNanoseconds: param.integer(4000, "Mean gap between two frames of one sender (exponential)", { minimum: 0, unit: "ns" }),
  });
  toPeer: FlowRecord[] = [];
  toHost: FlowRecord[] = [];
  private readonly sentAt = new Map<string, number>();
  /** Which flow (index into toPeer/toHost) carries a traffic class. */
  private readonly flowOfClass = new Map<number, number>();
  private system!: NicSystem;
  private espPeer!: EspPeer;
  /** Every SA of the run, for the esp_sa file written beside the capture. */
  capturedSas: CapturedSa[] = [];

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  /** Start the senders and receivers on a built system. */
  attach(system: NicSystem): void {
    this.system = system;
    const flows = () => Array.from({ length: this.params.queues }, (): FlowRecord => ({ sent: 0, received: 0, bytes: 0, latencyTotal: 0, latencyMaximum: 0, order: new ArrivalOrder() }));
    this.toPeer = flows();
    this.toHost = flows();
    system.peer.keepReceived = false;
    system.driver.base.keepReceived = false;
    const customers = Array.from({ length: this.params.queues }, (_, flow) => ({ name: `customer-${String.fromCharCode(97 + flow)}`, trafficClass: this.classOf(flow), qosGroup: flow + 1 }));
    const tunnels = configureTunnels(system.driver.intermediate, customers, this.random);
    this.capturedSas = tunnels.captured;
    // The highest class is a priority class: its packets go first, on the wire and in the crypto engines (which it preempts).
    system.driver.base.setSchedules(new Map([[this.classOf(this.params.queues - 1), { strict: true, percent: 20 }]]));
    this.espPeer = new EspPeer(system.peer, this.container.resolve(AesGcmBackendToken), tunnels.peer);
    this.espPeer.onDeliver = (packet, frame) => this.arrived("to-peer", packet, frame.time);
    system.driver.intermediate.onDeliver = (delivered) => this.arrived("to-host", delivered.packet, delivered.time);
    for (let queue = 0; queue < this.params.queues; queue++) {
      this.flowOfClass.set(this.classOf(queue), queue);
      this.process(`host_sender${queue}`, () => this.hostSender(queue));
      this.process(`peer_sender${queue}`, () => this.peerSender(queue));
    }
    this.process("finish", () => this.finish());
  }

  get expectedFrames(): number {
    return this.params.queues * this.params.framesPerQueue * 2;
  }

  get arrivedFrames(): number {
    return [...this.toPeer, ...this.toHost].reduce((sum, flow) => sum + flow.received, 0);
  }

  /** Flow f uses traffic class f * 8 / flows (spread over 0..7), and the queue of that class. */
  classOf(flow: number): number {
    return Math.floor((flow * 8) / this.params.queues);
  }

  private size(queue: number, sequence: number): number {
    return IMIX[(sequence * 5 + queue) % IMIX.length]!;
  }

  private gap(): number {
    return Math.round(this.random.exponential(this.params.meanGapNanoseconds) * 1000);
  }

  private *hostSender(queue: number) {
    const intermediate = this.system.driver.intermediate;
    yield this.system.driver.base.whenReady();
    const trafficClass = this.classOf(queue);
    for (let sequence = 0; sequence < this.params.framesPerQueue; sequence++) {
      const packet = sequencedPacket("to-peer", trafficClass, sequence, this.size(queue, sequence));
      this.sentAt.set(`to-peer ${trafficClass} ${sequence}`, this.kernel.now);
      this.toPeer[queue]!.sent++;
      yield* intermediate.send(packet);
      yield delay(this.gap());
    }
  }

  private *peerSender(queue: number) {
    yield this.system.driver.base.whenReady();
    const trafficClass = this.classOf(queue);
    for (let sequence = 0; sequence < this.params.framesPerQueue; sequence++) {
      const packet = sequencedPacket("to-host", trafficClass, sequence, this.size(queue, sequence));
      this.sentAt.set(`to-host ${trafficClass} ${sequence}`, this.kernel.now);
      this.toHost[queue]!.sent++;
      // The peer's line is the limit: wait until it is free before queueing the next.
      const end = this.espPeer.send(queue, packet);
      yield delay(Math.max(0, end - this.kernel.now) + this.gap());
    }
  }

  private arrived(direction: "to-peer" | "to-host", bytes: Uint8Array, time: number): void {
    const { trafficClass, sequence } = packetSequence(bytes);
    const flow = (direction === "to-peer" ? this.toPeer : this.toHost)[this.flowOfClass.get(trafficClass) ?? -1];
    const key = `${direction} ${trafficClass} ${sequence}`;
    const sent = this.sentAt.get(key);
    if (!flow || sent === undefined) return;
    this.sentAt.delete(key);
    flow.order.arrived(sequence);
    flow.received++;
    flow.bytes += bytes.length;
    const latency = time - sent;
    flow.latencyTotal += latency;
    flow.latencyMaximum = Math.max(flow.latencyMaximum, latency);
  }

  /** Frames the device and the drivers dropped and counted (under fault injection): the report's drops, summed. */
  get droppedFrames(): number {
    const sum = (counts: ReadonlyMap<string, number>) => [...counts.values()].reduce((total, count) => total + count, 0);
    return sum(this.system.nic.statistics.drops) + sum(this.system.driver.base.drops) + sum(this.system.driver.intermediate.drops);
  }

  private *finish() {
    // Every frame accounted for: arrived, or dropped with a counted reason (a DMA fault's); a count that does not add up waits on to the time limit.
    while (this.arrivedFrames + this.droppedFrames !== this.expectedFrames) yield delay(1_000_000);
    const dropped = this.droppedFrames;
    this.kernel.stop(dropped === 0 ? `all ${this.expectedFrames} frames arrived` : `every frame arrived or was dropped with a counted reason (${dropped} of ${this.expectedFrames} dropped)`);
  }
}

/** The plain-traffic scenario: a NIC system with a traffic generator at `top.traffic`. */
@injectable()
export class PlainTraffic extends NicSystem {
  readonly traffic: TrafficGenerator;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.traffic = this.child(TrafficGenerator, "traffic");
    // Checked before the run, as a scenario's streams are: a frame the design cannot pass is dropped, and the run waited for it to its time limit.
    const longest = tunnelFrameBytes(Math.max(...IMIX) - ETHERNET_HEADER_BYTES);
    for (const problem of frameFitProblems(longest, "both", this, (path, value) => `top.${path} = ${value}`)) {
      // Led by the first value it names, as a parameter's own problem is: the command line places it at that value's --set.
      const first = /top\.[\w.]+ = \d+/.exec(problem)![0];
      this.overrides.misfit(`${this.overrides.source}: ${first}: plain-traffic's IMIX has frames of up to ${Math.max(...IMIX)} bytes: ${problem}`);
    }
    // A driver's queues that do not fit the NIC's, as a scenario's device fit says them.
    const asked = this.driver.base.params.queues;
    for (const problem of driverQueueProblems(asked, this.nic.queues, `top.nic.queues = ${this.nic.queues}`)) this.overrides.misfit(`${this.overrides.source}: top.driver.base.queues = ${asked}: ${problem}`);
    this.traffic.attach(this);
  }
}
