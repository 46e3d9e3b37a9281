import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, test } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const module = join(root, "dist/system/cli/starting-signals.js");

/** A process that says stops while starting, maybe is done starting, then is sent the signal while it computes without yielding. */
function signalled(signal: string, loaded: boolean) {
  const body = `const m = await import(${JSON.stringify(module)}); m.sayStopsWhileStarting(); ${loaded ? "m.stopSayingStops();" : ""} process.kill(process.pid, ${JSON.stringify(signal)}); await new Promise((resolve) => setTimeout(resolve, 50)); const end = Date.now() + 3000; while (Date.now() < end); process.stdout.write("not stopped\\n");`;
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
  ])("%s while nicsim loads is said, with exit status %i", (signal, status) => {
    const result = signalled(signal, false);
    expect(result.stderr).toBe(`nicsim: ${signal} while starting, before any run began: stopped\n`);
    expect(result.stdout).toBe("");
    expect(result.status).toBe(status);
  });

  test("once loaded, the signals are Node.js's again: a command computing without yielding is stopped at once (a listener left kept plain-traffic and validate from ever hearing one)", () => {
    const result = signalled("SIGTERM", true);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("");
    expect(result.signal).toBe("SIGTERM");
  });

  test("nicsim plain-traffic, a command that computes in the main thread, stops on SIGTERM while it runs", async () => {
    const child = spawn(process.execPath, [join(root, "dist/system/cli/main.js"), "plain-traffic", "--set", "traffic.framesPerQueue=200000", "--out", join(mkdtempSync(join(tmpdir(), "nicsim-signal-")), "plain")], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    // Past loading (most of a second), well inside the run (tens of seconds at this size).
    await sleep(4000);
    child.kill("SIGTERM");
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: "SIGTERM" });
  }, 60_000);
});
