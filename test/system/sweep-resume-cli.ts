import { spawn, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";

/**
 * `nicsim sweep --resume` on the command line, run by cli.test.ts after it has built the CLI. A sweep
 * one of whose configurations fails (its --keep directory taken by a file) leaves the others'
 * results under `<out>.partial`; mended, --resume runs only what they lack.
 */
export function describeResumedSweeps(main: string, directory: string): void {
  const nicsim = (cwd: string, ...args: string[]) => {
    mkdirSync(cwd, { recursive: true });
    return spawnSync(process.execPath, [main, ...args], { cwd, encoding: "utf8", env: { ...process.env, CI: "true" } });
  };
  /** nicsim started in a directory of its own, left running. */
  const background = (name: string, args: readonly string[]) => {
    const here = join(directory, name);
    mkdirSync(here, { recursive: true });
    const child = spawn(process.execPath, [main, ...args], { cwd: here, env: { ...process.env, CI: "true" } });
    return { here, child, exited: new Promise((resolve) => child.on("exit", resolve)) };
  };
  const sweep = ["sweep", "--quiet", "--grid", "seed=1,2,3", "--set", "durationMicroseconds=20", "--workers", "1"];
  /** A sweep whose configuration 1 failed: the two others' rows left in out.jsonl.partial. */
  const interrupted = (name: string) => {
    const here = join(directory, name);
    mkdirSync(join(here, "kp"), { recursive: true });
    writeFileSync(join(here, "kp/1"), "a file where run 1's directory goes");
    const failed = nicsim(here, ...sweep, "--keep", "kp", "--out", "out.jsonl");
    expect(failed.status, failed.stderr).toBe(1);
    expect(failed.stderr).toContain("--resume runs the rest once what failed is mended");
    rmSync(join(here, "kp/1"));
    return here;
  };

  describe("a sweep resumed after some of its runs finished", () => {
    test("runs only the configurations the earlier run lacks, and writes the file and table an uninterrupted sweep does", () => {
      const here = interrupted("resume-whole");
      const resumed = nicsim(here, ...sweep, "--keep", "kp", "--out", "out.jsonl", "--resume");
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain("--resume: 2 of 3 configurations finished in out.jsonl.partial; running the other 1");
      expect(resumed.stdout).toContain("3 runs (2 resumed from out.jsonl.partial)");
      expect(existsSync(join(here, "out.jsonl.partial"))).toBe(false);
      // Only configuration 1 ran now: the others' --keep directories are the first run's.
      expect(existsSync(join(here, "kp/1"))).toBe(true);
      const fresh = nicsim(join(directory, "resume-fresh"), ...sweep, "--out", "out.jsonl");
      expect(fresh.status, fresh.stderr).toBe(0);
      expect(readFileSync(join(here, "out.jsonl"), "utf8")).toBe(readFileSync(join(directory, "resume-fresh/out.jsonl"), "utf8"));
      const table = (stdout: string) => stdout.slice(0, stdout.indexOf("\n\n"));
      expect(table(resumed.stdout)).toBe(table(fresh.stdout));
    }, 120_000);

    test("without --resume, the earlier run's results are not thrown away: the sweep is refused, saying what to do", () => {
      const here = interrupted("resume-refused");
      const again = nicsim(here, ...sweep, "--out", "out.jsonl");
      expect(again.status).toBe(1);
      expect(again.stderr).toContain("out.jsonl.partial: holds the results of 2 finished runs of an earlier run of this sweep that did not finish; give --resume");
      expect(readFileSync(join(here, "out.jsonl.partial"), "utf8").split("\n").length).toBe(4);
    }, 120_000);

    test.each([
      ["another grid", ["--grid", "seed=1,2,4"], "holds results of another sweep (3 configurations"],
      ["another --set", ["--set", "durationMicroseconds=30"], "holds results of another sweep"],
      ["one shard of it", ["--shard", "0/2"], "holds results of the whole sweep, and this is shard 0 of 2"],
    ])("refused for %s, before any run", (name, change, message) => {
      const here = interrupted(`resume-${name.replaceAll(" ", "-")}`);
      const args = [...sweep];
      if (change[0] === "--grid") args.splice(args.indexOf("--grid"), 2, ...change);
      else if (change[0] === "--set") args.splice(args.indexOf("--set"), 2, ...change);
      else args.push(...change);
      const refused = nicsim(here, ...args, "--out", "out.jsonl", "--resume");
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain(message);
      // Without --resume it is not advised, since it would not take them.
      const plain = nicsim(here, ...args, "--out", "out.jsonl");
      expect(plain.status).toBe(1);
      expect(plain.stderr).toContain("out.jsonl.partial: holds the results of 2 finished runs that --resume would not take for this sweep");
      expect(existsSync(join(here, "out.jsonl"))).toBe(false);
    }, 120_000);

    test("a row given twice is refused with its line; a row cut off as it was written is left out, and its configuration runs again", () => {
      const here = interrupted("resume-edited");
      const partial = join(here, "out.jsonl.partial");
      const lines = readFileSync(partial, "utf8").split("\n");
      writeFileSync(partial, [lines[0], lines[1], lines[1], ...lines.slice(2)].join("\n"));
      expect(nicsim(here, ...sweep, "--out", "out.jsonl", "--resume").stderr).toContain("out.jsonl.partial:3: configuration 0 a second time");
      writeFileSync(partial, [lines[0], lines[1], lines[2]!.slice(0, 300)].join("\n"));
      const resumed = nicsim(here, ...sweep, "--out", "out.jsonl", "--resume");
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain("out.jsonl.partial: its last line was cut off (a row being written when the sweep was stopped): left out, and that configuration runs again");
      expect(resumed.stderr).toContain("--resume: 1 of 3 configurations finished in out.jsonl.partial; running the other 2");
    }, 120_000);

    test("killed outright (SIGKILL: no signal handled), the finished runs' rows are in <out>.partial already, each written as it finished", async () => {
      const args = ["sweep", "--quiet", "--grid", "seed=1,2,3,4", "--set", "durationMicroseconds=20", "--workers", "1", "--out", "out.jsonl"];
      const { here, child, exited } = background("resume-killed", args);
      const partial = join(here, "out.jsonl.partial");
      // Killed once a run's row is there (the header and one line), whatever the machine's speed.
      while (!(existsSync(partial) && readFileSync(partial, "utf8").split("\n").length >= 3)) {
        expect(child.exitCode).toBeNull();
        await sleep(20);
      }
      child.kill("SIGKILL");
      await exited;
      const kept = readFileSync(partial, "utf8").split("\n").filter((line) => line.startsWith('{"index":')).length;
      expect(kept).toBeGreaterThanOrEqual(1);
      // The kill left the sweep's lock: taken over, its process being gone. Resumed with --keep, the rows resumed are said to have no files there (their run kept none; from an architect's check).
      const resumed = nicsim(here, ...args, "--resume", "--keep", "kept");
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain(`--resume: ${kept} of 4 configurations finished in out.jsonl.partial`);
      expect(resumed.stderr).toMatch(/--resume: the (configuration|\d+ configurations) resumed \([\d, ]+\) (has|have) no files under --keep kept: the run that gave (its row|their rows) kept none there/);
      const fresh = nicsim(join(directory, "resume-killed-fresh"), ...args);
      expect(readFileSync(join(here, "out.jsonl"), "utf8")).toBe(readFileSync(join(directory, "resume-killed-fresh/out.jsonl"), "utf8"));
      expect(fresh.status).toBe(0);
      // Resumed again once finished: nothing runs, and the file is as it was.
      const again = nicsim(here, ...args, "--resume");
      expect(again.status).toBe(0);
      expect(again.stderr).toContain("--resume: out.jsonl holds every configuration's result already, with this sweep's values");
      expect(again.stdout).toContain("4 runs (none run now), out.jsonl as it was");
    }, 180_000);

    test("a second sweep with the same --out while one runs is refused: its rows would have replaced the first's", async () => {
      const args = ["sweep", "--quiet", "--grid", "seed=1,2", "--set", "durationMicroseconds=20000", "--workers", "1", "--out", "out.jsonl"];
      const { here, child: first, exited } = background("resume-twice", args);
      while (!existsSync(join(here, "out.jsonl.partial"))) await sleep(20);
      const second = nicsim(here, ...args, "--resume");
      first.kill("SIGKILL");
      await exited;
      expect(second.status).toBe(1);
      expect(second.stderr).toMatch(/the files out\.jsonl\.\*: in use by process \d+/);
    }, 120_000);

    test("a file of something else under the temporary name is not thrown away unasked, with --resume or without", () => {
      const here = join(directory, "resume-foreign");
      mkdirSync(here, { recursive: true });
      writeFileSync(join(here, "out.jsonl.partial"), '{"index":0,"overrides":{}}\n');
      const plain = nicsim(here, ...sweep, "--out", "out.jsonl");
      expect(plain.status).toBe(1);
      expect(plain.stderr).toContain("out.jsonl.partial: a file that is no sweep's results nicsim can resume");
      expect(plain.stderr).toContain("move it aside or remove it");
      const resumed = nicsim(here, ...sweep, "--out", "out.jsonl", "--resume");
      expect(resumed.status).toBe(1);
      expect(resumed.stderr).toContain("it cannot be resumed: move it aside (or remove it) and run the sweep without --resume");
      expect(readFileSync(join(here, "out.jsonl.partial"), "utf8")).toBe('{"index":0,"overrides":{}}\n');
    }, 120_000);
  });
}
