import { createHash } from "node:crypto";
import { cannotRead, readNamedFile } from "../../sim/unreadable.js";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Scenario } from "./schema.js";
import { redactSecrets } from "./secret-paths.js";
import { shownValue } from "../../sim/shown-value.js";
import type { Shard } from "./sweep-shard.js";
import { modelCodeIdentity } from "./model-code-identity.js";
import type { SweepPoint } from "./sweep.js";
import { type SweepResult, sweepResultProblems } from "./sweep-result.js";

/**
 * The first line of a shard's output: which shard of which sweep it holds. The fingerprint is a
 * SHA-256 of the nicsim version and every configuration's whole scenario (the file's values, its
 * defaults, the `--set` and grid values) and of the model's code, so shards of another scenario, grid,
 * version or build differ.
 * Keys are hashed as `<secret>`: a hash of a weak pre-shared key lets anyone who knows the rest of
 * the scenario test guesses at it. What a sweep's results depend on is whether a gateway's key is
 * its host's (phase 1 fails where it is not), which is hashed instead.
 */
export interface ShardHeader {
  readonly index: number;
  readonly count: number;
  /** Configurations in the whole grid. */
  readonly points: number;
  readonly nicsim: string;
  readonly fingerprint: string;
}

/** The key of the header line's one field, which no result line has. */
const HEADER_KEY = "nicsimSweepShard";

/** nicsim's version, from the package.json above this module (in a checkout, compiled or not, and installed). */
export function nicsimVersion(): string {
  for (let directory = dirname(fileURLToPath(import.meta.url)); ; directory = dirname(directory)) {
    const file = join(directory, "package.json");
    if (existsSync(file)) {
      const found = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (found.name === "nicsim" && found.version) return found.version;
    }
    if (dirname(directory) === directory) return "unknown";
  }
}

/** The fingerprint of a sweep: nicsim's version and code, and the scenarios of all its configurations, in order, keys left out. */
export function sweepFingerprint(scenarios: readonly Scenario[]): string {
  const withoutKeys = scenarios.map((scenario) => redactSecrets({ ...scenario, keysAgree: scenario.customers.map((customer) => customer.ike === undefined || customer.ike.gatewayPreSharedKey === undefined || customer.ike.gatewayPreSharedKey === customer.ike.preSharedKey) }));
  // The code too: a rebuilt model of the same version number gives other figures, and its rows are not to be mixed with these.
  return `sha256:${createHash("sha256").update(JSON.stringify({ nicsim: nicsimVersion(), code: modelCodeIdentity(), scenarios: withoutKeys })).digest("hex")}`;
}

/** The sweep's results as JSON lines, one per configuration: the output of a sweep, and the rows of a shard's. */
export function sweepLines(results: readonly SweepResult[]): string {
  return results.map((result) => `${JSON.stringify(result)}\n`).join("");
}

/** A shard's output: its header line, then its results. */
export function shardFileText(shard: Shard, points: readonly SweepPoint[], scenarios: readonly Scenario[], results: readonly SweepResult[]): string {
  const header: ShardHeader = { index: shard.index, count: shard.count, points: points.length, nicsim: nicsimVersion(), fingerprint: sweepFingerprint(scenarios) };
  return `${JSON.stringify({ [HEADER_KEY]: header })}\n${sweepLines(results)}`;
}

/** A shard's output that cannot be merged: the message names the file (and line). */
export class SweepMergeError extends Error {}

/** A shard's output as read: its header, and each result with its line's text and number. */
export interface ShardFile {
  readonly file: string;
  readonly header: ShardHeader;
  readonly rows: ReadonlyArray<{ readonly line: number; readonly text: string; readonly result: SweepResult }>;
}

/** Read one shard's output, checking its header and that each line is a result. */
export function readShardFile(file: string): ShardFile {
  let text: string;
  try {
    text = readNamedFile(file, "utf8");
  } catch (error) {
    throw new SweepMergeError(cannotRead(file, error));
  }
  return parseShardText(file, text);
}

/** A shard's output from its text (`file` names it in messages). */
export function parseShardText(file: string, text: string): ShardFile {
  // A file saved by an editor on another system: a byte-order mark before the header, CRLF line ends.
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (lines.at(-1) !== "") throw new SweepMergeError(`${file}:${lines.length}: the last line has no newline: the file is cut off`);
  lines.pop();
  const header = parseHeader(lines[0]);
  if (header === null) throw new SweepMergeError(`${file}:1: not a sweep shard's output (its first line is not the header 'nicsim sweep --shard' writes${lines[0]?.startsWith('{"index":') ? "; this looks like a whole sweep's output" : ""})`);
  if (typeof header === "string") throw new SweepMergeError(`${file}:1: the shard's header: ${header}`);
  const rows = lines.slice(1).map((line, position) => {
    const number = position + 2;
    let result: unknown;
    try {
      result = JSON.parse(line);
    } catch {
      throw new SweepMergeError(`${file}:${number}: not JSON`);
    }
    if (typeof result !== "object" || result === null || Array.isArray(result)) throw new SweepMergeError(`${file}:${number}: not a sweep result (not a JSON object)`);
    const problems = sweepResultProblems(result);
    if (problems !== null) throw new SweepMergeError(`${file}:${number}: not a sweep result: ${problems.slice(0, 8).join("; ")}${problems.length > 8 ? `; and ${problems.length - 8} more` : ""}`);
    return { line: number, text: line, result: result as SweepResult };
  });
  return { file, header, rows };
}

/** The header, what is wrong with its fields (the first line is a header, edited), or null when the line is none. */
function parseHeader(line: string | undefined): ShardHeader | string | null {
  let header: Record<string, unknown> | undefined;
  try {
    header = (JSON.parse(line ?? "") as Record<string, Record<string, unknown> | undefined> | null)?.[HEADER_KEY];
  } catch {
    return null;
  }
  if (typeof header !== "object" || header === null) return null;
  const problems = [
    ...(["index", "count", "points"] as const).flatMap((field) => {
      const value = header[field];
      const minimum = field === "count" ? 1 : 0;
      return Number.isSafeInteger(value) && (value as number) >= minimum ? [] : [`${field} = ${shownValue(value)}: expected a whole number of at least ${minimum}`];
    }),
    ...(["nicsim", "fingerprint"] as const).flatMap((field) => (typeof header[field] === "string" ? [] : [`${field} = ${shownValue(header[field])}: expected a text`])),
  ];
  return problems.length > 0 ? problems.join("; ") : (header as unknown as ShardHeader);
}
