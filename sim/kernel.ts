import { ClockDomain, type Clocked } from "./clock-domain.js";
import { SignalError, SimulationError } from "./errors.js";
import { checkPath } from "./names.js";
import { Process, type ProcessBody, type ProcessScheduler } from "./process.js";
import { Wakeups } from "./wakeups.js";
import { Random } from "./random.js";
import { type AnySignal, Signal, type SignalOptions, WideSignal, MAX_NUMBER_WIDTH } from "./signal.js";
import { type EventHost, SimEvent } from "./sim-event.js";
import { type KernelStatistics, newKernelStatistics } from "./kernel-statistics.js";
import { formatTime, LAST_TIME } from "./time.js";
import { runLimit, type RunOptions, type RunResult, type StopReason } from "./run-limit.js";

export type { RunOptions, RunResult, StopReason } from "./run-limit.js";
import type { KernelTracer } from "./kernel-tracer.js";
import { valueKind } from "./shown-value.js";

export interface KernelOptions {
  /** The one seed behind every random stream in the model. */
  seed?: number;
  skipIdle?: boolean;
}

/** Most delta cycles allowed at one simulated time before the kernel reports a zero-delay loop. */
const MAX_DELTAS = 100_000;

/**
 * The simulation kernel: one integer-picosecond time base, clock domains, two-phase signals, a
 * deterministic event queue and generator processes.
 *
 * Each phase runs, at one time: the queued process resumptions and callbacks that were due when
 * the phase began, then the members of every clock domain with an edge at that time; then all
 * written signals commit together. Resumptions scheduled at the same time run in a later phase
 * of that time (a delta cycle), which sees the committed values.
 */
export class Kernel implements ProcessScheduler, EventHost {
  now = 0;
  phase = 0;
  readonly pending: AnySignal[] = [];
  pendingCount = 0;
  readonly domains: ClockDomain[] = [];

  /** Each clocked block's evaluations so far by its path, domain by domain: the statistics' componentEvaluations, split by where they went. */
  evaluationsByBlock(): Record<string, number> {
    return Object.fromEntries(this.domains.flatMap((domain) => domain.evaluationsByMember()));
  }

  /** Every block that keeps edges rather than runs on them asks for them as real ones: before a run's last few edges are taken (Clocked.planKeptEdges). */
  planKeptEdges(): void {
    for (const domain of this.domains) domain.planKeptEdges();
  }

  /** Whether any clocked component has work now or later (an idle model has none, and evaluates nothing). */
  hasClockedWork(): boolean {
    return this.domains.some((domain) => domain.hasWork(this.now));
  }
  readonly signals: AnySignal[] = [];
  readonly events: SimEvent[] = [];
  readonly statistics: KernelStatistics = newKernelStatistics();
  private readonly wakeups = new Wakeups(this, this.statistics);
  private readonly names = new Map<string, string>();
  private tracer: KernelTracer | null = null;
  private started = false;
  private failure: SimulationError | null = null;
  private stopMessage: string | null = null;
  /** Events fired in this phase, the first firedCount of them: reused as the pending list is. */
  private readonly firedEvents: SimEvent[] = [];
  private firedCount = 0;

  /**
   * True in the first phase of a timestep until the clock domains have evaluated their edges: a
   * domain woken then still takes its edge at this time, as it would had it been awake.
   */
  edgesPending = false;

  readonly seed: number;
  /** When false, every edge is evaluated even if all members are idle (to check that skipping changes nothing). */
  readonly skipIdle: boolean;

  constructor(options: KernelOptions = {}) {
    this.seed = options.seed ?? 1;
    this.skipIdle = options.skipIdle ?? true;
    if (!Number.isSafeInteger(this.seed) || this.seed < 0) throw new RangeError(`seed ${this.seed} must be a whole number from 0 to 2^53 - 1 (Number.MAX_SAFE_INTEGER)`);
  }

  get hasStarted(): boolean {
    return this.started;
  }

  /** A run threw: the simulation cannot go on, and its waveform ends where it failed. */
  get failed(): boolean {
    return this.failure !== null;
  }

  // ---- registration (before the first run) ----

