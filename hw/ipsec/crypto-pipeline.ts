import { inject, injectable } from "../../sim/di.js";
import { Channel } from "../../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { CryptoEngine } from "./crypto-engine.js";
import { type CryptoDispatch, CryptoDispatchToken, type CryptoJob, type Work } from "./crypto-job.js";
import { cryptoParameters } from "./crypto-parameters.js";
import { type NicShared, NicSharedToken } from "../config.js";
import type { FrameStages } from "../trace/frame-stages.js";

/**
 * A direction's inline crypto: `engines` engines serving one queue of jobs in priority order
 * (the traffic class, seed 000). Jobs arrive on a channel; the engines take them, and preempt
 * each other's lower-priority work as CryptoEngine describes.
 */
@injectable()
export class CryptoPipeline extends ClockedComponent implements CryptoDispatch {
  readonly params = this.parameters(cryptoParameters);
  readonly waiting = this.signal("jobs_waiting", 16);
  readonly incoming: Channel<CryptoJob<unknown>>;
  readonly queue: Work[] = [];
  readonly engines: CryptoEngine[];
  epoch = 0;

  readonly stages: FrameStages;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(NicSharedToken) shared: NicShared) {
    super(context);
    this.stages = shared.stages;
    this.incoming = new Channel(this.kernel, this.clock);
    // Constructed before its engines, the pipeline is evaluated before them on each edge: it queues the arrivals they take.
    this.container.register(CryptoDispatchToken, { useValue: this });
    this.engines = Array.from({ length: this.params.engines }, (_, index) => this.child(CryptoEngine, `engine${index}`));
  }

  submit<Tag>(job: CryptoJob<Tag>): void {
    this.stages.record(job.encrypt ? "tx" : "rx", "crypto-queued", this.kernel.now, job.tag as object, job.frame);
    this.incoming.push(job as CryptoJob<unknown>);
  }

  /** Jobs completed, preemptions and restarts, over all engines. */
  get counts(): { jobs: number; preemptions: number; restarts: number } {
    const counts = { jobs: 0, preemptions: 0, restarts: 0 };
    for (const engine of this.engines) {
      counts.jobs += engine.counts.jobs;
      counts.preemptions += engine.counts.preemptions;
      counts.restarts += engine.counts.restarts;
    }
    return counts;
  }

  override isIdle(): boolean {
    return this.incoming.length === 0 && this.waiting.value === Math.min(this.queue.length, 0xffff);
  }

  evaluate(): void {
    for (let job = this.incoming.take(); job; job = this.incoming.take()) this.enqueue({ job, context: null, output: null, bytesDone: 0, preemptions: 0, started: false });
    this.waiting.set(Math.min(this.queue.length, 0xffff));
  }

  changed(): void {
    this.epoch++;
  }

  enqueue(work: Work, front = false): void {
    // Stable priority order: after every job of equal or higher priority (or before equals, for a restarted one).
    let index = front ? this.queue.findIndex((other) => other.job.priority <= work.job.priority) : this.queue.findIndex((other) => other.job.priority < work.job.priority);
    if (index < 0) index = this.queue.length;
    this.queue.splice(index, 0, work);
    this.changed();
  }
}
