import { createRequire } from "node:module";

/**
 * A third-party VCD parser (vcd-stream, its WASM path), kept only to check the project's own
 * reader against something it did not write. It keeps times in 32 bits: use it on dumps shorter
 * than 2^32 ps (4.29 ms).
 */
const require = createRequire(import.meta.url);
const createVCD = require("vcd-stream/out/vcd.js") as () => Promise<unknown>;
const webVcdParser = require("vcd-stream/lib/web-vcd-parser.js") as (wasm: unknown) => Promise<VcdStream>;

interface VcdStream {
  info: { wires: ScopeNode };
  change: { any(callback: (id: string, time: number | bigint, command: number, value?: bigint, mask?: bigint) => void): void };
  write(chunk: Uint8Array, callback?: () => void): boolean;
  end(callback?: () => void): void;
  on(event: string, callback: () => void): void;
}

interface ScopeNode {
  kind: "scope" | "var";
  name: string;
  body?: ScopeNode[];
  link?: string;
}

/** Every change vcd-stream reads, as `path@time=value` strings in file order. */
export async function vcdStreamChanges(bytes: Uint8Array): Promise<string[]> {
  // Its Emscripten runtime sets process.exitCode (to 0) as it starts: put back, for the test files after this one in the worker.
  const exitCode = process.exitCode;
  const stream = await webVcdParser(await createVCD());
  process.exitCode = exitCode;
  const raw: Array<{ code: string; time: number; command: number; value: bigint | undefined }> = [];
  stream.change.any((code, time, command, value) => raw.push({ code, time: Number(time), command, value }));
  const finished = new Promise<void>((resolve) => stream.on("finish", resolve));
  const chunk = 128 * 1024;
  for (let offset = 0; offset < bytes.length; offset += chunk) await new Promise<void>((resolve) => stream.write(bytes.subarray(offset, Math.min(bytes.length, offset + chunk)), () => resolve()));
  stream.end();
  await finished;
  const paths = new Map<string, string[]>();
  const walk = (node: ScopeNode, prefix: string): void => {
    for (const child of node.body ?? []) {
      const path = prefix === "" ? child.name : `${prefix}.${child.name}`;
      if (child.kind === "scope") walk(child, path);
      else paths.set(child.link!, [...(paths.get(child.link!) ?? []), path]);
    }
  };
  walk(stream.info.wires, "");
  // Commands 14 and 15 are the scalar values 0 and 1; vectors come with their value.
  return raw.flatMap(({ code, time, command, value }) => (paths.get(code) ?? []).map((path) => `${path}@${time}=${command === 14 ? 0n : command === 15 ? 1n : (value ?? 0n)}`));
}
