import { MAX_QUEUES } from "../spec/registers.js";
import type { CryptoJob, Work } from "./crypto-job.js";

/**
 * The crypto jobs not in an engine, by traffic class queue: those waiting for one, in order (a job
 * displaced or suspended goes back first), and the count and frame bytes of every job submitted
 * and not yet taken, those still on their way in too, which the TX frame start weighs.
 */
export class JobQueues {
  private readonly queues: Work[][] = Array.from({ length: MAX_QUEUES }, () => []);
  /** Jobs waiting in the queues (not those on their way in). */
  waiting = 0;
  private readonly queuedByQueue = new Array<number>(MAX_QUEUES).fill(0);
  private readonly queuedBytesByQueue = new Array<number>(MAX_QUEUES).fill(0);

  /** A job submitted: on its way in. */
  submitted(job: CryptoJob<unknown>): void {
    this.queuedByQueue[job.queue]!++;
    this.queuedBytesByQueue[job.queue]! += job.frame.length;
  }

  /** A submitted job come in: it waits behind its queue's. */
  arrived(work: Work): void {
    this.queues[work.job.queue]!.push(work);
    this.waiting++;
  }

  /** A job back from an engine (displaced, or suspended with nowhere to wait): it goes first. */
  requeued(work: Work): void {
    this.queues[work.job.queue]!.unshift(work);
    this.waiting++;
    this.submitted(work.job);
  }

  /** A queue's first waiting job, if any. */
  head(queue: number): Work | undefined {
    return this.queues[queue]![0];
  }

  /** A queue's first waiting job, taken for an engine. */
  take(queue: number): Work {
    this.waiting--;
    this.queuedByQueue[queue]!--;
    const work = this.queues[queue]!.shift()!;
    this.queuedBytesByQueue[queue]! -= work.job.frame.length;
    return work;
  }

  /** A queue's jobs not yet in an engine: those its scheduler can still choose among. */
  queued(queue: number): number {
    return this.queuedByQueue[queue]!;
  }

  /** Their frames' bytes. */
  queuedBytes(queue: number): number {
    return this.queuedBytesByQueue[queue]!;
  }
}
