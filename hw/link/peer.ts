import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { param } from "../../sim/parameters.js";
import { LONGEST_WIRE_FRAME, type WireFrame } from "./frame.js";
import { valueKind } from "../../sim/shown-value.js";
import { type Wire, WireToken } from "./wire.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType } from "../../sim/packet/ethernet.js";
import { dscpClass as classOfDscp } from "../../sim/packet/dscp.js";
import { ClassScheduler, EMPTY } from "../qos/class-scheduler.js";
import { MAX_QUEUES } from "../spec/registers.js";
import { TimedCounter } from "../../sim/timed-counter.js";

interface Queued {
  readonly bytes: Uint8Array;
  readonly fcsGood: boolean;
  readonly unpadded: boolean;
}

/** The largest burst IOS takes for a priority class (`priority percent N burst`), bytes. */
const MOST_BURST_BYTES = 2_000_000;

/** A priority class's policer burst at the gateway: `milliseconds` at its percent of the line, at most IOS's largest. Bytes of line time. */
export function priorityBurstBytes(milliseconds: number, lineBytesPerPicosecond: number, percent: number): number {
  return Math.min(MOST_BURST_BYTES, milliseconds * 1e9 * lineBytesPerPicosecond * (percent / 100));
}

/** Frames' worth of line time ahead of a frame beyond which it is kept in bytes of its own. */
const LONG_WAIT_FRAMES = 16;

/** The traffic class an IPv4 frame's DSCP names (sim/packet/dscp.ts), or -1 for any other frame. */
function dscpClass(bytes: Uint8Array): number {
  return bytes.length > ETHERNET_HEADER_BYTES + 1 && etherType(bytes) === ETHERTYPE_IPV4 ? classOfDscp(bytes[ETHERNET_HEADER_BYTES + 1]! >> 2) : -1;
}

export interface ReceivedFrame {
  /** Time the frame's last bit arrived. */
  readonly time: number;
  readonly bytes: Uint8Array;
}

/** The gateway's station's parameters (`top.peer`): a scenario's checks read their defaults here. */
export const PEER_PARAMETERS = {
  queueFrames: param.integer(1000, "Frames the gateway's output queue holds waiting for the line (each of its two with priority classes: as Linux's txqueuelen, 1000); a packet of a scenario's traffic that finds it full is dropped, QUEUE_FULL (its IKE messages and injected replays are not)", { minimum: 1, maximum: 10_000_000 }),
  congestionFrames: param.integer(16, "Frames waiting for the line, of any class, at which the gateway counts it congested (as IOS's full tx-ring): its priority classes' policers drop only then, so a class over its rate still fills a line that would otherwise idle; with priority classes, less than queueFrames", { minimum: 1, maximum: 10_000_000 }),
  softLifetimePercent: param.integer(90, "Share of an ESP SA pair's kilobyte lifetime, counted on what it sends, after which a scenario's IKE gateway rekeys the pair itself, unless a Quick Mode for the tunnel is under way (IOS and strongSwan peers rekey at their own soft lifetime): later than the host's driver.intermediate.ike.softLifetimePercent, so the host normally rekeys first, but a host behind on what it takes does not leave the gateway's end to expire (NO_SA); 100: the gateway rekeys only through its acquire, after its hard lifetime", { minimum: 1, maximum: 100, unit: "%" }),
  priorityBurstMilliseconds: param.number(200, "Burst of each priority class's policer at the gateway, in time at the class's rate, at most 2,000,000 bytes (IOS's default for 'priority percent', and its largest): a class over its rate under congestion has its packets dropped (POLICED) once it has used this up", { minimum: 0.000001, maximum: 1_000_000, unit: "ms" }),
};

/**
 * The remote end of the link: a station that sends frames back to back at the line rate in the
 * order given, and records (and hands to `onReceive`) every frame it receives. A gateway that
 * runs low-latency queuing names its priority classes: an IPv4 frame whose DSCP falls in one of
 * them goes ahead of the frames still waiting (never of one on the line). Each priority class is
 * policed as IOS polices a low-latency queue's class: over its own percent of the line and its
 * burst while a backlog waits for the line (congestion), its packets are dropped as they come.
 */
