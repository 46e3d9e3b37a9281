import { inject, injectable } from "../sim/di.js";
import type { ComponentContext } from "../sim/component.js";
import { ComponentContextToken } from "../sim/component.js";
import { param } from "../sim/parameters.js";
import { frameSequence, sequencedFrame } from "../sim/packet/test-frames.js";
import { delay } from "../sim/process.js";
import { Component } from "../sim/component.js";
import { NicSystem } from "./nic-system.js";

/** Simple IMIX: 7 small, 4 medium, 1 large frame in every 12. */
const IMIX = [60, 60, 60, 60, 60, 60, 60, 576, 576, 576, 576, 1514];

export interface FlowRecord {
  sent: number;
  received: number;
  bytes: number;
  /** Sum and maximum of send-to-receive latency, ps. */
  latencyTotal: number;
  latencyMaximum: number;
  outOfOrder: number;
}

/**
 * The plain-traffic scenario: the host sends IMIX frames on several TX queues (one traffic class
 * each) and the peer sends frames of the same classes back, both with random gaps; the run ends
 * when every frame has arrived. Each frame carries its class and sequence number, so the
 * receivers check order and measure latency per class.
 */
@injectable()
export class TrafficGenerator extends Component {
  readonly params = this.parameters({
    queues: param.integer(4, "Traffic classes (and queues) carrying traffic each way", { minimum: 1, maximum: 8 }),
    framesPerQueue: param.integer(400, "Frames sent per class in each direction", { minimum: 1 }),
    meanGapNanoseconds: param.integer(500, "Mean gap between two frames of one sender (exponential)", { minimum: 0, unit: "ns" }),
  });
  toPeer: FlowRecord[] = [];
  toHost: FlowRecord[] = [];
  private readonly sentAt = new Map<string, number>();
  /** Which flow (index into toPeer/toHost) carries a traffic class. */
  private readonly flowOfClass = new Map<number, number>();
  private system!: NicSystem;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  /** Start the senders and receivers on a built system. */
  attach(system: NicSystem): void {
    this.system = system;
    const flows = () => Array.from({ length: this.params.queues }, (): FlowRecord => ({ sent: 0, received: 0, bytes: 0, latencyTotal: 0, latencyMaximum: 0, outOfOrder: 0 }));
    this.toPeer = flows();
    this.toHost = flows();
    system.peer.keepReceived = false;
    system.driver.base.keepReceived = false;
    system.peer.onReceive = (frame) => this.arrived("to-peer", frame.bytes, frame.time);
    system.driver.base.onReceive = (frame) => this.arrived("to-host", frame.bytes, frame.time);
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
    const driver = this.system.driver.base;
    yield driver.whenReady();
    const trafficClass = this.classOf(queue);
    const transmitQueue = this.system.nic.rx.queueOf(trafficClass);
    for (let sequence = 0; sequence < this.params.framesPerQueue; sequence++) {
      const frame = sequencedFrame("to-peer", trafficClass, sequence, this.size(queue, sequence));
      this.sentAt.set(`to-peer ${trafficClass} ${sequence}`, this.kernel.now);
      this.toPeer[queue]!.sent++;
      yield* driver.transmit(transmitQueue, frame, { trafficClass });
      yield delay(this.gap());
    }
  }

  private *peerSender(queue: number) {
    yield this.system.driver.base.whenReady();
    const trafficClass = this.classOf(queue);
    for (let sequence = 0; sequence < this.params.framesPerQueue; sequence++) {
      const frame = sequencedFrame("to-host", trafficClass, sequence, this.size(queue, sequence));
      this.sentAt.set(`to-host ${trafficClass} ${sequence}`, this.kernel.now);
      this.toHost[queue]!.sent++;
      // The peer's line is the limit: wait until it is free before queueing the next.
      const end = this.system.peer.send(frame);
      yield delay(Math.max(0, end - this.kernel.now) + this.gap());
    }
  }

  private arrived(direction: "to-peer" | "to-host", bytes: Uint8Array, time: number): void {
    const { trafficClass, sequence } = frameSequence(bytes);
    const flow = (direction === "to-peer" ? this.toPeer : this.toHost)[this.flowOfClass.get(trafficClass) ?? -1];
    const key = `${direction} ${trafficClass} ${sequence}`;
    const sent = this.sentAt.get(key);
    if (!flow || sent === undefined) return;
    this.sentAt.delete(key);
    if (sequence !== flow.received) flow.outOfOrder++;
    flow.received++;
    flow.bytes += bytes.length;
    const latency = time - sent;
    flow.latencyTotal += latency;
    flow.latencyMaximum = Math.max(flow.latencyMaximum, latency);
  }

  private *finish() {
    while (this.arrivedFrames < this.expectedFrames) yield delay(1_000_000);
    this.kernel.stop(`all ${this.expectedFrames} frames arrived`);
  }
}

/** The plain-traffic scenario: a NIC system with a traffic generator at `top.traffic`. */
@injectable()
export class PlainTraffic extends NicSystem {
  readonly traffic: TrafficGenerator;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.traffic = this.child(TrafficGenerator, "traffic");
    this.traffic.attach(this);
  }
}
