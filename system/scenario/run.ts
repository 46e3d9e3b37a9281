import { join } from "node:path";
import { container as rootContainer, type DependencyContainer } from "../../sim/di.js";
import type { Design } from "../../sim/component.js";
import { eachAttempted, leavingFilesOnFailure, OutputFiles, outputPlaceProblem } from "../../sim/output-files.js";
import { beginRunFiles, recordWaveform } from "../../sim/vcd/waveform.js";
import { type Capture, recordCapture } from "../../hw/link/capture.js";
import { writeEspSaFile } from "../../sim/ipsec/wireshark-esp-sa.js";
import { writeIkev1DecryptionTable } from "../../sim/ike/wireshark-ikev1-table.js";
import { SaTraceFile } from "./sa-trace-file.js";
import { htmlReport } from "./html-report.js";
import { inFileOrder, type LoadedScenario, ScenarioError } from "./load.js";
import type { ScenarioSystem } from "./scenario-system.js";
import { buildScenarioDesign } from "./parameter-check.js";
import { formatScenarioSummary, scenarioSummary, type ScenarioSummary } from "./summary.js";
import { deviceFitProblems } from "./device-fit.js";
import { waveformScopeProblems } from "./waveform-scopes.js";
import { secretTexts, withoutSecretTexts } from "./secret-paths.js";
import { SCENARIO_STORY } from "./waveform-story.js";
import { describeEnding, type RunEnding } from "./run-ending.js";
import type { Scenario } from "./schema.js";
import { retransmitSpan } from "../../sim/ike/ike-types.js";
import { baseDrain } from "./drain.js";
import { unknownKeys } from "../../sim/suggest.js";
import { valueKind } from "../../sim/shown-value.js";

export interface RunOptions {
  /** Override where files go (default: the scenario's outputs.directory); null writes nothing. */
  readonly directory?: string | null;
  /** What gave `directory` (the option, `--out`), named in messages about it; the scenario's line when it is the scenario's own. */
  readonly directoryGivenBy?: string;
  /** Registrations (a crypto backend, a placement policy, a scheduler) the system should use. */
  readonly container?: DependencyContainer;
  /** After each step: the time, the traffic's end, and whether the traffic has started (before, its end is a duration from now: IKE is still bringing customers up). */
  readonly onProgress?: (now: number, end: number, trafficStarted: boolean) => void;
  /**
   * False: every block is evaluated on every edge of its clock, idle or not (much slower): a check
   * of each block's word that it is idle. Every frame, waveform change and key is the same as with
   * idle blocks skipped; only the run's end may differ by a few edges (those taken after the last
   * packet depend on which domains sleep), and with it the summary's figures over the run's length.
   */
  readonly skipIdle?: boolean;
  /**
   * A run whose last packet arrives ends at this time (ps) instead of after its own settling
   * edges: the time another run of the same scenario ended, so that the two cover the same span
   * (nicsim every-edge's run on every edge, whose settling edges are every clock's).
   */
  readonly endAt?: number;
}

const RUN_OPTIONS: readonly (keyof RunOptions)[] = ["directory", "directoryGivenBy", "container", "onProgress", "skipIdle", "endAt"];

/** Where a run's files go while it runs: their base name, the set they are written through, and the two streamed during the run. */
interface RunFiles {
  readonly base: string | null;
  readonly files: OutputFiles | null;
  readonly waveform: ReturnType<typeof recordWaveform> | null;
  readonly capture: Capture | null;
  readonly saTrace: SaTraceFile | null;
}

export interface ScenarioRun {
  readonly design: Design<ScenarioSystem>;
  readonly summary: ScenarioSummary;
  readonly text: string;
  readonly files: string[];
}

/**
 * Build a scenario's system without running it: its parameters are checked here, so a mistake
 * is reported (with the file and line) before anything runs.
 */
