import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import type { GcmOperation } from "../../sim/crypto/gcm-operation.js";
import { HOST_CPU_PARAMETERS } from "./host-cpu-parameters.js";
import type { Command, Process, ProcessScheduler } from "../../sim/process.js";
import { insertAt, removeAt } from "../../sim/array-places.js";
import { CpuCore } from "./cpu-core.js";

export { DEFAULT_HOST_CORES, DEFAULT_HOST_MEGAHERTZ, hostCpuClockParameters } from "./host-cpu-parameters.js";
import { cpuJobProblem, type CpuWorkName } from "./cpu-work.js";

/** Software AES-GCM over a packet's data: a core runs it a block at a time and may suspend it. */
export interface CryptoWork {
  readonly operation: GcmOperation;
  /** Bytes of data (payload and trailer) to encrypt or decrypt. */
  readonly bytes: number;
  /** CPU cycles before the data (lookup, headers, key and nonce setup), not preemptible. */
  readonly setupCycles: number;
  readonly cyclesPerByte: number;
  /** Asked as the job first gets a core: false drops it there, unrun (an SA ended while its packet waited: Linux looks at the SA as it comes to encrypt). */
  readonly stillWanted?: () => boolean;
}

/** A piece of work for a core, and the command its process yields to have it run (made once per job, not a command object and its closures too). */
class Job implements Command {
  /** Its callback is at a check point (a higher class was waiting when it was set). */
  armed = false;
  process: Process | null = null;
  bytesDone = 0;
  core: CpuCore | null = null;
  started = false;
  /** Dropped unrun as it got a core (CryptoWork.stillWanted). */
  dropped = false;
  /** When the current stretch on a core began, and a token that makes older callbacks void. */
  segmentStart = 0;
  token = 0;
  readonly setupTotal: number;
  /** The class it was given, before any raise: its wait for a core is counted there (a bulk SA command raised to gold's class as it got a core put its 47 µs wait down to gold; an architect's check). */
  readonly ownClass: number;

  constructor(
    private readonly cpu: JobQueue,
    readonly kind: CpuWorkName,
    public trafficClass: number,
    /** Place among jobs of one class: the order they first became ready, kept when one is suspended. */
    readonly order: number,
    readonly ready: number,
    /** hold(): the process itself runs on the core until it releases it. */
    readonly held: boolean,
    /** Picoseconds of the part before the data still to run (all of a plain job). */
    public setupLeft: number,
    readonly crypto: CryptoWork | null,
    readonly picosecondsPerByte: number,
  ) {
    this.setupTotal = setupLeft;
    this.ownClass = trafficClass;
  }

  arm(_scheduler: ProcessScheduler, process: Process): void {
    this.process = process;
    this.cpu.enqueue(this);
  }

  describe(): string {
    return `${this.cpu.path}: ${this.kind} for class ${this.trafficClass}`;
  }
}

/** Where a job goes when its process yields it: the CPU's ready queue. */
interface JobQueue {
  readonly path: string;
  enqueue(job: Job): void;
}

export interface CpuStatistics {
  /** Busy picoseconds by kind of work (context switches apart). */
  readonly busyByKind: Map<CpuWorkName | "CONTEXT_SWITCH", number>;
  /** By traffic class, each job's own (not one lent it while it waited): jobs, and the picoseconds they waited for a core before first running. */
  readonly waits: Map<number, { jobs: number; total: number; maximum: number }>;
  preemptions: number;
  restarts: number;
  /** Jobs finished: the host is at work while this grows. */
  jobsDone: number;
}

/**
 * The host's CPU: a number of cores at a clock, on which every piece of driver work runs and is
 * charged. Ready jobs wait in one queue, highest traffic class first and in arrival order within
 * a class; a free core takes the head. Software crypto is the one kind of job that yields: at
 * every checkBytes of its data it looks for a waiting job of a higher class and, when no core is
 * free and no running job is of a lower class, is suspended (its GCM state saved, or dropped
 * under preempt-restart) and goes back to the queue in its old place (seed 000 on the host).
 */
