import { inject, injectable } from "../../sim/di.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import type { IcvLength } from "../../sim/crypto/backend.js";
import { BLOCK_BYTES } from "../../sim/crypto/gcm-engine.js";
import { defineEnum } from "../../sim/enum-type.js";
import { type CryptoDispatch, CryptoDispatchToken, type CryptoJob, type CryptoOutcome, type EngineView, SaCacheToken, type Work } from "./crypto-job.js";
import type { SaCache, SaEntry } from "./sa-cache.js";

export const CryptoState = defineEnum("crypto_state", ["IDLE", "KEY_SETUP", "RUNNING", "SAVING", "RESTORING"]);

type Phase = "KEY_SETUP" | "RUNNING" | "SAVING" | "RESTORING";

/**
 * One inline AES-GCM engine of seed 000, serving its direction's priority queue with the others:
 * while a job runs, every checkInterval cycles it looks for a ready job of strictly higher
 * priority and, if no engine is free and its own job is the lowest-priority one running, under
 * preempt-resume saves the running job's real GCM context (counter block, GHASH accumulator,
 * offset) in one of its context slots (saveCycles), runs the higher one, and later restores
 * (restoreCycles) and resumes it; under preempt-restart the suspended job starts over; under
 * run-to-completion nothing is preempted. A job in key setup or being restored holds no new
 * state: at a check it is displaced without a save (back to the queue, or to its slot). Timed by key setup, pipeline latency and bytes per cycle.
 */