  signal(path: string, width: number, options?: SignalOptions): Signal {
    if (width > MAX_NUMBER_WIDTH) throw new SignalError(`signal '${path}': ${width} bits needs wideSignal() (numbers hold at most ${MAX_NUMBER_WIDTH})`);
    return this.register(path, "signal", this.signals, new Signal(this, path, width, options));
  }

  wideSignal(path: string, width: number, options?: SignalOptions): WideSignal {
    return this.register(path, "signal", this.signals, new WideSignal(this, path, width, options));
  }

  event(path: string): SimEvent {
    return this.register(path, "event", this.events, new SimEvent(this, path));
  }

  /**
   * A clock domain. With `wakeOnSignalChange: false` a sleeping domain is not woken by every
   * committed signal change, only by its members (wake, wakeAt) and by channels they take from:
   * for blocks whose members decide on their own state alone, as the NIC's do.
   */
  clock(path: string, period: number, options: { phase?: number; traced?: boolean; wakeOnSignalChange?: boolean } = {}): ClockDomain {
    const domain = this.register(path, "clock", this.domains, new ClockDomain(path, period, options.phase ?? 0, this.now, this.statistics));
    domain.traced = options.traced ?? false;
    domain.wakeOnSignalChange = options.wakeOnSignalChange ?? true;
    return domain;
  }

  /** Attach a clocked member; allowed at any time (a member added later joins at the next edge). */
  clocked(domain: ClockDomain, member: Clocked): void {
    // Another kernel's domain is never evaluated by this one: the block would sit still without a word.
    if (!this.domains.includes(domain)) throw new SimulationError(`'${member.path}': its clock domain '${domain.path}' is not this kernel's; make it with this kernel's clock(path, period)`);
    domain.add(member);
    domain.wakeAfter(this.now);
  }

  traceWith(tracer: KernelTracer): void {
    const refusal = this.tracerRefusal;
    if (refusal !== null) throw new SimulationError(refusal);
    this.tracer = tracer;
  }

  /** Why a tracer cannot be attached now (null: it can): asked before a waveform's file is opened. */
  get tracerRefusal(): string | null {
    if (this.failure) return `cannot attach a tracer: the simulation failed (${this.failure.message})`;
    // A second one replaced the first without a word, and the first's file stayed empty while its finish() said it was written (from a driver developer's check).
    if (this.tracer !== null) return "a waveform is already being recorded on this kernel, and a kernel records one: select what both would dump in one selection";
    return this.started ? `cannot attach a tracer after the run has begun (now ${formatTime(this.now)})` : null;
  }

  /** A generator stream seeded from the kernel seed and a name, independent of other names. */
  random(name: string): Random {
    return Random.derive(this.seed, name);
  }

  private register<L, T extends L>(path: string, kind: string, list: L[], item: T): T {
    if (this.started) throw new SignalError(`cannot register ${kind} '${path}' after time has advanced (now ${formatTime(this.now)})`);
    checkPath(path, kind);
    const previous = this.names.get(path);
    if (previous !== undefined) throw new SignalError(`duplicate name '${path}': already registered as a ${previous}`);
    this.names.set(path, kind);
    list.push(item);
    return item;
  }

  // ---- processes and scheduled callbacks ----

  /** Start a generator process; it first runs in the next phase at the current time. */
  process(name: string, body: ProcessBody | (() => ProcessBody)): Process {
    const generator = typeof body === "function" ? body() : body;
    // A body that is no generator failed only when the process first ran, as "body.next is not a function" (from a driver developer's check).
    if (typeof (generator as { next?: unknown } | null)?.next !== "function") throw new SimulationError(`process '${String(name)}': its body must be a generator (function* () { … }) or a function that returns one, not ${valueKind(generator)}`);
    const process = new Process(name, generator);
    this.wakeups.started(process);
    this.resumeAt(process, this.now);
    return process;
  }

  /** Run a callback at now + delay (gem5's named event); it runs in the evaluate phase. */
  schedule(delay: number, label: string, callback: () => void): void {
    if (!Number.isInteger(delay) || delay < 0) throw new RangeError(`schedule('${label}'): delay ${delay} must be a non-negative integer of ps`);
    // Past the last time the kernel holds it never comes (a lifetime of a day, frames sent with gaps of hours).
    if (this.now + delay > LAST_TIME) return;
    this.wakeups.callAt(this.now + delay, label, callback);
  }