@injectable()
export class RemotePeer extends Component {
  readonly params = this.parameters(PEER_PARAMETERS);
  readonly txFrames = this.signal("tx_frames", 32, { kind: "integer" });
  readonly rxFrames = this.signal("rx_frames", 32, { kind: "integer" });
  readonly received: ReceivedFrame[] = [];
  /** Keep received frames in `received` (turn off for long runs that only count). */
  keepReceived = true;
  onReceive: (frame: ReceivedFrame) => void = () => {};
  /** The priority classes' policers by traffic class: a token bucket each (the NIC's scheduler's), asked as a packet comes; none without priority classes. */
  private readonly policers = new Map<number, ClassScheduler>();
  private lineFreeAt = 0;
  /** With priority classes: the frames waiting for the line, priority ones and the rest, and whether a pump is set for when it frees. */
  private readonly waiting = { priority: [] as Queued[], other: [] as Queued[] };
  /** Line time of the frames in each queue: a send under an overload's backlog added it up again, frame by frame. */
  private readonly waitingTime = { priority: 0, other: 0 };
  private pumpSet = false;
  /** Without priority classes: when each frame sent starts on the line, from the first that may not have started yet. */
  private readonly starts: number[] = [];
  private startsHead = 0;
  private sent = 0;
  /** tx_frames, counted as each frame's last bit leaves. */
  private readonly transmitted = new TimedCounter(this.kernel, this.txFrames, `${this.path}.sent`);
  private receivedCount = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(WireToken) private readonly wire: Wire) {
    super(context);
    wire.attach("peer", { frameEnd: (frame) => this.frameEnd(frame) });
  }

  /** Traffic classes (DSCP / 8) whose frames go ahead of the others waiting: those with a policer. */
  get priorityClasses(): ReadonlySet<number> {
    return new Set(this.policers.keys());
  }

  /** Run low-latency queuing: these traffic classes (DSCP / 8) go first, in one queue (as IOS's), each policed to its percent of the line under congestion. */
  prioritise(percents: ReadonlyMap<number, number>): void {
    // Congestion counted only once a queue is full never comes for a class over its rate: it took the other queue's room, whose traffic was dropped instead (QUEUE_FULL; from an outside check).
    if (percents.size > 0 && this.params.congestionFrames >= this.params.queueFrames) {
      this.misfitParameter("congestionFrames", `must be less than ${this.path}.queueFrames (${this.params.queueFrames}) with priority classes: the line is never congested before a queue is full, and a class over its rate takes the other queue's room (its traffic dropped, QUEUE_FULL)`, ["queueFrames"]);
    }
    const line = this.wire.bytesPerPicosecond;
    for (const [trafficClass, percent] of percents) {
      const policer = new ClassScheduler(MAX_QUEUES, line, { bucketDepth: priorityBurstBytes(this.params.priorityBurstMilliseconds, line, percent) });
      policer.configure(trafficClass, { strict: true, percent, remaining: 0 }, this.kernel.now);
      this.policers.set(trafficClass, policer);
    }
  }

  /**
   * Queue a frame (without FCS) for sending; returns when its last bit will have left. Faults to
   * inject: `fcsGood: false` (a corrupted frame), `pad: false` (a runt, left shorter than 60 bytes).
   */
  send(bytes: Uint8Array, options: { fcsGood?: boolean; pad?: boolean } = {}): number {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${this.path}.send: the frame must be a Uint8Array (or Buffer), not ${valueKind(bytes)}`);
    // A longer one stopped the run inside the NIC's MAC (its 16-bit frame length); one up to this is the NIC's to drop as OVERSIZE (from a driver developer's check).
    // Padded, an empty frame went out as 60 zero bytes and the host was given it as a frame (from a driver developer's check).
    if (bytes.length === 0) throw new RangeError(`${this.path}.send: an empty frame (0 bytes) is no frame: give its bytes (a runt, shorter than 60 bytes, goes with pad: false)`);
    if (bytes.length > LONGEST_WIRE_FRAME) throw new RangeError(`${this.path}.send: a frame of ${bytes.length} bytes is longer than the wire carries (${LONGEST_WIRE_FRAME} bytes without FCS); the NIC drops one longer than nic.maxFrameBytes as OVERSIZE`);
    this.sent++;
    const occupancy = this.wire.occupancy(bytes.length);
    const start = Math.max(this.kernel.now, this.lineFreeAt);
    const frame = (waits: number) => ({ bytes: this.kept(bytes, waits, occupancy), fcsGood: options.fcsGood ?? true, unpadded: options.pad === false });
    if (this.policers.size === 0) {
      this.starts.push(start);
      this.waitingInLine();
      return this.transmit(frame(start - this.kernel.now), start);
    }
    // With priority classes a frame waits in its queue until the line is free: the time returned is when it will have left (the gap after it included) if no priority frame comes after it.
    const kind = this.queueOf(dscpClass(bytes));
    const before = this.waitingTime.priority + (kind === "priority" ? 0 : this.waitingTime.other);
    this.waiting[kind].push(frame(start - this.kernel.now + before));
    this.waitingTime[kind] += occupancy;
    const end = start + before + occupancy;
    this.pump();
    return end;
  }

  /**
   * Why the output queue would not take a frame of `bytes` of traffic class `trafficClass` now, or
   * null when it takes it (and a priority class's policer is charged for it): its queue full (frames
   * not yet started on the line count, the one on it does not), or a priority class over its rate
   * and burst while a backlog waits (congestion).
   */
  refusal(trafficClass: number, bytes: number): "QUEUE_FULL" | "POLICED" | null {
    if (this.policers.size === 0) return this.waitingInLine() < this.params.queueFrames ? null : "QUEUE_FULL";
    if (this.waiting[this.queueOf(trafficClass)].length >= this.params.queueFrames) return "QUEUE_FULL";
    const policer = this.policers.get(trafficClass);
    if (policer === undefined) return null;
    // Congestion is a backlog of any class waiting for the line: without one a class over its rate goes (IOS's conditional policer), and the line does not idle for a dropped frame.
    const account = policer.strictMayGo(this.kernel.now, trafficClass, bytes, this.congestion);
    if (account === null) return "POLICED";
    policer.charge(trafficClass, bytes, account);
    return null;
  }

  /** For a policer, whether the line is congested: congestionFrames or more of any class waiting for it, told as class-default's (never a priority class) having one. */
  private readonly congestion = (trafficClass: number): number => (trafficClass === 0 && this.waiting.priority.length + this.waiting.other.length >= this.params.congestionFrames ? 1 : EMPTY);

  /** With priority classes, the queue a traffic class's frames wait in. */
  private queueOf(trafficClass: number): "priority" | "other" {
    return this.policers.has(trafficClass) ? "priority" : "other";
  }

  /** When the line will have sent every frame queued now (in the past once it has): the gateway's backlog, which a run's drain waits out. */
  get queuedUntil(): number {
    return this.lineFreeAt + this.waitingTime.priority + this.waitingTime.other;
  }

  /** Without priority classes, the frames sent that have not started on the line yet. */
  private waitingInLine(): number {
    const now = this.kernel.now;
    const starts = this.starts;
    while (this.startsHead < starts.length && starts[this.startsHead]! <= now) this.startsHead++;
    // Started ones are let go in bulk: shifting one at a time would move the whole backlog each time.
    if (this.startsHead > 1024 && this.startsHead * 2 > starts.length) {
      starts.splice(0, this.startsHead);
      this.startsHead = 0;
    }
    return starts.length - this.startsHead;
  }

  /** Send the next waiting frame, priority first, whenever the line is free. */
  private pump(): void {
    const now = this.kernel.now;
    if (this.lineFreeAt > now) {
      if (!this.pumpSet) {
        this.pumpSet = true;
        this.kernel.schedule(this.lineFreeAt - now, `${this.path}.pump`, () => {
          this.pumpSet = false;
          this.pump();
        });
      }
      return;
    }
    const kind = this.waiting.priority.length > 0 ? "priority" : "other";
    const next = this.waiting[kind].shift();
    if (!next) return;
    this.waitingTime[kind] -= this.wire.occupancy(next.bytes.length);
    this.transmit(next, now);
    this.pump();
  }

  /**
   * A frame that will wait behind a long backlog (an overload) is kept in bytes of its own: a pooled
   * buffer keeps its whole slab, and a backlog of 1400-byte frames held about eight times its size.
   * One already in bytes of its own is sent as it is (the scoreboard knows an injected replay by it).
   */
  private kept(bytes: Uint8Array, waits: number, occupancy: number): Uint8Array {
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return !own && waits > LONG_WAIT_FRAMES * occupancy ? bytes.slice() : bytes;
  }

  private transmit(frame: Queued, start: number): number {
    const end = this.wire.transmit("peer", frame, start);
    this.transmitted.countAt(end);
    this.lineFreeAt = start + this.wire.occupancy(frame.bytes.length);
    return end;
  }

  get receivedFrames(): number {
    return this.receivedCount;
  }

  /** Frames queued by send() so far. */
  get queued(): number {
    return this.sent;
  }

  private frameEnd(frame: WireFrame): void {
    const received = { time: this.kernel.now, bytes: frame.bytes };
    this.receivedCount++;
    this.rxFrames.set(this.receivedCount);
    if (this.keepReceived) this.received.push(received);
    this.onReceive(received);
  }
}
