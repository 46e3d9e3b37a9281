import { OutputError, ProcessError } from "./errors.js";
import { EventQueue, type QueueEntry } from "./event-queue.js";
import { isCommand, type Process, type ProcessScheduler } from "./process.js";
import type { KernelStatistics } from "./kernel-statistics.js";

interface Wakeup extends QueueEntry {
  process: Process | null;
  value: unknown;
  callback: (() => void) | null;
  label: string;
}

/**
 * The kernel's process resumptions and timed callbacks, in time order (ties in the order they were
 * queued), and the processes still running: what a phase runs before the clock edges.
 */
export class Wakeups {
  private readonly queue = new EventQueue<Wakeup>();
  /** Processes not yet finished; each leaves when it returns or throws, so long runs do not accumulate them. */
  private readonly live = new Set<Process>();

  constructor(
    private readonly scheduler: ProcessScheduler,
    private readonly statistics: KernelStatistics,
  ) {}

  /** When the next resumption or callback is due; Infinity when none is queued. */
  get nextTime(): number {
    return this.queue.peekTime();
  }

  /** The label of the next one due: for a zero-delay loop's message. */
  get nextLabel(): string | undefined {
    return this.queue.peek()?.label;
  }

  callAt(time: number, label: string, callback: () => void): void {
    this.queue.push({ time, process: null, value: undefined, callback, label });
  }

  resumeAt(process: Process, time: number, value?: unknown): void {
    this.queue.push({ time, process, value, callback: null, label: process.name });
  }

  /** A process started: it runs until it returns or throws. */
  started(process: Process): void {
    this.live.add(process);
  }

  /** Processes still running, with what each waits for. */
  liveProcesses(): ReadonlyArray<{ name: string; waitingFor: string }> {
    return [...this.live].map(({ name, waitingFor }) => ({ name, waitingFor }));
  }

  /** Run those due at `now` that were queued before this phase began: any queued while they run go in a later phase of this time (a delta cycle). */
  runDue(now: number): void {
    const queue = this.queue;
    const mark = queue.sequenceMark;
    for (let entry = queue.peek(); entry !== undefined && entry.time === now && entry.sequence < mark; entry = queue.peek()) {
      queue.pop();
      if (entry.process !== null) this.step(entry.process, entry.value, now);
      else this.call(entry, now);
    }
  }

  private step(process: Process, value: unknown, now: number): void {
    this.statistics.processResumptions++;
    let result: IteratorResult<unknown, unknown>;
    try {
      result = process.body.next(value);
    } catch (error) {
      this.finish(process);
      throw error instanceof OutputError ? error : new ProcessError(process.name, now, error);
    }
    if (result.done) {
      this.finish(process);
      process.result = result.value;
      process.waitingOn = "finished";
      return;
    }
    const command = result.value;
    if (!isCommand(command)) {
      this.finish(process);
      throw new ProcessError(process.name, now, new TypeError(`yielded ${String(command)}, which is not a command (delay, edge, until or an event)`));
    }
    process.waitingOn = command;
    command.arm(this.scheduler, process);
  }

  private finish(process: Process): void {
    process.done = true;
    this.live.delete(process);
  }

  private call(entry: Wakeup, now: number): void {
    try {
      entry.callback!();
    } catch (error) {
      throw error instanceof OutputError ? error : new ProcessError(entry.label, now, error);
    }
  }
}
