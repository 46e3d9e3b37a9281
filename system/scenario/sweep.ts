import { round } from "./measurements.js";
import { numberSecrets, redactSecrets, redactValue, secretTexts } from "./secret-paths.js";
import { shownValue, valueKind } from "../../sim/shown-value.js";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { defaultScenarioSource, scenarioFileOrDefault } from "./default-scenario.js";
import { type LoadedScenario, readScenarioText, ScenarioError, scenarioLoader } from "./load.js";
import { enclosingPath, scenarioPath } from "./overrides.js";
import { buildScenario, runScenario } from "./run.js";
import type { Scenario } from "./schema.js";
import { DROP_PLACES, type DropPlaceKey, dropsByPlace, inClassOrder } from "./summary.js";
import { percents, preemptionCost } from "./crypto-summary.js";
import { warningsBesideRefusal } from "./inert-parameter-warnings.js";

/** One configuration of a sweep: the values it sets, by scenario path. */
export interface SweepPoint {
  readonly index: number;
  readonly overrides: Record<string, unknown>;
  /** Which of the overrides are the grid's axes (`--grid`), the others being the sweep's `--set`: for messages. */
  readonly grid?: readonly string[];
  /**
   * With keys on an axis: the overrides as rows show them, each key as `<secret N>` (N numbering the
   * sweep's distinct keys, its --set's first), so that equal keys read alike and different keys apart.
   */
  readonly shown?: Readonly<Record<string, unknown>>;
}

export type { SweepResult } from "./sweep-result.js";
import type { SweepResult } from "./sweep-result.js";

/** Every combination of the axes' values, in order (the last axis varies fastest). */
export function sweepGrid(given: ReadonlyArray<readonly [string, readonly unknown[]]>, base: Record<string, unknown> = {}): SweepPoint[] {
  const axes = mergedAxes(given);
  // Too large to check or run (sweepAxesProblems says so): not made, as it would take memory without bound before a word was said.
  if (gridSize(axes) > MOST_CONFIGURATIONS) return [];
  let points: Record<string, unknown>[] = [{ ...base }];
  for (const [path, values] of axes) points = points.flatMap((point) => values.map((value) => ({ ...point, [path]: value })));
  const grid = axes.map(([path]) => path);
  // An axis of keys, or of mappings holding keys (`customers.1.ike={…"preSharedKey":…}`): every key of the sweep is numbered, the --set's first, then the axes' in the order given.
  if (!axes.some(([path, values]) => values.some((value) => secretTexts(value, path).length > 0))) return points.map((overrides, index) => ({ index, overrides, grid }));
  const numbers = new Map<string, number>();
  for (const [path, values] of [...Object.entries(base).map(([path, value]) => [path, [value]] as const), ...axes]) {
    for (const value of values) for (const key of secretTexts(value, path)) if (!numbers.has(key)) numbers.set(key, numbers.size + 1);
  }
  return points.map((overrides, index) => ({ index, overrides, grid, shown: Object.fromEntries(Object.entries(overrides).map(([path, value]) => [path, numberSecrets(path, value, numbers)])) }));
}

/**
 * Most configurations in one grid. Every one is checked, and held, before any run: 160,000 took
 * 55 s of silent checking, and a grid of 10^12 grew past 3.6 GB before a word was said (from an
 * architect's check).
 */
export const MOST_CONFIGURATIONS = 100_000;

/** The axes by path: a path given as several axes (refused: sweepAxesProblems) is one axis of all their values, so that each is checked (the later axis's values replaced the earlier's, whose mistakes went unsaid). */
function mergedAxes(given: ReadonlyArray<readonly [string, readonly unknown[]]>): Array<[string, unknown[]]> {
  // An object of axes failed as "given is not iterable" (from a driver developer's check).
  const isAxis = (axis: unknown) => Array.isArray(axis) && axis.length === 2 && typeof axis[0] === "string" && Array.isArray(axis[1]);
  const wrong = Array.isArray(given) ? given.findIndex((axis) => !isAxis(axis)) : -1;
  if (!Array.isArray(given) || wrong >= 0) throw new TypeError(`sweep grid: expected a list of axes, each [parameter path, list of values] (as [["seed", [1, 2]]]), not ${Array.isArray(given) ? `one whose axis ${wrong} is ${valueKind(given[wrong])}` : valueKind(given)}`);
  const merged = new Map<string, unknown[]>();
  for (const [path, values] of given) merged.set(path, [...(merged.get(path) ?? []), ...values]);
  return [...merged];
}

