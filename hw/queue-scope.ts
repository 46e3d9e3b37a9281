import { inject, injectable } from "../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import type { RingRegisters } from "./ring.js";

/**
 * One queue's scope in the waveform (`top.nic.tx.q3`): its ring pointers, enable, doorbell, and
 * the descriptors the device holds. Engines publish their state here once per evaluated edge,
 * so a register write and an engine update in one phase never drive a signal twice.
 */
@injectable()
export class QueueScope extends Component {
  readonly head = this.signal("head", 16);
  readonly tail = this.signal("tail", 16);
  readonly enabled = this.signal("enabled", 1);
  /** The device disabled the queue after a failed descriptor fetch (TXDCTL/RXDCTL.FAULT), until the driver enables it again. */
  readonly fault = this.signal("fault", 1);
  readonly doorbell = this.event("doorbell");
  readonly cached = this.signal("descriptors_cached", 16);
  readonly pending = this.signal("frames_pending", 16);
  /** What publish draws. */
  readonly published = [this.head, this.tail, this.enabled, this.fault, this.cached, this.pending];

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.tail.refresh = () => this.showUndrawnTails();
  }

  /**
   * Tails written by doorbells that did not wake the engine (nothing watching, nothing for it to
   * do), each with the edge a woken engine would have drawn it on. A reader is shown those whose
   * edge has committed: without this it read the tail the engine last drew, and a waveform window
   * that never opened dumped it so at the run's end (from an outside check).
   */
  private undrawnTails: { readonly edge: number; readonly value: number }[] = [];

  /** A doorbell wrote `value`; the engine, not woken, would have drawn it on `edge`. */
  tailUndrawn(edge: number, value: number): void {
    this.undrawnTails.push({ edge, value });
  }

  private showUndrawnTails(): void {
    const undrawn = this.undrawnTails;
    if (undrawn.length === 0) return;
    const committed = this.kernel.committedThrough;
    let shown = 0;
    while (shown < undrawn.length && undrawn[shown]!.edge <= committed) shown++;
    if (shown === 0) return;
    this.tail.showDrawn(undrawn[shown - 1]!.value);
    undrawn.splice(0, shown);
  }

  /** The values last published, so that an unchanged queue costs a few comparisons. */
  private publishedKey = -1;
  private publishedCached = -1;
  private publishedPending = -1;

  publish(ring: RingRegisters, cached: number, pending: number): void {
    // The engine draws the tail as it stands: the doorbells before this edge are drawn now, later ones not yet.
    if (this.undrawnTails.length > 0) {
      const now = this.kernel.now;
      this.undrawnTails = this.undrawnTails.filter((undrawn) => undrawn.edge > now);
    }
    const head = ring.head;
    const tail = ring.tail;
    const key = head * 0x1_0000_0000 + tail * 0x10000 + (ring.enabled ? 1 : 0) + (ring.fault ? 2 : 0);
    if (key === this.publishedKey && cached === this.publishedCached && pending === this.publishedPending) return;
    this.publishedKey = key;
    this.publishedCached = cached;
    this.publishedPending = pending;
    this.head.set(head);
    this.tail.set(tail);
    this.enabled.set(ring.enabled ? 1 : 0);
    this.fault.set(ring.fault ? 1 : 0);
    this.cached.set(Math.min(cached, 0xffff));
    this.pending.set(Math.min(pending, 0xffff));
  }
}