@injectable()
export class HostCpu extends Component {
  readonly params = this.parameters(HOST_CPU_PARAMETERS);
  readonly cores: CpuCore[] = [];
  readonly runQueue = this.signal("run_queue", 32, { kind: "integer", lastWriteWins: true });
  readonly statistics: CpuStatistics = { busyByKind: new Map(), waits: new Map(), preemptions: 0, restarts: 0, jobsDone: 0 };
  private readonly ready: Job[] = [];
  private nextOrder = 0;
  private nextToken = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    for (let index = 0; index < this.params.cores; index++) this.cores.push(this.child(CpuCore, `core${index}`));
  }

  /** Picoseconds of a number of cycles at the CPU's clock. */
  picoseconds(cycles: number): number {
    return Math.round((cycles * 1e6) / this.params.megahertz);
  }

  /** Run `picoseconds` of work of a kind for a class on a core, waiting for one first (nothing at all for 0); `raised`, as hold's, is given a way to raise the job's class while it waits for one. */
  *run(kind: CpuWorkName, trafficClass: number, picoseconds: number, raised?: (raise: (trafficClass: number) => void) => void): Generator<Command, void, unknown> {
    const command = this.work(kind, trafficClass, picoseconds);
    if (command === null) return;
    raised?.((higher) => this.raise(command as Job, higher));
    yield command;
  }

  /** run() without its generator, for the paths taken per frame: the command to yield, or null for no work. */
  work(kind: CpuWorkName, trafficClass: number, picoseconds: number): Command | null {
    const problem = cpuJobProblem("cpu.run", kind, trafficClass, picoseconds);
    if (problem !== null) throw new RangeError(problem);
    return picoseconds === 0 ? null : this.job(kind, trafficClass, picoseconds, null, false);
  }

  /**
   * Software crypto on a core: the setup, then the data a block at a time, suspended for waiting
   * jobs of higher classes as the policy says. Returns true once the operation has covered every
   * byte that was charged (the caller finishes it); false for a job its stillWanted dropped as it
   * got a core, which ran none of it.
   */
  *crypto(kind: CpuWorkName, trafficClass: number, work: CryptoWork): Generator<Command, boolean, unknown> {
    const job = this.job(kind, trafficClass, this.picoseconds(work.setupCycles), work, false);
    yield job;
    return !job.dropped;
  }

  /**
   * Hold a core while `body` runs (MMIO writes and a status read that stalls the core): the body
   * must not wait for another core, or it could wait for itself.
   */
  *hold<T>(kind: CpuWorkName, trafficClass: number, body: Generator<Command, T, unknown>, raised?: (raise: (trafficClass: number) => void) => void): Generator<Command, T, unknown> {
    const problem = cpuJobProblem("cpu.hold", kind, trafficClass);
    if (problem !== null) throw new RangeError(problem);
    const job = this.job(kind, trafficClass, 0, null, true);
    // While it waits for a core, the job's class may be raised (another job waiting on what this one will hold lends it its own).
    raised?.((higher) => this.raise(job, higher));
    yield job;
    try {
      return yield* body;
    } finally {
      this.leave(job);
    }
  }

  /** A job still waiting for a core moves up to a higher class (its place among that class's by when it became ready). */
  private raise(job: Job, trafficClass: number): void {
    const index = this.ready.indexOf(job);
    if (index < 0 || trafficClass <= job.trafficClass) return;
    removeAt(this.ready, index);
    job.trafficClass = trafficClass;
    this.enqueue(job);
  }

  /** No job runs on a core or waits for one. */
  get quiet(): boolean {
    return this.onCore.size === 0 && this.ready.length === 0;
  }

  /** Each core's busy time up to now (for utilisation). */
  busy(): number[] {
    return this.cores.map((core) => core.busy(this.kernel.now));
  }

  /** The cores' time by kind of work up to now: what the jobs on a core have run of their stretch so far too (a run ending with jobs running had them left out, a core 100 % busy with no kind; from an architect's check). */
  busyByKindNow(): Map<CpuWorkName | "CONTEXT_SWITCH", number> {
    const busy = new Map(this.statistics.busyByKind);
    for (const job of this.onCore.values()) busy.set(job.kind, (busy.get(job.kind) ?? 0) + (this.kernel.now - job.segmentStart));
    // A switch under way counts to now: charged whole as it began, a run stopped during one counted more than its cores were busy (from a re-check).
    for (const began of this.switchesUnderWay.values()) busy.set("CONTEXT_SWITCH", (busy.get("CONTEXT_SWITCH") ?? 0) + (this.kernel.now - began));
    return busy;
  }

  private job(kind: CpuWorkName, trafficClass: number, setup: number, crypto: CryptoWork | null, held: boolean): Job {
    const picosecondsPerByte = crypto ? (crypto.cyclesPerByte * 1e6) / this.params.megahertz : 0;
    return new Job(this.jobQueue, kind, trafficClass, this.nextOrder++, this.kernel.now, held, setup, crypto, picosecondsPerByte);
  }

  /** A job is the command its process yields: it resumes when the job is done (or, held, when it has its core). */
  private readonly jobQueue: JobQueue = { path: this.path, enqueue: (job) => this.enqueue(job) };

  private enqueue(job: Job): void {
    this.insert(job);
    this.dispatch();
  }

  /** Into the ready queue in its place: after the jobs of higher classes and those of its class that became ready before it (a suspended job keeps its old place). */
  private insert(job: Job): void {
    let index = this.ready.length;
    while (index > 0 && ahead(job, this.ready[index - 1]!)) index--;
    insertAt(this.ready, index, job);
  }

  /** Free cores take the head of the queue; a job still waiting arms checks in the lower-class crypto jobs running. */
  private dispatch(): void {
    for (const core of this.cores) {
      // A job dropped as it gets the core leaves it idle for the next.
      while (core.idle && this.ready.length > 0) this.start(this.ready.shift()!, core);
    }
    this.runQueue.set(this.ready.length);
    const waiting = this.ready[0];
    if (!waiting || this.params.policy === "run-to-completion") return;
    for (const core of this.cores) {
      const running = this.onCore.get(core);
      if (running?.crypto && !running.armed && running.trafficClass < waiting.trafficClass) this.schedule(running);
    }
  }

  private readonly onCore = new Map<CpuCore, Job>();

  private start(job: Job, core: CpuCore): void {
    const now = this.kernel.now;
    if (!job.started) {
      job.started = true;
      let waits = this.statistics.waits.get(job.ownClass);
      if (waits === undefined) this.statistics.waits.set(job.ownClass, (waits = { jobs: 0, total: 0, maximum: 0 }));
      waits.jobs++;
      waits.total += now - job.ready;
      waits.maximum = Math.max(waits.maximum, now - job.ready);
      if (job.crypto?.stillWanted?.() === false) {
        job.dropped = true;
        return this.kernel.resumeAt(job.process!, now);
      }
    }
    job.core = core;
    job.segmentStart = now;
    this.onCore.set(core, job);
    core.show(job.kind, job.trafficClass, now);
    if (job.held) this.kernel.resumeAt(job.process!, now);
    else this.schedule(job);
  }

  /**
   * The job's next callback: its end, or, while a job of a higher class waits, its next check
   * point (the next multiple of checkBytes of its data).
   */
  private schedule(job: Job, passed = 0): void {
    const token = (job.token = ++this.nextToken);
    const now = this.kernel.now;
    const dataStart = job.segmentStart + job.setupLeft;
    const crypto = job.crypto;
    let target = crypto ? crypto.bytes : 0;
    const waiting = this.ready[0];
    job.armed = false;
    if (crypto && waiting && waiting.trafficClass > job.trafficClass && this.params.policy !== "run-to-completion") {
      const reached = Math.max(job.bytesDone, this.bytesAt(job, now), passed);
      const check = (Math.floor(reached / this.params.checkBytes) + 1) * this.params.checkBytes;
      if (check < crypto.bytes) {
        target = check;
        job.armed = true;
      }
    }
    const at = dataStart + Math.round((target - job.bytesDone) * job.picosecondsPerByte);
    this.kernel.schedule(Math.max(0, at - now), this.labelOf(job.kind), () => {
      if (job.token === token) this.reached(job, target);
    });
  }

  /** The label of a kind of job's callbacks, made once per kind rather than per job. */
  private labelOf(kind: CpuWorkName): string {
    let label = this.labels.get(kind);
    if (label === undefined) this.labels.set(kind, (label = `${this.path} ${kind}`));
    return label;
  }
  private readonly labels = new Map<CpuWorkName, string>();

  /** Bytes of the job's data covered by `time` in its current stretch. */
  private bytesAt(job: Job, time: number): number {
    const intoData = time - job.segmentStart - job.setupLeft;
    if (intoData <= 0 || !job.crypto) return job.bytesDone;
    return Math.min(job.crypto.bytes, job.bytesDone + Math.floor(intoData / job.picosecondsPerByte));
  }

  /** A callback came due: the job is done, or at a check point (`bytes` of its data) where it may give way. */
  private reached(job: Job, bytes: number): void {
    if (!job.crypto || bytes >= job.crypto.bytes) return this.finish(job);
    if (this.shouldYield(job)) return this.suspend(job, bytes);
    this.schedule(job, bytes);
  }

  /** A higher class waits, and no running crypto job is of a lower class (or of this class and later): this one gives way. */
  private shouldYield(job: Job): boolean {
    // Cores switching after a suspension are already on their way to the jobs at the head of the queue.
    const waiting = this.ready[this.switching];
    if (!waiting || waiting.trafficClass <= job.trafficClass) return false;
    for (const other of this.onCore.values()) {
      // One still in its setup cannot give way yet.
      if (other === job || !other.crypto || this.kernel.now < other.segmentStart + other.setupLeft) continue;
      if (other.trafficClass < job.trafficClass || (other.trafficClass === job.trafficClass && other.order > job.order)) return false;
    }
    return true;
  }

  private suspend(job: Job, bytes: number): void {
    const core = job.core!;
    const now = this.kernel.now;
    this.account(job, now);
    if (this.params.policy === "preempt-resume") {
      job.crypto!.operation.stepTo(bytes);
      job.bytesDone = bytes;
    } else {
      job.crypto!.operation.restart();
      job.bytesDone = 0;
      job.setupLeft = job.setupTotal;
      this.statistics.restarts++;
    }
    this.statistics.preemptions++;
    core.countPreemption();
    this.leaveCore(job);
    this.insert(job);
    const switchTime = this.picoseconds(this.params.switchCycles);
    if (switchTime === 0) return this.idle(core);
    core.show("CONTEXT_SWITCH", job.trafficClass, now);
    this.switching++;
    this.switchesUnderWay.set(core, now);
    this.kernel.schedule(switchTime, `${this.path} switch`, () => {
      this.switching--;
      this.switchesUnderWay.delete(core);
      this.charge("CONTEXT_SWITCH", switchTime);
      this.idle(core);
    });
  }
  private switching = 0;
  /** When each core switching after a suspension began: its switch is charged as it ends, and counted to now before (busyByKindNow). */
  private readonly switchesUnderWay = new Map<CpuCore, number>();

  /** A timed job is done: its process goes on. */
  private finish(job: Job): void {
    this.release(job, job.process);
  }

  /** A held job's process is done with its core. */
  private leave(job: Job): void {
    this.release(job, null);
  }

  private release(job: Job, resume: Process | null): void {
    const core = job.core!;
    this.statistics.jobsDone++;
    this.account(job, this.kernel.now);
    this.leaveCore(job);
    if (resume) this.kernel.resumeAt(resume, this.kernel.now);
    this.idle(core);
  }

  private leaveCore(job: Job): void {
    this.onCore.delete(job.core!);
    job.core = null;
    job.token = 0;
    job.armed = false;
  }

  private idle(core: CpuCore): void {
    core.show("IDLE", 0, this.kernel.now);
    this.dispatch();
  }

  /** Charge the stretch that ends now to the job's kind; what is left of its setup shrinks by the time spent in it. */
  private account(job: Job, now: number): void {
    const spent = now - job.segmentStart;
    job.setupLeft = Math.max(0, job.setupLeft - spent);
    this.charge(job.kind, spent);
  }

  private charge(kind: CpuWorkName | "CONTEXT_SWITCH", picoseconds: number): void {
    this.statistics.busyByKind.set(kind, (this.statistics.busyByKind.get(kind) ?? 0) + picoseconds);
  }
}

/** Whether `job` goes ahead of `other` in the ready queue: a higher class, or the same class and earlier. */
function ahead(job: Job, other: Job): boolean {
  return job.trafficClass > other.trafficClass || (job.trafficClass === other.trafficClass && job.order < other.order);
}
