import { ClockDomain } from "./clock-domain.js";
import { SignalBase, type SignalPredicate } from "./signal.js";
import { valueKind } from "./shown-value.js";

/** A generator coroutine run by the kernel: it yields commands and is resumed at simulated times. */
export type ProcessBody = Generator<Command, unknown, any>;

/** What a process can yield. The kernel arms it, and the command decides when the process resumes. */
export interface Command {
  arm(scheduler: ProcessScheduler, process: Process): void;
  /** For diagnostics: what the process is waiting for. */
  describe(): string;
}

export interface ProcessScheduler {
  readonly now: number;
  resumeAt(process: Process, time: number, value?: unknown): void;
}

export class Process {
  done = false;
  result: unknown = undefined;
  /** What the process last yielded; described only when asked (diagnostics), not at every step. */
  waitingOn: Command | "start" | "finished" = "start";

  constructor(readonly name: string, readonly body: ProcessBody) {}

  get waitingFor(): string {
    return typeof this.waitingOn === "string" ? this.waitingOn : this.waitingOn.describe();
  }
}

export function isCommand(value: unknown): value is Command {
  return typeof value === "object" && value !== null && typeof (value as Command).arm === "function";
}

/** Resume after a simulated duration in picoseconds; delay(0) resumes in the next delta cycle. */
export function delay(duration: number): Command {
  // One that ends past the last time the kernel holds (2^53 ps) never ends.
  if (!Number.isInteger(duration) || duration < 0) throw new RangeError(`delay(${duration}): a delay is a non-negative integer of picoseconds`);
  return {
    arm: (scheduler, process) => scheduler.resumeAt(process, scheduler.now + duration),
    describe: () => `delay(${duration} ps)`,
  };
}

/**
 * Resume on the count-th next rising edge of a clock, in the same phase as the domain's
 * components: the process reads the values before the edge and its writes commit with it.
 */
export function edge(clock: ClockDomain, count = 1): Command {
  // A clock misnamed (top.nic.clk) failed in the kernel as "internal error: Cannot read properties of undefined" (from an outside check).
  if (!(clock instanceof ClockDomain)) throw new TypeError(`edge(clock, count): expected a clock domain (top.nic.coreClock, …), not ${valueKind(clock)}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`edge(${clock.path}, ${count}): count must be a positive integer`);
  return {
    arm: (scheduler, process) => scheduler.resumeAt(process, clock.edgesAfter(scheduler.now, count)),
    describe: () => `edge(${clock.path}${count > 1 ? `, ${count}` : ""})`,
  };
}

/**
 * Resume once the signal holds the value (or satisfies the predicate), in the delta cycle after
 * the commit that made it so; if it already does, in the next delta cycle. Yields the value.
 */
export function until<T extends number | bigint>(signal: SignalBase<T>, condition: T | SignalPredicate<T>): Command {
  // A signal misnamed failed in the kernel as an internal error; a predicate given alone resumed at once (undefined === undefined; from an outside check).
  if (!(signal instanceof SignalBase)) throw new TypeError(`until(signal, value or predicate): expected a signal (top.nic.mac.rxBusy, …), not ${valueKind(signal)}`);
  if (typeof condition !== "function" && typeof condition !== "number" && typeof condition !== "bigint") throw new TypeError(`until(${signal.path}, value or predicate): expected the value to wait for (a number or bigint) or a predicate of the value, not ${valueKind(condition)}`);
  const predicate: SignalPredicate<T> = typeof condition === "function" ? condition : (value) => value === condition;
  return {
    arm: (scheduler, process) => {
      const value = signal.value;
      if (predicate(value)) scheduler.resumeAt(process, scheduler.now, value);
      else signal.addWaiter({ predicate, resume: (value) => scheduler.resumeAt(process, scheduler.now, value) });
    },
    describe: () => `until(${signal.path}${typeof condition === "function" ? ", predicate" : ` == ${condition}`})`,
  };
}
