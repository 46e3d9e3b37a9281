import { inject, injectable } from "../../sim/di.js";
import { Channel } from "../../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { ClassScheduler, EMPTY, type QueueSchedule, WAITING } from "../qos/class-scheduler.js";
import { MAX_QUEUES } from "../spec/registers.js";
import { type NicShared, NicSharedToken } from "../config.js";
import type { FrameStages } from "../trace/frame-stages.js";
import { CryptoEngine, type EngineHost, EngineHostToken } from "./crypto-engine.js";
import { type CryptoJob, SaCacheToken, type Work } from "./crypto-job.js";
import { cryptoParameters } from "./crypto-parameters.js";
import { JobQueues } from "./job-queues.js";
import { newWork } from "./gcm-work.js";
import { jobCost } from "./job-cost.js";
import type { SaCache, SaEntry } from "./sa-cache.js";

/** What a direction's crypto engines did, summed (CryptoPipeline.counts). */
export interface CryptoCounts {
  readonly jobs: number;
  readonly preemptions: number;
  readonly saves: number;
  readonly restarts: number;
  readonly leastSaveProgress: number;
  readonly busyPicoseconds: number;
  readonly lostPicoseconds: number;
  readonly switchPicoseconds: number;
}

/**
 * A direction's inline crypto: `engines` pipelined engines (CryptoEngine) fed by one scheduler
 * of jobs, queued by traffic class and ordered by the policy map in TX_SCHED, as on the wire:
 * strict classes first, highest first, and their jobs suspend other classes' (seed 000);
 * bandwidth classes share the engines by their minimums and weights, never preempting each
 * other. Each edge it retires what is due, fills the engines' front stages (the engine whose data
 * path frees soonest first), lets a waiting strict job into the front of the engine running the
 * least urgent job, and at that engine's next check point suspends it.
 */
