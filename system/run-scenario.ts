import { dirname } from "node:path";
import { container } from "../sim/di.js";
import { buildDesign, type Design } from "../sim/component.js";
import { Kernel } from "../sim/kernel.js";
import { eachAttempted, leavingFilesOnFailure, OutputFiles } from "../sim/output-files.js";
import { beginRunFiles, recordWaveform, type WaveformFiles } from "../sim/vcd/waveform.js";
import { recordCapture } from "../hw/link/capture.js";
import { writeEspSaFile } from "../sim/ipsec/wireshark-esp-sa.js";
import { writeTrace } from "../driver/caching/trace.js";
import { PlainTraffic, plainTrafficFrames } from "./plain-traffic.js";
import { formatTrafficReport, trafficReport, type TrafficReport } from "./report.js";
import { builtWriteBackThresholdWarning } from "./scenario/write-back-threshold.js";
import { framesInDevice } from "./hardware.js";

export interface ScenarioOptions {
  seed?: number;
  /** False evaluates every clock edge (to show that skipping idle edges changes nothing). */
  skipIdle?: boolean;
  parameters?: Record<string, unknown>;
  parametersSource?: string;
  /** Output base: writes <base>.vcd, .gtkw, .pcap, .esp_sa, .report.txt and .report.json. */
  out?: string | null;
  waveform?: boolean;
  /** Simulated time limit, ps. */
  limit?: number;
  /** Hears each warning (accepted, likely not meant) before the run; the report's text begins with them too. */
  warn?: (warning: string) => void;
}

export interface ScenarioResult {
  design: Design<PlainTraffic>;
  report: TrafficReport;
  text: string;
  /** What the text begins with: the warnings heard before the run. */
  warnings: string[];
  files: string[];
  wallMilliseconds: number;
}

/**
 * The scenario's own choices, under whatever the caller sets: SA tables of two entries each, so
 * that four customers need more SAs than the NIC holds and the run shows hits, misses, installs
 * and software fallback.
 */
export const PLAIN_TRAFFIC_DEFAULTS: Record<string, unknown> = { "top.nic.sacache.txEntries": 2, "top.nic.sacache.rxEntries": 2 };

export function buildPlainTraffic(options: Pick<ScenarioOptions, "seed" | "parameters" | "parametersSource" | "skipIdle"> = {}): Design<PlainTraffic> {
  const kernel = new Kernel({ seed: options.seed, skipIdle: options.skipIdle });
  return buildDesign(kernel, PlainTraffic, { container, parameters: { ...PLAIN_TRAFFIC_DEFAULTS, ...options.parameters }, parametersSource: options.parametersSource });
}

/** The files a plain-traffic run writes under `out`. */
export function plainTrafficFileNames(out: string, traced: boolean): string[] {
  return [...(traced ? [`${out}.vcd`, `${out}.gtkw`] : []), ...[".pcap", ".esp_sa", ".sa-trace.jsonl", ".report.txt", ".report.json"].map((suffix) => `${out}${suffix}`)];
}

/** Run the plain-traffic scenario; write its waveform, capture and report under `out`. */
/** Where the frames neither arrived nor dropped are: what the device holds, the rest on the rings, waiting in the host, or lost. */
function whereHeld(held: ReturnType<typeof framesInDevice>, unaccounted: number): string {
  const rest = unaccounted - held.inRxBuffer - held.inTxDevice;
  return `${held.inRxBuffer} in the NIC's RX buffer, ${held.inTxDevice} taken from its TX rings and not yet sent, ${rest} on the rings, waiting in the host, or lost`;
}

export function runPlainTraffic(options: ScenarioOptions = {}): ScenarioResult {
  const design = buildPlainTraffic(options);
  const { kernel, top } = design;
  const threshold = builtWriteBackThresholdWarning(top, plainTrafficFrames(), options.parameters ?? {}, options.parametersSource ?? "parameters");
  const warnings = threshold === null ? [] : [threshold];
  for (const warning of warnings) options.warn?.(warning);
  const out = options.out ?? null;
  // Each file is written under a temporary name and given its own when the run is over.
  const outputs = out ? new OutputFiles(dirname(out)) : null;
  const traced = options.waveform !== false;
  // Every name is checked and held before the run (a directory holding one is found now, not after the run's work), and the streamed files opened.
  const { waveform, capture } =
    out && outputs
      ? beginRunFiles(outputs, out, plainTrafficFileNames(out, traced), traced ? kernel : null, () => ({
          waveform: traced ? recordWaveform(kernel, out, { comment: `plain-traffic scenario, seed ${kernel.seed}` }, outputs) : null,
          capture: recordCapture(top.wire, `${out}.pcap`, outputs),
        }))
      : { waveform: null, capture: null };
  const flush = () => eachAttempted([() => kernel.close(), () => capture?.writer.close()]);
  return leavingFilesOnFailure(outputs, flush, () => {
    const started = performance.now();
    const result = kernel.run({ until: options.limit ?? 100_000_000_000 });
    const { arrivedFrames, droppedFrames, expectedFrames } = top.traffic;
    // Frames neither arrived nor dropped with a counted reason are still in the device or its rings (a queue disabled by its faults holds them), or lost: said apart.
    const unaccounted = expectedFrames - arrivedFrames - droppedFrames;
    const outcome =
      result.reason === "stopped"
        ? result.message!
        : `stopped by the time limit with ${arrivedFrames} of ${expectedFrames} frames arrived${droppedFrames > 0 ? ` and ${droppedFrames} dropped with a counted reason (${unaccounted} neither: ${whereHeld(framesInDevice(top.nic), unaccounted)})` : ""}`;
    outputs?.simulationFinished(outcome);
    const wallMilliseconds = performance.now() - started;
    const files: string[] = [];
    // The streamed files first, each whatever another's closing does, so that a failure writing the save files does not call them cut off.
    eachAttempted([() => capture?.close(), () => (waveform ? waveform.closeDump() : kernel.close())]);
    if (waveform) {
      const written: WaveformFiles = waveform.finish();
      files.push(written.vcd, written.gtkw, ...written.filters);
    }
    if (out && outputs && capture) {
      // The keys leave the model here only, beside the capture, for the user's own decryption.
      outputs.writeWith(`${out}.esp_sa`, (path) => writeEspSaFile(path, top.traffic.capturedSas));
      // The run's SA accesses, for `nicsim policy-eval --trace` to replay against every policy.
      outputs.writeWith(`${out}.sa-trace.jsonl`, (path) => writeTrace(path, top.driver.intermediate.trace.accesses, { tx: top.nic.offload.cache.params.txEntries, rx: top.nic.offload.cache.params.rxEntries }, top.driver.intermediate.trace.removals));
      files.push(capture.path, `${out}.esp_sa`, `${out}.sa-trace.jsonl`);
    }
    const report = trafficReport("plain-traffic", kernel, top, outcome);
    const text = [...warnings.map((warning) => `${warning}\n`), formatTrafficReport(report)].join("");
    if (out && outputs) {
      outputs.write(`${out}.report.txt`, text);
      outputs.write(`${out}.report.json`, `${JSON.stringify(report, null, 2)}\n`);
      files.push(`${out}.report.txt`, `${out}.report.json`);
      outputs.commit();
    }
    return { design, report, text, warnings, files, wallMilliseconds };
  });
}