export function buildScenario(loaded: LoadedScenario, options: Pick<RunOptions, "container" | "skipIdle"> = {}): Design<ScenarioSystem> {
  const built = buildScenarioDesign(loaded, options.container ?? rootContainer, options.skipIdle);
  const design = built.design;
  // The scenario's fit is checked on a design built with refused values' defaults too, so that neither kind of mistake hides the other.
  const unfit = design === null ? [] : [...deviceFitProblems(loaded, design.top), ...waveformScopeProblems(loaded, design.kernel)];
  const problems = [...(built.kind === "refused" ? built.problems : []), ...unfit];
  // A key repeated by a YAML alias (as a waveform scope) is still a key.
  if (problems.length > 0) throw new ScenarioError(withoutSecretTexts(inFileOrder(problems, loaded.source.file), secretTexts(loaded.scenario)));
  return design!;
}

/** Time after which a run in which nothing arrives, nothing is on the wire, no core works and no block has work is over: what has not arrived never will. */
const QUIET = 100_000_000;
/** The shortest step a run takes between looks at its progress (a hundredth of the traffic's time otherwise). */
const MIN_STEP = 1_000_000;

/** Run a checked scenario: its traffic, then until every packet has arrived or the drain time has passed. Writes its files. */
export function runScenario(loaded: LoadedScenario, options: RunOptions = {}): ScenarioRun {
  // A library caller may pass anything: undefined failed as "Cannot destructure property 'scenario'" (from a driver developer's check).
  if (typeof loaded !== "object" || loaded === null || !("scenario" in loaded) || !("source" in loaded)) throw new TypeError("runScenario: expected a scenario as loadScenarioFile, parseScenarioText or defaultScenario return it");
  // A mistyped option (`directry: null`) was ignored, and the run wrote its files into the scenario's directory (from a driver developer's check).
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new TypeError(`runScenario: the options must be an object ({ directory, container, … }), not ${valueKind(options)}`);
  const unknown = unknownKeys(options, RUN_OPTIONS, "option", "options");
  if (unknown !== null) throw new TypeError(`runScenario: ${unknown}`);
  const { scenario } = loaded;
  const directory = options.directory === undefined ? scenario.outputs.directory : options.directory;
  const givenBy = options.directory === undefined ? loaded.source.at(["outputs", "directory"], "outputs.directory") : options.directoryGivenBy;
  let design: Design<ScenarioSystem>;
  try {
    design = buildScenario(loaded, options);
  } catch (error) {
    // A place no file can go is said with the scenario's other mistakes, not after they are mended.
    const place = error instanceof ScenarioError && directory !== null ? outputPlaceProblem(directory, givenBy === undefined ? directory : `${directory} (${givenBy})`) : null;
    throw place === null ? error : new ScenarioError([...(error as ScenarioError).problems, place]);
  }
  const { kernel, top } = design;
  const base = directory === null ? null : join(directory, scenario.name);
  // Kept only to be written (streamed to its file): a run without files (a sweep's) kept a record per packet to its end, and no one read them.
  top.driver.intermediate.trace.enabled = scenario.outputs.saTrace && base !== null;
  // Each file is written under a temporary name and given its own when the run is over.
  const files = directory === null ? null : new OutputFiles({ directory, givenBy });
  const outputs = scenario.outputs;
  const selection = {
    scopes: outputs.waveformScopes,
    exclude: outputs.waveformExclude,
    from: outputs.waveformFromMicroseconds === undefined ? undefined : Math.round(outputs.waveformFromMicroseconds * 1e6),
    to: outputs.waveformToMicroseconds === undefined ? undefined : Math.round(outputs.waveformToMicroseconds * 1e6),
  };
  const tableEntries = { tx: top.nic.offload.cache.params.txEntries, rx: top.nic.offload.cache.params.rxEntries };
  // Every name is checked and held before the run (a directory holding one is found now, not after the run's work), and the streamed files opened.
  const { waveform, capture, saTrace }: Pick<RunFiles, "waveform" | "capture" | "saTrace"> =
    base && files
      ? beginRunFiles(files, base, runFileNames(base, outputs, top.driver.intermediate.ike.configured), outputs.waveform ? kernel : null, () => ({
          waveform: outputs.waveform ? recordWaveform(kernel, base, { ...selection, comment: `scenario ${scenario.name}, seed ${scenario.seed}` }, files, SCENARIO_STORY) : null,
          capture: outputs.pcap ? recordCapture(top.wire, `${base}.pcap`, files) : null,
          saTrace: outputs.saTrace ? new SaTraceFile(top.driver.intermediate.trace, `${base}.sa-trace.jsonl`, files, tableEntries) : null,
        }))
      : { waveform: null, capture: null, saTrace: null };
  // Each closed whatever another's closing does: a capture that cannot be flushed (a full disk) left the SA trace empty.
  // The capture's key files too, as they stand: an interrupted or failed run's capture is still read by them.
  const flush = () => eachAttempted([() => kernel.close(), () => capture?.writer.close(), () => saTrace?.close(), () => capture && files && !files.holds(`${base}.esp_sa`) && writeKeyFiles(files, base!, top)]);
  return leavingFilesOnFailure(files, flush, () => runAndWrite(loaded, design, options, { base, files, waveform, capture, saTrace }));
}

