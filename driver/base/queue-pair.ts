import type { Mutex } from "../../sim/mutex.js";
import type { SimEvent } from "../../sim/sim-event.js";
import type { RxRing, TxRing } from "./rings.js";

/** One direction of a queue, as the recovery task sees it. */
export class QueueRecoveryState {
  /** Stopped for a reset: nothing is posted and no doorbell rung until the ring is enabled again. */
  stopped = false;
  /** A reset is waiting or under way (the device's FAULT bit stays set until the enable). */
  scheduled = false;
  /** Faults without progress of the ring in between: each makes the next reset wait longer. */
  faultsInARow = 0;
  /** The ring's progress (frames reaped, descriptors taken) when the last fault was seen. */
  progressAtFault = 0;
}

/** A TX and an RX ring of one queue, and what the driver keeps for them. */
export class QueuePair {
  pendingDoorbell = 0;
  /** TX room held for frames about to be posted, and the line of senders waiting for room (served in order). */
  readonly reservations = { held: 0, issued: 0, serving: 0 };
  /** Buffers of a received frame taken before its last descriptor. */
  partial: Uint8Array[] = [];
  readonly recovery = { tx: new QueueRecoveryState(), rx: new QueueRecoveryState() };
  /** Raise the class of the queue's last poll while it waits for a core, holding pollLock (a reset waiting for the lock lends it its own); nothing once it has one. */
  raisePoll: ((trafficClass: number) => void) | null = null;

  constructor(
    readonly tx: TxRing,
    readonly rx: RxRing,
    /** Fired when TX slots are freed or the queue is back from a reset. */
    readonly space: SimEvent,
    /** Held by a poll from taking descriptors to handing the frames up, so that a reset's drain cannot reorder them. */
    readonly pollLock: Mutex,
  ) {}
}
