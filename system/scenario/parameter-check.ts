import { buildDesignChecked, type Design } from "../../sim/component.js";
import type { DependencyContainer } from "../../sim/di.js";
import type { ParameterError } from "../../sim/errors.js";
import { Kernel } from "../../sim/kernel.js";
import type { QosConfig } from "../../driver/intermediate/qos-config.js";
import type { LoadedScenario } from "./load.js";
import { LoadedScenarioToken, ScenarioSystem } from "./scenario-system.js";
import { checkableParameters, designParameterTrees, isMapping, type ParameterGroup, PARAMETER_GROUPS } from "./parameter-tree.js";
import { customerName, customerSchema, LIMITS, type ScenarioCustomer, type ScenarioInput, scenarioSchema, streamRate, streamShape, waveformPatterns } from "./schema.js";
import { deviceFitProblems } from "./device-fit.js";
import { waveformScopeProblems } from "./waveform-scopes.js";
import type { SourceMap } from "./source-map.js";

/** Refused with its design when every component could be built (defaults standing in for the values refused), so the scenario's fit can be checked too. */
export type ScenarioDesign = { readonly kind: "built"; readonly design: Design<ScenarioSystem> } | { readonly kind: "refused"; readonly problems: readonly string[]; readonly design: Design<ScenarioSystem> | null };

/**
 * Build a scenario's system: its parameters (under nic, driver, wire) are checked here, every one
 * at once, each named by the scenario's own path (nic.crypto_tx.bytesPerCycle) and its place in the file.
 */
export function buildScenarioDesign(loaded: LoadedScenario, container: DependencyContainer, skipIdle = true): ScenarioDesign {
  const { scenario, source } = loaded;
  const scope = container.createChildContainer();
  scope.register(LoadedScenarioToken, { useValue: loaded });
  const kernel = new Kernel({ seed: scenario.seed, skipIdle });
  const { design, problem } = buildDesignChecked(kernel, ScenarioSystem, { container: scope, parameters: { ...designParameterTrees(scenario), "top.cryptoBackend": scenario.cryptoBackend }, parametersSource: source.file });
  return problem === null ? { kind: "built", design: design! } : { kind: "refused", problems: parameterErrorProblems(problem, source), design };
}

/**
 * A ParameterError's findings as problems, each worded by its parameter's scenario path
 * (nic.queues, not top.nic.queues) at the place that gave the value: its line in the file, or
 * the `--set` of it, named once. The error's own framing (its source, its headings) is dropped.
 */
export function parameterErrorProblems(error: ParameterError, source: SourceMap): string[] {
  const problems = error.message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /top\.\w/.test(line))
    .map((line) => {
      // A rule between values is placed at the first of them that was given (the others given are named after it).
      // (A path offered as "did you mean" is no value of the rule's.)
      const paths = [...new Set([...line.replace(/\(did you mean [^)]*\)/g, "").matchAll(/top\.(\w+(?:\.\w+)*)/g)].map((match) => match[1]!))];
      const givenBy = new Map(paths.map((path) => [path, source.givenBy(path.split("."))]));
      const given = paths.filter((path) => givenBy.get(path) !== null);
      const placed = given[0] ?? paths[0]!;
      const others = given.filter((path) => path !== placed).map((path) => `${path} ${givenBy.get(path)}`);
      // Placed at another value's place: the value the message starts with was nobody's, and says so.
      if (placed !== paths[0] && givenBy.get(paths[0]!) === null) others.unshift(`${paths[0]} has its default`);
      const text = line.replace(/^.*?top\./, "").replace(/top\./g, "");
      return source.at(placed.split("."), others.length === 0 ? text : `${text} (${others.join("; ")})`);
    });
  return problems.length > 0 ? problems : [error.message];
}

const record = (value: unknown): Record<string, unknown> => (isMapping(value) ? value : {});

/** A stream that fits any device, standing in for one the schema refuses. */
const STAND_IN_STREAM = { name: "s", customer: "a", direction: "to-peer", packetBytes: 64, load: 0.01 } as const;

/** A scenario with nothing wrong in it, to carry the parameters of one that has mistakes elsewhere. */
const STAND_IN = {
  name: "parameters",
  durationMicroseconds: 1,
  checks: false,
  customers: [{ name: "a", identity: { type: "ID_FQDN", value: "a.example" } }],
  traffic: [STAND_IN_STREAM],
} as const;

