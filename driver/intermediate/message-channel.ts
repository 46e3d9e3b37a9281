import { defineEnum } from "../../sim/enum-type.js";
import type { Kernel } from "../../sim/kernel.js";
import { type Command, delay, type Process } from "../../sim/process.js";
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
  private busy = false;
  private total = 0;
  /** Senders waiting, highest class first. */
  private readonly waiting: { readonly process: Process; readonly trafficClass: number }[] = [];

  constructor(private readonly kernel: Kernel, private readonly signals: MessageSignals, private readonly cost: number) {}

  *send(kind: DriverMessageName, handle: number, trafficClass: number): Generator<Command, void, unknown> {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const sent = this.kernel.now;
    // The sender that ends its message hands the channel over to the first waiting: busy stays set.
    if (this.busy) yield this.waitTurn(trafficClass);
    this.busy = true;
    this.longestWait = Math.max(this.longestWait, this.kernel.now - sent);
    this.busyPicoseconds += this.cost;
    this.signals.kind.set(DriverMessage.code(kind));
    this.signals.handle.set(handle);
    this.signals.count.set(++this.total);
    this.signals.sent.fire();
    yield delay(this.cost);
    const next = this.waiting.shift();
    if (next) this.kernel.resumeAt(next.process, this.kernel.now);
    else this.busy = false;
  }

  private waitTurn(trafficClass: number): Command {
    return {
      arm: (_scheduler, process) => {
        const after = this.waiting.findIndex((waiting) => waiting.trafficClass < trafficClass);
        this.waiting.splice(after < 0 ? this.waiting.length : after, 0, { process, trafficClass });
      },
      describe: () => "the message channel between the drivers",
    };
  }
}
