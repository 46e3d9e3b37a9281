import type { Command } from "../../sim/process.js";
import type { TxReservation } from "./base-driver-types.js";
import type { QueuePair } from "./queue-pair.js";

/**
 * Room on the TX rings held for frames before they are posted (the base driver's reserve): first
 * come, first served, each queue's senders in one line.
 */
export class TxRoom {
  /** Reservations held and not yet posted or cancelled: one posted twice, or cancelled and then posted, overran the ring without a word (from a driver developer's check). */
  private readonly open = new WeakSet<TxReservation>();

  constructor(
    private readonly pair: (queue: number) => QueuePair,
    /** The first in line found the ring full: the driver counts it and rings the doorbell for what was posted (on a core: a generator). */
    private readonly ringFull: (queue: number) => Generator<Command, void, unknown>,
  ) {}

  /** Hold room for a frame of `frameBytes` (the base driver's reserve()): the sender waits its turn in the queue's line, then for the room. */
  *reserve(queue: number, frameBytes: number): Generator<Command, TxReservation, unknown> {
    const { pair, descriptors } = this.reservable(queue, frameBytes);
    const line = pair.reservations;
    const turn = line.issued++;
    // A queue stopped for a reset holds its senders until it is back.
    // Those behind the first in line wait for their turn, not for every fire: thousands of senders woken for each frame's room cost 5x the wall time (from a performance check).
    let myTurn: Command | null = null;
    while (!this.fits(pair, turn, descriptors)) {
      if (!pair.recovery.tx.stopped && line.serving === turn) {
        yield* this.ringFull(queue);
        // Its doorbell takes a core's time: room a poll reaped meanwhile fired the event before this sender waited for it, and it waited for ever (1 core, an interrupt storm: 28 packets never sent; from a fuzzing seed).
        if (this.fits(pair, turn, descriptors)) break;
      }
      yield line.serving === turn ? pair.space : (myTurn ??= pair.space.when(() => line.serving === turn, `turn ${turn} for room on TX queue ${queue}`));
    }
    return this.hold(pair, queue, descriptors);
  }

  /** What reserve() does when the room is free now and no sender is in line before it; null otherwise. */
  reserveAtOnce(queue: number, frameBytes: number): TxReservation | null {
    const { pair, descriptors } = this.reservable(queue, frameBytes);
    if (!this.fits(pair, pair.reservations.issued, descriptors)) return null;
    pair.reservations.issued++;
    return this.hold(pair, queue, descriptors);
  }

  /** Whether the sender of turn `turn` may hold room for `descriptors` now: the queue running, its turn come, the room free. */
  private fits(pair: QueuePair, turn: number, descriptors: number): boolean {
    const line = pair.reservations;
    return !pair.recovery.tx.stopped && line.serving === turn && pair.tx.free - line.held >= descriptors;
  }

  /** The room held at its sender's turn; the next in line may fit in what is left. */
  private hold(pair: QueuePair, queue: number, descriptors: number): TxReservation {
    const line = pair.reservations;
    line.serving++;
    line.held += descriptors;
    if (line.serving !== line.issued) pair.space.fire();
    const reservation = { queue, descriptors };
    this.open.add(reservation);
    return reservation;
  }

  /** A reservation about to be posted or cancelled, refused when it was not reserve()'s or was already posted or cancelled: its room is the frame's once. */
  spend(reservation: TxReservation, action: "post" | "cancel"): void {
    this.checkOpen(reservation, action);
    this.open.delete(reservation);
  }

  /** Refuse a reservation reserve() does not hold open, before anything is done with it. */
  checkOpen(reservation: TxReservation, action: "post" | "cancel"): void {
    if (!this.open.has(reservation)) {
      const what = typeof reservation === "object" && reservation !== null ? `the reservation of ${String(reservation.descriptors)} descriptor(s) on queue ${String(reservation.queue)}` : `${String(reservation)}`;
      throw new RangeError(`${action} on a TX queue: ${what} is not one reserve() holds open (already posted or cancelled, or not reserve()'s): each reservation holds room for one frame`);
    }
  }

  /** The queue's pair and the descriptors a frame takes there, refused when no ring of it could hold them. */
  private reservable(queue: number, frameBytes: number): { pair: QueuePair; descriptors: number } {
    // NaN passed through as NaN descriptors held for ever: the queue took no frame again, and nothing said why (from a driver developer's check).
    if (!Number.isSafeInteger(frameBytes) || frameBytes < 1) throw new RangeError(`reserve on queue ${queue}: a frame of ${String(frameBytes)} bytes: expected a whole number of bytes, 1 or more`);
    const pair = this.pair(queue);
    const descriptors = pair.tx.slotsFor(frameBytes);
    if (descriptors > pair.tx.descriptors - 1) throw new RangeError(`transmit on queue ${queue}: a ${frameBytes}-byte frame needs ${descriptors} descriptors, more than the ring holds`);
    return { pair, descriptors };
  }

  /** Give back a reservation's room (the base driver's cancel()). */
  cancel(reservation: TxReservation): void {
    this.spend(reservation, "cancel");
    const pair = this.pair(reservation.queue);
    pair.reservations.held -= reservation.descriptors;
    pair.space.fire();
  }
}
