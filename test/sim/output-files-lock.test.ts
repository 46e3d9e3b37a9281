import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { OutputError, OutputFiles } from "../../sim/output-files.js";

describe("a run's files are its own while it writes them", () => {
  test("a second run with the same name and directory is refused, naming the first's process (they shared temporary names and mixed their files)", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-"));
    const first = new OutputFiles(directory);
    first.lockFor(join(directory, "run"));
    const second = new OutputFiles(directory);
    expect(() => second.lockFor(join(directory, "run"))).toThrow(OutputError);
    expect(() => second.lockFor(join(directory, "run"))).toThrow(`the files ${join(directory, "run")}.*: in use by process ${process.pid} (this one)`);
    // Another name in the same directory is free.
    second.lockFor(join(directory, "other"));
    first.write(join(directory, "run.txt"), "done\n");
    first.commit();
    expect(existsSync(join(directory, "run.lock"))).toBe(false);
    // Committed, the name is free again.
    const third = new OutputFiles(directory);
    third.lockFor(join(directory, "run"));
    third.abandon();
    expect(existsSync(join(directory, "run.lock"))).toBe(false);
    second.abandon();
  });

  test("a file of someone else's under the lock's name is left as it is, and the run refused", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-foreign-"));
    writeFileSync(join(directory, "run.lock"), "my notes\n");
    const files = new OutputFiles(directory);
    expect(() => files.lockFor(join(directory, "run"))).toThrow(`${join(directory, "run.lock")} is there and is not a nicsim lock file`);
    expect(readFileSync(join(directory, "run.lock"), "utf8")).toBe("my notes\n");
  });

  test("a lock whose process has gone is taken over", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-stale-"));
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(join(directory, "run.lock"), `${gone}\n`);
    const files = new OutputFiles(directory);
    files.lockFor(join(directory, "run"));
    files.abandon();
    expect(existsSync(join(directory, "run.lock"))).toBe(false);
  });

  test.each([
    // A pod restarted after a kill: its nicsim is process 1 again, as the one that left the lock was (a batch user's check).
    ["this process's own id, taken by an earlier process that had it", () => `${process.pid} ${"0".repeat(32)}\n`],
    // In a container, process 1 is the pod's shell or init once nicsim is not: alive, and never to release the lock.
    ["a live process that is no Node.js process (its id reused)", (other: number) => `${other} abcdefabcdefabcdefabcdefabcdef01\n`],
  ])("a lock is taken over when it names %s", (_, content) => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-reused-"));
    const other = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(directory, "run.lock"), content(other.pid!));
      const files = new OutputFiles(directory);
      files.lockFor(join(directory, "run"));
      expect(readFileSync(join(directory, "run.lock"), "utf8")).toMatch(new RegExp(`^${process.pid} [0-9a-f]{32}\n$`));
      files.abandon();
      expect(existsSync(join(directory, "run.lock"))).toBe(false);
    } finally {
      other.kill();
    }
  });

  test.each([
    ["an old-format lock naming this process's id (written by a process before it, as locks carry a token now)", () => `${process.pid}\n`],
    ["an empty lock (an earlier version's, killed between making it and writing it: a lock is written whole now)", () => ""],
  ])("taken over: %s", (_, content) => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-old-"));
    writeFileSync(join(directory, "run.lock"), content());
    const files = new OutputFiles(directory);
    files.lockFor(join(directory, "run"));
    files.abandon();
    expect(readdirSync(directory)).toEqual([]);
  });

  test.runIf(existsSync("/proc/self/stat"))("the token a lock holds is the process's, from its id and start time, the same in every thread (a run's thread takes locks its main thread releases)", () => {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-token-"));
    const files = new OutputFiles(directory);
    files.lockFor(join(directory, "run"));
    expect(readFileSync(join(directory, "run.lock"), "utf8")).toBe(`${process.pid} ${createHash("sha256").update(`${process.pid} ${start}`).digest("hex").slice(0, 32)}\n`);
    files.abandon();
  });

  test("a lock a live process holds is not taken over: by its token where /proc tells its start time, by its running Node.js in a lock without one; a token another process's is not", async () => {
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    // Its token, as the holder itself would write it (its id and start time).
    const startTime = () => {
      const stat = readFileSync(`/proc/${holder.pid}/stat`, "utf8");
      return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    };
    const attempt = (content: string) => {
      const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-held-"));
      writeFileSync(join(directory, "run.lock"), content);
      const files = new OutputFiles(directory);
      try {
        files.lockFor(join(directory, "run"));
        files.abandon();
        return "taken over";
      } catch (error) {
        return (error as Error).message;
      }
    };
    try {
      expect(attempt(`${holder.pid}\n`)).toContain(`in use by process ${holder.pid},`);
      if (existsSync("/proc/self/stat")) {
        expect(attempt(`${holder.pid} ${createHash("sha256").update(`${holder.pid} ${startTime()}`).digest("hex").slice(0, 32)}\n`)).toContain(`in use by process ${holder.pid},`);
        // The id's process now is not the one that took the lock (a restarted pod's): stale.
        expect(attempt(`${holder.pid} ${"1".repeat(32)}\n`)).toBe("taken over");
      }
    } finally {
      holder.kill();
    }
  });

  test("a takeover guard is stale when its taker is (killed in its microseconds: taken over, nothing left), and held however long a live taker holds it (stopped by a signal: said)", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-guard-"));
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(join(directory, "run.lock"), `${gone} ${"3".repeat(32)}\n`);
    writeFileSync(join(directory, "run.lock.takeover"), `${gone} ${"4".repeat(32)}\n`);
    const files = new OutputFiles(directory);
    files.lockFor(join(directory, "run"));
    files.abandon();
    expect(readdirSync(directory)).toEqual([]);
    // A live taker's guard (this process's own, as another starter's would be): waited on, then said.
    writeFileSync(join(directory, "run.lock"), `${gone} ${"3".repeat(32)}\n`);
    const probe = mkdtempSync(join(tmpdir(), "nicsim-lock-probe-"));
    const taken = new OutputFiles(probe);
    taken.lockFor(join(probe, "p"));
    const holder = readFileSync(join(probe, "p.lock"), "utf8");
    taken.abandon();
    writeFileSync(join(directory, "run.lock.takeover"), holder);
    expect(() => new OutputFiles(directory).lockFor(join(directory, "run"))).toThrow(`its lock file ${join(directory, "run.lock")} is stale, and another starter holding ${join(directory, "run.lock.takeover")} is taking it over`);
    expect(readFileSync(join(directory, "run.lock.takeover"), "utf8")).toBe(holder);
  });

  test("a link to nothing under the lock's name is said, not reported as a lock that keeps coming back", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-dangling-"));
    symlinkSync("/nonexistent/lock", join(directory, "run.lock"));
    expect(() => new OutputFiles(directory).lockFor(join(directory, "run"))).toThrow("is there and is not a nicsim lock file");
  });

  test("taking over leaves nothing behind: no guard, no lock written under another name, nor one a taker killed before linking it left", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-lock-clean-"));
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(join(directory, "run.lock"), `${gone} ${"2".repeat(32)}\n`);
    writeFileSync(join(directory, `run.lock.${gone}.0123456789ab`), `${gone} ${"2".repeat(32)}\n`);
    const files = new OutputFiles(directory);
    files.lockFor(join(directory, "run"));
    expect(readdirSync(directory)).toEqual(["run.lock"]);
    files.abandon();
    expect(readdirSync(directory)).toEqual([]);
  });
});
