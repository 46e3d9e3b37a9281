import { ParameterError } from "./errors.js";
import { didYouMean, didYouMeanOf } from "./suggest.js";
import { shownValue } from "./shown-value.js";
import { wholeWithinRounding } from "./time.js";

export type ParameterKind = "integer" | "number" | "boolean" | "choice";

/** A declared parameter: default, one-line description and bounds (gem5's Param habit). */
export interface ParameterSpec<T> {
  readonly kind: ParameterKind;
  readonly defaultValue: T;
  readonly description: string;
  readonly unit?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly choices?: readonly string[];
  /** A further rule on a number: what is expected when the value breaks it, else null. */
  readonly check?: (value: number) => string | null;
}

export type ParameterSpecs = Readonly<Record<string, ParameterSpec<unknown>>>;

export type ParameterValues<S extends ParameterSpecs> = { readonly [K in keyof S]: S[K] extends ParameterSpec<infer T> ? T : never };

interface NumberBounds {
  minimum?: number;
  maximum?: number;
  unit?: string;
  check?: (value: number) => string | null;
}

export const param = {
  integer: (defaultValue: number, description: string, bounds: NumberBounds = {}): ParameterSpec<number> => ({ kind: "integer", defaultValue, description, ...bounds }),
  number: (defaultValue: number, description: string, bounds: NumberBounds = {}): ParameterSpec<number> => ({ kind: "number", defaultValue, description, ...bounds }),
  cycles: (defaultValue: number, description: string, bounds: NumberBounds = {}): ParameterSpec<number> => ({ kind: "integer", defaultValue, description, unit: "cycles", minimum: 0, ...bounds }),
  bytes: (defaultValue: number, description: string, bounds: NumberBounds = {}): ParameterSpec<number> => ({ kind: "integer", defaultValue, description, unit: "bytes", minimum: 0, ...bounds }),
  picoseconds: (defaultValue: number, description: string, bounds: NumberBounds = {}): ParameterSpec<number> => ({ kind: "integer", defaultValue, description, unit: "ps", minimum: 0, ...bounds }),
  /** A time in µs the kernel holds in picoseconds: refused at the start, not when the model first schedules it, unless it is whole picoseconds. */
  microseconds: (defaultValue: number, description: string, bounds: NumberBounds = {}): ParameterSpec<number> => ({ kind: "number", defaultValue, description, unit: "µs", minimum: 0, check: wholePicoseconds, ...bounds }),
  megahertz: (defaultValue: number, description: string): ParameterSpec<number> => ({ kind: "number", defaultValue, description, unit: "MHz", minimum: 1 }),
  /** The frequency of a clock domain, whose period must be whole picoseconds (and at least 2). */
  clockMegahertz: (defaultValue: number, description: string): ParameterSpec<number> => ({ kind: "number", defaultValue, description, unit: "MHz", minimum: 1, check: wholePeriod }),
  boolean: (defaultValue: boolean, description: string): ParameterSpec<boolean> => ({ kind: "boolean", defaultValue, description }),
  choice: <const C extends string>(defaultValue: C, choices: readonly C[], description: string): ParameterSpec<C> => ({ kind: "choice", defaultValue, description, choices }),
};

function wholePicoseconds(microseconds: number): string | null {
  return wholeWithinRounding(microseconds * 1e6) ? null : "a whole number of picoseconds (at most six decimals)";
}

function wholePeriod(megahertz: number): string | null {
  const period = 1e6 / megahertz;
  const whole = Math.abs(period - Math.round(period)) <= 1e-9 && period >= 2;
  return whole ? null : `a frequency whose period is a whole number of picoseconds, at least 2 (1000000 / ${megahertz} = ${period} ps)`;
}

/** One value's problem as a parameter message words it (`source: top.nic.queues = 99: why`), which the scenario's checks place by its path. */
export function parameterProblem(source: string, path: string, value: unknown, why: string): string {
  return `${source}: ${path} = ${shownValue(value)}: ${why}`;
}

