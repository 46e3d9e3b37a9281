import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const module = join(root, "dist/system/cli/starting-signals.js");

/** A process that installs the starting notice, maybe its own listener after it, then is sent the signal. */
function signalled(signal: string, ownListener: string | null) {
  const own = ownListener !== null ? `process.on(${JSON.stringify(ownListener)}, async () => { (await import("node:fs")).writeSync(1, "own listener\\n"); process.exit(0); });` : "";
  const body = `const m = await import(${JSON.stringify(module)}); m.sayStopsWhileStarting(); ${own} process.kill(process.pid, ${JSON.stringify(signal)}); setTimeout(() => process.stdout.write("not stopped\\n"), 2000);`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", body], { encoding: "utf8", timeout: 20_000 });
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { encoding: "utf8" });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 120_000);

describe("a stopping signal while nicsim starts", () => {
  test.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
    ["SIGHUP", 129],
  ])("%s before any command listens is said, with exit status %i", (signal, status) => {
    const result = signalled(signal, null);
    expect(result.stderr).toBe(`nicsim: ${signal} while starting, before any run began: stopped\n`);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(status);
  });

  test("a command's own listener for a signal takes that signal over", () => {
    const result = signalled("SIGTERM", "SIGTERM");
    expect(result.stdout).toBe("own listener\n");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    // The others are still said until the command listens for them too.
    const other = signalled("SIGTERM", "SIGINT");
    expect(other.stderr).toBe("nicsim: SIGTERM while starting, before any run began: stopped\n");
    expect(other.status).toBe(143);
  });
});
