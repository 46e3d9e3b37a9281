import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { LockFile } from "../../sim/lock-file.js";

/** Every file under a directory, by relative path, with its bytes. */
function tree(directory: string, prefix = ""): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(join(directory, prefix)).sort()) {
    const path = join(prefix, name);
    if (statSync(join(directory, path)).isDirectory()) for (const [inner, bytes] of tree(directory, path)) files.set(inner, bytes);
    else files.set(path, readFileSync(join(directory, path)));
  }
  return files;
}

/** The table a sweep prints: its output up to the blank line before the closing line. */
const table = (stdout: string) => stdout.slice(0, stdout.indexOf("\n\n") + 1);

/**
 * Sharded sweeps on the command line, run by cli.test.ts after it has built the CLI (worker threads
 * load compiled modules, and a second build in parallel could be read half written).
 */
export function describeShardedSweeps(main: string, directory: string): void {
  // No sharding variables from whoever runs the tests: each test gives its own.
  const quiet = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SLURM_") && name !== "JOB_COMPLETION_INDEX" && name !== "NICSIM_SHARD_COUNT"));
  const nicsim = (cwd: string, environment: Record<string, string>, ...args: string[]) => {
    mkdirSync(cwd, { recursive: true });
    return spawnSync(process.execPath, [main, ...args], { cwd, encoding: "utf8", env: { ...quiet, CI: "true", ...environment } });
  };
  // Six short configurations: four shards of 2, 2, 1 and 1.
  const grid = ["--grid", "nic.crypto_tx.bytesPerCycle=8,16,32", "--grid", "driver.intermediate.placement=token,metric", "--set", "durationMicroseconds=40", "--workers", "1", "--quiet"];
  const whole = join(directory, "sweep-whole");
  const sharded = join(directory, "sweep-sharded");
  const shardFile = (index: number) => join(sharded, `waveforms/sweep.shard-${index}-of-4.jsonl`);

  describe("a sweep split into shards (on other machines) and merged", () => {
    test("four shards, chosen by --shard, a SLURM array task and a Kubernetes Indexed Job, merge into the unsharded sweep's JSON lines, table and run files, byte for byte", () => {
      const unsharded = nicsim(whole, {}, "sweep", ...grid, "--keep", "keep", "--out", "sweep.jsonl");
      expect(unsharded.status, unsharded.stderr).toBe(0);
      const shards = [
        nicsim(sharded, {}, "sweep", ...grid, "--keep", "keep", "--shard", "0/4"),
        // --array=1-4: IDs from 1.
        nicsim(sharded, { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "4" }, "sweep", ...grid, "--keep", "keep"),
        nicsim(sharded, { JOB_COMPLETION_INDEX: "2", NICSIM_SHARD_COUNT: "4" }, "sweep", ...grid, "--keep", "keep"),
        nicsim(sharded, { JOB_COMPLETION_INDEX: "3" }, "sweep", ...grid, "--keep", "keep", "--shard-count", "4"),
      ];
      for (const [index, shard] of shards.entries()) {
        expect(shard.status, shard.stderr).toBe(0);
        expect(shard.stdout).toContain(`shard ${index}/4 (`);
        expect(shard.stdout).toContain(`${index < 2 ? 2 : 1} of 6 runs`);
      }
      expect(shards[1]!.stdout).toContain("shard 1/4 (SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_MIN=1");
      const merged = nicsim(sharded, {}, "sweep-merge", shardFile(3), shardFile(1), shardFile(0), shardFile(2), "--out", "sweep.jsonl");
      expect(merged.status, merged.stderr).toBe(0);
      expect(readFileSync(join(sharded, "sweep.jsonl")).equals(readFileSync(join(whole, "sweep.jsonl")))).toBe(true);
      expect(table(merged.stdout)).toBe(table(unsharded.stdout));
      expect(table(merged.stdout).split("\n").length).toBe(8);
      expect(merged.stdout).toContain("6 runs from 4 shards; wrote sweep.jsonl");
      // A shard saved by an editor on another system (a byte-order mark, CRLF line ends) merges into the same bytes.
      writeFileSync(join(sharded, "edited.jsonl"), `\uFEFF${readFileSync(shardFile(1), "utf8").replace(/\n/g, "\r\n")}`);
      const again = nicsim(sharded, {}, "sweep-merge", shardFile(3), join(sharded, "edited.jsonl"), shardFile(0), shardFile(2), "--out", "again.jsonl");
      expect(again.status, again.stderr).toBe(0);
      expect(readFileSync(join(sharded, "again.jsonl")).equals(readFileSync(join(whole, "sweep.jsonl")))).toBe(true);
      // Each run's files (waveform, capture, summary, report) under its index in the whole grid.
      const wholeFiles = tree(join(whole, "keep"));
      expect([...wholeFiles.keys()].filter((path) => path.endsWith("default.vcd"))).toHaveLength(6);
      const shardedFiles = tree(join(sharded, "keep"));
      expect([...shardedFiles.keys()]).toEqual([...wholeFiles.keys()]);
      for (const [path, bytes] of wholeFiles) expect(shardedFiles.get(path)!.equals(bytes), path).toBe(true);
    }, 120_000);

    test("a shard that cannot be is refused before any run, naming the option or variable", () => {
      const here = join(directory, "sweep-bad-shard");
      const beyond = nicsim(here, {}, "sweep", ...grid, "--shard", "4/4");
      expect(beyond.status).toBe(1);
      expect(beyond.stderr).toContain("\n  --shard 4/4: shard 4 of 4 does not exist (shards are numbered 0 to 3)");
      const conflict = nicsim(here, { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "4" }, "sweep", ...grid, "--shard", "1/4");
      expect(conflict.status).toBe(1);
      expect(conflict.stderr).toContain("\n  conflicting shard numbers: 1 from --shard 1/4 but 3 from SLURM_ARRAY_TASK_ID=3");
      const notNumber = nicsim(here, { JOB_COMPLETION_INDEX: "x", NICSIM_SHARD_COUNT: "4" }, "sweep", ...grid);
      expect(notNumber.stderr).toContain("\n  JOB_COMPLETION_INDEX 'x': expected a whole number of at least 0");
      for (const result of [beyond, conflict, notNumber]) expect(result.stderr, "a stack trace").not.toMatch(/\n\s+at /);
      expect(existsSync(join(here, "waveforms")), "nothing written").toBe(false);
    });

    test("a shard no configuration falls to says so, not a table of headings alone, and its header line merges with the others", () => {
      const here = join(directory, "sweep-empty-shard");
      const one = ["--grid", "seed=1", "--set", "durationMicroseconds=40", "--workers", "1", "--quiet"];
      const empty = nicsim(here, {}, "sweep", ...one, "--shard", "1/2", "--out", "s1.jsonl");
      expect(empty.status, empty.stderr).toBe(0);
      expect(empty.stdout).toMatch(/^no configuration falls to shard 1 of 2 \(the sweep has 1\): its file holds only the header line sweep-merge needs\n/);
      expect(empty.stdout).not.toContain("TX hits");
      expect(readFileSync(join(here, "s1.jsonl"), "utf8").trim().split("\n")).toHaveLength(1);
      const full = nicsim(here, {}, "sweep", ...one, "--shard", "0/2", "--out", "s0.jsonl");
      expect(full.status, full.stderr).toBe(0);
      const merged = nicsim(here, {}, "sweep-merge", "s0.jsonl", "s1.jsonl", "--out", "m.jsonl");
      expect(merged.status, merged.stderr).toBe(0);
      expect(merged.stdout).toContain("1 run from 2 shards");
    }, 60_000);

    // From an architect's check: the merge of a sweep whose run did not end well matched its table, said nothing of that run and exited 0; and it wrote the --out of a sweep still running.
    test("the merge names a run that did not end well and exits 1, as the unsharded sweep does; it is refused the --out a running sweep holds", () => {
      const here = join(directory, "sweep-merge-verdict");
      const overloaded = ["--set", "durationMicroseconds=30", "--set", "driver.intermediate.offload=false", "--grid", "driver.intermediate.cyclesPerByte=1.5,1000", "--workers", "1", "--quiet"];
      const shards = [0, 1].map((index) => nicsim(here, {}, "sweep", ...overloaded, "--shard", `${index}/2`, "--out", `s${index}.jsonl`));
      expect(shards.map((shard) => shard.status)).toEqual([0, 1]);
      const merged = nicsim(here, {}, "sweep-merge", "s0.jsonl", "s1.jsonl", "--out", "m.jsonl");
      expect(merged.status, merged.stderr).toBe(1);
      expect(merged.stderr).toMatch(/^nicsim sweep-merge: 1 of 2 runs did not end well \(each alone would exit 1\):\n {2}configuration 1: /);
      expect(merged.stdout).toContain("2 runs from 2 shards; wrote m.jsonl");
      // A sweep writing m2.jsonl holds m2.jsonl.lock: this process stands in for it.
      const held = LockFile.take(join(here, "m2.jsonl.lock"), "the files m2.jsonl.*");
      expect(typeof held).not.toBe("string");
      try {
        const refused = nicsim(here, {}, "sweep-merge", "s0.jsonl", "s1.jsonl", "--out", "m2.jsonl");
        expect(refused.status).toBe(1);
        expect(refused.stderr).toContain(`the files m2.jsonl.*: in use by process ${process.pid}`);
        expect(existsSync(join(here, "m2.jsonl"))).toBe(false);
      } finally {
        (held as LockFile).release();
      }
    }, 60_000);

    test("a configuration that fails as it runs is said with its values, and the others' results come back with it, not thrown away (the sweep command keeps them under the file's temporary name)", async () => {
      // The sweep checks every configuration first, so a failing one is given here past that check, as a failure found only while running would come.
      const { runSweep, SweepRunsFailed } = (await import(join(main, "../../scenario/sweep.js"))) as typeof import("../../system/scenario/sweep.js");
      const points = [{ index: 0, overrides: { durationMicroseconds: 20 } }, { index: 1, overrides: { durationMicroseconds: 20, "nic.queues": 99 } }, { index: 2, overrides: { durationMicroseconds: 20, seed: 2 } }];
      const failed = await runSweep(null, points, { workers: 1, checked: true }).then(() => null, (error: unknown) => error);
      expect(failed).toBeInstanceOf(SweepRunsFailed);
      const { failures, finished } = failed as InstanceType<typeof SweepRunsFailed>;
      expect(failures).toEqual([expect.stringMatching(/^configuration 1 \(durationMicroseconds = 20, nic\.queues = 99\): --set nic\.queues = 99: expected at most 8/)]);
      expect(finished.map((result) => result.index)).toEqual([0, 2]);
    }, 60_000);

    let refusals = 0;
    /** A shard file's text with its header's fields changed. */
    const edited = (index: number, change: (header: Record<string, unknown>) => void) => {
      const [first, ...rows] = readFileSync(shardFile(index), "utf8").split("\n");
      const header = JSON.parse(first!) as { nicsimSweepShard: Record<string, unknown> };
      change(header.nicsimSweepShard);
      return [JSON.stringify(header), ...rows].join("\n");
    };

    test.each([
      ["from another grid", () => {
        const other = nicsim(join(directory, "sweep-other"), {}, "sweep", ...grid.map((value) => (value === "durationMicroseconds=40" ? "durationMicroseconds=41" : value)), "--shard", "3/4", "--out", "other.jsonl");
        expect(other.status, other.stderr).toBe(0);
        return [shardFile(0), shardFile(1), shardFile(2), join(directory, "sweep-other/other.jsonl")];
      }, ["other.jsonl (shard 3/4) and ", "sweep.shard-0-of-4.jsonl (shard 0/4) are not shards of one sweep: grid fingerprints sha256:"]],
      ["of another version", () => [shardFile(0), shardFile(1), shardFile(2), write("version.jsonl", edited(3, (header) => (header.nicsim = "0.0.9")))], ["version.jsonl (shard 3/4) and ", "are not shards of one sweep: written by nicsim 0.0.9 and "]],
      ["split another way", () => [shardFile(0), shardFile(1), shardFile(2), write("split.jsonl", edited(3, (header) => (header.count = 5)))], ["split.jsonl (shard 3/5) and ", "are not shards of one sweep: split into 5 and 4 shards"]],
      ["with a shard missing", () => [shardFile(0), shardFile(2), shardFile(3)], ["nicsim sweep-merge: shard 1/4 missing (given: 0/4, 2/4, 3/4)"]],
      ["with a shard twice", () => [shardFile(0), shardFile(1), shardFile(2), shardFile(3), write("again.jsonl", readFileSync(shardFile(2), "utf8"))], ["shard 2/4 given twice: ", "sweep.shard-2-of-4.jsonl and ", "again.jsonl"]],
      ["with a shard cut short", () => [shardFile(0), write("short.jsonl", readFileSync(shardFile(1), "utf8").split("\n").slice(0, 2).join("\n") + "\n"), shardFile(2), shardFile(3)], ["short.jsonl: holds 1 of shard 1/4's 2 configurations (configuration 5 onwards missing): the file is incomplete"]],
      ["with a row edited by hand", () => {
        const [header, row, ...rest] = readFileSync(shardFile(1), "utf8").split("\n");
        const damaged = JSON.parse(row!) as { classes: Array<{ latency: Record<string, unknown> }>; host: Record<string, unknown>; lost?: unknown };
        delete damaged.classes[0]!.latency.p99;
        damaged.host.busy = "most";
        delete damaged.lost;
        return [shardFile(0), write("hand-edited.jsonl", [header, JSON.stringify(damaged), ...rest].join("\n")), shardFile(2), shardFile(3)];
      }, ["hand-edited.jsonl:2: not a sweep result: classes[0].latency.p99: missing; host.busy: expected a number; lost: missing"]],
      ["with a row that holds its index alone", () => {
        const [header, , ...rest] = readFileSync(shardFile(1), "utf8").split("\n");
        return [shardFile(0), write("index-only.jsonl", [header, '{"index":1}', ...rest].join("\n")), shardFile(2), shardFile(3)];
      }, ["index-only.jsonl:2: not a sweep result: overrides: missing; outcome: missing;"]],
      ["with a key in clear put in a row's overrides, a field nicsim does not write, a direction and a count that cannot be", () => {
        const [header, row, ...rest] = readFileSync(shardFile(1), "utf8").split("\n");
        const edited = JSON.parse(row!) as { overrides: Record<string, unknown>; classes: Array<Record<string, unknown>>; lost: number; extra?: number };
        edited.overrides["customers.0.ike.preSharedKey"] = "K3YINCLEAR";
        edited.classes[0]!.direction = "sideways";
        edited.lost = -1;
        edited.extra = 1;
        return [shardFile(0), write("edited.jsonl", [header, JSON.stringify(edited), ...rest].join("\n")), shardFile(2), shardFile(3)];
      }, ["edited.jsonl:2: not a sweep result: ", "classes[0].direction: expected one of to-peer, to-host", "lost: expected at least 0", "the row: field nicsim sweep does not write: extra"]],
      ["where two files cannot be read and --out names one of them", () => ["merged.jsonl", "/dev/zero", shardFile(2), shardFile(3)], ["the shards cannot be merged:\n  ", "merged.jsonl: cannot read: no such file", "/dev/zero: cannot read: a device, not a file", "--out merged.jsonl: is one of the shards given; merging would write over it"]],
      ["with its header's fields edited", () => [shardFile(0), shardFile(1), shardFile(2), write("header.jsonl", edited(3, (header) => { header.index = "3"; header.fingerprint = null; }))], ["header.jsonl:1: the shard's header: index = \"3\": expected a whole number of at least 0; fingerprint = null: expected a text"]],
      ["with a whole sweep's output for a shard", () => [join(whole, "sweep.jsonl")], ["sweep.jsonl:1: not a sweep shard's output (its first line is not the header 'nicsim sweep --shard' writes; this looks like a whole sweep's output)"]],
      ["with a file that is not there", () => [shardFile(0), join(directory, "nowhere.jsonl")], ["nowhere.jsonl: cannot read: no such file"]],
    ] as const)("merge refuses shards %s, naming the files, and writes nothing", (_, files, messages) => {
      const here = join(directory, "sweep-refused", String(++refusals));
      const result = nicsim(here, {}, "sweep-merge", ...files(), "--out", "merged.jsonl");
      expect(result.status).toBe(1);
      for (const message of messages) expect(result.stderr).toContain(message);
      expect(result.stdout + result.stderr, "a key shown").not.toContain("K3YINCLEAR");
      expect(result.stderr, "a stack trace").not.toMatch(/\n\s+at /);
      expect(existsSync(join(here, "merged.jsonl"))).toBe(false);
    });

    function write(name: string, text: string): string {
      const path = join(directory, "sweep-edited", name);
      mkdirSync(join(directory, "sweep-edited"), { recursive: true });
      writeFileSync(path, text);
      return path;
    }
  });
}
