import { join } from "node:path";
import { container as rootContainer, type DependencyContainer } from "../../sim/di.js";
import { buildDesign, type Design } from "../../sim/component.js";
import { ParameterError } from "../../sim/errors.js";
import { Kernel } from "../../sim/kernel.js";
import { leavingFilesOnFailure, OutputFiles } from "../../sim/output-files.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { type Capture, recordCapture } from "../../hw/link/capture.js";
import { writeEspSaFile } from "../../sim/ipsec/wireshark-esp-sa.js";
import { writeTrace } from "../../driver/caching/trace.js";
import { htmlReport } from "./html-report.js";
import { type LoadedScenario, ScenarioError } from "./load.js";
import { LoadedScenarioToken, ScenarioSystem } from "./scenario-system.js";
import { formatScenarioSummary, scenarioSummary, type ScenarioSummary } from "./summary.js";
import { deviceFitProblems } from "./device-fit.js";

export interface RunOptions {
  /** Override where files go (default: the scenario's outputs.directory); null writes nothing. */
  readonly directory?: string | null;
  /** What gave `directory` (the option, `--out`), named in messages about it; the scenario's line when it is the scenario's own. */
  readonly directoryGivenBy?: string;
  /** Registrations (a crypto backend, a placement policy, a scheduler) the system should use. */
  readonly container?: DependencyContainer;
  /** Called as simulated time advances: now and the end of the traffic, ps. */
  readonly onProgress?: (now: number, end: number) => void;
}

/** Where a run's files go while it runs: their base name, the set they are written through, and the two streamed during the run. */
interface RunFiles {
  readonly base: string | null;
  readonly files: OutputFiles | null;
  readonly waveform: ReturnType<typeof recordWaveform> | null;
  readonly capture: Capture | null;
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
export function buildScenario(loaded: LoadedScenario, options: Pick<RunOptions, "container"> = {}): Design<ScenarioSystem> {
  const { scenario, source } = loaded;
  const scope = (options.container ?? rootContainer).createChildContainer();
  scope.register(LoadedScenarioToken, { useValue: loaded });
  const kernel = new Kernel({ seed: scenario.seed });
  let design: Design<ScenarioSystem>;
  try {
    design = buildDesign(kernel, ScenarioSystem, { container: scope, parameters: { "top.nic": scenario.nic, "top.driver": scenario.driver, "top.wire": scenario.wire }, parametersSource: source.file });
  } catch (error) {
    if (!(error instanceof ParameterError)) throw error;
    // Name the scenario's own path (nic.crypto_tx.bytesPerCycle) and where it is in the file.
    const problems = error.message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /top\.(nic|driver|wire)\./.test(line))
      .map((line) => {
        const path = /top\.((?:nic|driver|wire)\.[\w.]+)/.exec(line)![1]!;
        const at = source.locate(path.split("."));
        return `${at}: ${line.replace(/^.*?top\./, "").replace(/top\./g, "")}`;
      });
    throw new ScenarioError(problems.length > 0 ? problems : [error.message]);
  }
  const unfit = deviceFitProblems(loaded, design.top);
  if (unfit.length > 0) throw new ScenarioError(unfit);
  return design;
}

/** Time after which a run in which nothing arrives, nothing is on the wire, no core works and no block has work is over: what has not arrived never will. */
const QUIET = 100_000_000;
/** The longest drain after the traffic: at least this, or twenty times the traffic's time. */
const DRAIN_LIMIT = 2_000_000_000;