/**
 * Parameter values given by a scenario or test, by full dotted path (`top.fifo.depth`) or as a
 * nested object. Every value must be claimed by a declared parameter: a typo is an error.
 */
export class ParameterOverrides {
  private readonly values = new Map<string, unknown>();
  private readonly claimed = new Set<string>();

  constructor(values: Record<string, unknown> = {}, readonly source = "parameters") {
    flatten(values, "", this.values);
  }

  take(path: string): { found: boolean; value: unknown } {
    if (!this.values.has(path)) return { found: false, value: undefined };
    this.claimed.add(path);
    return { found: true, value: this.values.get(path) };
  }

  /** Values that did not fit their declaration, kept so that every one is reported at once. */
  readonly misfits: string[] = [];

  /** A value that does not fit: its declaration's default stands in until every parameter has been seen. */
  misfit(message: string): void {
    this.misfits.push(message);
  }

  /** Paths whose given value its own declaration refused: the default standing in for it is no value of the user's to weigh against others. */
  readonly refused = new Set<string>();

  /** Parameters of parts not built, which a misspelt name is still compared with. */
  private readonly notBuiltDeclared: string[] = [];

  /**
   * Values under `prefix` belong to a part this design does not build (a policy not chosen), whose
   * parameters are `names`: each of those is claimed and reported as a misfit saying why, rather
   * than as a parameter that does not exist. Another name under it is no parameter at all.
   */
  notBuilt(prefix: string, names: readonly string[], why: string): void {
    const declared = names.map((name) => `${prefix}.${name}`);
    this.notBuiltDeclared.push(...declared);
    for (const [path, value] of this.values) {
      if (this.claimed.has(path) || !declared.includes(path)) continue;
      this.claimed.add(path);
      this.misfit(parameterProblem(this.source, path, value, why));
    }
  }

  /** Throws, naming every value that did not fit and every value no declared parameter claimed. */
  checkAllClaimed(built: readonly string[]): void {
    const declared = [...built, ...this.notBuiltDeclared];
    const unclaimed = [...this.values.keys()].filter((path) => !this.claimed.has(path));
    const problems = this.misfits;
    if (unclaimed.length === 0 && problems.length === 0) return;
    const lines = unclaimed.map((path) => `  ${path}: ${groupProblem(path, declared) ?? `no such parameter${sameNameElsewhere(path, declared) ?? didYouMean(path, declared)}`}`);
    const unclaimedText = unclaimed.length === 0 ? [] : [`${this.source}: ${unclaimed.length} value(s) match no declared parameter:\n${lines.join("\n")}`];
    throw new ParameterError([...problems, ...unclaimedText].join("\n"));
  }
}

/** A value given to a group of parameters (`nic.tx: 5`): the group's own names, to give one of them instead. */
function groupProblem(path: string, declared: readonly string[]): string | null {
  const members = [...new Set(declared.filter((other) => other.startsWith(`${path}.`)).map((other) => other.slice(path.length + 1).split(".")[0]!))];
  if (members.length === 0) return null;
  const shown = members.length > 8 ? `${members.slice(0, 8).join(", ")}, …` : members.join(", ");
  return `a group of parameters, not one: give its own (${shown})`;
}

export function resolveParameter<T>(path: string, spec: ParameterSpec<T>, overrides: ParameterOverrides): T {
  const { found, value } = overrides.take(path);
  if (!found) return spec.defaultValue;
  try {
    return checkValue(path, spec, value, overrides.source);
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    overrides.misfit(error.message);
    overrides.refused.add(path);
    return spec.defaultValue;
  }
}

/** Whether a parameter's check takes the value (a scenario's warnings weigh only values the run will have). */
export function accepts<T>(spec: ParameterSpec<T>, value: unknown): boolean {
  try {
    checkValue("", spec, value, "");
    return true;
  } catch (error) {
    if (error instanceof ParameterError) return false;
    throw error;
  }
}

