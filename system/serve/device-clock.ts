import type { Nic } from "../../hw/nic.js";
import type { Kernel } from "../../sim/kernel.js";
import { LAST_TIME } from "../../sim/time.js";

/**
 * The client's time, by one rule: the client's requests happen at the current simulated time
 * plus the cost of a call, and only the client moves time on (a wait, a wait for an interrupt, or
 * the round trip of a register read it makes). Interrupt messages (MSI-X) are latched per vector
 * as the device sends them, until a wait for their vector delivers them.
 */
export class DeviceClock {
  /** Vectors that fired and were not delivered yet, bit v for vector v. */
  latched = 0;

  constructor(
    private readonly kernel: Kernel,
    private readonly nic: Nic,
  ) {
    const clock = this;
    for (let vector = 0; vector <= nic.queues; vector++) {
      kernel.process(`client_msix${vector}`, function* () {
        for (;;) {
          yield nic.interrupt(vector);
          clock.latched |= 1 << vector;
        }
      });
    }
  }

  /** Let `picoseconds` pass: the model runs up to then, events at that time included; without a limit (Infinity), until nothing is left to happen. */
  advance(picoseconds: number): void {
    const until = this.limit(picoseconds);
    this.kernel.run(until === null ? {} : { until });
  }

  /** Run until the writes posted so far have reached the device; one that would land past the last time the model holds never does, and the model runs to that time. */
  landPostedWrites(): void {
    const landed = Math.min(this.nic.postedWritesLanded, LAST_TIME);
    if (landed > this.kernel.now) this.kernel.run({ until: landed });
  }

  wait(picoseconds: number): void {
    this.advance(picoseconds);
  }

  /** A register read, made now: the model runs until its value is back (its round trip, after the posted writes before it); null if that would be past the last time the model holds. */
  mmioRead(offset: number): number | null {
    const result: { value: number | null } = { value: null };
    const nic = this.nic;
    this.kernel.process("client_mmio_read", function* () {
      result.value = (yield nic.mmioRead(offset)) as number;
    });
    this.kernel.run({ stopWhen: () => result.value !== null });
    return result.value;
  }

  /** Wait until a vector in `mask` is latched, at most `timeout` ps; deliver (unlatch) those in the mask and return them (0: timed out). */
  waitInterrupt(timeout: number, mask: number): number {
    const until = this.limit(timeout);
    const stopWhen = () => (this.latched & mask) !== 0;
    if ((this.latched & mask) === 0) this.kernel.run(until === null ? { stopWhen } : { until, stopWhen });
    const delivered = this.latched & mask;
    this.latched &= ~mask;
    return delivered >>> 0;
  }

  /** The time `picoseconds` from now, or null for no limit: a wait that would end past the last representable time has none. */
  private limit(picoseconds: number): number | null {
    const end = this.kernel.now + picoseconds;
    return end > Number.MAX_SAFE_INTEGER ? null : end;
  }
}