@injectable()
export class CryptoEngine extends ClockedComponent implements EngineView {
  readonly state = this.enumSignal("state", CryptoState);
  readonly jobClass = this.signal("job_class", 3);
  readonly handle = this.signal("handle", 17);
  readonly byteOffset = this.signal("byte_offset", 16);
  readonly stackDepth = this.signal("suspended", 7);
  readonly preemption = this.event("preemption");
  readonly completed = this.signal("jobs_done", 32, { kind: "integer" });
  readonly counts = { jobs: 0, preemptions: 0, restarts: 0, busyPicoseconds: 0 };
  private readonly params: CryptoDispatch["params"];
  private readonly suspended: Work[] = [];
  private current: Work | null = null;
  private phase: Phase = "KEY_SETUP";
  /** When this engine took up its current job (key setup or restore): the check grid counts from it. */
  private jobStart = 0;
  private phaseEnd = 0;
  /** When the current job's RUNNING phase began, at its bytesDone. */
  private runStart = 0;
  /** When the engine last went from idle to busy. */
  private busySince = 0;
  private lastEntry: SaEntry | null = null;
  private nextEvent = Infinity;
  private seenEpoch = -1;

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(SaCacheToken) private readonly cache: SaCache,
    @inject(CryptoDispatchToken) private readonly dispatch: CryptoDispatch,
  ) {
    super(context);
    this.params = dispatch.params;
  }

  get running(): Work | null {
    return this.current;
  }

  /** Picoseconds spent working on a job (key setup, running, saving, restoring), up to `now`. */
  busyUntil(now: number): number {
    return this.counts.busyPicoseconds + (this.current ? now - this.busySince : 0);
  }

  override isIdle(): boolean {
    if (this.dispatch.epoch !== this.seenEpoch) return false;
    if (!this.current && (this.dispatch.queue.length > 0 || this.suspended.length > 0)) return false;
    if (this.current) return this.kernel.now < this.nextEvent;
    return this.state.value === CryptoState.code("IDLE");
  }

  evaluate(): void {
    const now = this.kernel.now;
    (globalThis as any).__dbg?.push(`${now/4000} eval phase=${this.phase} cur=${this.current?.job.priority} q=${this.dispatch.queue.map(w=>w.job.priority)} next=${this.nextEvent/4000}`);
    const wasBusy = this.current !== null;
    // Carry out everything due now: phase ends, completion, a preemption, the next job.
    for (let step = 0; step < 8; step++) if (!this.advance(now)) break;
    this.nextEvent = this.computeNextEvent(now);
    if (this.nextEvent !== Infinity) this.clock.wakeAt(this.nextEvent, now);
    const work = this.current;
    this.state.set(CryptoState.code(work ? this.phase : "IDLE"));
    this.jobClass.set(work ? work.job.priority & 7 : 0);
    this.handle.set(work ? work.job.entry.index + 1 : 0);
    // The offset the job (re)started from, updated at transitions only, so that idle edges can be skipped.
    this.byteOffset.set(work ? Math.min(work.bytesDone, 0xffff) : 0);
    this.stackDepth.set(Math.min(this.suspended.length, 127));
    const busy = this.current !== null;
    if (busy && !wasBusy) this.busySince = now;
    if (!busy && wasBusy) this.counts.busyPicoseconds += now - this.busySince;
    this.seenEpoch = this.dispatch.epoch;
  }

  /** One transition due at `now`; returns whether anything happened. */
  private advance(now: number): boolean {
    const work = this.current;
    if (!work) return this.startNext(now);
    if (this.phase !== "RUNNING") {
      if (now < this.phaseEnd) {
        // Key setup and restore hold no new state: a higher job displaces them at a check without a save.
        if (this.phase !== "SAVING" && this.checkDue(now, this.jobStart) && this.canDisplace(work)) {
          this.displace(work);
          return true;
        }
        return false;
      }
      if (this.phase === "SAVING") {
        this.suspended.push(work);
        this.current = null;
        this.dispatch.changed();
        return true;
      }
      this.phase = "RUNNING";
      this.runStart = now;
      return true;
    }
    if (now >= this.runEnd(work)) {
      this.complete(work);
      this.current = null;
      this.dispatch.changed();
      return true;
    }
    if (this.checkDue(now, this.jobStart) && this.canPreempt(work)) {
      this.preempt(work, now);
      return true;
    }
    return false;
  }

  private startNext(now: number): boolean {
    const resume = this.suspended[this.suspended.length - 1];
    const next = this.dispatch.queue[0];
    if (!resume && !next) return false;
    const period = this.clock.period;
    let work: Work;
    if (resume && (!next || resume.job.priority >= next.job.priority)) {
      work = this.suspended.pop()!;
      this.phase = "RESTORING";
      this.jobStart = now;
      this.phaseEnd = now + (this.params.restoreCycles + this.setupCycles(work)) * period;
    } else {
      work = this.dispatch.queue.shift()!;
      if (!work.started) this.dispatch.stages.record(work.job.encrypt ? "tx" : "rx", "crypto-started", now, work.job.tag as object, work.job.frame);
      work.started = true;
      this.phase = "KEY_SETUP";
      this.jobStart = now;
      this.phaseEnd = now + (this.cache.params.lookupCycles + this.setupCycles(work) + this.params.latency) * period;
    }
    this.current = work;
    this.dispatch.changed();
    return true;
  }

  private setupCycles(work: Work): number {
    const setup = work.job.entry === this.lastEntry ? 0 : this.params.keySetupCycles;
    this.lastEntry = work.job.entry;
    return setup;
  }

  /** Whether `now` is a check point: a whole number (not zero) of checkIntervals since `since`. */
  private checkDue(now: number, since: number): boolean {
    const cycles = Math.round((now - since) / this.clock.period);
    return cycles > 0 && cycles % this.params.checkInterval === 0;
  }

  /** The check point after `now`, counting from `since`. */
  private nextCheck(now: number, since: number): number {
    const period = this.clock.period;
    const interval = this.params.checkInterval;
    const cycles = Math.floor((now - since) / period);
    return since + (Math.floor(cycles / interval) + 1) * interval * period;
  }

  /** Give up a job in key setup (back to the queue) or being restored (back to its slot). */
  private displace(work: Work): void {
    this.counts.preemptions++;
    work.preemptions++;
    this.preemption.fire();
    this.current = null;
    if (this.phase === "RESTORING") this.suspended.push(work);
    else this.dispatch.enqueue(work, true);
    this.dispatch.changed();
  }

  /** Suspend the running job at a block boundary, its real GCM state saved (or dropped, to restart). */
  private preempt(work: Work, now: number): void {
    this.counts.preemptions++;
    work.preemptions++;
    this.preemption.fire();
    const reached = Math.floor(this.liveBytes(work, now) / BLOCK_BYTES) * BLOCK_BYTES;
    if (this.params.policy === "preempt-restart") {
      // The work done is lost; the job waits again from the start.
      this.counts.restarts++;
      work.context = null;
      work.output = null;
      work.bytesDone = 0;
      this.current = null;
      this.dispatch.enqueue(work, true);
      return;
    }
    this.stepTo(work, reached);
    this.phase = "SAVING";
    this.phaseEnd = now + this.params.saveCycles * this.clock.period;
  }

  /** Advance the job's GCM context to `bytes` of its data: the real intermediate state. */
  private stepTo(work: Work, bytes: number): void {
    const { job } = work;
    const data = job.frame.subarray(job.layout.dataOffset, job.layout.dataEnd);
    if (!work.context) {
      work.context = job.entry.engine.start(nonceOf(job), aadOf(job), job.encrypt);
      work.output = new Uint8Array(data.length);
    }
    const blocks = Math.ceil((bytes - work.context.offset) / BLOCK_BYTES);
    if (blocks > 0) work.context = job.entry.engine.step(work.context, data, work.output!, blocks);
    work.bytesDone = work.context.offset;
  }

  private complete(work: Work): void {
    const { job } = work;
    this.counts.jobs++;
    this.completed.set(this.counts.jobs);
    const outcome = this.cache.isCurrent(job.entry) ? this.compute(work) : "invalidated";
    this.dispatch.stages.record(job.encrypt ? "tx" : "rx", "crypto-done", this.kernel.now, job.tag as object, job.frame);
    job.reply.push({ job, outcome, preemptions: work.preemptions });
  }

  /** The real bytes: AES-GCM over the ESP payload with AAD SPI ‖ sequence and nonce salt ‖ IV. */
  private compute(work: Work): CryptoOutcome {
    const { job } = work;
    const { frame, layout, entry } = job;
    const icvLength = entry.icvLength as IcvLength;
    if (!work.context) {
      // Never suspended: the engine's one-shot path, the same bytes (tested).
      if (job.encrypt) {
        frame.set(entry.engine.sealWhole(nonceOf(job), aadOf(job), frame.subarray(layout.dataOffset, layout.dataEnd), icvLength), layout.dataOffset);
        return "ok";
      }
      const plaintext = entry.engine.openWhole(nonceOf(job), aadOf(job), frame.subarray(layout.dataOffset, layout.icvEnd), icvLength);
      if (plaintext === null) return "icv-failed";
      frame.set(plaintext, layout.dataOffset);
      return "ok";
    }
    // Resumed from a saved context: finish stepping it and compute the tag.
    this.stepTo(work, layout.dataEnd - layout.dataOffset);
    const icv = entry.engine.finish(work.context, icvLength);
    if (job.encrypt) {
      frame.set(work.output!, layout.dataOffset);
      frame.set(icv, layout.dataEnd);
      return "ok";
    }
    const received = frame.subarray(layout.dataEnd, layout.icvEnd);
    let difference = 0;
    for (let index = 0; index < icv.length; index++) difference |= icv[index]! ^ received[index]!;
    if (difference !== 0) return "icv-failed";
    frame.set(work.output!, layout.dataOffset);
    return "ok";
  }

  /** Whether a running job may be suspended: it may be displaced, and (to resume later) a context slot is free. */
  private canPreempt(work: Work): boolean {
    return this.canDisplace(work) && (this.params.policy === "preempt-restart" || this.suspended.length < this.params.contextSlots);
  }

  /**
   * A ready job of strictly higher priority, no free engine to take it, and this engine's job the
   * lowest-priority one running (the first such engine).
   */
  private canDisplace(work: Work): boolean {
    const head = this.dispatch.queue[0];
    if (this.params.policy === "run-to-completion" || !head || head.job.priority <= work.job.priority) return false;
    let lowest: EngineView | null = null;
    for (const engine of this.dispatch.engines) {
      if (!engine.running) return false;
      if (!lowest || engine.running.job.priority < lowest.running!.job.priority) lowest = engine;
    }
    return lowest === this;
  }

  private total(work: Work): number {
    return work.job.layout.dataEnd - work.job.layout.dataOffset;
  }

  private runEnd(work: Work): number {
    return this.runStart + Math.ceil((this.total(work) - work.bytesDone) / this.params.bytesPerCycle) * this.clock.period;
  }

  private liveBytes(work: Work, now: number): number {
    if (this.phase !== "RUNNING" || work !== this.current) return work.bytesDone;
    return Math.min(this.total(work), work.bytesDone + Math.floor((now - this.runStart) / this.clock.period) * this.params.bytesPerCycle);
  }

  private computeNextEvent(now: number): number {
    const work = this.current;
    if (!work) return this.dispatch.queue.length > 0 || this.suspended.length > 0 ? now + this.clock.period : Infinity;
    if (this.phase === "SAVING") return this.phaseEnd;
    if (this.phase !== "RUNNING") return this.canDisplace(work) ? Math.min(this.phaseEnd, this.nextCheck(now, this.jobStart)) : this.phaseEnd;
    const end = this.runEnd(work);
    if (!this.canPreempt(work)) return end;
    return Math.min(end, this.nextCheck(now, this.jobStart));
  }
}

function nonceOf(job: CryptoJob<unknown>): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce.set(job.entry.salt);
  nonce.set(job.frame.subarray(job.layout.ivOffset, job.layout.ivOffset + 8), 4);
  return nonce;
}

function aadOf(job: CryptoJob<unknown>): Uint8Array {
  return job.frame.subarray(job.layout.ivOffset - 8, job.layout.ivOffset);
}