/** Run a checked scenario: its traffic, then until every packet has arrived or the drain time has passed. Writes its files. */
export function runScenario(loaded: LoadedScenario, options: RunOptions = {}): ScenarioRun {
  const { scenario } = loaded;
  const design = buildScenario(loaded, options);
  const { kernel, top } = design;
  top.driver.intermediate.trace.enabled = scenario.outputs.saTrace;
  const directory = options.directory === undefined ? scenario.outputs.directory : options.directory;
  const base = directory === null ? null : join(directory, scenario.name);
  // Each file is written under a temporary name and given its own when the run is over.
  const givenBy = options.directory === undefined ? `${loaded.source.locate(["outputs", "directory"])}: outputs.directory` : options.directoryGivenBy;
  const files = directory === null ? null : new OutputFiles({ directory, givenBy });
  const outputs = scenario.outputs;
  const selection = {
    scopes: outputs.waveformScopes,
    exclude: outputs.waveformExclude,
    from: outputs.waveformFromMicroseconds === undefined ? undefined : Math.round(outputs.waveformFromMicroseconds * 1e6),
    to: outputs.waveformToMicroseconds === undefined ? undefined : Math.round(outputs.waveformToMicroseconds * 1e6),
  };
  const waveform = base && files && outputs.waveform ? recordWaveform(kernel, base, { ...selection, comment: `scenario ${scenario.name}, seed ${scenario.seed}` }, files) : null;
  const capture = base && files && outputs.pcap ? recordCapture(top.wire, `${base}.pcap`, files) : null;
  const flush = () => {
    kernel.close();
    capture?.writer.close();
  };
  return leavingFilesOnFailure(files, flush, () => runAndWrite(loaded, design, options, { base, files, waveform, capture }));
}

/** The run itself, then its files: written through `files`, then given their own names. */
function runAndWrite(loaded: LoadedScenario, design: Design<ScenarioSystem>, options: RunOptions, writing: RunFiles): ScenarioRun {
  const { scenario } = loaded;
  const { kernel, top } = design;
  const { base, files: outputFiles, waveform, capture } = writing;
  const end = top.traffic.trafficEnd;
  // After the traffic, the run drains until every packet is in, or nothing has moved for QUIET.
  const limit = end + Math.max(20 * end, DRAIN_LIMIT);
  const step = Math.max(1, Math.round(end / 100));
  let outcome = "";
  let lastMove = 0;
  let moved = -1;
  for (let until = Math.min(step, limit); ; until = Math.min(until + (kernel.now >= end ? Math.min(step, QUIET / 4) : step), limit)) {
    const result = kernel.run({ until, stopWhen: () => top.traffic.settled });
    const progress = top.traffic.progress;
    // Quiet is nothing moving and nothing under way: a slow link or block is not a stuck one.
    if (progress !== moved || top.traffic.busy) {
      moved = progress;
      lastMove = kernel.now;
    }
    options.onProgress?.(kernel.now, end);
    if (result.reason === "stop-condition") {
      outcome = "every packet arrived";
      break;
    }
    if (result.reason === "stopped") {
      outcome = `stopped: ${result.message}`;
      break;
    }
    if (kernel.now >= end && kernel.now - lastMove >= QUIET) {
      outcome = `quiet for ${QUIET / 1e6} µs with packets not arrived`;
      break;
    }
    if (until >= limit) {
      outcome = "the drain time ran out with packets still in flight";
      break;
    }
  }
  top.traffic.sampler.sample();
  top.traffic.finishChecks(outcome === "every packet arrived", !outcome.startsWith("the drain time"));
  if (outcome === "every packet arrived" && top.traffic.scoreboard?.violations.length) outcome = `stopped: ${top.traffic.scoreboard.violations[0]}`;
  const files: string[] = [];
  if (waveform) {
    const written = waveform.finish();
    files.push(written.vcd, written.gtkw, ...written.filters);
  } else kernel.close();
  if (capture) {
    capture.close();
    // The keys leave the model here only, beside the capture, for the user's own decryption.
    outputFiles!.writeWith(`${base}.esp_sa`, (path) => writeEspSaFile(path, top.traffic.captured));
    files.push(capture.path, `${base}.esp_sa`);
  }
  if (base && scenario.outputs.saTrace) {
    // The run's SA accesses, for `nicsim policy-eval --trace` to replay against every policy.
    outputFiles!.writeWith(`${base}.sa-trace.jsonl`, (path) => writeTrace(path, top.driver.intermediate.trace.accesses, { tx: top.nic.offload.cache.params.txEntries, rx: top.nic.offload.cache.params.rxEntries }));
    files.push(`${base}.sa-trace.jsonl`);
  }
  const summary = scenarioSummary(scenario.name, kernel, top, outcome);
  if (base) {
    outputFiles!.write(`${base}.summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
    files.push(`${base}.summary.json`);
    if (scenario.outputs.html) {
      outputFiles!.write(`${base}.html`, htmlReport(summary, [...files, `${base}.html`]));
      files.push(`${base}.html`);
    }
  }
  outputFiles?.commit();
  return { design, summary, text: formatScenarioSummary(summary), files };
}
