import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { container } from "../../sim/di.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { simulated, type WorkloadMeasurement } from "./workload-measurement.js";

/**
 * The default scenario for `durationMicroseconds` of traffic, through the library as `nicsim run`
 * runs it, with node:crypto registered. Only the waveform differs between the two forms: each
 * writes its summary and SA trace into a temporary directory (removed afterwards), neither a capture
 * nor a report.
 */
export function measureDefaultScenario(durationMicroseconds: number, waveform: boolean): WorkloadMeasurement {
  const loaded = defaultScenario({
    durationMicroseconds,
    "outputs.waveform": waveform,
    "outputs.pcap": false,
    "outputs.html": false,
  });
  const scope = container.createChildContainer();
  scope.register(AesGcmBackendToken, { useValue: new NodeCryptoBackend() });
  const directory = mkdtempSync(join(tmpdir(), "nicsim-bench-scenario-"));
  try {
    const started = performance.now();
    const run = runScenario(loaded, { directory, container: scope });
    const seconds = (performance.now() - started) / 1000;
    const { kernel, top } = run.design;
    const wire = run.summary.wireFrames;
    const delivered = top.traffic.flows.reduce((sum, flow) => sum + flow.received, 0);
    return { offered: null, wireFrames: wire.toPeer + wire.toHost, delivered, seconds, ...simulated(kernel, top.nic) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
