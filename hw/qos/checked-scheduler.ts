import type { QueueScheduler } from "./class-scheduler.js";

/**
 * A scheduler registered under QueueSchedulerFactoryToken, its picks checked: a pick of 99, NaN or
 * a queue with no frame stopped the run inside the TX engine as "Cannot read properties of
 * undefined (reading 'ring')" (from a driver developer's check). Now the run stops naming the
 * scheduler, what it returned and what was expected.
 */
export function checkedScheduler(inner: QueueScheduler, queues: number): QueueScheduler {
  return {
    get schedules() {
      return inner.schedules;
    },
    get strictQueues() {
      return inner.strictQueues;
    },
    configure: (queue, schedule, now) => inner.configure(queue, schedule, now),
    charge: (queue, bytes) => inner.charge(queue, bytes),
    readyAt: (now, size) => inner.readyAt(now, size),
    pick(now, size) {
      // The sizes it was told, so that the check asks the block nothing more than the scheduler did.
      const told = new Map<number, number>();
      const queue = inner.pick(now, (asked) => {
        const bytes = size(asked);
        told.set(asked, bytes);
        return bytes;
      });
      if (queue === -1) return queue;
      const inRange = Number.isInteger(queue) && queue >= 0 && queue < queues;
      const bytes = inRange ? (told.get(queue) ?? size(queue)) : 0;
      const problem = !inRange ? `expected -1 (none) or a queue from 0 to ${queues - 1}` : bytes < 0 ? `queue ${queue} has no frame to serve now (its size is ${bytes}: EMPTY -1, BLOCKED -2, WAITING -3)` : null;
      if (problem !== null) throw new Error(`the queue scheduler registered under QueueSchedulerFactoryToken: pick() returned ${String(queue)}: ${problem}`);
      return queue;
    },
  };
}
