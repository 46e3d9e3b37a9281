import { z } from "zod";
import { container as rootContainer } from "../../sim/di.js";
import { inFileOrder, parseScenarioDocument, readScenarioText, ScenarioError } from "../scenario/load.js";
import { describeIssues } from "../scenario/schema-issues.js";
import { applyOverrides } from "../scenario/overrides.js";
import { parameterProblems } from "../scenario/parameter-check.js";
import { LIMITS, scenarioSchema } from "../scenario/schema.js";
import { formatPath, SourceMap } from "../scenario/source-map.js";
import { prototypeKeyProblems } from "../scenario/parameter-tree.js";
import { markTagObjects } from "../scenario/yaml-object-kind.js";

/**
 * The fields a run needs and a served run does not: `nicsim serve --scenario` takes a file
 * without them, and a run's scenario file as it is (the client is the driver, so they are not used).
 */
export const RUN_ONLY_FIELDS = ["durationMicroseconds", "customers", "traffic"] as const;
/** Fields serve accepts in a run's scenario and does not use. */
export const UNUSED_BY_SERVE = [...RUN_ONLY_FIELDS, "driver", "qos", "checks", "faults"] as const;
/** The peer's parameters for a scenario's IKE gateway and policy map, which a served run has neither of. */
export const PEER_UNUSED_BY_SERVE = ["softLifetimePercent", "priorityBurstMilliseconds", "congestionFrames"] as const;
/** The outputs a served run writes as a run does; the others (the HTML report, the SA trace, the waveform's scopes and window) it does not. */
export const SERVE_OUTPUTS = ["directory", "waveform", "pcap"];

/**
 * A run's scenario schema with the run-only fields optional: every other rule holds, unknown fields are still refused.
 * The traffic, not used, may be empty too (`traffic: []` was refused as a run's).
 */
export const serveScenarioSchema = scenarioSchema.partial({ durationMicroseconds: true, customers: true }).extend({ traffic: z.array(scenarioSchema.shape.traffic.element).max(LIMITS.streams).optional() });
export type ServeScenario = z.infer<typeof serveScenarioSchema>;

export interface LoadedServeScenario {
  readonly scenario: ServeScenario;
  /** Fields the file gives that serve does not use, in the file's order. */
  readonly unused: readonly string[];
  /** The file's values a mapping given by --set replaced, each said as a warning. */
  readonly replaced: readonly string[];
}

/** Read a serve scenario (.yaml, .yml or .json): every problem at once, each with its file, line and column. */
export function loadServeScenario(file: string, overrides: Record<string, unknown> = {}): LoadedServeScenario {
  return parseServeScenario(readScenarioText(file), file, overrides);
}

/** `overrides` set values by the scenario's dotted path first (`nic.tx.framesInFlight`), as a run's `--set` does. */
export function parseServeScenario(text: string, file = "scenario", overrides: Record<string, unknown> = {}): LoadedServeScenario {
  const { document, lines, value: asRead, duplicates } = parseScenarioDocument(text, file);
  const value = markTagObjects(asRead);
  const { problems: refused, applied, replaced } = applyOverrides(value, overrides);
  const problems = [...duplicates, ...refused];
  const source = new SourceMap(file, document, lines, applied, text);
  const parsed = serveScenarioSchema.safeParse(value);
  if (!parsed.success) {
    describeIssues(parsed.error.issues, value, (path, text) => problems.push(source.at(path, text)));
  }
  prototypeKeyProblems(value, (path, message) => problems.push(source.at(path, `${formatPath(path)}: ${message}`)));
  // The nic and wire trees are checked here too, so that a wrong parameter is named by its line; the waveform's patterns, the customers and the traffic are not used.
  problems.push(...parameterProblems(value, source, rootContainer, { patterns: false, trafficUsed: false }));
  if (problems.length > 0) throw new ScenarioError(inFileOrder(problems, file));
  const given = value as Record<string, unknown>;
  const outputs = typeof given.outputs === "object" && given.outputs !== null ? Object.keys(given.outputs).filter((key) => !SERVE_OUTPUTS.includes(key)) : [];
  // The peer's IKE rekeying and its policers (the policy map's) have no part in a served run: the peer's queue has (from a new user's check).
  const peer = typeof given.peer === "object" && given.peer !== null ? Object.keys(given.peer).filter((key) => (PEER_UNUSED_BY_SERVE as readonly string[]).includes(key)) : [];
  const unused = [...Object.keys(given).filter((key) => (UNUSED_BY_SERVE as readonly string[]).includes(key)), ...outputs.map((key) => `outputs.${key}`), ...peer.map((key) => `peer.${key}`)];
  return { scenario: parsed.data!, unused, replaced };
}
