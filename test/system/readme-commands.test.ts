import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";

/**
 * Every command the README shows, run the cheap way: each maps to the nicsim arguments it stands
 * for, shortened (a short duration, few packets, the fast subset, outputs in a temporary
 * directory so that nothing of the checkout is rewritten). A command the README gains without a
 * mapping here fails, as does one whose run exits non-zero.
 */
const root = new URL("../..", import.meta.url).pathname;
// A build of its own: cli.test.ts builds dist/ at the same time, and a file half written by one is half read by the other.
const outDir = join(root, ".test-dist");
const readme = readFileSync(join(root, "README.md"), "utf8");
const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const work = mkdtempSync(join(tmpdir(), "nicsim-readme-"));

/** What a command in the README looks like: npm scripts, the CLI by any of its names, and the tools the README has the user run. */
const COMMAND = /^(npm (start|test|install|run \S+)|nicsim\b|npx nicsim\b|node dist\/system\/cli\/main\.js\b|gtkwave\b|tshark\b|wireshark\b)/;

/** Commands not run here, each with why. */
const SKIPPED: Record<string, string> = {
  "npm install": "installs the dependencies this suite already runs with",
  "npm test": "is this suite",
  "npm run fuzz": "runs test/system/scoreboard-properties.test.ts with more runs; npm test runs that file",
  "npm run bench": "benchmarks take minutes; test/bench/reference-workloads.test.ts runs each of its workloads on a tiny size",
  "npm run bench:kernel": "a benchmark: wall-time figures only, nothing to check",
  "npm run bench:alternate -- <workload> [<size> [<rounds>]] --against <other checkout>": "a form with placeholders, a benchmark of two builds; test/bench/alternate.test.ts runs it on a tiny size against this checkout",
  "npm run bench:datapath": "a benchmark: wall-time figures only; its workloads are npm run bench's, which test/bench/reference-workloads.test.ts runs",
  "npm run bench:esp": "a benchmark: wall-time figures only, nothing to check",
  "npm run bench:offload": "a benchmark: wall-time figures only; its workload is npm run bench's inline ESP one with more SAs than table entries",
  "npm run bench:serve": "a benchmark: wall-time figures only; the tests in test/serve run the socket path",
  "npm run long-run": "a long-run benchmark by design (minutes of simulated traffic)",
  "gtkwave waveforms/default.gtkw": "a GUI; the save-file tests load it in GTKWave under xvfb",
  "npm run build --silent": "compiles the package, as this suite does before it runs the commands",
  "npm run build": "compiles the package, as this suite does before it runs the commands",
  "npm install <path to nicsim>": "a form with a placeholder, installing the package into another project; test/system/library-swap-points.test.ts imports from \"nicsim\" as such a project does",
  "nicsim sweep --shard k/n": "a form with placeholders; test/system/sweep-shards-cli.ts runs sharded sweeps every way a shard can be named",
  "nicsim sweep-merge <shards…> --out sweep.jsonl": "a form with placeholders; test/system/sweep-shards-cli.ts merges four shards",
  "nicsim sweep --grid nic.crypto_tx.bytesPerCycle=8,16,32,64 --grid driver.cpu.cores=1,2,4,8 \\": "a line of the SLURM job script (a 128-point grid); test/system/sweep-shard.test.ts checks the script and the manifest",
  "npm run example:c-driver": "builds examples/c-driver with cc and runs it against nicsim serve (runCDriverExample, which test/serve/c-driver.test.ts runs)",
  "npm run example:c-driver -- --bug": "the example with its deliberate bug: test/serve/c-driver.test.ts runs it",
  "nicsim serve --socket PATH": "a form with a placeholder; test/serve/python-client.test.ts serves on a socket",
  "nicsim serve --stdio": "serves the process that started it, on its stdin and stdout: test/serve/python-client.test.ts runs a bench that way",
  'tshark -r waveforms/default.pcap -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE "${args[@]}"': "an external tool reading a run's capture; the capture tests run tshark on it",
  'tshark -r waveforms/default.pcap -Y isakmp -V "${args[@]}" | grep -E "Exchange type|ID type|FQDN|ID_KEY_ID"': "an external tool reading a run's capture; test/system/default-scenario.test.ts runs tshark with the run's ikev1_decryption_table",
};