/** The files a run writes under `base`, in the order it lists them (the waveform's filters apart, which go in `<base>.filters/`). */
export function runFileNames(base: string, outputs: Pick<Scenario["outputs"], "waveform" | "pcap" | "saTrace" | "html">, ikeConfigured: boolean): string[] {
  return [
    ...(outputs.waveform ? [`${base}.vcd`, `${base}.gtkw`] : []),
    ...(outputs.pcap ? [`${base}.pcap`, `${base}.esp_sa`, ...(ikeConfigured ? [`${base}.ikev1_decryption_table`] : [])] : []),
    ...(outputs.saTrace ? [`${base}.sa-trace.jsonl`] : []),
    `${base}.summary.json`,
    ...(outputs.html ? [`${base}.html`] : []),
  ];
}

/**
 * The keys leave the model here only, beside the capture, for the user's own decryption: the ESP
 * SAs, and with IKE customers the IKEv1 table (always there, empty when no phase 1 came up).
 */
function writeKeyFiles(files: OutputFiles, base: string, top: ScenarioSystem): string[] {
  const ike = top.driver.intermediate.ike;
  // Each written whatever became of the other (the IKE table was never tried once the ESP file failed: an outside check).
  eachAttempted([
    () => files.writeWith(`${base}.esp_sa`, (path) => writeEspSaFile(path, top.traffic.captured)),
    () => ike.configured && files.writeWith(`${base}.ikev1_decryption_table`, (path) => writeIkev1DecryptionTable(path, ike.decryptionTable)),
  ]);
  return ike.configured ? [`${base}.esp_sa`, `${base}.ikev1_decryption_table`] : [`${base}.esp_sa`];
}

/** Edges taken at most after the last packet arrives, to show the NIC's own last steps. */
const SETTLING_EDGES = 8;