  resumeAt(process: Process, time: number, value?: unknown): void {
    if (time < this.now) throw new SimulationError(`process '${process.name}' asked to resume at ${formatTime(time)}, before now (${formatTime(this.now)})`);
    // A process waiting past the last time the kernel holds waits for ever.
    if (time > LAST_TIME) return;
    this.wakeups.resumeAt(process, time, value);
  }

  eventFired(event: SimEvent): void {
    if (event.firePhase === this.phase) return;
    event.firePhase = this.phase;
    this.firedEvents[this.firedCount++] = event;
  }

  /** Processes still running, with what each waits for: for diagnostics at the end of a run. */
  liveProcesses(): ReadonlyArray<{ name: string; waitingFor: string }> {
    return this.wakeups.liveProcesses();
  }

  /** Whether a phase has run at the current time: if not (a run stopped at its limit), a callback queued now runs before this time's edges. */
  get phaseRanNow(): boolean {
    return this.lastPhaseTime === this.now;
  }

  /** Whether the first run has begun: before it, a tracer may still come, and a block drawing a signal lazily cannot know whether it will be watched. */
  get begun(): boolean {
    return this.started;
  }

  /**
   * The latest time whose first phase a reader now sees committed: now once that phase (the events
   * queued for now, then the edges) has run, else the time before. What a block that draws a signal
   * lazily shows a reader.
   */
  get committedThrough(): number {
    return this.phaseRanNow && !this.edgesPending ? this.now : this.now - 1;
  }

  /** When something next runs: a queued resumption or callback, or a clock edge; Infinity when nothing will. */
  get nextActivityTime(): number {
    return Math.min(this.nextEdgeTime(), this.wakeups.nextTime, this.nextKeptEdge());
  }

  /** The first edge after `after` still to come (after what readers see committed: an edge at now while this time's edges are pending) that a block keeps rather than runs on (Clocked.nextKeptEdge). */
  private nextKeptEdge(after = -Infinity): number {
    let edge = Infinity;
    for (const domain of this.domains) edge = Math.min(edge, domain.nextKeptEdge(after));
    return edge > LAST_TIME ? Infinity : edge;
  }

  /** Whether a resumption or callback is queued for a later phase of the current time: a process just woken (its job done) has not run yet. */
  get workDueNow(): boolean {
    return this.wakeups.nextTime <= this.now;
  }

  /** Ask the run to stop once the current timestep is complete. */
  stop(message = "stop requested"): void {
    this.stopMessage = message;
  }

  // ---- running ----

  run(options: RunOptions = {}): RunResult {
    if (this.failure) throw new SimulationError(`cannot run: the simulation already failed (${this.failure.message})`);
    const limit = runLimit(options, this.now, this.domains[0]);
    if (!this.started) this.begin();
    this.stopMessage = null;
    let reason: StopReason | null = null;
    try {
      let deltas = 0;
      while (reason === null) {
        const next = Math.min(this.nextEdgeTime(), this.wakeups.nextTime);
        if (next > limit) {
          // A kept edge on the limit is taken, as the block would have taken it: what a stop there shows is the same either way.
          if (this.nextKeptEdge(limit - 1) === limit) {
            this.planKeptEdges();
            if (Math.min(this.nextEdgeTime(), this.wakeups.nextTime) <= limit) continue;
          }
          reason = options.until !== undefined ? "until" : "cycles";
          this.moveTo(limit);
          break;
        }
        if (next === Infinity) {
          // Nothing left but edges blocks keep: they take them, so a run to the end ends where it would had they run on them (watched, say).
          if (this.nextKeptEdge() !== Infinity) this.planKeptEdges();
          if (this.nextEdgeTime() === Infinity) {
            reason = "exhausted";
            break;
          }
          continue;
        }
        if (next > this.now) {
          this.moveTo(next);
          deltas = 0;
        } else if (++deltas > MAX_DELTAS) {
          throw new SimulationError(
            `more than ${MAX_DELTAS} delta cycles at ${formatTime(this.now)}: a zero-delay loop (next: '${this.wakeups.nextLabel}')`,
          );
        }
        this.runPhase();
        if (this.stopMessage !== null) reason = "stopped";
        else if (options.stopWhen?.(this)) reason = "stop-condition";
      }
    } catch (error) {
      this.failure = this.failureOf(error);
      this.tracer?.timestepDone(this.now, this.now);
      this.tracer?.close(this.now);
      throw this.failure;
    }
    try {
      this.tracer?.sync(this.now, this.workDueNow);
    } catch (error) {
      // A waveform that cannot be written (a full disk) ends the simulation as a failure inside the run would: it cannot go on recording.
      throw (this.failure = this.failureOf(error));
    }
    return reason === "stopped" ? { reason, time: this.now, message: this.stopMessage! } : { reason, time: this.now };
  }