/** The cheap nicsim arguments for each command, and for an npm script the CLI command its package.json script must run. */
const run = ["run", "--quiet", "--out", "out", "--set", "durationMicroseconds=20"];
const CHEAP: Record<string, { readonly args: readonly string[]; readonly script?: string }> = {
  "npm start": { args: run, script: "node dist/system/cli/main.js run" },
  nicsim: { args: run },
  // npm's exec of the package's own bin: the same entry point, run here directly.
  "npx nicsim": { args: run },
  "npx nicsim --help": { args: ["--help"] },
  "nicsim run": { args: run },
  "node dist/system/cli/main.js": { args: run },
  "nicsim validate": { args: ["validate", "--fast", "--only", "preemption", "--quiet"] },
  "npm run validate": { args: ["validate", "--fast", "--only", "preemption", "--quiet", "--markdown", "validation.md", "--json", "validation.json"], script: "node dist/system/cli/main.js validate" },
  "nicsim validate --only shares": { args: ["validate", "--fast", "--only", "shares", "--quiet"] },
  "nicsim validate --only rx-shares": { args: ["validate", "--fast", "--only", "rx-shares", "--quiet"] },
  "nicsim validate --only preemption": { args: ["validate", "--fast", "--only", "preemption", "--quiet"] },
  "nicsim validate --only host-cpu": { args: ["validate", "--fast", "--only", "host-cpu", "--quiet"] },
  "nicsim sweep --grid nic.crypto_tx.bytesPerCycle=8,16,32,64 --grid driver.intermediate.placement=token,metric": {
    args: ["sweep", "--grid", "nic.crypto_tx.bytesPerCycle=8,16,32,64", "--grid", "driver.intermediate.placement=token,metric", "--set", "durationMicroseconds=10", "--workers", "1", "--quiet", "--out", "sweep.jsonl"],
  },
  "nicsim every-edge --grid seed=1,2,3 --set durationMicroseconds=300": { args: ["every-edge", "--grid", "seed=1,2", "--set", "durationMicroseconds=20", "--quiet"] },
  "npm run latency": { args: ["latency", "--direction", "tx", "--packets", "5", "--out", "latency"], script: "node dist/system/cli/main.js latency" },
  "nicsim latency": { args: ["latency", "--direction", "rx", "--packets", "5", "--out", "latency"] },
  "npm run policy-eval": { args: ["policy-eval", "--out", "policy-eval"], script: "node dist/system/cli/main.js policy-eval" },
  // The trace the cheap `run` above wrote (commands run in README order, and `npm start` comes first).
  "node dist/system/cli/main.js policy-eval --trace waveforms/default.sa-trace.jsonl": { args: ["policy-eval", "--trace", "out/default.sa-trace.jsonl", "--out", "policy-eval-trace"] },
  "npm run params": { args: ["params"], script: "node dist/system/cli/main.js params" },
  "npm run datasheet": { args: ["datasheet"], script: "node dist/system/cli/main.js datasheet" },
  "npm run catalogue": { args: [], script: "import('./dist/test/hostile/catalogue.js')" },
  "nicsim plain-traffic": { args: ["plain-traffic", "--no-waveform", "--out", "plain-traffic", "--set", "traffic.framesPerQueue=5"] },
  "nicsim demo": { args: ["demo", "--out", "demo"] },
  "nicsim run scenarios/small-ring-jumbo-gold.yaml": { args: ["run", join(root, "scenarios/small-ring-jumbo-gold.yaml"), "--set", "durationMicroseconds=40", "--no-waveform", "--quiet", "--out", "small-ring"] },
  "npm run protocol": { args: ["protocol", "--format", "c"], script: "node dist/system/cli/main.js protocol" },
  // A client the server starts: the Python test bench (python3 is on CI's apt line).
  "nicsim serve": { args: ["serve", "--out", "serve", "--", "python3", join(root, "test/serve/python_bench.py")] },
  "nicsim serve --name bench -- python3 test/serve/python_bench.py": { args: ["serve", "--name", "bench", "--out", "serve", "--", "python3", join(root, "test/serve/python_bench.py")] },
  "nicsim serve --name my-driver --set nic.queues=1 -- ./my-driver": { args: ["serve", "--name", "my-driver", "--set", "nic.queues=1", "--out", "serve", "--", "python3", join(root, "test/serve/python_bench.py")] },
};

/** The commands the README shows, in order: lines of its code blocks (indented or fenced) and inline code spans. */
function readmeCommands(): string[] {
  const found: string[] = [];
  let fenced = false;
  for (const line of readme.split("\n")) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const code = fenced ? line.trim() : /^ {4}(\S.*)$/.exec(line)?.[1];
    // A block's line may chain commands (`npm install && npm start`) and end in a comment.
    if (code) for (const part of code.replace(/\s+#.*$/, "").split("&&").map((text) => text.trim())) if (COMMAND.test(part)) found.push(part);
    if (!fenced) for (const span of line.matchAll(/`([^`]+)`/g)) if (COMMAND.test(span[1]!)) found.push(span[1]!);
  }
  return [...new Set(found)];
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json"), "--outDir", outDir], { encoding: "utf8" });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 180_000);

describe("every command the README shows runs (the cheap way)", () => {
  const commands = readmeCommands();

  test("the README shows commands, and each is either run here or skipped with a reason", () => {
    expect(commands).toContain("npm start");
    expect(commands.filter((command) => !(command in CHEAP) && !(command in SKIPPED))).toEqual([]);
    // No stale entries: everything listed here is still in the README.
    expect([...Object.keys(CHEAP), ...Object.keys(SKIPPED)].filter((command) => !commands.includes(command))).toEqual([]);
  });

  test.each(commands.filter((command) => command in CHEAP).map((command) => [command] as const))("%s", (command) => {
    const { args, script } = CHEAP[command]!;
    if (script !== undefined) expect(scripts[command.replace(/^npm (run )?/, "")], `package.json's script for ${command}`).toContain(script);
    // The catalogue script is a node -e one-liner: run it as package.json has it, printing instead of writing the file.
    const argv = command === "npm run catalogue" ? ["--input-type=module", "-e", `import(${JSON.stringify(join(outDir, "test/hostile/catalogue.js"))}).then((m) => process.stdout.write(m.renderCatalogue()))`] : [join(outDir, "system/cli/main.js"), ...args];
    const result = spawnSync(process.execPath, argv, { cwd: work, encoding: "utf8", timeout: 120_000, env: { ...process.env, CI: "true" } });
    expect(result.error, `${command} did not finish`).toBeUndefined();
    expect(result.status, `${command}\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(0);
  }, 120_000);
});
