import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cannotRead, readNamedFile } from "../../sim/unreadable.js";

/** What reading `path` as a named file says, in words. */
function refusal(path: string): string {
  try {
    readNamedFile(path);
  } catch (error) {
    return cannotRead(path, error);
  }
  throw new Error(`${path} was read`);
}

describe("a file the user named that cannot be read: why, in words, before any read that might not end", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-unreadable-"));

  test.each([
    ["no such file", (): string => join(directory, "nowhere"), "cannot read: no such file"],
    ["a directory", (): string => (mkdirSync(join(directory, "place")), join(directory, "place")), "cannot read: a directory, not a file"],
    ["a part of the path that is a file", (): string => (writeFileSync(join(directory, "plain"), "x"), join(directory, "plain", "below")), "cannot read: a part of its path is a file, not a directory"],
    ["a loop of symbolic links", (): string => (symlinkSync("loop-b", join(directory, "loop-a")), symlinkSync("loop-a", join(directory, "loop-b")), join(directory, "loop-a")), "cannot read: a loop of symbolic links"],
    ["a device that never ends", (): string => "/dev/zero", "/dev/zero: cannot read: a device, not a file (it might never end)"],
    ["a device that is empty", (): string => "/dev/null", "/dev/null: cannot read: a device, not a file"],
  ] as const)("%s", (_, make, message) => {
    expect(refusal(make())).toContain(message);
  });

  test("a named pipe with a writer is read to its end (as a shell's <(…) gives one)", () => {
    const pipe = join(directory, "pipe");
    execFileSync("mkfifo", [pipe]);
    // A writer in another process, so that this one's read can end.
    spawn("sh", ["-c", `printf 'name: piped\\n' > '${pipe}'`], { stdio: "ignore" });
    expect(readNamedFile(pipe, "utf8")).toBe("name: piped\n");
  });

  test("a key-like name (path=value) that names no file is not shown", () => {
    expect(refusal("customers.0.ike.preSharedKey=S3CRET")).not.toContain("S3CRET");
  });
});
