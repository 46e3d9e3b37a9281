import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { runSweepPoint, sweepGrid } from "../../system/scenario/sweep.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { END_MARKER } from "../../sim/vcd/end-marker.js";
import { describeShardedSweeps } from "./sweep-shards-cli.js";
import { describeResumedSweeps } from "./sweep-resume-cli.js";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "nicsim-cli-"));
const nicsim = (...args: string[]) => spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), ...args], { cwd: directory, encoding: "utf8", env: { ...process.env, CI: "true" } });

// The CLI runs compiled (worker threads load compiled modules): test/support/build-dist.ts builds it before any test.

describe("nicsim on the command line", () => {
  test("run refuses a malformed scenario before running, naming file, line and path, with exit status 1", () => {
    const file = join(directory, "bad.yaml");
    writeFileSync(file, "name: bad\ndurationMicroseconds: 10\ncustomers:\n  - name: a\n    identity: { type: ID_KEY_ID, value: a }\ntraffic:\n  - name: s\n    customer: a\n    direction: sideways\n    packetBytes: 100\n    load: 0.1\n");
    const result = nicsim("run", file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}:9:5: traffic[0].direction = "sideways": expected one of to-peer, to-host, both`);
  });

  test("a mistake in the built-in default scenario's own lines names its file where it is, from any directory", () => {
    // The temporary directory holds no scenarios/default.yaml: the message names the shipped file in full.
    // Both rates given by --set: the stream's mistake, placed at its line.
    const result = nicsim("run", "--quiet", "--set", "traffic.0.load=0.5", "--set", "traffic.0.gapMicroseconds=9", "--out", "unused");
    expect(result.status).toBe(1);
    const cited = /\n {2}(\/\S+\/scenarios\/default\.yaml):(\d+):\d+ \(with --set traffic\.0\.load, --set traffic\.0\.gapMicroseconds\): traffic\[0\]/.exec(result.stderr);
    expect(cited, result.stderr).not.toBeNull();
    // The line cited is the traffic list's first entry in the file named.
    const lines = readFileSync(cited![1]!, "utf8").split("\n");
    const firstEntry = lines.findIndex((line, index) => index > lines.indexOf("traffic:") && /^\s*- /.test(line));
    expect(Number(cited![2])).toBe(firstEntry + 1);
    // From the checkout, the name is the one a user of the checkout opens.
    const here = spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), "run", "--quiet", "--set", "traffic.0.load=0.5", "--set", "traffic.0.gapMicroseconds=9", "--out", join(directory, "unused")], { cwd: root, encoding: "utf8" });
    expect(here.stderr).toContain("\n  scenarios/default.yaml:");
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
    // A finished run's dump ends with its end marker: no warning that it is cut off.
    expect(listed.stderr).toBe("");
    // The whole run: the traffic starts once IKE has brought the customers up.
    const summary = JSON.parse(readFileSync(join(directory, "out/default.summary.json"), "utf8"));
    const changes = nicsim("inspect", "out/default.vcd", "--signal", "top.nic.sacache.tx_hits", "--from", "0", "--to", String(summary.simulatedMicroseconds));
    // Without the warning a --to past the dump's end gets (the summary's time is rounded to 0.1 ns, and may round up past the last change).
    const lines = changes.stdout.trim().split("\n").filter((line) => !line.startsWith("#"));
    expect(lines.length).toBeGreaterThan(2);
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

describeShardedSweeps(join(root, "dist/system/cli/main.js"), directory);
describeResumedSweeps(join(root, "dist/system/cli/main.js"), directory);
describe("one command-line grammar", () => {
  test("--version prints package.json's version", () => {
    const result = nicsim("--version");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
  });

  test("--set takes the same path with or without top. in run, sweep --grid, plain-traffic and latency", () => {
    const run = nicsim("run", "--quiet", "--no-waveform", "--out", "grammar", "--set", "durationMicroseconds=20", "--set", "top.nic.sacache.txEntries=4");
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(directory, "grammar/default.summary.json"), "utf8")).scenario).toBe("default");
    const sweep = nicsim("sweep", "--quiet", "--grid", "top.nic.sacache.txEntries=4,8", "--set", "top.durationMicroseconds=20", "--workers", "1", "--out", "grammar.jsonl");
    expect(sweep.status, sweep.stderr).toBe(0);
    // Recorded under the scenario's own spelling, whichever was typed.
    expect(readFileSync(join(directory, "grammar.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line).overrides)).toEqual([
      { durationMicroseconds: 20, "nic.sacache.txEntries": 4 },
      { durationMicroseconds: 20, "nic.sacache.txEntries": 8 },
    ]);
    const plain = nicsim("plain-traffic", "--no-waveform", "--out", "plain", "--set", "nic.queues=2", "--set", "traffic.queues=2", "--set", "top.traffic.framesPerQueue=10");
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toContain("all 40 frames arrived");
  });

  test("a mistake in --set is worded the same in every command: the option and the path once, every mistake at once, before anything runs", () => {
    const run = nicsim("run", "--quiet", "--set", "top.nic.queues=99", "--set", "driver.intermediate.replayWindow=33", "--set", "nic.crypto_tx.latency=1e16");
    expect(run.stderr).toContain("--set nic.queues = 99: expected at most 8");
    // The replay window's rule was the ESP layer's alone, which stopped the run with neither the path nor the other mistakes.
    expect(run.stderr).toContain("\n  --set driver.intermediate.replayWindow = 33: expected a multiple of 32");
    // An integer past 2^53 is told the bound, not that it is no integer.
    expect(run.stderr).toContain("\n  --set nic.crypto_tx.latency = 10000000000000000: expected at most 9007199254740991 cycles (2^53 - 1");
    const plain = nicsim("plain-traffic", "--no-waveform", "--out", "plain", "--set", "nic.queues=99", "--set", "driver.base.rxRingDescriptors=10");
    expect(plain.stderr).toContain("nicsim plain-traffic: the scenario cannot run:\n  --set nic.queues = 99: expected at most 8");
    expect(plain.stderr).toContain("\n  --set driver.base.rxRingDescriptors = 10: expected a multiple of 4 descriptors");
    const latency = nicsim("latency", "--packets", "2", "--set", "nic.bogus=1");
    expect(latency.stderr).toBe("nicsim latency: the scenario cannot run:\n  --set nic.bogus: no such parameter (did you mean nic.queues?)\n");
    const serve = nicsim("serve", "--stdio", "--set", "top.nic.queues=99");
    expect(serve.stderr).toContain("nicsim serve: the server cannot start:\n  --set nic.queues = 99: expected at most 8");
    const grid = nicsim("sweep", "--grid", "top.nic.bogus..x=1");
    expect(grid.stderr).toContain("--grid top.nic.bogus..x: 'nic.bogus..x' has an empty segment");
    for (const result of [run, plain, latency, serve, grid]) {
      expect(result.status).toBe(1);
      expect(result.stderr).not.toMatch(/default\.yaml|\n\s+at /);
    }
  });

  test("a mapping given whole is warned of in serve, and in a sweep also when a configuration has a mistake (the mistake hid it)", () => {
    writeFileSync(join(directory, "serve-nic.yaml"), "name: srvnic\nnic:\n  queues: 1\n  sacache: { txEntries: 16, rxEntries: 16 }\n");
    const serve = nicsim("serve", "--stdio", "--scenario", "serve-nic.yaml", "--set", 'nic={"queues":1}', "--out", "serve-nic");
    expect(serve.stderr).toContain("nicsim serve: warning: --set nic: the mapping given replaces the scenario's whole nic, dropping nic.sacache.txEntries, nic.sacache.rxEntries;");
    const sweep = nicsim("sweep", "--grid", 'nic={"queues":8},{"queues":99}', "--set", 'driver={"intermediate":{"offload":true}}', "--out", "mapped.jsonl");
    expect(sweep.status).toBe(1);
    expect(sweep.stderr).toContain("nicsim sweep: every configuration: warning: --set driver: the mapping given replaces the scenario's whole driver, dropping driver.base.interruptIntervalNanoseconds, driver.intermediate.placement;");
    expect(sweep.stderr).toContain("--grid nic.queues = 99: expected at most 8");
  });

  test("a fault run whose every loss is a counted drop succeeds, says so, and lists the faults injected", () => {
    const result = nicsim("run", "--quiet", "--no-waveform", "--out", "faults", "--set", "durationMicroseconds=60", "--set", "faults.ikeDeletes=3", "--set", "faults.interruptStorms=1");
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^default: every packet arrived or was dropped with a counted reason \((\d+) dropped\)/);
    expect(result.stdout).toContain("\n  faults injected: 1 interrupt storm, 3 Informational Deletes from gateways\n");
    const summary = JSON.parse(readFileSync(join(directory, "faults/default.summary.json"), "utf8"));
    expect(summary.ending.kind).toBe("accounted");
    expect(summary.ending.dropped).toBeGreaterThan(0);
    expect(summary.ending.dropped).toBe(summary.flows.reduce((sum: number, flow: { lost: number }) => sum + flow.lost, 0));
  });
});

describe("inspect", () => {
  const vcd = ["$timescale 1 ns $end", "$scope module top $end", "$var reg 2 ! state $end", "$var integer 32 \" count $end", "$upscope $end", "$enddefinitions $end", "#0", "$dumpvars", "b0 !", "b0 \"", "$end", "#1000", "b1 !", "b101 \"", "#2500", "b10 !", "#4000", "b11 !", ""].join("\n");
  const gtkw = ["[dumpfile] \"states.vcd\"", "@22", "top.count[31:0]", "^1 states.filters/machine.txt", "@2022", "top.state[1:0]", ""].join("\n");
  const filter = "# GTKWave translate filter for enum machine (generated)\n0 IDLE\n1 BUSY\n2 DONE\n";
  beforeAll(() => {
    mkdirSync(join(directory, "states.filters"), { recursive: true });
    writeFileSync(join(directory, "states.vcd"), vcd);
    writeFileSync(join(directory, "states.gtkw"), gtkw);
    writeFileSync(join(directory, "states.filters/machine.txt"), filter);
  });

  test("an enum signal's values by name (from the translate filter the save file names), a code it has no name for as a number", () => {
    const result = nicsim("inspect", "states.vcd", "--signal", "top.state");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split("\n").slice(1, 5).map((line) => line.trim())).toEqual(["0.000 µs  IDLE", "1.000 µs  BUSY", "2.500 µs  DONE", "4.000 µs  3 (no name for it in states.filters/machine.txt)"]);
    // Not an enum: a number, in decimal.
    expect(nicsim("inspect", "states.vcd", "--signal", "top.count").stdout).toContain("1.000 µs  5\n");
    expect(nicsim("inspect", "states.vcd", "--match", "state").stdout).toContain("top.state  [2]  names from ");
  });

  test("one time unit throughout, to the file's $timescale; the value held as the window opens comes first", () => {
    const result = nicsim("inspect", "states.vcd", "--signal", "top.state", "--from", "2", "--to", "3");
    expect(result.stdout).toBe("# top.state: times in µs (the file's $timescale is 1 ns)\n           2.000 µs  BUSY  (held since 1.000 µs)\n           2.500 µs  DONE\n");
    // A window opening on a change prints that change once.
    expect(nicsim("inspect", "states.vcd", "--signal", "top.state", "--from", "1", "--to", "1").stdout.split("\n").filter((line) => line.includes("µs  ")).map((line) => line.trim())).toEqual(["1.000 µs  BUSY"]);
  });

  test("a run's own dump: the crypto engine's state by name", () => {
    const result = nicsim("inspect", "out/default.vcd", "--signal", "top.nic.crypto_tx.engine0.state");
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\s+0\.000000 µs  IDLE$/m);
    expect(result.stdout).toMatch(/ µs  RUNNING$/m);
    expect(result.stdout).not.toMatch(/ µs  \d+$/m);
  });
});

describe("a run stopped by a signal flushes its files and names each one left", () => {
  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s: exit status %i, each file left named with its state and size, none given its own name", async (signal, status) => {
    const here = mkdtempSync(join(directory, "signal-"));
    // Long enough (tens of seconds) that the run cannot finish before the signal.
    const child = spawn(process.execPath, [join(root, "dist/system/cli/main.js"), "run", "--quiet", "--out", "out", "--set", "durationMicroseconds=20000"], { cwd: here, env: { ...process.env, CI: "true" } });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const vcd = join(here, "out/default.vcd.partial");
    const pcap = join(here, "out/default.pcap.partial");
    // Signalled once both files exist and the dump has had two 64 KB chunks written (the header alone is one at most): the run
    // is under way past its first frames on the wire (IKE's, from the start), whatever the machine's speed.
    while (!(existsSync(vcd) && existsSync(pcap) && statSync(vcd).size > 128 * 1024)) {
      expect(child.exitCode, stderr).toBeNull();
      await sleep(50);
    }
    child.kill(signal);
    expect(await exited, stderr).toBe(status);
    // Before the traffic starts its end is not known (it said a time a duration past the signal): IKE's bring-up is said instead.
    const interrupted = /interrupted by SIG\w+ at ([\d.]+) µs of simulated time \((?:the traffic ends at ([\d.]+) µs|the traffic had not started: IKE was bringing the customers up, and the traffic runs 20000\.000 µs once it has)\)/.exec(stderr);
    expect(interrupted, stderr).not.toBeNull();
    if (interrupted![2] !== undefined) expect(Number(interrupted![2])).toBeGreaterThan(20_000);
    expect(stderr).toContain("no file was given its own name");
    for (const path of [vcd, pcap]) expect(stderr).toContain(`${path.slice(here.length + 1)}: partial, cut off where the run stopped (${statSync(path).size} bytes)`);
    // The capture's key files as they stood, so that what it holds can be read (an interrupted run wrote none).
    for (const keys of ["out/default.esp_sa.partial", "out/default.ikev1_decryption_table.partial"]) {
      expect(stderr).toContain(`${keys}: complete (${statSync(join(here, keys)).size} bytes)`);
      expect(statSync(join(here, keys)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(here, "out/default.ikev1_decryption_table.partial"), "utf8")).toMatch(/^[0-9a-f]{16},[0-9a-f]{32,}$/m);
    // Flushed: the capture holds frames, not only its 24-byte header; the dump does not claim to be whole.
    expect(statSync(pcap).size).toBeGreaterThan(24);
    expect(readFileSync(vcd, "utf8")).not.toContain(END_MARKER);
    expect(existsSync(join(here, "out/default.vcd"))).toBe(false);
    expect(stderr, "a stack trace").not.toMatch(/\n\s+at /);
  }, 120_000);
});

describe("stopped at once, a run and a sweep say what they left and leave no lock behind (from a scenario author's check: a sweep said nothing, and a run's lock was left, unnamed)", () => {
  /** Start nicsim in a fresh directory and resolve once `file` there has passed 128 KB: under way, whatever the machine's speed. */
  async function started(args: readonly string[], file: string, before: (here: string) => void = () => {}, alsoStarted: readonly string[] = []) {
    const here = mkdtempSync(join(directory, "stopped-"));
    before(here);
    const child = spawn(process.execPath, [join(root, "dist/system/cli/main.js"), ...args], { cwd: here, env: { ...process.env, CI: "true" } });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // On a loaded machine the second worker's run began after the first's file had grown: only one lock was there to name.
    while (!(existsSync(join(here, file)) && statSync(join(here, file)).size > 128 * 1024) || !alsoStarted.every((other) => existsSync(join(here, other)))) {
      expect(child.exitCode, stderr).toBeNull();
      await sleep(50);
    }
    return { here, child, exited, stderr: () => stderr };
  }

  test("a run given a second signal at once: its files left are named, and its lock is removed", async () => {
    // With a voice stream too slow to send a packet: the scenario's warning is said as the run starts.
    // Another run's file whose name starts as this one's is not this run's to list.
    const another = (here: string) => {
      mkdirSync(join(here, "out"), { recursive: true });
      writeFileSync(join(here, "out/defaults.vcd.partial"), "not this run's");
    };
    const { here, child, exited, stderr } = await started(["run", "--quiet", "--out", "out", "--set", "durationMicroseconds=20000", "--set", "traffic.0.gapMicroseconds=100000"], "out/default.vcd.partial", another);
    // Two signals of one kind sent together may arrive as one: the second is another kind (and the two may arrive in either order).
    child.kill("SIGINT");
    child.kill("SIGTERM");
    const status = await exited;
    expect([130, 143], stderr()).toContain(status);
    expect(stderr()).toContain(`${status === 130 ? "SIGINT" : "SIGTERM"} again: stopped at once, without flushing.`);
    // Listed as it stays on disk: the run's thread is stopped before the list is made (it went on flushing after).
    expect(stderr()).toContain(`out/default.vcd.partial: partial, cut off where the run stopped (${statSync(join(here, "out/default.vcd.partial")).size} bytes)`);
    expect(stderr()).not.toContain("defaults.vcd.partial");
    expect(stderr()).toContain("Its lock file out/default.lock is removed.");
    expect(stderr()).toMatch(/^nicsim run: .*warning: traffic\[0\] 'voice': its mean gap of 100000 µs is longer than the traffic's 20000 µs/m);
    expect(existsSync(join(here, "out/default.lock"))).toBe(false);
  }, 120_000);

  test("a sweep given a signal: the finished runs' results kept under a temporary name, the runs under way's files named, their locks removed", async () => {
    // A file of another's under --keep is not this sweep's to name (every .partial under it was listed, with sizes taken while the runs still wrote).
    const foreign = (here: string) => {
      mkdirSync(join(here, "keep/9"), { recursive: true });
      writeFileSync(join(here, "keep/9/default.vcd.partial"), "not this sweep's");
    };
    const { here, child, exited, stderr } = await started(["sweep", "--quiet", "--grid", "seed=1,2", "--set", "durationMicroseconds=20000", "--workers", "2", "--out", "out/s.jsonl", "--keep", "keep"], "keep/0/default.vcd.partial", foreign, ["keep/1/default.lock"]);
    child.kill("SIGTERM");
    expect(await exited, stderr()).toBe(143);
    expect(stderr()).toContain("nicsim sweep: SIGTERM: stopped with 0 of 2 runs done; out/s.jsonl.partial holds the sweep's header alone; --resume runs the rest.");
    expect(stderr()).toContain(`keep/0/default.vcd.partial: partial, cut off where the run stopped (${statSync(join(here, "keep/0/default.vcd.partial")).size} bytes)`);
    expect(stderr()).not.toContain("keep/9");
    expect(stderr()).toContain("Their lock files are removed: keep/0/default.lock, keep/1/default.lock");
    for (const run of ["0", "1"]) expect(existsSync(join(here, "keep", run, "default.lock"))).toBe(false);
    expect(stderr(), "a stack trace").not.toMatch(/\n\s+at /);
  }, 120_000);
});
