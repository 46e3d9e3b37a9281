import { defineEnum } from "../../sim/enum-type.js";
import type { Kernel } from "../../sim/kernel.js";
import { Mutex } from "../../sim/mutex.js";
import { type Command, delay } from "../../sim/process.js";
import type { Signal } from "../../sim/signal.js";
import type { SimEvent } from "../../sim/sim-event.js";

/** Messages between the base and intermediate drivers, as the waveform names them. */
export const DriverMessage = defineEnum("driver_message", ["NONE", "TX_NOT_IN_TABLE", "RX_NOT_IN_TABLE", "INSTALL", "EVICT", "REMOVE"]);
export type DriverMessageName = "TX_NOT_IN_TABLE" | "RX_NOT_IN_TABLE" | "INSTALL" | "EVICT" | "REMOVE";

/** The signals a message shows in: its kind and handle while it is handled, a count, and a pulse. */
export interface MessageSignals {
  readonly kind: Signal;
  readonly handle: Signal;
  readonly count: Signal;
  readonly sent: SimEvent;
}

/**
 * The path between the two driver layers: one message at a time, each taking `cost` picoseconds
 * (at least 1 ns, so that every message has a time of its own in the waveform). A sender waits
 * until its message has been handled. Messages waiting are handled by their SA's traffic class,
 * the highest first and in the order they came within a class, as the cores take work: gold's
 * "not in table" messages waited behind bulk's, 30 µs at p99 when bulk's misses kept it busy.
 */
export class MessageChannel {
  readonly counts = new Map<DriverMessageName, number>();
  /** Time the channel spent on messages, and the longest a sender waited for its turn, ps: its load, for the summary. */
  busyPicoseconds = 0;
  longestWait = 0;
  private total = 0;
  /** The channel, held by one message at a time; senders wait for it by their SA's class. */
  private readonly turn: Mutex;

  constructor(private readonly kernel: Kernel, private readonly signals: MessageSignals, private readonly cost: number) {
    this.turn = new Mutex(kernel, "the message channel between the drivers");
  }

  /** A message is being handled (others may wait for their turn): work under way, however long a message takes. */
  get underWay(): boolean {
    return this.turn.held;
  }

  *send(kind: DriverMessageName, handle: number, trafficClass: number): Generator<Command, void, unknown> {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const sent = this.kernel.now;
    yield* this.turn.acquire(trafficClass);
    this.longestWait = Math.max(this.longestWait, this.kernel.now - sent);
    this.busyPicoseconds += this.cost;
    this.signals.kind.set(DriverMessage.code(kind));
    this.signals.handle.set(handle);
    this.signals.count.set(++this.total);
    this.signals.sent.fire();
    yield delay(this.cost);
    // Handled: an idle channel shows NONE (it held the last kind, and its handle, until the next message; from a reviewer's check). A message taking its turn at once overwrites them in the same timestep.
    this.signals.kind.set(DriverMessage.code("NONE"));
    this.signals.handle.set(0);
    this.turn.release();
  }
}
