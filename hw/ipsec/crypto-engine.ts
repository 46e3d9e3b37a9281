import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { BLOCK_BYTES } from "../../sim/crypto/gcm-engine.js";
import { defineEnum } from "../../sim/enum-type.js";
import { removeAt } from "../../sim/array-places.js";
import type { ParameterValues } from "../../sim/parameters.js";
import type { FrameStages } from "../trace/frame-stages.js";
import type { CryptoOutcome, Work } from "./crypto-job.js";
import type { cryptoParameters } from "./crypto-parameters.js";
import { computeWork } from "./gcm-work.js";
import { SaCache, type SaEntry } from "./sa-cache.js";

/** The data path's state (KEY_SETUP: empty while the front stage prepares the next job). */
export const CryptoState = defineEnum("crypto_state", ["IDLE", "KEY_SETUP", "RUNNING", "SAVING", "RESTORING"]);

/** What an engine needs from the pipeline that drives it. */
export interface EngineHost {
  readonly params: ParameterValues<typeof cryptoParameters>;
  readonly lookupCycles: number;
  readonly period: number;
  readonly stages: FrameStages;
  /** Whether work started with the entry may still use it: its SA was not invalidated meanwhile. */
  isCurrent(entry: SaEntry): boolean;
  /** Put a job back at the head of its class's queue, as if it had not been taken. */
  requeue(work: Work): void;
  /** Whether a context slot is free for a job the engine would save for the first time (its own slots, or the shared store's). */
  contextSlotFree(engine: CryptoEngine): boolean;
}

export const EngineHostToken = Symbol("EngineHost");

interface Front {
  readonly work: Work;
  /** When its lookup and key setup are done. */
  readonly readyAt: number;
}

interface DataPath {
  readonly work: Work;
  phase: "RUNNING" | "SAVING" | "RESTORING";
  /** When the data path took the job: the check grid counts from here. */
  readonly since: number;
  /** End of SAVING or RESTORING. */
  phaseEnd: number;
  /** When SAVING or RESTORING began: what they took is counted from here when they end (a phase of 0 cycles still holds the data path to the next edge). */
  phaseStart: number;
  /** When RUNNING began, at the job's bytesDone. */
  runStart: number;
}

/** Bytes a job owed progress gains before it is suspended again, in whole blocks (a context is saved at one): a block, or what the data path would run while restoring and saving it, if more. */
export function owedProgress(params: { readonly restoreCycles: number; readonly saveCycles: number; readonly bytesPerCycle: number }): number {
  return Math.ceil(Math.max(BLOCK_BYTES, (Math.max(1, params.restoreCycles) + params.saveCycles) * params.bytesPerCycle) / BLOCK_BYTES) * BLOCK_BYTES;
}

/**
 * One pipelined inline AES-GCM engine of seed 000, driven by its direction's CryptoPipeline. A
 * job passes three stages: the front (SA lookup, and the key schedule load when the key is not
 * in the engine's key cache), the data path (bytesPerCycle), and the pipeline's tail (latency
 * cycles until the ICV is out). The next job's front overlaps the data path of the one before,
 * and several jobs may be in the tail, up to pipelineDepth jobs in the engine.
 *
 * While a job is in the data path, every checkInterval cycles from when it entered, a job of a
 * higher strict class waiting in the front suspends it: under preempt-resume its real GCM context
 * (counter block, GHASH accumulator, offset) is saved to a context slot (saveCycles) and later
 * restored (restoreCycles); under preempt-restart it starts over; under run-to-completion nothing
 * is suspended. A job that has not finished a whole block since it (re)entered the data path, or
 * is being restored, holds no new state: it is displaced without a save.
 */