/** Configurations in the grid of these axes. */
function gridSize(axes: ReadonlyArray<readonly [string, readonly unknown[]]>): number {
  return axes.reduce((size, [, values]) => size * values.length, 1);
}

/** Configurations in the grid the --grid axes give (a path given twice is one axis of all its values). */
export function sweepGridSize(given: ReadonlyArray<readonly [string, readonly unknown[]]>): number {
  return gridSize(mergedAxes(given));
}

/**
 * A run whose files are not kept writes no waveform, capture or report: set inside an `outputs`
 * given whole where one is (three --sets beside it were refused as inside it, and every
 * configuration failed, blaming the user's --grid; from a re-check).
 */
function withoutFiles(overrides: Record<string, unknown>): Record<string, unknown> {
  const none = { waveform: false, pcap: false, html: false };
  const whole = overrides.outputs;
  if (typeof whole === "object" && whole !== null && !Array.isArray(whole)) return { ...overrides, outputs: { ...whole, ...none } };
  return { ...overrides, ...Object.fromEntries(Object.entries(none).map(([key, value]) => [`outputs.${key}`, value])) };
}

/** Run one configuration: what a worker does. Files are written under `keep`/<index> if given, else none. */
export function runSweepPoint(file: string | null, point: SweepPoint, keep: string | null = null): SweepResult {
  const overrides = keep ? point.overrides : withoutFiles(point.overrides);
  const loaded = scenarioFileOrDefault(file, overrides);
  const { summary } = runScenario(loaded, { directory: keep ? join(keep, String(point.index)) : null });
  return {
    index: point.index,
    overrides: point.shown ?? redactSecrets(point.overrides),
    outcome: summary.outcome,
    classes: summary.classes,
    cache: summary.ipsec.cache,
    softwareTx: summary.ipsec.softwareTx,
    softwareRx: summary.ipsec.softwareRx,
    preemptions: { tx: summary.crypto.tx.preemptions, rx: summary.crypto.rx.preemptions },
    preemptionCost: { tx: preemptionCost(summary.crypto.tx), rx: preemptionCost(summary.crypto.rx) },
    // Rounded as the summary's figures are (it read 0.35232500000000005).
    host: { busy: round(summary.host.utilisation.reduce((sum, share) => sum + share, 0) / summary.host.utilisation.length), preemptions: summary.host.preemptions },
    lost: summary.flows.reduce((sum, flow) => sum + flow.lost, 0),
    injectedCopies: summary.injectedCopies,
    drops: dropsByPlace(summary),
  };
}

/**
 * Load and build every point's scenario as its run will, so that a bad value stops the sweep before
 * any run, with every configuration's mistakes at once; the scenarios, in point order.
 */
