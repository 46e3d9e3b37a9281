import { defineEnum } from "../../sim/enum-type.js";
import type { Kernel } from "../../sim/kernel.js";
import { delay } from "../../sim/process.js";
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
 * until its message has been handled; messages sent at once are handled one after another.
 */
export class MessageChannel {
  readonly counts = new Map<DriverMessageName, number>();
  private freeAt = 0;
  private total = 0;

  constructor(private readonly kernel: Kernel, private readonly signals: MessageSignals, private readonly cost: number) {}

  *send(kind: DriverMessageName, handle: number) {
    const now = this.kernel.now;
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + this.cost;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const show = () => {
      this.signals.kind.set(DriverMessage.code(kind));
      this.signals.handle.set(handle);
      this.signals.count.set(++this.total);
      this.signals.sent.fire();
    };
    if (start === now) show();
    else this.kernel.schedule(start - now, "driver message", show);
    yield delay(this.freeAt - now);
  }
}
