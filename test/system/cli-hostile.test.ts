import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { COMMAND_LINE } from "../hostile/command-line.js";

const root = new URL("../..", import.meta.url).pathname;
const directory = mkdtempSync(join(tmpdir(), "nicsim-cli-hostile-"));

// A file of its own, beside test/system/cli.test.ts: each entry starts the CLI, and the two files run on two workers at once.
describe("hostile command-line input (the catalogue's, test/hostile/command-line.ts): the exit status and a precise error, never an exception", () => {
  test.each(COMMAND_LINE.map((entry) => [entry.input, entry] as const))("%s", (_, entry) => {
    const here = mkdtempSync(join(directory, "hostile-"));
    for (const [name, text] of Object.entries(entry.files ?? {})) {
      mkdirSync(dirname(join(here, name)), { recursive: true });
      if (name.endsWith("/")) mkdirSync(join(here, name));
      // `name@`: a symbolic link to the text.
      else if (name.endsWith("@")) symlinkSync(text, join(here, name.slice(0, -1)));
      else writeFileSync(join(here, name), text);
    }
    // A hang (as under /proc) fails here rather than holding the suite.
    const result = spawnSync(process.execPath, [join(root, "dist/system/cli/main.js"), ...entry.args], { cwd: here, encoding: "utf8", timeout: 30_000, env: { ...process.env, CI: "true" } });
    expect(result.error, "nicsim did not finish").toBeUndefined();
    expect(result.status, result.stderr).toBe(entry.status);
    for (const text of entry.stderr) expect(result.stderr).toContain(text);
    for (const text of entry.stdout ?? []) expect(result.stdout).toContain(text);
    // An input that is not an error, and warns of nothing, says nothing on stderr.
    if (entry.stderr.length === 0) expect(result.stderr).toBe("");
    for (const path of entry.absent ?? []) expect(existsSync(join(here, path)), `${path} exists`).toBe(false);
    for (const text of entry.unshown ?? []) expect(result.stdout + result.stderr, `${text} shown`).not.toContain(text);
    expect(result.stderr, "a stack trace").not.toMatch(/\n\s+at /);
  });
});
