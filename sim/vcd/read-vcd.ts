import { createRequire } from "node:module";
import { checkVcd, type Timescale } from "./check-vcd.js";

const require = createRequire(import.meta.url);
// The WASM path of vcd-stream: gives the scope tree, and needs no native addon.
const createVCD = require("vcd-stream/out/vcd.js") as () => Promise<unknown>;
const webVcdParser = require("vcd-stream/lib/web-vcd-parser.js") as (wasm: unknown) => Promise<VcdStream>;

interface VcdStream {
  info: { wires: ScopeNode; timescale?: string; date?: string; version?: string };
  change: { any(callback: (id: string, time: number | bigint, command: number, value?: bigint, mask?: bigint) => void): void };
  write(chunk: Uint8Array, callback?: () => void): boolean;
  end(callback?: () => void): void;
  on(event: string, callback: () => void): void;
  getTime(): bigint;
}

interface ScopeNode {
  kind: "scope" | "var";
  type: string;
  name: string;
  body?: ScopeNode[];
  size?: number;
  link?: string;
}

export interface ParsedVariable {
  path: string;
  type: string;
  width: number;
  code: string;
}

export interface ParsedChange {
  time: number;
  path: string;
  value: bigint;
}

export interface ParsedVcd {
  variables: ParsedVariable[];
  /** Every value change in file order, including the $dumpvars values. */
  changes: ParsedChange[];
  /** The last timestamp in the file. */
  endTime: number;
  timescale: string | undefined;
  /** The file's time unit, from its $timescale (1 ps when it declares none). */
  timeUnit: Timescale;
  /** The $version text (null without one), and whether the file ends with nicsim's end marker. */
  version: string | null;
  endMarker: boolean;
}

const CHUNK = 128 * 1024;

/**
 * Parse a VCD with vcd-stream: header in one write, body in chunks of at most 128 KiB. `keep`
 * chooses the changes to return (all by default), so a large dump can be searched for one signal.
 * A file that is not a whole VCD (truncated, or garbage) is refused first, with the line where it
 * goes wrong (MalformedVcdError): the parser itself would stop quietly and return what it had.
 */
export async function readVcd(text: string | Uint8Array, keep: (path: string, time: number) => boolean = () => true): Promise<ParsedVcd> {
  const shape = checkVcd(typeof text === "string" ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString("utf8"));
  const stream = await webVcdParser(await createVCD());
  const raw: Array<{ code: string; time: number; command: number; value: bigint | undefined; mask: bigint | undefined }> = [];
  let pathOf: Map<string, string> | null = null;
  stream.change.any((code, time, command, value, mask) => {
    pathOf ??= new Map(variablesOf(stream.info.wires).map((variable) => [variable.code, variable.path]));
    const path = pathOf.get(code);
    if (path !== undefined && !keep(path, Number(time))) return;
    raw.push({ code, time: Number(time), command, value, mask });
  });
  const finished = new Promise<void>((resolve) => stream.on("finish", resolve));
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const headerEnd = bytes.indexOf("$enddefinitions");
  const bodyStart = headerEnd < 0 ? bytes.length : bytes.indexOf("\n", headerEnd) + 1;
  await write(stream, bytes.subarray(0, bodyStart));
  for (let offset = bodyStart; offset < bytes.length; offset += CHUNK) await write(stream, bytes.subarray(offset, Math.min(bytes.length, offset + CHUNK)));
  stream.end();
  await finished;

  const variables = variablesOf(stream.info.wires);
  const byCode = new Map(variables.map((variable) => [variable.code, variable]));
  const changes = raw.map(({ code, time, command, value, mask }) => {
    const variable = byCode.get(code);
    if (!variable) throw new Error(`change for undeclared identifier '${code}' at ${time}`);
    if (mask !== undefined && mask !== 0n) throw new Error(`x or z value for ${variable.path} at ${time}`);
    // Commands 14 and 15 are the scalar values 0 and 1; vectors come with their value.
    const scalar = command === 14 ? 0n : command === 15 ? 1n : undefined;
    return { time, path: variable.path, value: scalar ?? value ?? 0n };
  });
  return { variables, changes, endTime: Number(stream.getTime()), timescale: stream.info.timescale, timeUnit: shape.timescale, version: shape.version, endMarker: shape.endMarker };
}

function variablesOf(root: ScopeNode): ParsedVariable[] {
  const variables: ParsedVariable[] = [];
  const walk = (node: ScopeNode, prefix: string): void => {
    for (const child of node.body ?? []) {
      const path = prefix === "" ? child.name : `${prefix}.${child.name}`;
      if (child.kind === "scope") walk(child, path);
      else variables.push({ path, type: child.type, width: child.size!, code: child.link! });
    }
  };
  walk(root, "");
  return variables;
}

function write(stream: VcdStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve) => stream.write(chunk, () => resolve()));
}

/** The value of every variable over time, as a map from path to its change list. */
export function changesByPath(parsed: ParsedVcd): Map<string, Array<{ time: number; value: bigint }>> {
  const map = new Map<string, Array<{ time: number; value: bigint }>>();
  for (const { path, time, value } of parsed.changes) {
    let list = map.get(path);
    if (!list) map.set(path, (list = []));
    list.push({ time, value });
  }
  return map;
}
