import { spawnSync } from "node:child_process";
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
      expect(again.stderr).toContain("out.jsonl.partial: holds the results of an earlier run of a sweep that did not finish; give --resume");
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
      expect(existsSync(join(here, "out.jsonl"))).toBe(false);
    }, 120_000);

    test("a row edited by hand, or given twice, is refused with its line", () => {
      const here = interrupted("resume-edited");
      const partial = join(here, "out.jsonl.partial");
      const lines = readFileSync(partial, "utf8").split("\n");
      writeFileSync(partial, [lines[0], lines[1]!.replace('"seed":1', '"seed":9'), ...lines.slice(2)].join("\n"));
      expect(nicsim(here, ...sweep, "--out", "out.jsonl", "--resume").stderr).toContain("out.jsonl.partial:2: configuration 0's values are not this sweep's");
      writeFileSync(partial, [lines[0], lines[1], lines[1], ...lines.slice(2)].join("\n"));
      expect(nicsim(here, ...sweep, "--out", "out.jsonl", "--resume").stderr).toContain("out.jsonl.partial:3: configuration 0 a second time");
    }, 120_000);
  });
}
