import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runSweepPoint, sweepGrid } from "../../system/scenario/sweep.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { COMMAND_LINE } from "../hostile/command-line.js";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "nicsim-cli-"));
const nicsim = (...args: string[]) => spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), ...args], { cwd: directory, encoding: "utf8", env: { ...process.env, CI: "true" } });

// The CLI runs compiled (worker threads load compiled modules): build it first.
beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { encoding: "utf8" });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 120_000);

describe("nicsim on the command line", () => {
  test("run refuses a malformed scenario before running, naming file, line and path, with exit status 1", () => {
    const file = join(directory, "bad.yaml");
    writeFileSync(file, "name: bad\ndurationMicroseconds: 10\ncustomers:\n  - name: a\n    identity: { type: ID_KEY_ID, value: a }\ntraffic:\n  - name: s\n    customer: a\n    direction: sideways\n    packetBytes: 100\n    load: 0.1\n");
    const result = nicsim("run", file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}:9:5: traffic[0].direction: Invalid option: expected one of "to-peer"|"to-host"|"both"`);
  });

  test("run writes the default scenario's files and prints where they are", () => {
    const result = nicsim("run", "--set", "durationMicroseconds=100", "--out", "out");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/gold \(7\)\s+to-peer/);
    for (const suffix of ["vcd", "gtkw", "pcap", "esp_sa", "summary.json", "html"]) expect(result.stdout).toContain(`out/default.${suffix}`);
  });

  test("inspect lists a VCD's signals and prints one signal's changes in a window; an unknown signal is named", () => {
    const listed = nicsim("inspect", "out/default.vcd", "--match", "crypto_tx.engine0");
    expect(listed.stdout).toContain("top.nic.crypto_tx.engine0.state  [3]");
    const changes = nicsim("inspect", "out/default.vcd", "--signal", "top.nic.sacache.tx_hits", "--from", "0", "--to", "100");
    const lines = changes.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThan(2);
    const summary = JSON.parse(readFileSync(join(directory, "out/default.summary.json"), "utf8"));
    expect(Number(lines[lines.length - 1]!.trim().split(/\s+/).pop())).toBeLessThanOrEqual(summary.ipsec.cache.txHits);
    const unknown = nicsim("inspect", "out/default.vcd", "--signal", "top.nic.crypto_tx.state");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no signal 'top.nic.crypto_tx.state' (signals named 'state': ");
  });

  test("sweep runs every configuration of the grid across two worker threads, with the figures a run in this thread gives", () => {
    const result = nicsim("sweep", "--grid", "nic.crypto_tx.bytesPerCycle=8,16", "--grid", "driver.intermediate.placement=token,metric", "--set", "durationMicroseconds=60", "--workers", "2", "--out", "sweep.jsonl");
    expect(result.status, result.stderr).toBe(0);
    const lines = readFileSync(join(directory, "sweep.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
    const points = sweepGrid([["nic.crypto_tx.bytesPerCycle", [8, 16]], ["driver.intermediate.placement", ["token", "metric"]]], { durationMicroseconds: 60 });
    expect(lines).toEqual(points.map((point) => JSON.parse(JSON.stringify(runSweepPoint(null, point)))));
    expect(result.stdout).toContain("4 runs");
  });

  test("determinism: the same scenario and seed give byte-identical VCD, pcap and summary in two worker threads and in this thread", () => {
    const result = nicsim("sweep", "--grid", "seed=7,7", "--set", "durationMicroseconds=80", "--workers", "2", "--keep", "threads", "--out", "threads.jsonl");
    expect(result.status, result.stderr).toBe(0);
    runScenario(defaultScenario({ seed: 7, durationMicroseconds: 80 }), { directory: join(directory, "here") });
    // (The HTML names the files by their paths, which differ.)
    for (const name of ["default.vcd", "default.pcap", "default.summary.json", "default.esp_sa"]) {
      const here = readFileSync(join(directory, "here", name));
      expect(readFileSync(join(directory, "threads/0", name)).equals(here), `worker 0 ${name}`).toBe(true);
      expect(readFileSync(join(directory, "threads/1", name)).equals(here), `worker 1 ${name}`).toBe(true);
    }
  });
});

describe("hostile command-line input (the catalogue's, test/hostile/command-line.ts): the exit status and a precise error, never an exception", () => {
  test.each(COMMAND_LINE.map((entry) => [entry.input, entry] as const))("%s", (_, entry) => {
    const here = mkdtempSync(join(directory, "hostile-"));
    for (const [name, text] of Object.entries(entry.files ?? {})) {
      mkdirSync(dirname(join(here, name)), { recursive: true });
      if (name.endsWith("/")) mkdirSync(join(here, name));
      else writeFileSync(join(here, name), text);
    }
    // A hang (as under /proc) fails here rather than holding the suite.
    const result = spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), ...entry.args], { cwd: here, encoding: "utf8", timeout: 30_000, env: { ...process.env, CI: "true" } });
    expect(result.error, "nicsim did not finish").toBeUndefined();
    expect(result.status, result.stderr).toBe(entry.status);
    for (const text of entry.stderr) expect(result.stderr).toContain(text);
    for (const text of entry.stdout ?? []) expect(result.stdout).toContain(text);
    expect(result.stderr, "a stack trace").not.toMatch(/\n\s+at /);
  });
});
