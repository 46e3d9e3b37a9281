import { inject, injectable } from "../sim/di.js";
import { Channel } from "../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import { MINIMUM_FRAME_BYTES } from "../sim/packet/ethernet.js";
import type { TransmitFrame, WireFrame } from "./link/frame.js";
import { type Wire, WireToken } from "./link/wire.js";
import { ReceiveLine } from "./link/receive-line.js";
import { type NicShared, NicSharedToken } from "./config.js";
import { EMPTY, type QueueSchedule, type QueueScheduler } from "./qos/class-scheduler.js";
import type { DeviceDropReason } from "./spec/drop-reasons.js";
import { WatchedSignals } from "../sim/watched-signals.js";

/**
 * The MAC, in its own clock domain (64 bits per cycle at the line rate). Transmit: takes frames
 * from the TX buffer and serialises them back to back, exactly at the line rate (a frame may
 * start between edges, as a deficit idle count allows), and frees their buffer space when the
 * last bit has left. Receive: checks each arriving frame (FCS, size, enable) and passes it on.
 */
@injectable()
export class Mac extends ClockedComponent {
  // Woken by its channels, register writes and the times it asks for: not asked isIdle while it sleeps.
  override readonly sleepsUntilWoken = true;
  readonly txBusy = this.signal("tx_busy", 1);
  readonly txFrameLength = this.signal("tx_frame_length", 16);
  readonly txFrames = this.signal("tx_frames", 32, { kind: "integer" });
  readonly rxBusy = this.signal("rx_busy", 1);
  readonly rxFrameLength = this.signal("rx_frame_length", 16);
  readonly rxFrames = this.signal("rx_frames", 32, { kind: "integer" });
  readonly rxErrors = this.signal("rx_errors", 32, { kind: "integer" });
  /** Set by CTRL. */
  transmitEnabled = false;
  receiveEnabled = false;
  fromTx!: Channel<TransmitFrame>;
  freed!: Channel<{ readonly queue: number; readonly bytes: number }>;
  toRx!: Channel<Uint8Array>;
  private lineFreeAt = 0;
  /** Frames from the TX buffer waiting for the wire, by queue. */
  private readonly waiting: TransmitFrame[][];
  private waitingFrames = 0;
  /** Which queue goes on the wire next (the policy map; TX_SCHED). */
  readonly scheduler: QueueScheduler;
  private sendingLength = 0;
  /** Frames started on the line whose last bit has not left yet. */
  private onLine = 0;
  private sent = 0;
  /**
   * Frames on their way in and arrived, by the edges that see them: a frame's first bit is seen from
   * its arrival; for one sent the very time it arrives from within a phase, from the next edge (an
   * event queued then would run after this time's edges).
   */
  private readonly receiveLine = new ReceiveLine();
  private readonly receiveSignals = new WatchedSignals([this.rxBusy, this.rxFrameLength, this.rxFrames, this.rxErrors]);
  private dirty = true;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(NicSharedToken) private readonly shared: NicShared,
    @inject(WireToken) private readonly wire: Wire,
  ) {
    super(context);
    this.waiting = Array.from({ length: shared.queues }, () => []);
    this.scheduler = shared.makeScheduler();
    wire.attach("nic", { frameComing: (arrival, length) => this.frameComing(arrival, length), frameEnd: (frame) => this.frameEnd(frame) });
    for (const signal of this.receiveSignals.signals) {
      signal.refresh = () => this.showReceived();
      signal.onWatched = () => this.receiveWatched();
    }
  }

  /**
   * Whether anything sees the receive signals (the waveform, a waiting process). Where nothing does,
   * the MAC does not run on a frame's edges only to draw them: a reader is shown what those edges drew.
   */
  private get receiveDrawn(): boolean {
    return this.receiveSignals.any;
  }

  /** The last MAC edge a reader now sees: one at now only once its phase has committed. */
  private lastSeenEdge(): number {
    return this.clock.edgeAfter(this.kernel.committedThrough) - this.clock.period;
  }

  /** Bring the receive signals up to the last edge seen, as its commit would have left them. */
  private showReceived(edge = this.lastSeenEdge()): void {
    const line = this.receiveLine;
    if (edge <= line.foldedThrough) return;
    line.foldThrough(edge);
    this.rxBusy.showDrawn(line.busy ? 1 : 0);
    this.rxFrameLength.showDrawn(line.frameLength);
    this.rxFrames.showDrawn(line.frames);
    this.rxErrors.showDrawn(line.errors);
  }

  /** Watched from now: shown as they stand, then drawn on every edge a frame's bits reach, as before. */
  private receiveWatched(): void {
    this.showReceived();
    this.wakeForUndrawn();
    this.touch();
  }

  /** The first edge at or after each first bit and last bit kept: where a watched MAC draws them. */
  private wakeForUndrawn(): void {
    for (const time of this.receiveLine.undrawn) this.wakeAt(time);
  }

  /** The edges a watched MAC would still take for the frames kept: each first bit to come, and the edge at or after each last bit not yet drawn. */
  planKeptEdges(): void {
    if (this.receiveDrawn) return;
    // Between runs: an edge at now was taken by the run that stopped here, had the MAC been watched.
    this.showReceived(this.clock.edgeAfter(this.kernel.now) - this.clock.period);
    this.wakeForUndrawn();
  }

  /** The first edge after `after` still to come at or after a first bit or last bit kept, where a watched MAC draws it (Clocked.nextKeptEdge). */
  nextKeptEdge(after: number): number {
    if (this.receiveDrawn) return Infinity;
    const from = Math.max(after, this.kernel.committedThrough);
    let edge = Infinity;
    for (const time of this.receiveLine.undrawn) {
      const drawnAt = this.clock.edgeAfter(time - 1);
      if (drawnAt > from && drawnAt < edge) edge = drawnAt;
    }
    return edge;
  }

  /** Frames to send or on the line, and the line's gap after its last frame: the edges it asks for only to draw a received frame are not work, and it asks for none unwatched. */
  workUnderWay(): boolean {
    return this.fromTx.length > 0 || (this.transmitEnabled && this.waitingFrames > 0) || this.onLine > 0 || this.sendingLength > 0;
  }

  /** Frames handed to the MAC whose last bit has not left (counted sent from then, not from the gap after it): for a summary of what a run left unsent. */
  get framesHeld(): number {
    return this.fromTx.length + this.waitingFrames + this.onLine;
  }

  /**
   * TX_SCHED write: the wire's policy for the queue, from the MAC's next pick. No wake: unlike the
   * TX engine's, the MAC's pick always finds a frame when one waits (a class over its policed rate
   * goes when no other has one), so the MAC never sleeps with the line free and a frame waiting,
   * and it looks again when the line frees.
   */
  configure(queue: number, schedule: QueueSchedule): void {
    this.scheduler.configure(queue, schedule, this.kernel.now);
  }

  /** CTRL write: a change of enable wakes the MAC. */
  enable(transmit: boolean, receive: boolean): void {
    this.transmitEnabled = transmit;
    this.receiveEnabled = receive;
    this.touch();
  }

  /** With a frame on the line: the edge before it frees when a frame waits to follow it, else when it frees, to show the line idle. */
  nextWakeTime(): number {
    if (this.sendingLength === 0) return Infinity;
    return this.transmitEnabled && (this.waitingFrames > 0 || this.fromTx.length > 0) ? this.lineFreeAt - this.clock.period : this.lineFreeAt;
  }

  /** A frame from the TX buffer: the MAC looks at it on the edge it could start it, not before. */
  override wakeAfter(time: number): void {
    this.wakeAt(Math.max(this.lineFreeAt - this.clock.period, time + 1));
  }

  override isIdle(): boolean {
    if (this.dirty) return false;
    const now = this.kernel.now;
    if (this.receiveLine.nextSeen <= now && this.receiveDrawn) return false;
    if (this.sendingLength > 0 && now >= this.lineFreeAt) return false;
    return !(this.transmitEnabled && (this.fromTx.ready || this.waitingFrames > 0) && this.lineFreeAt <= now + this.clock.period);
  }

  evaluate(): void {
    const now = this.kernel.now;
    this.dirty = false;
    if (now >= this.lineFreeAt) this.sendingLength = 0;
    // Start at the edge before the line frees, so the next frame follows at exactly lineFreeAt.
    for (let frame = this.fromTx.take(); frame; frame = this.fromTx.take()) {
      this.waiting[frame.queue]!.push(frame);
      this.waitingFrames++;
    }
    if (this.transmitEnabled && this.lineFreeAt <= now + this.clock.period && this.waitingFrames > 0) {
      // The policy map at the wire: strict classes first (policed), then the minimums, then the remaining weights.
      const queue = this.scheduler.pick(now, this.headBytes);
      if (queue >= 0) {
        const frame = this.waiting[queue]!.shift()!;
        this.waitingFrames--;
        this.scheduler.charge(queue, frame.bytes.length);
        this.send(frame, Math.max(this.lineFreeAt, now));
      }
    }
    this.txBusy.set(this.sendingLength > 0 ? 1 : 0);
    this.txFrameLength.set(this.sendingLength);
    this.txFrames.set(this.sent);
    const line = this.receiveLine;
    line.foldThrough(now);
    this.rxBusy.set(line.busy ? 1 : 0);
    this.rxFrameLength.set(line.frameLength);
    this.rxFrames.set(line.frames);
    this.rxErrors.set(line.errors);
  }

  /** A queue's head frame's bytes for the scheduler, or EMPTY. */
  private readonly headBytes = (queue: number): number => this.waiting[queue]![0]?.bytes.length ?? EMPTY;

  private send(frame: TransmitFrame, start: number): void {
    this.shared.stages.record("tx", "wire-start", start, frame.packet, frame.bytes);
    this.onLine++;
    this.wire.transmit("nic", { bytes: frame.bytes, fcsGood: true }, start, () => {
      this.shared.stages.record("tx", "wire-end", this.kernel.now, frame.packet, frame.bytes);
      this.onLine--;
      this.sent++;
      this.shared.statistics.txPackets[frame.queue]!++;
      // The frame as the line carried it: a short one padded to the minimum (from a driver developer's check: 1-, 14- and 59-byte frames counted 134 bytes where 180 went out).
      this.shared.statistics.txBytes[frame.queue]! += Math.max(frame.bytes.length, MINIMUM_FRAME_BYTES);
      this.freed.push({ queue: frame.queue, bytes: frame.bytes.length });
      this.touch();
    });
    this.lineFreeAt = start + this.wire.occupancy(frame.bytes.length);
    this.sendingLength = Math.max(frame.bytes.length, MINIMUM_FRAME_BYTES);
  }

  private frameComing(arrival: number, length: number): void {
    const now = this.kernel.now;
    const seenFrom = arrival > now || !this.kernel.phaseRanNow ? arrival : arrival + 1;
    this.receiveLine.coming(seenFrom, length);
    // Before the first run a waveform may still come, which would show the line from its start: drawn.
    if (!this.receiveDrawn && this.kernel.begun) return;
    // Planned now, so that no event runs at the frame's first bit: the MAC runs on the edge it is seen, as it would have woken for such an event.
    // Seen now (sent from outside a run, before this time's edges): an edge now is still to come, which only a wake reaches.
    if (seenFrom === now) this.wake();
    else this.wakeAt(seenFrom);
  }

  private frameEnd(frame: WireFrame): void {
    // Unwatched, the times gone by are folded as each frame ends: what the line keeps is only what is still to come.
    if (this.receiveDrawn) this.touch();
    else this.showReceived();
    const length = frame.bytes.length;
    let reason: DeviceDropReason | null = null;
    if (!this.receiveEnabled) reason = "RX_DISABLED";
    else if (!frame.fcsGood) reason = "FCS_ERROR";
    else if (length < MINIMUM_FRAME_BYTES) reason = "RUNT";
    else if (length > this.shared.maxFrameBytes) reason = "OVERSIZE";
    this.receiveLine.ended(this.kernel.now, reason === null);
    if (reason) {
      this.shared.statistics.drop(reason, { frame: frame.bytes });
      return;
    }
    this.toRx.push(frame.bytes);
  }

  private touch(): void {
    this.dirty = true;
    this.wake();
  }
}
