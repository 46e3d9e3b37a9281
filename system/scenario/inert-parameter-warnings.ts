import { RX_ENGINE_PARAMETERS } from "../../hw/rx/parameters.js";
import { TX_ENGINE_PARAMETERS } from "../../hw/tx/parameters.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import type { LoadedScenario } from "./load.js";

type Path = readonly string[];

/** Parameters that do nothing while a condition of the scenario holds, and why: each one given then is warned of at its line. */
interface InertRule {
  readonly paths: readonly Path[];
  /** Why they do nothing in this scenario, or null when they may act. */
  readonly because: (scenario: Scenario) => string | null;
}

/** A value the scenario gives, by its path through the nested sections (undefined: not given). */
function givenAt(scenario: Scenario, path: Path): unknown {
  let value: unknown = scenario;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The paths of the values given at or under `path`: itself, or each of a section's values. */
function leavesGiven(value: unknown, path: Path): Path[] {
  if (value === undefined) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return [path];
  return Object.entries(value).flatMap(([key, inner]) => leavesGiven(inner, [...path, key]));
}

const policyOf = (scenario: Scenario, path: Path): unknown => givenAt(scenario, [...path, "policy"]) ?? "preempt-resume";

/** The crypto engines' suspension parameters: none acts under run-to-completion, and the saved context's none under preempt-restart (a job starts over). */
const cryptoRules = (direction: "crypto_tx" | "crypto_rx"): InertRule[] => {
  const section = ["nic", direction];
  const saved = ["saveCycles", "restoreCycles", "contextSlots", "contextStore", "cutsBeforeProgressOwed"].map((name) => [...section, name]);
  return [
    { paths: [[...section, "checkInterval"], ...saved], because: (scenario) => (policyOf(scenario, section) === "run-to-completion" ? `nic.${direction}.policy is run-to-completion: no job is suspended` : null) },
    { paths: saved, because: (scenario) => (policyOf(scenario, section) === "preempt-restart" ? `nic.${direction}.policy is preempt-restart: a suspended job starts over, and no context is saved or restored` : null) },
  ];
};

/** A buffer's sharedThreshold where the buffer is split per class: each queue has a part of its own (from an architect's check). */
const sharedThresholdRule = (direction: "tx" | "rx"): InertRule => ({
  paths: [["nic", direction, "sharedThreshold"]],
  because: (scenario) => {
    const given = givenAt(scenario, ["nic", direction, "bufferPartition"]);
    const partition = given ?? (direction === "tx" ? TX_ENGINE_PARAMETERS : RX_ENGINE_PARAMETERS).bufferPartition.defaultValue;
    return partition === "per-class" ? `nic.${direction}.bufferPartition is per-class${given === undefined ? " (the default)" : ""}: each queue holds a part of its own, and the threshold is for a shared buffer only (bufferPartition: shared)` : null;
  },
});

const offloadOff = (scenario: Scenario) => (givenAt(scenario, ["driver", "intermediate", "offload"]) === false ? "driver.intermediate.offload is false: every ESP packet is processed in software, and the NIC's SA tables and crypto engines are not used" : null);
const noIke = (scenario: Scenario) => (scenario.customers.some((customer) => customer.ike !== undefined) ? null : "no customer has ike: there is no IKE exchange");

/** A fault on the gateway's packets (the faults' defaults are 0: only one asked for is weighed), where no stream sends any (from an outside check: four faults said "0 copies injected" without a word). */
const gatewayFaultRule = (name: "corruptProbability" | "replayProbability" | "cleartextProbability" | "crossTunnelProbability"): InertRule => ({
  paths: [["faults", name]],
  because: (scenario) => (scenario.faults[name] > 0 && scenario.traffic.every((stream) => stream.direction === "to-peer") ? "no stream sends to the host (direction to-host or both): the gateway's faults strike only the packets it sends" : null),
});

const RULES: readonly InertRule[] = [
  gatewayFaultRule("corruptProbability"),
  gatewayFaultRule("replayProbability"),
  gatewayFaultRule("cleartextProbability"),
  gatewayFaultRule("crossTunnelProbability"),
  ...cryptoRules("crypto_tx"),
  ...cryptoRules("crypto_rx"),
  sharedThresholdRule("tx"),
  sharedThresholdRule("rx"),
  { paths: [["driver", "cpu", "checkBytes"], ["driver", "cpu", "switchCycles"]], because: (scenario) => (policyOf(scenario, ["driver", "cpu"]) === "run-to-completion" ? "driver.cpu.policy is run-to-completion: no software crypto job is suspended" : null) },
  { paths: [["nic", "tx", "writeBackDelay"]], because: (scenario) => ((givenAt(scenario, ["driver", "base", "txWriteBackThreshold"]) ?? 0) === 0 ? "driver.base.txWriteBackThreshold is 0 (the default): each frame is written back as it is done, and none waits" : null) },
  { paths: [["nic", "dma", "completionTimeout"]], because: (scenario) => ((givenAt(scenario, ["nic", "dma", "completionTimeoutProbability"]) ?? 0) === 0 ? "nic.dma.completionTimeoutProbability is 0 (the default): every read completes" : null) },
  { paths: [["faults", "overlappingSaChanges"]], because: (scenario) => (scenario.faults.overlappingSaChanges && scenario.faults.rekeys + scenario.faults.inboundRekeys + scenario.faults.deletes <= 1 ? "faults asks for at most one SA change (rekeys, inboundRekeys, deletes): none can overlap another" : null) },
  {
    paths: [["nic", "crypto_tx"], ["nic", "crypto_rx"], ["nic", "sacache", "lookupCycles"], ["driver", "intermediate", "placement"], ["driver", "intermediate", "metric"], ["driver", "intermediate", "offloadCyclesPerPacket"], ["driver", "base", "saFill"]],
    because: offloadOff,
  },
  // The table sizes still head the SA trace, as the sizes nicsim policy-eval replays it at: inert only without the trace.
  {
    paths: [["nic", "sacache", "txEntries"], ["nic", "sacache", "rxEntries"]],
    because: (scenario) => {
      const off = offloadOff(scenario);
      return off === null ? null : scenario.outputs.saTrace ? `${off} (the SA trace's header still gives its sizes, for nicsim policy-eval to replay the trace at)` : off;
    },
  },
  { paths: [["driver", "intermediate", "ike"], ["peer", "softLifetimePercent"]], because: noIke },
  {
    paths: [["outputs", "waveformScopes"], ["outputs", "waveformExclude"], ["outputs", "waveformFromMicroseconds"], ["outputs", "waveformToMicroseconds"]],
    because: (scenario) => (scenario.outputs.waveform ? null : "outputs.waveform is false: no waveform is written"),
  },
];

/**
 * Parameters given where the rest of the scenario makes them do nothing: a sweep over one gave
 * identical runs without a word (a bad-input check found a dozen: the engines' save and restore
 * cycles under run-to-completion, the NIC's crypto with offload off, IKE timers with no IKE
 * customer, waveform options with no waveform).
 */
export function inertParameterWarnings(scenario: Scenario, source: SourceMap): string[] {
  return RULES.flatMap((rule) => {
    // A section's own values each, as given (`nic.crypto_tx.bytesPerCycle`), not the section.
    const given = rule.paths.flatMap((path) => leavesGiven(givenAt(scenario, path), path));
    const because = given.length === 0 ? null : rule.because(scenario);
    if (because === null) return [];
    return given.map((path) => source.at(path, `warning: ${path.join(".")}${HAS_NO_EFFECT}${because}`));
  });
}

const HAS_NO_EFFECT = " has no effect: ";

/**
 * The warnings to say beside a scenario refused when built: not those that weigh what the run
 * would do (a value that has no effect, a stream that sends no packet, a buffer part's share),
 * which may weigh the very value refused (a wire of 0.0005 Gb/s was warned to send no packet, then
 * refused; from an architect's check); those on how the values were given (a mapping that dropped
 * values), the QoS policy's and how the customers map to it (one no profile matches) still stand.
 */
export function warningsBesideRefusal(loaded: Pick<LoadedScenario, "warnings" | "runWarnings">): readonly string[] {
  return loaded.warnings.slice(0, loaded.warnings.length - loaded.runWarnings);
}