function checkValue<T>(path: string, spec: ParameterSpec<T>, value: unknown, source: string): T {
  const fail = (expected: string): never => {
    throw new ParameterError(parameterProblem(source, path, value, `expected ${expected} (${spec.description})`));
  };
  switch (spec.kind) {
    case "boolean":
      if (typeof value !== "boolean") fail("true or false");
      break;
    case "choice":
      // A choice with spaces around it (`--grid …policy=preempt-resume, run-to-completion`) is said to have them: a text is taken as written (from an architect's check).
      if (typeof value !== "string" || !spec.choices!.includes(value)) fail(`one of ${spec.choices!.join(", ")}${typeof value !== "string" ? "" : spec.choices!.includes(value.trim()) ? `: this one has spaces around it (--set and --grid take a text as written: no space after a comma)` : didYouMean(value, spec.choices!)}`);
      break;
    case "integer":
    case "number": {
      const unit = spec.unit ? ` ${spec.unit}` : "";
      // "at least 1 byte", "a whole number of bytes": a count's unit reads as a noun ("at least 1 bytes", "an integer bytes"; from an architect's check).
      const singular = spec.unit === undefined ? undefined : COUNTED_UNITS[spec.unit];
      const bound = (limit: number) => `${limit}${limit === 1 && singular !== undefined ? ` ${singular}` : unit}`;
      // "a number in bytes", not "a number bytes" (from an architect's check), and "in Gb/s", which "of" did not suit.
      if (typeof value !== "number" || !Number.isFinite(value)) fail(`${spec.unit ? `a number in ${spec.unit}` : "a number"}${leadingZerosHint(value)}`);
      // Bounds first: 1e30 is told the bound it is past, not that it is no integer.
      if (spec.minimum !== undefined && (value as number) < spec.minimum) fail(`at least ${bound(spec.minimum)}`);
      if (spec.maximum !== undefined && (value as number) > spec.maximum) fail(`at most ${bound(spec.maximum)}`);
      if (spec.kind === "integer" && !Number.isInteger(value)) fail(singular !== undefined ? `a whole number of ${spec.unit}` : `an integer${spec.unit ? ` in ${spec.unit}` : ""}`);
      if (spec.kind === "integer" && !Number.isSafeInteger(value)) fail(`at most ${Number.MAX_SAFE_INTEGER}${unit} (2^53 - 1, the largest integer a number holds exactly)`);
      const expected = spec.check?.(value as number);
      if (expected) fail(expected);
      break;
    }
  }
  return value as T;
}

/**
 * Why a number written on the command line with leading zeros (`--set seed=007`) is not one: JSON
 * does not read them, and it was taken as a text (it was only "expected a number"; from an
 * architect's check). Empty for any other value.
 */
export function leadingZerosHint(given: unknown): string {
  return typeof given === "string" && /^\s*-?0\d+(\.\d+)?\s*$/.test(given) ? "; written with leading zeros, which --set and --grid read as a text: write it without them" : "";
}

/** Units that count things, each with its singular. */
const COUNTED_UNITS: Readonly<Record<string, string>> = { bytes: "byte", cycles: "cycle", frames: "frame", packets: "packet" };

/** Parameter values by full dotted path, whether given so or as nested objects. */
export function flattenParameters(values: Record<string, unknown>): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  flatten(values, "", flat);
  return flat;
}

function flatten(values: Record<string, unknown>, prefix: string, into: Map<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) flatten(value as Record<string, unknown>, path, into);
    else into.set(path, value);
  }
}

/**
 * ` (did you mean X?)` for a parameter of the same name in another group (nic.cores: driver.cpu.cores), or null: the name is
 * spelt right and the group is not, which the nearest spelling (nic.queues) would hide.
 */
function sameNameElsewhere(path: string, declared: readonly string[]): string | null {
  const name = path.slice(path.lastIndexOf(".") + 1);
  const found = declared.filter((candidate) => candidate !== path && candidate.endsWith(`.${name}`));
  return found.length === 0 ? null : didYouMeanOf(found.slice(0, 3));
}
