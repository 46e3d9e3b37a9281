import { readFileSync, statSync } from "node:fs";
import { extname } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { identity, IdentityError } from "../../driver/intermediate/identity.js";
import { parseQosConfig, parseQosConfigJson, type QosConfig } from "../../driver/intermediate/qos-config.js";
import { applyOverrides } from "./overrides.js";
import { LIMITS, type Scenario, scenarioSchema } from "./schema.js";

/** A scenario that cannot run: every problem, each naming the file, line, column and path. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join("\n  ")}`);
  }
}

/** Where each path of a parsed YAML or JSON document starts, for messages. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly document: Document | null,
    private readonly lines: LineCounter | null,
    /** Dotted paths set from outside the file (`--set`): values at or below them are named by the option. */
    private readonly overrides: readonly string[] = [],
  ) {}

  /** `file:line:column` of the deepest node on the path that exists (of its key, for a mapping's entry), or the `--set` that gave the value. */
  locate(path: readonly PropertyKey[]): string {
    const dotted = path.map(String).join(".");
    const override = this.overrides.find((set) => dotted === set || dotted.startsWith(`${set}.`));
    if (override !== undefined) return `--set ${override}`;
    // A place the file does not have, made by a `--set` below it (`--set outputs.waveformScopes.0=x` makes a mapping there): the option made it.
    const below = this.overrides.find((set) => set.startsWith(`${dotted}.`));
    if (!this.document || !this.lines) return below !== undefined ? `--set ${below}` : this.file;
    let node: unknown = this.document.contents;
    let range: [number, number, number] | undefined = (node as { range?: [number, number, number] })?.range;
    let found = 0;
    for (const key of path) {
      let next: unknown = undefined;
      let at: unknown = undefined;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
        next = pair?.value;
        at = pair?.key;
      } else if (isSeq(node) && typeof key === "number") next = at = node.items[key];
      if (!next) break;
      found++;
      node = next;
      range = (at as { range?: [number, number, number] }).range ?? (node as { range?: [number, number, number] }).range ?? range;
    }
    if (below !== undefined && found < path.length) return `--set ${below}`;
    if (!range) return this.file;
    const { line, col } = this.lines.linePos(range[0]);
    return `${this.file}:${line}:${col}`;
  }

  /** The line a path's value starts on (for text embedded in the file, such as the QoS policy). */
  lineOf(path: readonly PropertyKey[]): number {
    const match = /:(\d+):\d+$/.exec(this.locate(path));
    return match ? Number(match[1]) : 1;
  }
}

export const formatPath = (path: readonly PropertyKey[]) => path.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`)).join("") || "(top)";

/** A scenario checked and ready: the values with defaults, its QoS policy parsed, where it came from. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly qos: QosConfig | null;
  readonly source: SourceMap;
}

/** Read a scenario file (.yaml, .yml or .json); `overrides` set values by dotted path first (`nic.crypto_tx.bytesPerCycle`). */
export function loadScenarioFile(file: string, overrides: Record<string, unknown> = {}): LoadedScenario {
  if (![".yaml", ".yml", ".json"].includes(extname(file).toLowerCase())) throw new ScenarioError([`${file}: expected a .yaml, .yml or .json scenario file`]);
  let text: string;
  try {
    // Parsing a huge file takes long before its size can be refused field by field.
    const bytes = statSync(file).size;
    if (bytes > LIMITS.fileBytes) throw new ScenarioError([`${file}: ${bytes} bytes; a scenario file is at most ${LIMITS.fileBytes} (one of ${LIMITS.streams} streams takes well under 1 MB)`]);
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof ScenarioError) throw error;
    throw new ScenarioError([`${file}: cannot read: ${(error as Error).message}`]);
  }
  return parseScenarioText(text, file, overrides);
}

/** Parse and check scenario text (YAML, of which JSON is a subset). */
export function parseScenarioText(text: string, file = "scenario", overrides: Record<string, unknown> = {}): LoadedScenario {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ScenarioError(document.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return `${file}:${line}:${col}: ${error.message.split("\n")[0]}`;
    }));
  }
  const value = document.toJS() as unknown;
  const problems = applyOverrides(value, overrides);
  if (problems.length > 0) throw new ScenarioError(problems);
  return checkScenario(value, new SourceMap(file, document, lines, Object.keys(overrides)));
}

/** Check a scenario given as a value (the built-in default, or one a program builds). */
export function checkScenario(value: unknown, source = new SourceMap("scenario", null, null)): LoadedScenario {
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) throw new ScenarioError(parsed.error.issues.map((issue) => describeIssue(issue, source)));
  const scenario = parsed.data;
  const problems: string[] = [];
  const problem = (path: PropertyKey[], message: string) => problems.push(`${source.locate(path)}: ${formatPath(path)}: ${message}`);
  const customers = new Set<string>();
  scenario.customers.forEach((customer, index) => {
    if (customers.has(customer.name)) problem(["customers", index, "name"], `customer '${customer.name}' is defined twice`);
    customers.add(customer.name);
    try {
      identity(customer.identity.type, customer.identity.value);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      problem(["customers", index, "identity", "value"], error.message);
    }
  });
  const streams = new Set<string>();
  scenario.traffic.forEach((stream, index) => {
    if (streams.has(stream.name)) problem(["traffic", index, "name"], `stream '${stream.name}' is defined twice`);
    streams.add(stream.name);
    if (!customers.has(stream.customer)) problem(["traffic", index, "customer"], `no customer '${stream.customer}' (customers: ${[...customers].join(", ")})`);
  });
  const { waveformFromMicroseconds: from, waveformToMicroseconds: to } = scenario.outputs;
  if (from !== undefined && to !== undefined && to < from) {
    problem(["outputs", "waveformToMicroseconds"], `${to} µs is before outputs.waveformFromMicroseconds = ${from} µs (${source.locate(["outputs", "waveformFromMicroseconds"])}): the waveform's window would end before it starts`);
  }
  const sas = scenario.customers.reduce((sum, customer) => sum + customer.sas, 0);
  if (sas > 256) problem(["customers"], `${sas} SA pairs in all; at most 256 (their SPIs and inner ports must stay distinct)`);
  let qos: QosConfig | null = null;
  if (scenario.qos !== undefined) {
    const qosAt = source.locate(["qos"]);
    try {
      qos = typeof scenario.qos === "string" ? parseQosConfig(scenario.qos, `${source.file} (qos)`) : parseQosConfigJson(JSON.stringify(scenario.qos), `${source.file} (qos)`);
    } catch (error) {
      const message = (error as Error).message;
      // Line numbers of the policy text count from its first line in the file.
      const line = /^.* \(qos\):(\d+):(\d+): (.*)$/s.exec(message);
      if (line && typeof scenario.qos === "string" && !qosAt.startsWith("--set")) problems.push(`${source.file}:${source.lineOf(["qos"]) + Number(line[1])}:${line[2]}: qos: ${line[3]}`);
      else problems.push(`${qosAt}: qos: ${message}`);
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);
  return { scenario, qos, source };
}

function describeIssue(issue: z.core.$ZodIssue, source: SourceMap): string {
  const path = issue.path as PropertyKey[];
  let message = issue.message;
  if (issue.code === "unrecognized_keys") message = `unknown ${issue.keys.length === 1 ? "field" : "fields"} ${issue.keys.map((key) => `'${key}'`).join(", ")}`;
  if (issue.code === "invalid_type" && message.includes("received undefined")) message = `required: ${message.replace(/^Invalid input: /, "")}`;
  return `${source.locate(path)}: ${formatPath(path)}: ${message}`;
}
