import type { SweepPoint } from "./sweep.js";
import { problemsMessage } from "../../sim/errors.js";

/**
 * One machine's share of a sweep: shard `index` of `count` runs the points whose index modulo
 * `count` is `index` (round robin, so that an axis of long and short runs spreads over every shard).
 * The share depends only on the grid and k/n, never on the machine or its threads.
 */
export interface Shard {
  readonly index: number;
  readonly count: number;
  /** The option and environment variables that said so, for messages and the shard's output. */
  readonly givenBy: string;
}

/** A shard that cannot be: the message names the option or variable at fault. */
export class ShardError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(problemsMessage("the shard cannot be told", list)!);
    this.problems = list;
  }
}

/** What the command line says about sharding (the raw texts, checked here with the environment's). */
export interface ShardOptions {
  readonly shard?: string;
  readonly shardCount?: string;
}

/** The environment variables read, by their owners' names. */
export const SHARD_VARIABLES = {
  slurmId: "SLURM_ARRAY_TASK_ID",
  slurmCount: "SLURM_ARRAY_TASK_COUNT",
  slurmMinimum: "SLURM_ARRAY_TASK_MIN",
  slurmStep: "SLURM_ARRAY_TASK_STEP",
  slurmMaximum: "SLURM_ARRAY_TASK_MAX",
  kubernetesIndex: "JOB_COMPLETION_INDEX",
  count: "NICSIM_SHARD_COUNT",
} as const;

/** One source's word on the shard number, the number of shards, or both. */
interface Claim {
  readonly index?: number;
  readonly count?: number;
  readonly givenBy: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** A whole number in decimal digits (no sign, blank, fraction or exponent). */
function wholeNumber(text: string, name: string, minimum: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < minimum) throw new ShardError(`${name} '${text}': expected a whole number of at least ${minimum}`);
  return value;
}

/** `--shard k/n`. */
function optionClaim(text: string): Claim {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  if (!match) throw new ShardError(`--shard '${text}': expected k/n, this shard's number k (from 0) and the number of shards n, as in --shard 0/4`);
  return { index: wholeNumber(match[1]!, "--shard's k", 0), count: wholeNumber(match[2]!, "--shard's n", 1), givenBy: `--shard ${text}` };
}

/** A SLURM array task: k = (ID − MIN) / STEP, n = COUNT, for arrays such as --array=0-7 or 1-8 or 0-14:2. */
function slurmClaim(environment: Environment): Claim | null {
  const { slurmId, slurmCount, slurmMinimum, slurmStep, slurmMaximum } = SHARD_VARIABLES;
  const idText = environment[slurmId];
  // The count without the ID is no array task, and would have run the whole sweep in every task of a job that meant to shard it.
  if (idText === undefined && environment[slurmCount] !== undefined) throw new ShardError(`${slurmCount} is set (${environment[slurmCount]}) but ${slurmId} is not: cannot tell this shard's number (give --shard k/n)`);
  if (idText === undefined) return null;
  const countText = environment[slurmCount];
  if (countText === undefined) throw new ShardError(`${slurmId} is set (${idText}) but ${slurmCount} is not: cannot tell the number of shards (give --shard k/n)`);
  // Every variable's mistake at once: the first alone hid the others.
  const problems: string[] = [];
  // A variable's number, or (not set) `absent`; a mistake is noted and stands as NaN until all are known.
  const number = <Absent extends number | null>(name: string, minimum: number, absent: Absent): number | Absent => {
    const text = environment[name];
    if (text === undefined) return absent;
    try {
      return wholeNumber(text, name, minimum);
    } catch (error) {
      if (!(error instanceof ShardError)) throw error;
      problems.push(...error.problems);
      return NaN;
    }
  };
  // Both are set here (checked above).
  const id = number(slurmId, 0, NaN);
  const count = number(slurmCount, 1, NaN);
  const minimum = number(slurmMinimum, 0, 0);
  const step = number(slurmStep, 1, 1);
  // A list (--array=1,3,7) has as many tasks as an even range from MIN to MAX only if it is one: every task can tell.
  const maximum = number(slurmMaximum, 0, null);
  if (problems.length > 0) throw new ShardError(problems);
  // The variables as set, and what an unset MIN or STEP is taken as (SLURM sets both for every array), so that nothing is shown as set that was not.
  const shown = (name: string, value: number | null, assumed: string) => (environment[name] !== undefined ? `${name}=${value}` : assumed);
  const givenBy = [
    `${slurmId}=${id}`,
    shown(slurmMinimum, minimum, `${slurmMinimum} unset (taken as 0)`),
    ...(maximum === null ? [] : [`${slurmMaximum}=${maximum}`]),
    shown(slurmStep, step, `${slurmStep} unset (taken as 1)`),
    `${slurmCount}=${count}`,
  ].join(", ");
  const offset = id - minimum;
  const evenlySpaced = maximum === null || (maximum - minimum) / step + 1 === count;
  if (!evenlySpaced || offset < 0 || offset % step !== 0 || offset / step >= count) {
    const wrong = evenlySpaced ? `not task 0 to ${count - 1} of an evenly spaced array` : `${count} tasks from ${minimum} to ${maximum} in steps of ${step} are no evenly spaced array`;
    throw new ShardError(`${givenBy}: ${wrong} (--array=0-7, 1-8 and 0-14:2 are; a list such as 1,3,7 is not); give --shard k/n instead`);
  }
  return { index: offset / step, count, givenBy };
}

