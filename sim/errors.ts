import { formatTime } from "./time.js";

/** Base of every error the kernel raises about the model (never about the host). */
export class SimulationError extends Error {
  override name = "SimulationError";
}

/**
 * A directory the outputs cannot go to, or a file they cannot be written as: the path and why. The
 * run's own failure, not the model's: the kernel passes it on as it is, from whichever process wrote.
 */
export class OutputError extends SimulationError {
  override name = "OutputError";
}

/** A process or scheduled event threw: says which one and at what simulated time. */
export class ProcessError extends SimulationError {
  override name = "ProcessError";
  constructor(readonly processName: string, readonly time: number, override readonly cause: unknown) {
    super(`process '${processName}' threw at ${formatTime(time)}: ${describe(cause)}`, { cause });
  }
}

/** A clocked component threw while evaluating an edge. */
export class ComponentError extends SimulationError {
  override name = "ComponentError";
  constructor(readonly componentPath: string, readonly time: number, readonly cycle: number, override readonly cause: unknown) {
    super(`component '${componentPath}' threw at ${formatTime(time)} (cycle ${cycle}): ${describe(cause)}`, { cause });
  }
}

/** Misuse of a signal: width, conflicting drivers, registration after time has advanced. */
export class SignalError extends SimulationError {
  override name = "SignalError";
}

/** A parameter override or value that does not fit its declaration. */
export class ParameterError extends SimulationError {
  override name = "ParameterError";
}

export function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** Every problem found as one message: the one alone, or several under a heading, each on a line of its own; null when there are none. */
export function problemsMessage(heading: string, problems: readonly string[]): string | null {
  if (problems.length === 0) return null;
  return problems.length === 1 ? problems[0]! : `${heading}:\n  ${problems.join("\n  ")}`;
}