@injectable()
export class CryptoPipeline extends ClockedComponent implements EngineHost {
  // Woken by its channels, register writes and the times it asks for: not asked isIdle while it sleeps.
  override readonly sleepsUntilWoken = true;
  readonly params = this.parameters(cryptoParameters);
  readonly waiting = this.signal("jobs_waiting", 16);
  readonly incoming: Channel<CryptoJob<unknown>>;
  readonly engines: CryptoEngine[];
  readonly stages: FrameStages;
  /** Jobs not in an engine, by traffic class queue. */
  private readonly jobs = new JobQueues();
  private readonly scheduler: ClassScheduler;
  private nextEvent = Infinity;
  /** Jobs taken so far: each one's arrival. */
  private arrivals = 0;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(NicSharedToken) shared: NicShared,
    @inject(SaCacheToken) private readonly cache: SaCache,
  ) {
    super(context);
    this.stages = shared.stages;
    this.incoming = new Channel(this.kernel, this);
    // Shares of the engines' data paths: a job costs its bytes. On transmit strict classes are policed here too, under congestion: what the
    // policer holds waits in its ring. On receive it would be dropped from the RX buffer instead, so there a priority class is served first, unpoliced,
    // and what it leaves may be less than the minimums: those share it by their percents (by frame in turn, two minimums of 40 % in 64- and 9000-byte
    // frames got 70 and 163 KB of ESP data in 1.5 ms; from an outside check). On transmit they fit the engines, and keep turns by frame (fairMinimums).
    const capacity = (this.params.engines * this.params.bytesPerCycle) / this.clock.period;
    this.scheduler = new ClassScheduler(MAX_QUEUES, capacity, { priorityBurst: shared.priorityBurstBytes, cost: (bytes) => bytes, policeStrict: this.name === "crypto_tx", fairMinimums: this.name !== "crypto_tx" });
    this.container.register(EngineHostToken, { useValue: this });
    this.engines = Array.from({ length: this.params.engines }, (_, index) => this.child(CryptoEngine, `engine${index}`));
  }

  get lookupCycles(): number {
    return this.cache.params.lookupCycles;
  }

  get period(): number {
    return this.clock.period;
  }

  isCurrent(entry: SaEntry): boolean {
    return this.cache.isCurrent(entry);
  }

  /** Called when a job leaves the queue for an engine or comes back to it (not when one is submitted): what weighs the queued jobs (the TX engine's frame start) looks again. */
  onQueuedChange: (() => void) | null = null;

  submit<Tag>(job: CryptoJob<Tag>): void {
    this.jobs.submitted(job as CryptoJob<unknown>);
    this.incoming.push(job as CryptoJob<unknown>);
  }

  /** A queue's frame bytes in jobs not yet in an engine. */
  queuedBytes(queue: number): number {
    return this.jobs.queuedBytes(queue);
  }

  /** Some job waits for an engine: the engines are the bottleneck now. */
  get backlogged(): boolean {
    return this.jobs.waiting > 0 || this.incoming.length > 0;
  }

  /** Engines: jobs they start at once. */
  get count(): number {
    return this.params.engines;
  }

  /** Bytes all the engines' data paths take in a core cycle. */
  get bytesPerCycle(): number {
    return this.params.engines * this.params.bytesPerCycle;
  }

  /** A queue's jobs not yet in an engine: those its scheduler can still choose among. */
  queued(queue: number): number {
    return this.jobs.queued(queue);
  }

  /** TX_SCHED was written: the class's place in the order of jobs. */
  configure(queue: number, schedule: QueueSchedule): void {
    this.scheduler.configure(queue, schedule, this.kernel.now);
    this.wake();
  }

  requeue(work: Work): void {
    this.jobs.requeued(work);
    this.scheduler.charge(work.job.queue, -work.chargedCost, work.charged ?? undefined);
    this.onQueuedChange?.();
  }

  /** Jobs completed, suspensions (and displacements), context saves and restarts, over all engines; their data paths' busy time to now, and what preemption cost of it (CryptoEngine.counts). */
  get counts(): CryptoCounts {
    const counts = { jobs: 0, preemptions: 0, saves: 0, restarts: 0, leastSaveProgress: Infinity, busyPicoseconds: 0, lostPicoseconds: 0, switchPicoseconds: 0 };
    for (const engine of this.engines) {
      counts.busyPicoseconds += engine.busyUntil(this.kernel.now);
      counts.lostPicoseconds += engine.counts.lostPicoseconds;
      counts.switchPicoseconds += engine.switchUntil(this.kernel.now);
      counts.jobs += engine.counts.jobs;
      counts.preemptions += engine.counts.preemptions;
      counts.saves += engine.counts.saves;
      counts.restarts += engine.counts.restarts;
      counts.leastSaveProgress = Math.min(counts.leastSaveProgress, engine.counts.leastSaveProgress);
    }
    return counts;
  }

  override isIdle(): boolean {
    return this.incoming.length === 0 && this.kernel.now < this.nextEvent;
  }

  evaluate(): void {
    const now = this.kernel.now;
    for (let job = this.incoming.take(); job; job = this.incoming.take()) {
      this.stages.record(job.encrypt ? "tx" : "rx", "crypto-queued", now, job.tag as object, job.frame);
      this.jobs.arrived(newWork(job, this.arrivals++));
    }
    for (const engine of this.engines) engine.finishDue(now);
    this.dispatch(now);
    for (const engine of this.engines) {
      if (engine.front && engine.data && engine.checkDue(now) && this.suspends(engine.front.work, engine.data.work)) engine.suspend(now);
    }
    for (const engine of this.engines) engine.enterData(now);
    // A front that moved on to the data path takes the next job now: its lookup overlaps the data.
    this.dispatch(now);
    for (const engine of this.engines) engine.enterData(now);
    let next = Math.min(this.nextTake(now), this.policedStrictReady(now));
    for (const engine of this.engines) {
      const checkWanted = engine.front !== null && engine.data !== null && this.suspends(engine.front.work, engine.data.work);
      next = Math.min(next, engine.nextEvent(now, checkWanted));
      engine.publish(now);
    }
    this.nextEvent = next;
    this.waiting.set(Math.min(this.jobs.waiting, 0xffff));
  }

  /** The engines' next event, asked as the domain goes to sleep: a plan changed since leaves no stale wake (an empty edge). */
  nextWakeTime(): number {
    return this.nextEvent;
  }

  /**
   * Fill the engines' front stages until nothing more can move: suspended jobs resume unless a
   * strict job that may suspend them waits; new jobs go by the scheduler to the engine whose data
   * path frees soonest; strict jobs no front could take displace less urgent ones.
   */
  private dispatch(now: number): void {
    // Ends: each pass places a job in a free front or a more urgent one over a less urgent one.
    for (let moved = true; moved; ) moved = this.resumeSuspended(now) || this.startWaiting(now) || this.placeStrict(now);
  }

  private resumeSuspended(now: number): boolean {
    if (this.params.contextStore === "shared") return this.resumeAnywhere(now);
    let moved = false;
    for (const engine of this.engines) {
      const top = engine.suspended[engine.suspended.length - 1];
      if (engine.front || !top || !engine.hasRoom || this.preemptorWaitingFor(top, now)) continue;
      engine.resume(now);
      moved = true;
    }
    return moved;
  }

  /**
   * With a shared context store: the most urgent suspended job resumes in the engine whose data path frees first (within the
   * longest front stage), whichever engine suspended it; of one rank, the one that came first (its class's later frames
   * leave behind it). Per engine, a bulk job gold suspended resumed into that engine's front at once and waited there
   * behind gold's 36 µs job, its class's later frames behind it (from an architect's check).
   */
  private resumeAnywhere(now: number): boolean {
    let moved = false;
    for (let engine = this.soonestFree(now); engine; engine = this.soonestFree(now)) {
      let holder: CryptoEngine | null = null;
      for (const candidate of this.engines) {
        const top = candidate.suspended.at(-1);
        if (top && !this.preemptorWaitingFor(top, now) && (!holder || this.resumesBefore(top, holder.suspended.at(-1)!))) holder = candidate;
      }
      if (!holder) break;
      engine.resume(now, holder);
      moved = true;
    }
    return moved;
  }

  private resumesBefore(work: Work, other: Work): boolean {
    return this.rank(work) > this.rank(other) || (this.rank(work) === this.rank(other) && work.arrival < other.arrival);
  }

  contextSlotFree(engine: CryptoEngine): boolean {
    const { contextSlots, contextStore } = this.params;
    if (contextStore === "per-engine") return engine.contextsHeld < contextSlots;
    return this.engines.reduce((held, each) => held + each.contextsHeld, 0) < contextSlots * this.engines.length;
  }

  private startWaiting(now: number): boolean {
    if (this.jobs.waiting === 0) return false; // Nothing to pick: the pick asked every queue's head on each edge an idle pipeline was evaluated.
    let moved = false;
    for (let engine = this.soonestFree(now); engine; engine = this.soonestFree(now)) {
      const queue = this.scheduler.pick(now, this.headBytes);
      if (queue < 0) break;
      const head = this.jobs.head(queue)!;
      head.chargedCost = jobCost(head, engine.frontCycles(head), this.params);
      head.charged = this.scheduler.charge(queue, head.chargedCost);
      engine.take(this.dequeue(queue), now);
      moved = true;
    }
    return moved;
  }

  private placeStrict(now: number): boolean {
    if (this.params.policy === "run-to-completion") return false;
    let moved = false;
    for (const queue of this.scheduler.strictQueues) {
      for (let head = this.jobs.head(queue); head; head = this.jobs.head(queue)) {
        // Over its rate a priority class waits while another class has a job (IOS's conditional policer, at the bottleneck): it took the engines whole.
        const account = this.scheduler.strictMayGo(now, queue, head.bytes, this.headBytes);
        // Over its rate it is no priority: it takes an engine that frees (startWaiting's pick), never one from a job of another class in service.
        if (account !== "priority") break;
        const engine = this.leastUrgentFor(head);
        if (!engine) break;
        if (engine.front) engine.displaceFront();
        head.chargedCost = jobCost(head, engine.frontCycles(head), this.params);
        head.charged = this.scheduler.charge(queue, head.chargedCost, account);
        engine.take(this.dequeue(queue), now);
        moved = true;
      }
    }
    return moved;
  }

  private dequeue(queue: number): Work {
    const work = this.jobs.take(queue);
    this.onQueuedChange?.();
    return work;
  }

  /**
   * An engine whose front is free, which has room, and whose data path frees within the longest
   * front stage (lookup and key setup): the one that frees soonest. A job taken earlier would wait
   * in that front behind a long job (36 µs of a jumbo frame at 1 byte per cycle) while its class's
   * later jobs finished on other engines and waited for it to leave in order: a class of 64-byte
   * frames got 0.016 of four engines, where its minimum was 0.2.
   */
  private soonestFree(now: number): CryptoEngine | null {
    let best: CryptoEngine | null = null;
    for (const engine of this.engines) {
      if (engine.front || !engine.hasRoom || engine.dataFreeAt(now) > now + this.frontLead) continue;
      if (!best || engine.dataFreeAt(now) < best.dataFreeAt(now)) best = engine;
    }
    return best;
  }

  /** Picoseconds of the longest front stage: an engine takes a job this long before its data path frees, so the job is ready as it does. */
  private get frontLead(): number {
    return (this.lookupCycles + this.params.keySetupCycles) * this.clock.period;
  }

  /**
   * When a strict job waiting over its policed rate has the tokens to go as priority, and may then
   * take a front or suspend a job. Nothing else wakes the pipeline then: it slept through that edge,
   * and gold went later than a pipeline looking at every edge sent it (22 frames of a policed run
   * left in another order). The scheduler's readyAt gives a minimum's time too: a wake then only
   * finds the pipeline idle, as its picks wait for a free engine, which wakes it anyway.
   */
  private policedStrictReady(now: number): number {
    if (this.jobs.waiting === 0 || this.scheduler.strictQueues.length === 0) return Infinity;
    return this.scheduler.readyAt(now, this.headBytes);
  }

  /** With jobs waiting, the first time an engine with a free front comes within the lead of its data path freeing. */
  private nextTake(now: number): number {
    // Shared, a suspended job too waits for an engine to come within the lead.
    if (this.jobs.waiting === 0 && !(this.params.contextStore === "shared" && this.engines.some((engine) => engine.suspended.length > 0))) return Infinity;
    let next = Infinity;
    for (const engine of this.engines) {
      if (engine.front || !engine.hasRoom) continue;
      next = Math.min(next, engine.dataFreeAt(now) - this.frontLead);
    }
    return next > now ? next : Infinity;
  }

  /**
   * For a strict job no front could take: an engine whose front it may take over, the one running
   * the least urgent job in its data path. It takes the place of the front job it displaces, or of
   * the data path's job it will suspend; the pipeline's other jobs must leave it room (depth).
   */
  private leastUrgentFor(work: Work): CryptoEngine | null {
    let best: CryptoEngine | null = null;
    let bestRank = Infinity;
    for (const engine of this.engines) {
      const blocking = engine.front?.work ?? engine.data?.work;
      if (blocking && !this.mayPreempt(work, blocking)) continue;
      // A front job owed progress keeps its front.
      if (engine.front && engine.owesProgress(engine.front.work)) continue;
      const leaving = (engine.front ? 1 : 0) + (engine.data && this.mayPreempt(work, engine.data.work) ? 1 : 0);
      if (engine.occupancy - leaving >= this.params.pipelineDepth) continue;
      const rank = engine.data ? this.rank(engine.data.work) : -1;
      if (rank < bestRank) {
        best = engine;
        bestRank = rank;
      }
    }
    return best;
  }

  /** A strict job that may suspend this one waits, and may go now: one its policer holds back would leave the suspended job waiting for it, and so for ever. */
  private preemptorWaitingFor(work: Work, now: number): boolean {
    for (const queue of this.scheduler.strictQueues) {
      const head = this.jobs.head(queue);
      // Only within its rate: over it, the suspended job is another class's work (not waiting in a queue, where the policer would see it).
      if (head && this.mayPreempt(head, work) && this.scheduler.strictMayGo(now, queue, head.bytes, this.headBytes) === "priority") return true;
    }
    return false;
  }

  /**
   * Whether a queue's class has frames for the engines on their way (being read) and more to
   * start: set by the TX engine. It then has work coming, and a priority class over its rate waits
   * for it, as at the frame start (WAITING): where classes held back frames the engines had enough
   * of, and so often had no job waiting, gold in 9000-byte frames over its 10 % took 0.085 of the
   * line for 0.032 (0.040 now; from an outside check). A light class's frame on its way is no
   * congestion: counted as one, a priority class a little over its rate beside one lost 2 points.
   */
  comingTo: ((queue: number) => boolean) | null = null;

  /** A frame for the engines was read, and may not come (refused, or faulty): a priority class over its rate that waited for it may go. */
  comingChanged(): void {
    if (this.jobs.waiting > 0) this.wake();
  }

  /** The frame start looked again: a class held behind its job in an engine may be held no longer, and a priority job waiting for it may go (learnt at the next event, it went later than on every edge). */
  frameStartLooked(): void {
    for (const queue of this.scheduler.strictQueues) {
      if (this.jobs.head(queue)) return this.wake();
    }
  }

  /** A queue's first waiting job's bytes; WAITING while frames for it are on their way; or EMPTY. */
  private readonly headBytes = (queue: number): number => this.jobs.head(queue)?.bytes ?? (this.comingTo?.(queue) ? WAITING : EMPTY);

  /** Strict classes above every bandwidth class, higher queues above lower; bandwidth classes all alike. */
  private rank(work: Work): number {
    return this.scheduler.schedules[work.job.queue]!.strict ? 1 + work.job.queue : 0;
  }

  /** A job in an engine's front suspends the data path's: one taken within its class's rate (over it, a strict class took an engine no other class's job was waiting for, and is no priority). */
  private suspends(front: Work, data: Work): boolean {
    return front.charged === "priority" && this.mayPreempt(front, data);
  }

  /** Only a strict class's job suspends another, and only one of a lower rank. */
  private mayPreempt(work: Work, other: Work): boolean {
    return this.scheduler.schedules[work.job.queue]!.strict && this.rank(work) > this.rank(other);
  }
}
