import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
});