@injectable()
export class CryptoEngine extends Component {
  readonly state = this.enumSignal("state", CryptoState);
  readonly jobClass = this.signal("job_class", 3);
  /** The job's SA as SA_STATUS and the descriptors name it: GENERATION << 16 | (entry + 1), so that a job is matched to its install (it showed the entry alone; from a reviewer's check). */
  readonly handle = this.signal("handle", 31);
  readonly byteOffset = this.signal("byte_offset", 16);
  /** Saved contexts the engine holds: suspended jobs, and resumed ones until they are done. */
  readonly contexts = this.signal("suspended", 7);
  readonly keySetup = this.signal("key_setup", 1);
  readonly pipelineJobs = this.signal("pipeline_jobs", 9);
  readonly preemption = this.event("preemption");
  readonly completed = this.signal("jobs_done", 32, { kind: "integer" });
  /**
   * Jobs done; suspensions and displacements; context saves; restarts; data path busy time; the
   * least progress a save kept (bytes); of the busy time, what preemption cost: running whose
   * progress was thrown away (a restart's, a displaced job's, a save's part block) and saving and
   * restoring contexts.
   */
  readonly counts = { jobs: 0, preemptions: 0, saves: 0, restarts: 0, busyPicoseconds: 0, leastSaveProgress: Infinity, lostPicoseconds: 0, switchPicoseconds: 0 };
  front: Front | null = null;
  data: DataPath | null = null;
  /** Jobs whose data is in, each with the time its ICV is out. */
  readonly tail: { readonly work: Work; readonly doneAt: number }[] = [];
  /** Saved contexts, the last suspended on top. */
  readonly suspended: Work[] = [];
  /** Expanded key schedules held, least recently used first. */
  private readonly keys: SaEntry[] = [];
  private busySince = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(EngineHostToken) private readonly host: EngineHost) {
    super(context);
  }

  /**
   * Whether a job sent back with nothing gained cutsBeforeProgressOwed times (0: never) is owed
   * progress (owedProgress): it keeps an engine's front, and is suspended only past it. A priority
   * class with a job always waiting otherwise holds a job for ever: a 9000-byte job resumed and sent
   * back 6,000 times in 1.6 ms (its restore and a block outlast a check interval at 1 byte a cycle),
   * or a job pushed out of the front during each key setup (one key slot, 40 cycles), its class
   * sending nothing (from outside checks). Off by default: every rule tried also cost some
   * configurations of long restores or key setups most of the bulk classes' share (README).
   */
  owesProgress(work: Work): boolean {
    const limit = this.host.params.cutsBeforeProgressOwed;
    return this.host.params.policy === "preempt-resume" && limit > 0 && work.cuts >= limit;
  }

  /** Jobs in the engine: front, data path and tail. */
  get occupancy(): number {
    return (this.front ? 1 : 0) + (this.data ? 1 : 0) + this.tail.length;
  }

  get hasRoom(): boolean {
    return this.occupancy < this.host.params.pipelineDepth;
  }

  /** Picoseconds the data path held a job (running, saving, restoring), up to `now`. */
  busyUntil(now: number): number {
    return this.counts.busyPicoseconds + (this.data ? now - this.busySince : 0);
  }

  /** Picoseconds the data path spent saving and restoring contexts, up to `now` (a phase under way counted so far). */
  switchUntil(now: number): number {
    const data = this.data;
    return this.counts.switchPicoseconds + (data && data.phase !== "RUNNING" ? now - data.phaseStart : 0);
  }

  /** When the data path will be free if nothing is suspended meanwhile. */
  dataFreeAt(now: number): number {
    const data = this.data;
    if (!data) return now;
    if (data.phase === "RUNNING") return this.runEnd(data);
    return data.phaseEnd + (data.phase === "RESTORING" ? this.runCycles(data.work) * this.host.period : 0);
  }

  /** Take a job into the front stage: the SA lookup (not for a resumed job) and its key schedule. */
  take(work: Work, now: number): void {
    const cycles = this.frontCycles(work);
    this.cacheKey(work.job.entry);
    this.front = { work, readyAt: now + cycles * this.host.period };
    if (!work.started) this.host.stages.record(work.job.encrypt ? "tx" : "rx", "crypto-started", now, work.job.tag as object, work.job.frame);
    work.started = true;
  }

  /** The top suspended job of `holder` (this engine, or any with a shared context store) goes into the front to be resumed. */
  resume(now: number, holder: CryptoEngine = this): void {
    this.take(holder.suspended.pop()!, now);
  }

  /** Give the front's job back (to the queue, or to its slot when it holds a saved context) for a more urgent one. */
  displaceFront(): void {
    const work = this.front!.work;
    this.front = null;
    work.cuts++;
    if (work.operation.saved) this.suspended.push(work);
    else this.host.requeue(work);
  }

  /** Retire what is due now: ICVs out of the tail, the data path's phase ends. */
  finishDue(now: number): void {
    const data = this.data;
    if (data?.phase === "RUNNING" && now >= this.runEnd(data)) {
      this.freeData(now);
      this.tail.push({ work: data.work, doneAt: now + this.host.params.latency * this.host.period });
    } else if (data?.phase === "SAVING" && now >= data.phaseEnd) {
      this.counts.switchPicoseconds += now - data.phaseStart;
      this.freeData(now);
      this.suspended.push(data.work);
    } else if (data?.phase === "RESTORING" && now >= data.phaseEnd) {
      this.counts.switchPicoseconds += now - data.phaseStart;
      data.phase = "RUNNING";
      data.runStart = now;
    }
    while (this.tail.length > 0 && this.tail[0]!.doneAt <= now) this.complete(this.tail.shift()!.work, now);
  }

  /** The front's job enters a free data path once its key is ready. */
  enterData(now: number): void {
    const front = this.front;
    if (this.data || !front || front.readyAt > now) return;
    const work = front.work;
    this.front = null;
    const stage = work.job.encrypt ? "tx" : "rx";
    if (!work.ready) this.host.stages.record(stage, "crypto-ready", front.readyAt, work.job.tag as object, work.job.frame);
    if (!work.running) this.host.stages.record(stage, "crypto-running", now, work.job.tag as object, work.job.frame);
    work.ready = work.running = true;
    const restoring = work.operation.saved;
    this.data = { work, phase: restoring ? "RESTORING" : "RUNNING", since: now, phaseEnd: now + (restoring ? this.host.params.restoreCycles * this.host.period : 0), phaseStart: now, runStart: now };
    this.busySince = now;
  }

  /** Whether `now` is a check point of the job in the data path: a whole number (not zero) of checkIntervals since it entered. */
  checkDue(now: number): boolean {
    const data = this.data;
    if (!data || data.phase === "SAVING") return false;
    const cycles = Math.round((now - data.since) / this.host.period);
    return cycles > 0 && cycles % this.host.params.checkInterval === 0;
  }

  /** Saved contexts the engine holds: in its slots, and those of resumed jobs on their way back (a resumed job keeps its slot until it is done). */
  get contextsHeld(): number {
    return this.suspended.length + (this.front?.work.operation.saved ? 1 : 0) + (this.data?.work.operation.saved ? 1 : 0);
  }

  /**
   * Suspend the job in the data path for the one in the front; returns false when it cannot be:
   * the policy runs every job to completion, or a save is needed and no context slot is free. A job being restored goes back to its slot; one
   * with no whole block of progress since it entered gives its place up without a save (back to
   * its slot, or to the queue); under preempt-restart the job starts over.
   */
  suspend(now: number): boolean {
    const data = this.data!;
    const work = data.work;
    const policy = this.host.params.policy;
    if (policy === "run-to-completion") return false;
    const reached = Math.floor(this.liveBytes(data, now) / BLOCK_BYTES) * BLOCK_BYTES;
    const saving = policy === "preempt-resume" && data.phase === "RUNNING" && reached > work.operation.bytesDone;
    // Sent back while being restored, or before a block, a job gains nothing; one owed progress goes on. Owing every resumed job one cost a quarter of the
    // engines where long restores are mostly cut short (restoreCycles 100; from an outside check): a few cuts are cheap.
    const owed = this.owesProgress(work);
    if (!saving && policy === "preempt-resume") {
      if (owed) return false;
      work.cuts++;
    }
    // An owed job runs as long as its restore and save take before it is suspended again: owed one block only, each owed resume cost the engines a restore
    // and a save for a block, and where both were long (50 and 20 cycles) the bulk classes fell to a quarter (from an outside check).
    if (saving && owed && reached - work.operation.bytesDone < owedProgress(this.host.params) && reached < work.bytes) return false;
    if (saving) work.cuts = 0;
    // A job saved for the first time needs a slot; a resumed one saves into its own.
    if (saving && !work.operation.saved && !this.host.contextSlotFree(this)) return false;
    this.counts.preemptions++;
    work.preemptions++;
    this.preemption.fire();
    // A restore cut short took its time for nothing; a running job, the cycles it has yet to run grow by what the preemption throws away.
    const running = data.phase === "RUNNING";
    const cyclesLeft = running ? (this.runEnd(data) - now) / this.host.period : 0;
    if (!running) this.counts.switchPicoseconds += now - data.phaseStart;
    if (saving) {
      this.counts.saves++;
      this.counts.leastSaveProgress = Math.min(this.counts.leastSaveProgress, reached - work.operation.bytesDone);
      work.operation.stepTo(reached);
      this.counts.lostPicoseconds += (this.runCycles(work) - cyclesLeft) * this.host.period;
      data.phase = "SAVING";
      data.phaseStart = now;
      data.phaseEnd = now + this.host.params.saveCycles * this.host.period;
      return true;
    }
    this.freeData(now);
    if (policy === "preempt-restart") {
      this.counts.restarts++;
      work.operation.restart();
    }
    if (running) this.counts.lostPicoseconds += (this.runCycles(work) - cyclesLeft) * this.host.period;
    if (work.operation.saved) this.suspended.push(work);
    else this.host.requeue(work);
    return true;
  }

  /** The next time this engine has something to do (Infinity: nothing); `checkWanted`: a waiting job could suspend the data path's. */
  nextEvent(now: number, checkWanted: boolean): number {
    let next = this.tail[0]?.doneAt ?? Infinity;
    const data = this.data;
    if (data) {
      next = Math.min(next, data.phase === "RUNNING" ? this.runEnd(data) : data.phaseEnd);
      if (checkWanted && data.phase !== "SAVING") {
        const interval = this.host.params.checkInterval * this.host.period;
        next = Math.min(next, data.since + (Math.floor((now - data.since) / interval) + 1) * interval);
      }
    }
    // A front job whose key is ready waits for the data path, whose end is already an event.
    if (this.front && this.front.readyAt > now) next = Math.min(next, this.front.readyAt);
    return next;
  }

  /** Show the engine's state in the waveform. */
  publish(now: number): void {
    const data = this.data;
    const shown = data?.work ?? this.front?.work;
    this.state.set(CryptoState.code(data ? data.phase : this.front ? "KEY_SETUP" : "IDLE"));
    this.jobClass.set(shown ? shown.job.queue & 7 : 0);
    this.handle.set(shown ? SaCache.handleOf(shown.job.entry) : 0);
    // The offset the job (re)started from, updated at transitions only, so that idle edges can be skipped.
    this.byteOffset.set(data ? Math.min(data.work.operation.bytesDone, 0xffff) : 0);
    this.contexts.set(Math.min(this.contextsHeld, 127));
    this.keySetup.set(this.front && this.front.readyAt > now ? 1 : 0);
    this.pipelineJobs.set(Math.min(this.tail.length, 511));
  }

  private complete(work: Work, now: number): void {
    const { job } = work;
    this.counts.jobs++;
    this.completed.set(this.counts.jobs);
    const outcome: CryptoOutcome = this.host.isCurrent(job.entry) ? computeWork(work) : "invalidated";
    this.host.stages.record(job.encrypt ? "tx" : "rx", "crypto-done", now, job.tag as object, job.frame);
    job.reply.push({ job, outcome, preemptions: work.preemptions });
  }

  private freeData(now: number): void {
    this.data = null;
    this.counts.busyPicoseconds += now - this.busySince;
  }

  /** Cycles a job would take in this engine's front stage now: the SA lookup (not for a resumed job), and its key schedule's setup unless cached. */
  frontCycles(work: Work): number {
    return (work.operation.saved ? 0 : this.host.lookupCycles) + (this.keys.includes(work.job.entry) ? 0 : this.host.params.keySetupCycles);
  }

  /** The SA's key schedule becomes the most recent in the key cache (loaded, in place of the least recent, if it was not cached). */
  private cacheKey(entry: SaEntry): void {
    const keys = this.keys;
    const index = keys.indexOf(entry);
    if (index >= 0) removeAt(keys, index);
    else if (keys.length >= this.host.params.keyCacheEntries) keys.shift();
    keys.push(entry);
  }

  private runCycles(work: Work): number {
    return Math.ceil((work.bytes - work.operation.bytesDone) / this.host.params.bytesPerCycle);
  }

  private runEnd(data: DataPath): number {
    return data.runStart + this.runCycles(data.work) * this.host.period;
  }

  private liveBytes(data: DataPath, now: number): number {
    if (data.phase !== "RUNNING") return data.work.operation.bytesDone;
    return Math.min(data.work.bytes, data.work.operation.bytesDone + Math.floor((now - data.runStart) / this.host.period) * this.host.params.bytesPerCycle);
  }
}