/**
 * Customers standing in for the scenario's for its signals, which carry a customer's name and
 * whether it goes through IKE (its other fields may be wrong; a name given twice stands once):
 * null when a name is not one, so that which signals there are is not known.
 */
function standInCustomers(given: unknown): ScenarioInput["customers"] | null {
  if (!Array.isArray(given) || given.length === 0 || given.length > LIMITS.customers) return null;
  const names = given.map((entry: unknown) => customerName.safeParse(record(entry).name));
  if (!names.every((name) => name.success)) return null;
  return given
    .map((entry: unknown, index) => ({ name: names[index]!.data!, ike: record(entry).ike !== undefined }))
    .filter((customer, index, all) => all.findIndex((other) => other.name === customer.name) === index)
    .map(({ name, ike }) => ({ name, identity: { type: "ID_KEY_ID" as const, value: name }, ...(ike ? { ike: { preSharedKey: "stand-in" } } : {}) }));
}

/** What of a given customer sizes its IKE messages, when the schema takes it (null when not): its other fields may be wrong. */
function sizedCustomer(entry: unknown, index: number): ScenarioCustomer | null {
  const fields = record(entry);
  const ike = fields.ike === undefined ? undefined : { ...record(fields.ike), address: undefined };
  const parsed = customerSchema.pick({ identity: true, ike: true }).safeParse({ identity: fields.identity, ike });
  if (!parsed.success) return null;
  return { name: typeof fields.name === "string" ? fields.name : `customers[${index}]`, sas: 1, ...parsed.data };
}

/** Stands in for a scope that is no pattern (the schema says so): it selects every signal, so that the others are judged as they would be. */
const ANY_SIGNAL = "**";
/** Stands in for an exclude that is no pattern: it takes no signal. */
const NO_SIGNAL = "top.__no_signal__";

/**
 * The scenario's waveform patterns, each that is no pattern stood in for (and not judged), with
 * nothing else of its outputs: null when the waveform is off or there are none.
 */
function standInOutputs(given: unknown): { outputs: ScenarioInput["outputs"]; judged: (field: "waveformScopes" | "waveformExclude", index: number) => boolean } | null {
  const fields = record(given);
  if (fields.waveform === false) return null;
  const patterns = (field: "waveformScopes" | "waveformExclude", standIn: string) => {
    const list = fields[field];
    if (!Array.isArray(list) || list.length === 0) return null;
    const valid = list.map((pattern: unknown) => waveformPatterns[field].safeParse([pattern]).success);
    return { list: list.map((pattern: unknown, index) => (valid[index] ? (pattern as string) : standIn)), valid };
  };
  const scopes = patterns("waveformScopes", ANY_SIGNAL);
  const excludes = patterns("waveformExclude", NO_SIGNAL);
  if (scopes === null && excludes === null) return null;
  return {
    outputs: { ...(scopes === null ? {} : { waveformScopes: scopes.list }), ...(excludes === null ? {} : { waveformExclude: excludes.list }) },
    judged: (field, index) => (field === "waveformScopes" ? scopes : excludes)?.valid[index] === true,
  };
}

/**
 * The parameter problems of a scenario that has mistakes elsewhere (its schema, its references,
 * its policy): its parameter trees are built on a stand-in scenario, so that they are reported
 * in the same pass as the rest. Its streams are checked against that device too, each at its own
 * index by its length and direction where the schema takes those, so that a mistake elsewhere
 * does not hide a stream that does not fit. Its waveform patterns that are patterns are checked
 * against that design, given customers of the scenario's names (which some signals carry).
 */
