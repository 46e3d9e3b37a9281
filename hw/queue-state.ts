import { DescriptorPrefetch } from "./descriptor-prefetch.js";
import type { Fifo } from "../sim/fifo.js";
import type { QueueScope } from "./queue-scope.js";
import type { RingRegisters } from "./ring.js";

/** What the device keeps per queue, either direction: the ring's registers, its scope and its descriptor cache. */
export class QueueState<D> {
  readonly prefetch: DescriptorPrefetch<D>;

  constructor(
    readonly ring: RingRegisters,
    readonly scope: QueueScope,
    parse: (bytes: Uint8Array, offset: number, index: number) => D,
    /** Whether a due fetch waits for the host to hold a due fetch's descriptors (DescriptorPrefetch.fetchDue). */
    waitsForHost = false,
  ) {
    this.prefetch = new DescriptorPrefetch(ring, parse, waitsForHost);
  }

  /** Fetched descriptors, in ring order. */
  get cache(): Fifo<D> {
    return this.prefetch.cache;
  }

  /** A TXDCTL/RXDCTL write: enabling checks the ring (and `check`) and starts from an empty cache; disabling drops the cache. */
  control(value: number, check?: () => boolean): void {
    // The driver acts on the queue: a doorbell on it disabled is its mistake again.
    this.ring.faultUnheard = false;
    if (value & 1) {
      if (this.ring.enabled) return;
      this.prefetch.reset();
      this.ring.enable(check);
    } else {
      this.ring.disable();
      this.prefetch.reset();
    }
  }
}
