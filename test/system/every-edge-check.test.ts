import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { checkEveryEdge, EveryEdgeRunFailed, withRunOutputs } from "../../system/every-edge-check.js";
import { ScenarioError } from "../../system/scenario/load.js";
import { describeOutcome } from "../../system/cli/every-edge-lines.js";
import { RunInterrupted } from "../../system/scenario/run-interrupted.js";
import { describeOutputDifference, outputDifferences } from "../../system/output-differences.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "nicsim-every-edge-check-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("nicsim every-edge: a scenario run skipping idle blocks and on every edge, compared", () => {
  test("the runs agree, and --keep leaves each run's files", () => {
    const keep = join(directory, "kept");
    // The scenario's own outputs off: the check writes every output it compares regardless.
    const check = checkEveryEdge((outputs) => defaultScenario({ durationMicroseconds: 60, "outputs.waveform": false, "outputs.pcap": false, ...outputs }), { keep });
    expect(check.differences).toEqual([]);
    expect(check.withoutWaveform).toEqual([]);
    expect(check).toMatchObject({ outcome: "every packet arrived", endedWell: true });
    // The run on every edge ends where the first did, so the two cover the same span: every file is the same byte for byte, the summary but for the kernel's own counts.
    for (const suffix of [".vcd", ".pcap", ".sa-trace.jsonl"]) expect(readFileSync(join(keep, "every-edge", `default${suffix}`)).equals(readFileSync(join(keep, "skip-idle", `default${suffix}`))), suffix).toBe(true);
    // Without the waveform too, but for the waveform it did not write.
    for (const suffix of [".pcap", ".sa-trace.jsonl", ".esp_sa"]) expect(readFileSync(join(keep, "no-waveform", `default${suffix}`)).equals(readFileSync(join(keep, "skip-idle", `default${suffix}`))), `no-waveform ${suffix}`).toBe(true);
    expect(existsSync(join(keep, "no-waveform", "default.vcd"))).toBe(false);
    const summaries = ["skip-idle", "every-edge", "no-waveform"].map((way) => ({ ...(JSON.parse(readFileSync(join(keep, way, "default.summary.json"), "utf8")) as Record<string, unknown>), kernel: null }));
    expect(summaries[1]).toEqual(summaries[0]);
    expect(summaries[2]).toEqual(summaries[0]);
    expect(check.wireFrames).toBeGreaterThan(100);
    expect(check.seconds["every-edge"]).toBeGreaterThan(0);
    expect(check.seconds["no-waveform"]).toBeGreaterThan(0);
    for (const way of ["skip-idle", "every-edge"]) for (const suffix of [".vcd", ".pcap", ".esp_sa", ".sa-trace.jsonl"]) expect(existsSync(join(keep, way, `default${suffix}`)), `${way} ${suffix}`).toBe(true);
    // Without --keep nothing is left behind.
    expect(checkEveryEdge((outputs) => defaultScenario({ durationMicroseconds: 20, "outputs.directory": join(directory, "never"), ...outputs })).differences).toEqual([]);
    expect(existsSync(join(directory, "never"))).toBe(false);
  }, 60_000);

  test("a run that fails says which, and leaves both runs' files for a look; one stopped removes its temporary files", () => {
    const load = (outputs: Record<string, unknown>) => defaultScenario({ durationMicroseconds: 20, ...outputs });
    const failing = (() => {
      try {
        checkEveryEdge(load, { onProgress: (run) => { if (run === "every-edge") throw new Error("a block's own fault"); } });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(failing).toBeInstanceOf(EveryEdgeRunFailed);
    const failed = failing as EveryEdgeRunFailed;
    expect(failed).toMatchObject({ run: "every-edge", stopped: false });
    expect(failed.message).toMatch(/^the every-edge run failed: a block's own fault\nThe run did not finish; .*Left under temporary names:\n {2}\S+every-edge\/default\.vcd\.partial/s);
    expect(existsSync(join(failed.directory!, "skip-idle", "default.pcap"))).toBe(true);
    // The first two runs were not both made: nothing of theirs to say.
    expect(failed.earlier).toBeNull();
    rmSync(failed.directory!, { recursive: true, force: true });
    // The third run failing does not hide what the first two showed (from an outside check): here they agree, and then they differ.
    // Another seed for the run on every edge stands in for a block skipped as idle with work to do.
    const lastFails = (everyEdgeSeed: number) => {
      let runs = 0;
      try {
        checkEveryEdge((outputs) => load({ ...outputs, seed: runs++ === 1 ? everyEdgeSeed : 1 }), { onProgress: (run) => { if (run === "no-waveform") throw new Error("a block's own fault"); } });
      } catch (error) {
        return error as EveryEdgeRunFailed;
      }
      throw new Error("the third run did not fail");
    };
    const agreeing = lastFails(1);
    expect(agreeing).toMatchObject({ run: "no-waveform", stopped: false, earlier: { differences: [], waveformLimits: null } });
    expect(agreeing.earlier!.wireFrames).toBeGreaterThan(10);
    const agreeingLines = describeOutcome({ index: 0, overrides: {} }, { kind: "failed", run: agreeing.run, message: agreeing.failure, stopped: false, earlier: agreeing.earlier }, null, directory);
    expect(agreeingLines).toMatchObject({ differs: false, failed: true });
    expect(agreeingLines.text).toMatch(/^FAILED: the no-waveform run failed: a block's own fault\n(.*\n)* {2}the skip-idle and every-edge runs before it are the same: capture, keys, SA trace, summary and waveform, over \d+ wire frames\n$/);
    rmSync(agreeing.directory!, { recursive: true, force: true });
    const differing = lastFails(2);
    expect(differing.earlier!.differences.map((difference) => difference.output)).toContain(".pcap");
    const differingLines = describeOutcome({ index: 0, overrides: {} }, { kind: "failed", run: differing.run, message: differing.failure, stopped: false, earlier: differing.earlier }, null, directory);
    // Counted in the closing tally as runs that differ, and as a failure.
    expect(differingLines).toMatchObject({ differs: true, failed: true });
    expect(differingLines.text).toMatch(/\n {2}the skip-idle and every-edge runs before it differ:\n {2}\.vcd: .*\n {2}\.pcap: first differs at frame \d+/);
    rmSync(differing.directory!, { recursive: true, force: true });
    const stopping = (() => {
      try {
        checkEveryEdge(load, { onProgress: (_, now, end, started) => { throw new RunInterrupted("SIGINT", now, end, started, 20e6); } });
      } catch (error) {
        return error as EveryEdgeRunFailed;
      }
      return null;
    })();
    expect(stopping).toMatchObject({ run: "skip-idle", stopped: true, directory: null });
    expect(stopping!.message).toMatch(/^the skip-idle run was interrupted by SIGINT at [\d.]+ µs of simulated time/);
    expect(stopping!.message).not.toContain("\n");
  }, 60_000);

  test("a run without the waveform that differs is told apart, on all but the waveform", () => {
    // Another seed without the waveform stands in for a block that draws a signal wrong while nothing watches it.
    const check = checkEveryEdge((outputs) => defaultScenario({ durationMicroseconds: 30, ...outputs, ...(outputs["outputs.waveform"] === false ? { seed: 2 } : {}) }));
    expect(check.differences).toEqual([]);
    expect(check.withoutWaveform.map((difference) => difference.output).sort()).toEqual([".esp_sa", ".ikev1_decryption_table", ".pcap", ".sa-trace.jsonl", ".summary.json"]);
    const described = describeOutcome({ index: 0, overrides: {} }, { kind: "checked", check }, null, directory);
    // Counted as its own cause in the closing tally, not as the every-edge run's (from an outside check).
    expect(described).toMatchObject({ differs: false, differsWithoutWaveform: true, failed: false });
    const line = described.text;
    expect(line).toMatch(/^DIFFERENT \(skip-idle [\d.]+ s, every-edge [\d.]+ s, no-waveform [\d.]+ s\):\n {2}without the waveform: \.pcap: first differs at frame \d+ \(as Wireshark numbers them\): skip-idle \d+ bytes at [\d.]+ µs.*; no-waveform /);
    expect(line).toContain("  without the waveform: .summary.json: first differs at seed: skip-idle 1; no-waveform 2");
  }, 60_000);

  test("runs that differ are told apart output by output, at the first frame, line and waveform change, with no key shown", () => {
    // Other seeds and a slower DMA stand in for a block that misbehaves on one of the two ways.
    const run = (name: string, values: Record<string, unknown>) => runScenario(defaultScenario({ durationMicroseconds: 40, ...values }), { directory: join(directory, name) }).files;
    const [first, otherSeed, slowerDma] = [run("first", { seed: 1 }), run("other-seed", { seed: 2 }), run("slower-dma", { seed: 1, "nic.dma.extraLatencyMaximum": 40 })];
    const bySeed = outputDifferences(first, otherSeed);
    expect(bySeed.map((difference) => difference.output).sort()).toEqual([".esp_sa", ".ikev1_decryption_table", ".pcap", ".sa-trace.jsonl", ".summary.json", ".vcd"]);
    // The dump's header names its seed.
    expect(bySeed.find((difference) => difference.output === ".vcd")).toEqual({ kind: "declarations", output: ".vcd" });
    const byDma = outputDifferences(first, slowerDma);
    const waveform = byDma.find((difference) => difference.kind === "waveform");
    expect(waveform?.kind === "waveform" && waveform.difference.signals.length).toBeGreaterThan(0);
    expect(byDma.find((difference) => difference.kind === "frame")).toMatchObject({ number: expect.any(Number) });
    const lines = [...bySeed, ...byDma].map((difference) => describeOutputDifference(difference, ["one", "other"]));
    expect(lines.find((line) => line.startsWith(".pcap"))).toMatch(/^\.pcap: first differs at frame \d+ \(as Wireshark numbers them\): one \d+ bytes at [\d.]+ µs/);
    expect(lines.find((line) => line.startsWith(".vcd: first"))).toMatch(/^\.vcd: first differs at [\d.]+ µs: top\.\S+ \S+ \(one\), \S+ \(other\)/);
    // The summary's first differing figure, by its place: the seed is the summary's second field.
    expect(lines.find((line) => line.startsWith(".summary.json"))).toBe(".summary.json: first differs at seed: one 1; other 2");
    expect(lines.find((line) => line.startsWith(".esp_sa"))).toMatch(/^\.esp_sa: first differs at line \d+ \(a key file: its lines are not shown\)$/);
    const files = [first, otherSeed];
    // Secret: the keys of both runs' key files appear in no line said.
    const keys = files.flat().filter((path) => path.endsWith(".esp_sa") || path.endsWith(".ikev1_decryption_table")).flatMap((path) => [...readFileSync(path, "utf8").matchAll(/[0-9a-f]{32,}/g)].map((match) => match[0]));
    expect(keys.length).toBeGreaterThan(4);
    for (const key of keys) for (const line of lines) expect(line.includes(key)).toBe(false);
  }, 60_000);

  // Five commands of two runs or more each: 57 s of its 60 on a quiet 2-core machine, 80 s beside other work (a time limit, not a check).
  test("a whole outputs mapping takes the runs' output switches inside it; a scenario refused as the first run loads leaves no directory", () => {
    // Set beside it, each switch was refused as inside a place given whole, and every configuration FAILED (from an outside check).
    expect(withRunOutputs({ outputs: { waveformFromMicroseconds: 5, html: true }, seed: 2 }, { "outputs.waveform": true, "outputs.html": false })).toEqual({ outputs: { waveformFromMicroseconds: 5, html: false, waveform: true }, seed: 2 });
    expect(withRunOutputs({ "outputs.pcap": false }, { "outputs.pcap": true })).toEqual({ "outputs.pcap": true });
    const whole = spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), "every-edge", "--quiet", "--set", "durationMicroseconds=20", "--set", 'outputs={"waveformFromMicroseconds":5.000000000000001}'], { cwd: directory, encoding: "utf8" });
    expect(whole.status, whole.stdout + whole.stderr).toBe(0);
    // The window as the dump takes it, in whole ps (a double's noise was shown as written).
    expect(whole.stdout).toMatch(/^the same: .*from 5 µs to the end/);
    // Refused as it loads: its problems, and no temporary directory (an empty one was left, said to hold the run's files).
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith("nicsim-every-edge-")).length;
    expect(() =>
      checkEveryEdge(() => {
        throw new ScenarioError(["durationMicroseconds: expected more than 0"]);
      }),
    ).toThrow(ScenarioError);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith("nicsim-every-edge-")).length).toBe(before);
  }, 60_000);

  test("the run without the waveform ends by itself, so a waveform that moves the run's end shows: a window opening one NIC period after it (a known corner) does", () => {
    // The window opens one NIC period after the run's end without it: the blocks woken a period before it to draw run on, and the run ends 4 ns later
    // (known; from an outside check). Given the first run's end, the run without the waveform hid it.
    const end = runScenario(defaultScenario({ durationMicroseconds: 3, "outputs.waveform": false, "outputs.pcap": false, "outputs.html": false, "outputs.saTrace": false }), { directory: null }).design.kernel.now;
    const check = checkEveryEdge((outputs) => defaultScenario({ durationMicroseconds: 3, "outputs.waveformFromMicroseconds": (end + 4000) / 1e6, ...outputs }));
    expect(check.differences).toEqual([]);
    expect(check.withoutWaveform.map((difference) => difference.output)).toEqual([".summary.json"]);
    expect(describeOutputDifference(check.withoutWaveform[0]!, ["skip-idle", "no-waveform"])).toContain("first differs at simulatedMicroseconds");
  }, 60_000);

  test("the command says the runs agree, with exit status 0; a mistake stops it before any run", () => {
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), "every-edge", "--quiet", ...args], { cwd: directory, encoding: "utf8", env: { ...process.env, CI: "true" } });
    const same = cli("--set", "durationMicroseconds=30", "--grid", "seed=3,4");
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).toMatch(/^configuration 0 \(seed=3\): the same: capture, keys, SA trace, summary and waveform, and all but the waveform without it, over \d+ wire frames/m);
    expect(same.stdout).toMatch(/^configuration 1 \(seed=4\): the same/m);
    // Both ways run alike into a drain that runs out with packets in flight: the same, and a failure all the same, as nicsim run's exit status says.
    const overloaded = cli("--set", "durationMicroseconds=60", "--set", "traffic.0.gapMicroseconds=0.02", "--set", "driver.cpu.cores=1");
    expect(overloaded.status, overloaded.stdout + overloaded.stderr).toBe(1);
    expect(overloaded.stdout).toMatch(/^FAILED: the runs did not end well \(nicsim run exits 1 on it\): .*\n {2}they are the same: capture, keys, SA trace, summary and waveform, and all but the waveform without it, over \d+ wire frames .*\n {2}the runs' files are left for a look: (\S+)$/m);
    // Left for a look, where the line says.
    const left = /left for a look: (\S+)$/m.exec(overloaded.stdout)![1]!;
    expect(existsSync(join(left, "every-edge", "default.pcap"))).toBe(true);
    rmSync(left, { recursive: true, force: true });
    expect(overloaded.stdout).toContain("1 failed (a run failed, or did not end well): of 1 configuration");
    const wrong = cli("--set", "nic.queues=0", "--grid", "seed=x");
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain("nic.queues = 0: expected at least 1");
    expect(wrong.stderr).toContain('--grid seed = "x": expected a number');
    expect(wrong.stdout).toBe("");
    // The run without the waveform writes none of its files: a directory with its name is no clash (it was refused, from an outside check).
    mkdirSync(join(directory, "waveform-names", "no-waveform", "default.vcd"), { recursive: true });
    const noClash = cli("--set", "durationMicroseconds=20", "--keep", join(directory, "waveform-names"));
    expect(noClash.status, noClash.stdout + noClash.stderr).toBe(0);
    // A name --keep would have a later configuration's run write, taken by a directory: refused before any run.
    mkdirSync(join(directory, "taken", "1", "every-edge", "default.pcap"), { recursive: true });
    const taken = cli("--set", "durationMicroseconds=30", "--grid", "seed=3,4", "--keep", join(directory, "taken"));
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain(`${join(directory, "taken", "1", "every-edge", "default.pcap")} (--keep) is a directory`);
    expect(taken.stdout).toBe("");
    expect(existsSync(join(directory, "taken", "0"))).toBe(false);
  }, 180_000);

  test.each([
    ["SIGINT", [], 130],
    ["SIGINT, then SIGTERM", ["SIGTERM"], 143],
  ] as const)("%s stops the runs, says so, exits with the signal's status and leaves no temporary file", async (_, again, expectedStatus) => {
    const temporary = join(directory, `tmp-${expectedStatus}`);
    mkdirSync(temporary);
    const child = spawn(process.execPath, [join(root, "dist/system/cli/main.js"), "every-edge", "--quiet", "--set", "durationMicroseconds=5000"], { cwd: directory, env: { ...process.env, CI: "true", TMPDIR: temporary } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    // Once the first run has begun writing (the temporary directory holds its files), however slow the machine.
    const begun = setInterval(() => {
      const [run] = readdirSync(temporary);
      if (run !== undefined && existsSync(join(temporary, run, "skip-idle"))) {
        clearInterval(begun);
        child.kill("SIGINT");
        // Sent at once, before the runs reach their next step: the second stops the command there and then.
        for (const signal of again) child.kill(signal);
      }
    }, 50);
    let status: number | null;
    try {
      status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    } finally {
      // A test timed out here leaves no timer or command behind for the files after it in this worker.
      clearInterval(begun);
      child.kill("SIGKILL");
    }
    if (again.length === 0) {
      expect(status, stderr).toBe(expectedStatus);
      expect(stderr).toContain("nicsim every-edge: SIGINT: stopping the runs at their next step (SIGINT again stops at once)");
      expect(stdout).toMatch(/^STOPPED: the (skip-idle|every-edge|no-waveform) run was interrupted by SIGINT at [\d.]+ µs of simulated time .*; its temporary files are removed$/m);
      expect(stderr).toContain("nicsim every-edge: stopped by SIGINT");
    } else {
      // Sent together, the two may be heard in either order (SIGTERM first on a loaded CI machine): the second heard stops at once, with its status.
      const first = /nicsim every-edge: (SIGINT|SIGTERM): stopping the runs at their next step/.exec(stderr)?.[1];
      expect(first, stderr).toBeDefined();
      const second = first === "SIGINT" ? "SIGTERM" : "SIGINT";
      expect(status, stderr).toBe(second === "SIGTERM" ? 143 : 130);
      expect(stderr).toContain(`nicsim every-edge: ${second} again: stopped at once; the temporary files are removed`);
      expect(stdout).toBe("");
    }
    expect(readdirSync(temporary)).toEqual([]);
  }, 60_000);
});