  private failureOf(error: unknown): SimulationError {
    return error instanceof SimulationError ? error : new SimulationError(`internal error at ${formatTime(this.now)}: ${String(error)}`, { cause: error });
  }

  /** Finish the waveform (final timestamp) and release its file. */
  close(): void {
    if (this.failure) return;
    if (!this.started) this.begin();
    this.tracer?.timestepDone(this.now, this.now);
    this.tracer?.close(this.now);
  }

  private begin(): void {
    this.started = true;
    // A tracer that refuses the design (a waveform selection that matches none of it) fails the simulation: run on, it dumped nothing.
    try {
      this.tracer?.start(this);
    } catch (error) {
      throw (this.failure = this.failureOf(error));
    }
    // Values written during construction commit at time 0, before anything runs.
    this.phase++;
    this.commit();
  }

  private nextEdgeTime(): number {
    let next = Infinity;
    const domains = this.domains;
    for (let index = 0; index < domains.length; index++) {
      const edge = domains[index]!.nextEdge;
      if (edge < next) next = edge;
    }
    // Edges past the last time the kernel holds never come: the model's time ends there.
    return next > LAST_TIME ? Infinity : next;
  }

  private moveTo(time: number): void {
    if (time === this.now) return;
    this.tracer?.timestepDone(this.now, time);
    this.now = time;
    this.edgesPending = true;
  }

  /** The last time a phase ran at (time 0's are the start's). */
  private lastPhaseTime = 0;

  private runPhase(): void {
    const now = this.now;
    // A timestep is a time something ran at: time moved to a run's limit with nothing there is none (a caller stepping a long quiet wait made thousands).
    if (now !== this.lastPhaseTime) {
      this.lastPhaseTime = now;
      this.statistics.timesteps++;
    }
    this.phase++;
    this.statistics.phases++;
    this.wakeups.runDue(now);
    const domains = this.domains;
    let edges = 0;
    for (let index = 0; index < domains.length; index++) {
      const domain = domains[index]!;
      if (domain.nextEdge !== now) continue;
      const evaluated = domain.evaluate(now, this.skipIdle);
      this.statistics.componentEvaluations += evaluated;
      if (evaluated === 0) this.statistics.emptyEdges++;
      domain.nextEdge = now + domain.period;
      edges++;
    }
    this.edgesPending = false;
    this.statistics.edgesEvaluated += edges;
    const changed = this.commit();
    if (edges === 0 && !changed) return;
    for (let index = 0; index < domains.length; index++) {
      const domain = domains[index]!;
      // A domain that no signal change wakes sleeps as soon as its members are idle, changes or not.
      if (changed && domain.wakeOnSignalChange) {
        domain.rouseAll();
        domain.wakeAfter(now);
      } else if (edges > 0 && this.skipIdle && domain.nextEdge === now + domain.period && domain.allIdle()) domain.sleep(now);
    }
  }

  /** Commit every written signal together; returns whether any value changed. */
  private commit(): boolean {
    const pending = this.pending;
    const tracer = this.tracer;
    let changed = false;
    for (let index = 0; index < this.pendingCount; index++) {
      const signal = pending[index]!;
      if (!signal.commit()) continue;
      changed = true;
      if (signal.traceIndex >= 0) tracer!.touch(signal.traceIndex);
      if (signal.hasWaiters) signal.releaseWaiters();
    }
    // The list is reused: truncating an array costs V8 a runtime call every phase.
    this.pendingCount = 0;
    const fired = this.firedEvents;
    for (let index = 0; index < this.firedCount; index++) {
      const event = fired[index]!;
      event.release();
      if (event.traceIndex >= 0) tracer!.touch(event.traceIndex);
    }
    this.firedCount = 0;
    return changed;
  }
}