/**
 * The shard this process runs, from `--shard`, `--shard-count` and the environment (a SLURM array
 * task, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with NICSIM_SHARD_COUNT); null when nothing
 * asks for sharding. Sources that are given must agree.
 */
export function resolveShard(options: ShardOptions, environment: Environment): Shard | null {
  const claims: Claim[] = [];
  // Each source's mistake at once: the first alone hid the others.
  const problems: string[] = [];
  const claim = (make: () => Claim | null) => {
    try {
      const made = make();
      if (made !== null) claims.push(made);
    } catch (error) {
      if (!(error instanceof ShardError)) throw error;
      problems.push(...error.problems);
    }
  };
  if (options.shard !== undefined) claim(() => optionClaim(options.shard!));
  if (options.shardCount !== undefined) claim(() => ({ count: wholeNumber(options.shardCount!, "--shard-count", 1), givenBy: `--shard-count ${options.shardCount}` }));
  claim(() => {
    try {
      return slurmClaim(environment);
    } catch (error) {
      // An array SLURM cannot number as shards (a list, --array=1,3,7) is what "give --shard k/n instead" is for: given, --shard says which this is.
      if (error instanceof ShardError && options.shard !== undefined) return null;
      throw error;
    }
  });
  const { kubernetesIndex, count } = SHARD_VARIABLES;
  if (environment[kubernetesIndex] !== undefined) claim(() => ({ index: wholeNumber(environment[kubernetesIndex]!, kubernetesIndex, 0), givenBy: `${kubernetesIndex}=${environment[kubernetesIndex]}` }));
  if (environment[count] !== undefined) claim(() => ({ count: wholeNumber(environment[count]!, count, 1), givenBy: `${count}=${environment[count]}` }));
  if (problems.length > 0) throw new ShardError(problems);
  if (claims.length === 0) return null;
  const index = agreed(claims, "index", "shard numbers");
  const shardCount = agreed(claims, "count", "numbers of shards");
  const givenBy = claims.map((claim) => claim.givenBy).join("; ");
  if (index === null) throw new ShardError(`${givenBy}: gives the number of shards but not this shard's number: give --shard k/n, or run as a SLURM array task (${SHARD_VARIABLES.slurmId}) or a Kubernetes Indexed Job (${kubernetesIndex})`);
  if (shardCount === null) throw new ShardError(`${givenBy}: gives this shard's number but not the number of shards: give --shard-count n or set ${count} (a Kubernetes Job's completions)`);
  if (index >= shardCount) throw new ShardError(`${givenBy}: shard ${index} of ${shardCount} does not exist (shards are numbered 0 to ${shardCount - 1})`);
  return { index, count: shardCount, givenBy };
}

/** The one value the claims that speak of `key` give, or null when none does; different values are a conflict. */
function agreed(claims: readonly Claim[], key: "index" | "count", what: string): number | null {
  const speaking = claims.filter((claim) => claim[key] !== undefined);
  const values = new Set(speaking.map((claim) => claim[key]));
  if (values.size > 1) throw new ShardError(`conflicting ${what}: ${speaking.map((claim) => `${claim[key]} from ${claim.givenBy}`).join(" but ")}`);
  return speaking.length === 0 ? null : speaking[0]![key]!;
}

/** The points shard k of n runs: those whose index is k modulo n. */
export function shardPoints(points: readonly SweepPoint[], shard: Pick<Shard, "index" | "count">): SweepPoint[] {
  return points.filter((point) => point.index % shard.count === shard.index);
}