/** The run itself, then its files: written through `files`, then given their own names. */
function runAndWrite(loaded: LoadedScenario, design: Design<ScenarioSystem>, options: RunOptions, writing: RunFiles): ScenarioRun {
  const { scenario } = loaded;
  const { kernel, top } = design;
  const { base, files: outputFiles, waveform, capture, saTrace } = writing;
  // The traffic ends its duration after it starts: at once, or once IKE has brought every customer up.
  const duration = top.traffic.trafficDuration;
  const ike = top.driver.intermediate.ike;
  const retransmission = ike.configured ? 2 * retransmitSpan(ike.retransmit) : 0;
  // The gateway's backlog as the traffic ends: what it sends after (IKE) does not move the drain's end.
  let backlog: number | null = null;
  const drainEnd = () => top.traffic.trafficEnd + baseDrain(duration) + (top.traffic.gateways?.holdsExchanges ? retransmission : 0) + (backlog ?? 0);
  // At least a µs: a traffic of a few ns stepped its whole run (the IKE bring-up, the drain) in slices of ps, millions of them.
  const step = Math.max(MIN_STEP, Math.round(duration / 100));
  let ending: RunEnding | null = null;
  let lastMove = 0;
  let moved = -1;
  // After the traffic, looks come often enough to see the quiet that ends a run. While something is under way nothing changes before the kernel next
  // runs, so the looks until then would each find it under way (none can see quiet): only the last of them is taken, and quiet is measured from where
  // it always was. A backlog on a slow line (a jumbo frame is 72 ms at 1 Mb/s) is looked at as it moves, not at every step of the look grid.
  const nextLook = (until: number) => {
    if (kernel.now < top.traffic.trafficEnd) return until + step;
    const interval = Math.min(step, QUIET / 4);
    if (!top.traffic.busy) return until + interval;
    return until + Math.max(1, Math.floor((kernel.nextActivityTime - 1 - until) / interval)) * interval;
  };
  for (let until = Math.min(step, drainEnd()); ending === null; until = Math.min(nextLook(until), drainEnd())) {
    const startedBefore = top.traffic.trafficStarted;
    const result = kernel.run({ until, stopWhen: () => top.traffic.settled });
    if (backlog === null && top.traffic.trafficStarted && kernel.now >= top.traffic.trafficEnd) backlog = Math.max(0, top.peer.queuedUntil - top.traffic.trafficEnd);
    // Read after the step: a traffic that started in it ends a duration after its start, not after the step's.
    const end = top.traffic.trafficEnd;
    const limit = drainEnd();
    const progress = top.traffic.progress;
    // Quiet is nothing moving and nothing under way: a slow link or block is not a stuck one. The traffic's start is a move: a quiet bring-up is not the quiet after the traffic.
    if (progress !== moved || top.traffic.busy || top.traffic.trafficStarted !== startedBefore) {
      moved = progress;
      lastMove = kernel.now;
    }
    options.onProgress?.(kernel.now, end, top.traffic.trafficStarted);
    if (result.reason === "stop-condition") ending = { kind: "arrived" };
    else if (result.reason === "stopped") ending = { kind: "stopped", message: result.message ?? "" };
    // Before the traffic starts its end is a duration from now, which a step as long as the duration reaches: the bring-up is not yet the quiet after the traffic.
    else if (top.traffic.trafficStarted && kernel.now >= end && kernel.now - lastMove >= QUIET) ending = { kind: "not-arrived", quietMicroseconds: QUIET / 1e6 };
    else if (until >= limit) ending = { kind: "drain-limit" };
  }
  // The last packet is delivered a propagation delay after its last bit left the NIC: the edges that show it left (the MAC's count, its line idle after the gap, the queue's frame done), due within two cycles, are taken too.
  if (ending.kind === "arrived" && options.endAt !== undefined && options.endAt > kernel.now) kernel.run({ until: options.endAt });
  // Blocks drawing their signals lazily ask for those edges as a waveform would have them: the same end with it or without.
  if (ending.kind === "arrived" && options.endAt === undefined) kernel.planKeptEdges();
  for (let settling = 0; ending.kind === "arrived" && options.endAt === undefined && settling < SETTLING_EDGES; settling++) {
    const next = Math.min(...kernel.domains.map((domain) => (domain.nextEdge <= kernel.now + 2 * domain.period ? domain.nextEdge : Infinity)));
    if (next === Infinity) break;
    kernel.run({ until: next });
  }
  top.traffic.sampler.sample();
  const lost = top.traffic.flows.reduce((sum, flow) => sum + flow.sent - flow.received, 0);
  // The device or the driver still at work (a long write-back delay, queues resetting under faults, IKE on a slow host) with no packet on its way: none missing, or each missing one dropped and counted.
  if (ending.kind === "drain-limit" && (lost === 0 || top.traffic.everyMissingDropped)) ending = { kind: "accounted-at-drain-limit", dropped: lost };
  top.traffic.finishChecks(ending.kind !== "drain-limit", ending.kind === "arrived" || ending.kind === "not-arrived");
  const violations = top.traffic.scoreboard?.violations ?? [];
  if ((ending.kind === "arrived" || ending.kind === "not-arrived" || ending.kind === "accounted-at-drain-limit") && violations.length > 0) ending = { kind: "stopped", message: violations[0]! };
  // Quiet with none missing (IKE still at a rekey the drain started, say) is every packet arrived; with packets missing, a success when the scoreboard matched each to a counted drop
  // (it would be a violation otherwise; with checks off, by count alone).
  else if (ending.kind === "not-arrived" && lost === 0) ending = { kind: "arrived" };
  else if (ending.kind === "not-arrived" && lost <= top.traffic.countedDrops) ending = { kind: "accounted", quietMicroseconds: ending.quietMicroseconds, dropped: lost };
  // "Every packet arrived" of none would hide a traffic too short for its gaps.
  if (ending.kind === "arrived" && top.traffic.flows.every((flow) => flow.sent === 0)) ending = { kind: "none-due", trafficMicroseconds: scenario.durationMicroseconds };
  outputFiles?.simulationFinished(describeEnding(ending));
  const files: string[] = [];
  let summary!: ScenarioSummary;
  // Each file is written whatever became of the one before (a capture on a full disk lost the summary), and the first failure is said.
  eachAttempted([
    // The files streamed as the run went are complete now: closed first, so that a failure writing the others (a name taken during the run) does not call them cut off,
    // and each whatever another's closing does (one on a full disk left the others cut off or empty).
    () => eachAttempted([() => capture?.close(), () => saTrace?.finish(), () => (waveform ? waveform.closeDump() : kernel.close())]),
    () => {
      if (!waveform) return;
      const written = waveform.finish();
      files.push(written.vcd, written.gtkw, ...written.filters);
    },
    () => {
      if (!capture) return;
      files.push(capture.path, ...writeKeyFiles(outputFiles!, base!, top));
    },
    (failedBefore) => {
      // The run's SA accesses, for `nicsim policy-eval --trace` to replay against every policy.
      if (saTrace) files.push(saTrace.path);
      summary = scenarioSummary(scenario, kernel, top, ending);
      outputFiles?.summarised(formatScenarioSummary(summary));
      if (!base) return;
      files.push(`${base}.summary.json`);
      outputFiles!.write(`${base}.summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
      if (!scenario.outputs.html) return;
      files.push(`${base}.html`);
      // Naming no file by a name it will not get: after a file failed, or with a name the renaming would refuse (one taken during the run).
      outputFiles!.write(`${base}.html`, htmlReport(summary, !failedBefore && outputFiles!.renameProblems().length === 0 ? files : []));
    },
  ]);
  outputFiles?.commit();
  // What the scenario has that is accepted but likely not meant is printed with the run; so is a waveform window the run never reached.
  const windowFrom = scenario.outputs.waveformFromMicroseconds;
  const unreached = scenario.outputs.waveform && base !== null && windowFrom !== undefined && kernel.now < windowFrom * 1e6
    ? [`warning: outputs.waveformFromMicroseconds = ${windowFrom} µs (${loaded.source.locate(["outputs", "waveformFromMicroseconds"])}): the run ended at ${summary.simulatedMicroseconds} µs, before the waveform's window opened: the VCD holds no change, only the values at the run's end as the blocks last drew them (a ring engine's state and queue pointers may be older: it skips edges nothing sees)\n`]
    : [];
  return { design, summary, text: [...loaded.warnings.map((warning) => `${warning}\n`), ...unreached, formatScenarioSummary(summary)].join(""), files };
}