export function checkSweepPoints(file: string | null, points: readonly SweepPoint[], earlier: readonly string[] = [], warn: (warning: string) => void = () => {}): Scenario[] {
  const refused: Array<{ readonly point: SweepPoint; readonly problems: readonly string[] }> = [];
  // What a run would print before its table (a stream that sends no packet), said once for the configurations that have it.
  const warned: Array<{ readonly point: SweepPoint; readonly problems: readonly string[] }> = [];
  // Read and parsed once (a file that cannot be read is said once, not for every configuration).
  let load: ReturnType<typeof scenarioLoader>;
  try {
    const source = file === null ? defaultScenarioSource() : { file, text: readScenarioText(file) };
    load = scenarioLoader(source.text, source.file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    throw new ScenarioError([...earlier, ...error.problems]);
  }
  // Configurations that differ only in their seed are built once: what building finds does not depend on the seed (a sweep over seeds is the commonest large one).
  const built = new Map<string, readonly string[]>();
  const buildProblems = (loaded: LoadedScenario, overrides: Record<string, unknown>): readonly string[] => {
    // The values given as well as the scenario: a message names where a value came from.
    const key = JSON.stringify([{ ...loaded.scenario, seed: 0 }, Object.keys(overrides).filter((path) => path !== "seed")]);
    let found = built.get(key);
    if (found === undefined) {
      try {
        // Parameters, the device's fit and the waveform's scopes are checked when a system is built.
        buildScenario(loaded);
        found = [];
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        found = error.problems;
      }
      built.set(key, found);
    }
    return found;
  };
  const scenarios = points.map((point) => {
    let problems: readonly string[];
    try {
      const loaded = load(point.overrides);
      problems = buildProblems(loaded, point.overrides);
      // Refused when built, a value was also called one that "has no effect".
      const warnings = problems.length === 0 ? loaded.warnings : warningsBesideRefusal(loaded);
      if (warnings.length > 0) warned.push({ point, problems: warnings.map((warning) => fromGrid(warning, point)) });
      if (problems.length === 0) return loaded.scenario;
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    refused.push({ point, problems: problems.map((problem) => fromGrid(problem, point)) });
    return null;
  });
  // The warnings first: a mistake in one configuration does not hide what a mapping given to the others dropped.
  for (const warning of groupedProblems(warned, points.length)) warn(warning);
  if (refused.length > 0 || earlier.length > 0) throw new ScenarioError([...earlier, ...groupedProblems(refused, points.length)]);
  return scenarios as Scenario[];
}

/** Most configurations to list by index for one problem before giving how many more have it. */
const LISTED_CONFIGURATIONS = 8;

/** Each problem once, with the configurations that have it: one by its values, several by index, or every one. */
function groupedProblems(refused: ReadonlyArray<{ readonly point: SweepPoint; readonly problems: readonly string[] }>, configurations: number): string[] {
  const holders = new Map<string, SweepPoint[]>();
  for (const { point, problems } of refused) {
    for (const problem of problems) {
      const holding = holders.get(problem);
      if (holding === undefined) holders.set(problem, [point]);
      else holding.push(point);
    }
  }
  // Those naming a --grid option in the order the options were given (they came in the order the scenario's checks meet the fields; from an outside check), then the others as found.
  const grid = refused[0]?.point.grid ?? [];
  const axisOf = (problem: string): number => {
    const named = /--grid ([\w.[\]-]+)/.exec(problem)?.[1];
    if (named === undefined) return grid.length;
    const path = scenarioPath(named);
    const axis = grid.findIndex((given) => given === path || enclosingPath(path, [given]) !== undefined);
    return axis < 0 ? grid.length : axis;
  };
  const ordered = [...holders].map((entry, at) => ({ entry, at, axis: axisOf(entry[0]) })).sort((a, b) => a.axis - b.axis || a.at - b.at);
  return ordered.map(({ entry: [problem, points] }) => {
    // One configuration and no grid (nicsim every-edge without --grid) is a run's scenario, said as a run says it.
    if (configurations === 1 && (points[0]!.grid ?? []).length === 0) return problem;
    if (points.length === 1) return `${pointName(points[0]!)}: ${problem}`;
    if (points.length === configurations) return `every configuration: ${problem}`;
    const indices = points.slice(0, LISTED_CONFIGURATIONS).map((point) => point.index).join(", ");
    return `configurations ${indices}${points.length > LISTED_CONFIGURATIONS ? ` and ${points.length - LISTED_CONFIGURATIONS} more` : ""}: ${problem}`;
  });
}

/** What in the axes and the values set in every configuration contradicts itself: a path given as two axes, or both set and swept. */
export function sweepAxesProblems(axes: ReadonlyArray<readonly [string, readonly unknown[]]>, set: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const merged = mergedAxes(axes);
  const size = gridSize(merged);
  // A count past 2^53 is not exact (and past 10^308 Infinity): said as such.
  const count = Number.isSafeInteger(size) ? size.toLocaleString("en-US") : "more than 2^53";
  if (size > MOST_CONFIGURATIONS) problems.push(`--grid: ${count} configurations (${merged.map(([, values]) => values.length).join(" × ")}), more than the ${MOST_CONFIGURATIONS.toLocaleString("en-US")} one grid may hold (each is checked, and held, before any run); split it into grids over fewer values`);
  const byPath = new Map<string, unknown[][]>();
  for (const [path, values] of axes) byPath.set(path, [...(byPath.get(path) ?? []), [...values]]);
  for (const [path, lists] of byPath) {
    const values = lists.flat();
    const distinct = [...new Map(values.map((value) => [JSON.stringify(value), value])).values()];
    if (lists.length > 1) problems.push(`--grid ${path}: given as ${lists.length} axes; give its values once (--grid ${path}=${distinct.map((value) => commandLineValue(redactValue(path, value))).join(",")})`);
    if (Object.hasOwn(set, path)) problems.push(`--grid ${path}: also given by --set ${path}, whose value the grid's would replace; drop one`);
  }
  // A path inside another given whole is each configuration's problem, found as it is loaded.
  return problems;
}

/** What the axes do that may not be meant: a value given twice in an axis runs its configurations twice (as a check of determinism would). */
export function sweepAxesNotes(axes: ReadonlyArray<readonly [string, readonly unknown[]]>, kept: { readonly keep: boolean; readonly set: Record<string, unknown> } = { keep: true, set: {} }): string[] {
  // A file's option, without --keep, writes nothing: a grid over one gave identical rows without a word (from a bad-input check).
  const unkept = kept.keep ? [] : [...Object.keys(kept.set).map((path) => ["--set", path] as const), ...axes.map(([path]) => ["--grid", path] as const)].filter(([, path]) => FILE_OPTION.test(path));
  const notes = unkept.map(([given, path]) => `${given} ${path}: a sweep's runs write no files without --keep, so it changes nothing in the results`);
  return notes.concat(axes.flatMap(([path, values]) => {
    const seen = values.map((value) => JSON.stringify(value));
    const twice = [...new Set(seen.filter((value, index) => seen.indexOf(value) !== index))].map((value) => JSON.stringify(redactValue(path, JSON.parse(value))));
    const notes = twice.length === 0 ? [] : [`--grid ${path}: ${twice.join(", ")} given more than once: those configurations run as many times (as a check of determinism would); give each once to run each once`];
    // Taken without effect, and without a word (from an architect's check).
    if (path === "outputs.directory" || path === "outputs") notes.push(`--grid ${path}: each run's files go under --keep's directory, <dir>/<index>, and are not kept without it, whatever outputs.directory says`);
    return notes;
  }));
}

/** The outputs that are files (the waveform and its selection, the capture, the report, the SA trace). */
const FILE_OPTION = /^outputs\.(waveform|waveformScopes|waveformExclude|waveformFromMicroseconds|waveformToMicroseconds|pcap|html|saTrace)$/;

/** A value as a command line gives it: a string bare, anything else as JSON. */
const commandLineValue = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** A configuration as messages name it: its index and the values it sets. */
function pointName(point: SweepPoint): string {
  // Each value as the scenario's messages show one: a long one by its length, so that one configuration is one readable line.
  return `configuration ${point.index} (${Object.entries(redactSecrets(point.overrides)).map(([path, value]) => `${path} = ${shownValue(value)}`).join(", ")})`;
}

/** Why a point's run failed, as the sweep's own check words a problem: a scenario refused when built (the device's fit) is named like one refused when loaded. */
export function pointFailure(point: SweepPoint, error: unknown): string {
  if (error instanceof ScenarioError) return error.problems.map((problem) => `${pointName(point)}: ${fromGrid(problem, point)}`).join("\n");
  return `configuration ${point.index}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The loader names every override `--set`; those that came from the grid are named `--grid`: the
 * axis's path, or a place inside the value it gives (`nic.tx.bufferBytes` of `--grid nic.tx=…`),
 * in either spelling (`customers[0]`); a `--set` of its own stays one (`seedz` beside `--grid seed`,
 * `nic.tx.framesInFlight` beside `--grid nic.tx`).
 */
function fromGrid(problem: string, point: SweepPoint): string {
  const grid = point.grid ?? [];
  if (grid.length === 0) return problem;
  // The value's own option: the nearest given place that is it or holds it.
  const nearest = (path: string) => Object.keys(point.overrides).filter((given) => given === path || enclosingPath(path, [given]) !== undefined).sort((a, b) => b.length - a.length)[0];
  return problem.replace(/--set ([\w.[\]-]+)/g, (whole, named: string) => {
    const given = nearest(scenarioPath(named));
    return given !== undefined && grid.includes(given) ? `--grid ${named}` : whole;
  });
}

/**
 * Run every point across worker threads (one per core by default). Each point is checked in the
 * main thread first, so a bad value stops the sweep before any run. Results come back in point order.
 */
export async function runSweep(file: string | null, points: readonly SweepPoint[], options: { workers?: number; keep?: string | null; onResult?: (result: SweepResult, done: number) => void; checked?: boolean; control?: SweepControl } = {}): Promise<SweepResult[]> {
  if (!Array.isArray(points)) throw new TypeError(`runSweep: expected the points (as sweepGrid makes them), not ${valueKind(points)}`);
  // A caller that checked the points already (checkSweepPoints) says so, and they are not built twice.
  if (!options.checked) checkSweepPoints(file, points);
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), points.length));
  // A shard's points keep their places in the whole grid: results go where their point is in `points`.
  const positions = new Map(points.map((point, position) => [point.index, position]));
  const results: SweepResult[] = new Array(points.length);
  const failures: string[] = [];
  let next = 0;
  let done = 0;
  const workerUrl = new URL("./sweep-worker.js", import.meta.url);
  // Each worker's run under way (its point's index in the grid), for a stop to say which runs it cut off.
  const underWay = new Map<Worker, number>();
  const started: Worker[] = [];
  let stopped = false;
  if (options.control) {
    options.control.stop = async () => {
      stopped = true;
      await Promise.all(started.map((worker) => worker.terminate()));
      // A result a worker sent as it was stopped comes after: it is taken first, and its run is not said to be cut off.
      await new Promise((resolve) => setImmediate(resolve));
      return { cutOff: [...underWay.values()].sort((a, b) => a - b), finished: results.filter((result) => result !== undefined) };
    };
  }
  await Promise.all(
    Array.from({ length: workers }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerUrl, { workerData: { file, keep: options.keep ?? null } });
        started.push(worker);
        const feed = () => {
          underWay.delete(worker);
          if (stopped) return;
          if (next >= points.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          underWay.set(worker, points[next]!.index);
          worker.postMessage(points[next++]);
        };
        worker.on("message", (message: { result?: SweepResult; error?: string }) => {
          // A configuration that fails is said with the others' results, not in place of them: the worker goes on with the next.
          if (message.error) failures.push(message.error);
          else {
            results[positions.get(message.result!.index)!] = message.result!;
            options.onResult?.(message.result!, ++done);
          }
          feed();
        });
        worker.on("error", reject);
        feed();
      }),
    ),
  );
  if (failures.length > 0) throw new SweepRunsFailed(failures, results.filter((result) => result !== undefined));
  return results;
}

/** A sweep's stop from outside (a signal): set by runSweep; ends every run at once and resolves with the grid indices of those it cut off and the results of those that finished, in grid order. */
export interface SweepControl {
  stop?: () => Promise<{ readonly cutOff: readonly number[]; readonly finished: readonly SweepResult[] }>;
}

/** Configurations that failed as they ran (each said with its values), and the results of those that finished, in grid order. */
export class SweepRunsFailed extends Error {
  constructor(
    readonly failures: readonly string[],
    readonly finished: readonly SweepResult[],
  ) {
    super(failures.join("\n"));
  }
}

/** A row's commonest drop reason, with where it was and how many other reasons there were (the JSON lines hold every one). */
function mostDrops(drops: SweepResult["drops"]): string {
  const reasons = (Object.entries(drops) as [DropPlaceKey, Record<string, number>][]).flatMap(([place, counts]) => Object.entries(counts).map(([reason, count]) => ({ place, reason, count })));
  if (reasons.length === 0) return "none";
  // The first of equal counts, in the places' order: the same row always reads the same.
  const most = reasons.reduce((best, reason) => (reason.count > best.count ? reason : best));
  return `${DROP_PLACES[most.place]} ${most.reason} ${most.count}${reasons.length > 1 ? ` (+${reasons.length - 1} more)` : ""}`;
}

/** A row's entry for a class and direction (`gold to-peer`), if its configuration has it. */
function classEntry(result: SweepResult, key: string): SweepResult["classes"][number] | undefined {
  return result.classes.find((candidate) => `${candidate.className} ${candidate.direction}` === key);
}

/** The sweep as a table: one row per configuration. */
export function formatSweep(results: readonly SweepResult[]): string {
  const paths = [...new Set(results.flatMap((result) => Object.keys(result.overrides)))];
  // By class, highest first, to the peer before to the host, as a run's table has them: by first sight, a class only a later configuration had came last (gold to-host after bronze; from an architect's check).
  const classOrder = new Map(results.flatMap((result) => result.classes.map((entry) => [`${entry.className} ${entry.direction}`, entry] as const)));
  const classKeys = [...classOrder.keys()].sort((a, b) => inClassOrder(classOrder.get(a)!, classOrder.get(b)!));
  // The run's index first: its line in the JSON lines and its --keep directory, and what tells apart rows whose values show as <secret>.
  const header = ["run", ...paths, ...classKeys.map((key) => `${key} p99 µs`), ...classKeys.map((key) => `${key} Gb/s`), ...classKeys.map((key) => `${key} Gb/s in traffic`), "TX hits", "RX hits", "preemptions", "preemption cost %", "host busy %", "host suspensions", "lost", "most drops"];
  const rows = results.map((result) => [
    String(result.index),
    ...paths.map((path) => {
      const value = result.overrides[path] ?? "";
      return typeof value === "object" ? JSON.stringify(value) : String(value);
    }),
    // Blank: the class is not in this configuration; a dash: it is, and no packet of it arrived.
    ...classKeys.map((key) => {
      const entry = classEntry(result, key);
      return entry === undefined ? "" : entry.latency.p99 === null ? "–" : String(entry.latency.p99);
    }),
    // What each class carried, as the run's summary gives it (an architect's check found a throughput sweep needed the JSON lines for it).
    ...classKeys.map((key) => String(classEntry(result, key)?.gigabitsPerSecond ?? "")),
    // And while the streams competed: under overload the delivery window runs on as the backlogs drain (blank too in a row from before it was kept).
    ...classKeys.map((key) => String(classEntry(result, key)?.gigabitsPerSecondInTraffic ?? "")),
    String(result.cache.txHits),
    String(result.cache.rxHits),
    `${result.preemptions.tx}/${result.preemptions.rx}`,
    // Of the crypto engines' busy time, what preemption threw away and spent saving and restoring, TX/RX, as the run's summary says it.
    `${percents(result.preemptionCost.tx).total}/${percents(result.preemptionCost.rx).total}`,
    (result.host.busy * 100).toFixed(0),
    String(result.host.preemptions),
    String(result.lost),
    mostDrops(result.drops),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column]!)).join("  ");
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