export function parameterProblems(value: unknown, source: SourceMap, container: DependencyContainer, options: { readonly patterns?: boolean; readonly trafficUsed?: boolean; readonly qos?: QosConfig | null } = {}): readonly string[] {
  // A caller that does not use the customers and traffic (serve: the client is the driver) has them judged by nothing but the schema.
  const given = options.trafficUsed === false ? { ...record(value), customers: undefined, traffic: undefined } : record(value);
  // Values the schema refuses (an empty value, a list) are reported by the schema; the others are checked.
  const trees = Object.fromEntries(PARAMETER_GROUPS.map((group) => [group, checkableParameters(given[group])])) as Record<ParameterGroup, Record<string, unknown>>;
  // A stream is checked by its length and direction, when the schema takes those (its other fields may be wrong); one without them is stood in for, and not checked.
  // More streams than a scenario holds is the schema's to say; the parameters are still checked.
  const raw = Array.isArray(given.traffic) && given.traffic.length > 0 && given.traffic.length <= LIMITS.streams ? given.traffic : [];
  const fitting = raw.map((item) => streamShape.safeParse(item));
  // A stream whose direction is refused is still checked by its length (a bad direction hid a frame longer than the NIC takes).
  const lengths = raw.map((item) => streamShape.shape.packetBytes.safeParse(record(item).packetBytes));
  // The run's size is judged too where the duration and every stream's shape and rate are right: a mistake elsewhere hid a run of hours (from a scenario writer's check).
  const rates = raw.map((item) => streamRate.safeParse(item));
  const duration = scenarioSchema.shape.durationMicroseconds.safeParse(given.durationMicroseconds);
  const sized = raw.length > 0 && duration.success && fitting.every((checked) => checked.success) && rates.every((rate) => rate.success);
  // Named as given, so that the problem names the stream, where the names can stand (given, and each once).
  const names = raw.map((item) => record(item).name);
  const named = names.every((name) => typeof name === "string" && name.length > 0) && new Set(names).size === names.length;
  const streams =
    raw.length === 0
      ? STAND_IN.traffic
      : fitting.map((checked, index) =>
          checked.success
            ? { ...STAND_IN_STREAM, ...checked.data, ...(sized ? { load: undefined, ...rates[index]!.data, ...(named ? { name: names[index] as string } : {}) } : {}) }
            : lengths[index]!.success
              ? { ...STAND_IN_STREAM, packetBytes: lengths[index]!.data }
              : STAND_IN_STREAM,
        );
  const customers = standInCustomers(given.customers);
  // Not for a caller that does not use them (serve).
  const outputs = customers === null || options.patterns === false ? null : standInOutputs(given.outputs);
  const standInFor = (patterned: boolean) => {
    const scenario = { ...STAND_IN, ...trees, traffic: streams, ...(sized ? { durationMicroseconds: duration.data } : {}) };
    return scenarioSchema.safeParse(patterned ? { ...scenario, customers, outputs: outputs!.outputs, traffic: streams.map((stream) => ({ ...stream, customer: customers![0]!.name })) } : scenario);
  };
  // With the patterns and customers (names given twice, say, are refused as a whole), else the plain stand-in.
  const withPatterns = outputs !== null ? standInFor(true) : null;
  let parsed = withPatterns?.success ? withPatterns : standInFor(false);
  // Trees the schema still refuses have been reported by it.
  if (!parsed.success) return [];
  let standIn: LoadedScenario = { scenario: parsed.data, qos: options.qos ?? null, source, warnings: [], runWarnings: 0 };
  let outcome: ScenarioDesign;
  try {
    outcome = buildScenarioDesign(standIn, container);
  } catch (error) {
    // The stand-in customers are the scenario's names on a made-up gateway: a design they cannot make is not the scenario's mistake, and the plain stand-in serves.
    if (parsed !== withPatterns) throw error;
    const plain = standInFor(false);
    if (!plain.success) throw error;
    parsed = plain;
    standIn = { scenario: plain.data, qos: options.qos ?? null, source, warnings: [], runWarnings: 0 };
    outcome = buildScenarioDesign(standIn, container);
  }
  // The scenario's customers are checked too (their IKE against the longest frame), by what sizes the messages: the identity and the ike block but its address.
  // A mistake in another field (its SA count, its name) is the schema's to report, and does not hide this one.
  const givenCustomers = Array.isArray(given.customers) && given.customers.length <= LIMITS.customers ? given.customers.map(sizedCustomer) : [];
  const unfit = outcome.design === null ? [] : deviceFitProblems(standIn, outcome.design.top, (index) => (fitting[index]?.success === true ? true : lengths[index]?.success === true ? "length" : false), givenCustomers);
  const patterns = outcome.design === null || parsed !== withPatterns ? [] : waveformScopeProblems(standIn, outcome.design.kernel, outputs!.judged);
  return [...(outcome.kind === "refused" ? outcome.problems : []), ...unfit, ...patterns];
}
