import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeDirectory } from "../../sim/output-files.js";
import { DEFAULT_CALL_NANOSECONDS, type ServeConfig } from "../../system/serve/served-run.js";
import { type ServeOutcome, serveOnSocket } from "../../system/serve/server.js";

/** The repository's root, from this file in examples/c-driver (or its build in dist/examples/c-driver). */
const root = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${join("dist", "examples")}`) ? join(here, "../../..") : join(here, "../..");
})();

/** The flags every C source is built with, here and in CI: warnings are errors. */
export const C_FLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-O2"];

/** The example driver's sources and the C client's. */
export function cDriverSources(): string[] {
  const example = join(root, "examples/c-driver");
  const client = join(root, "clients/c");
  return [...readdirSync(example).filter((file) => file.endsWith(".c")).map((file) => join(example, file)), ...readdirSync(client).filter((file) => file.endsWith(".c")).map((file) => join(client, file))];
}

/** Build the example driver with the system C compiler (`cc`); returns the binary's path, or throws with the compiler's words. */
export function buildCDriver(binary = join(root, "waveforms/bin/c-driver")): string {
  makeDirectory(dirname(binary));
  const result = spawnSync("cc", [...C_FLAGS, "-I", join(root, "clients/c"), "-o", binary, ...cDriverSources()], { encoding: "utf8" });
  if (result.error) throw new Error(`cc: ${result.error.message} (install a C compiler: apt-get install gcc libc6-dev)`);
  if (result.status !== 0) throw new Error(`cc failed:\n${result.stdout}${result.stderr}`);
  return binary;
}

/** The served run the example drives: one queue pair, its files under `directory`. */
export function exampleConfig(directory: string, name = "c-driver"): ServeConfig {
  return { name, seed: 1, parameters: { "top.nic.queues": 1 }, directory, waveform: true, pcap: true, callPicoseconds: DEFAULT_CALL_NANOSECONDS * 1000 };
}

/** Build the driver and run it against `nicsim serve` on a socket of its own; resolves when both are done. */
export async function runCDriverExample(options: { directory?: string; args?: readonly string[]; name?: string; socket?: string; onClientOutput?: (text: string) => void } = {}): Promise<ServeOutcome> {
  const binary = buildCDriver();
  const directory = options.directory ?? join(root, "waveforms");
  // Under the system's temporary directory, as nicsim serve's own: beside the outputs, a checkout's path over about 80 bytes made it longer than a socket's path may be (from a new user's check).
  const temporary = options.socket === undefined ? mkdtempSync(join(tmpdir(), "nicsim-example-")) : null;
  const socket = options.socket ?? join(temporary!, `${options.name ?? "c-driver"}.sock`);
  makeDirectory(directory);
  return serveOnSocket(exampleConfig(directory, options.name), socket, { command: [binary, ...(options.args ?? [])], onClientOutput: options.onClientOutput }).finally(() => temporary && rmSync(temporary, { recursive: true, force: true }));
}

// `npm run example:c-driver [-- --bug]`: build, serve, run, and exit with the driver's status.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  runCDriverExample({ args, name: args.includes("--bug") ? "c-driver-bug" : "c-driver" }).then(
    ({ result, clientStatus }) => {
      process.stdout.write(result.text);
      console.log(`wrote ${result.files.join("\n      ")}`);
      process.exitCode = clientStatus !== 0 ? (clientStatus ?? 1) : result.summary.ending.kind === "goodbye" ? 0 : 1;
    },
    (error: unknown) => {
      console.error(`example:c-driver: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
