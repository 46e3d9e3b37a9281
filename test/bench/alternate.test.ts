import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";

/** `npm run bench:alternate`, run on a tiny size against this checkout itself, so that it cannot rot silently: no timing is asserted. */
const root = new URL("../..", import.meta.url).pathname;
const bench = (args: readonly string[]) => spawnSync(process.execPath, [`${root}dist/test/bench/alternate.bench.js`, ...args], { encoding: "utf8", cwd: root });

describe("npm run bench:alternate", () => {
  test("alternates the two builds' workload processes, swapping their order each round, and gives each round's ratio and the median", () => {
    const result = bench(["plain-rx-60", "40", "3", "--against", root]);
    expect(result.status, result.stderr).toBe(0);
    const rounds = result.stdout.split("\n").filter((line) => line.startsWith("  round "));
    expect(rounds.map((line) => /\((this build first|the other first)\)/.exec(line)?.[1])).toEqual(["this build first", "the other first", "this build first"]);
    for (const line of rounds) expect(line).toMatch(/this build [\d,]+, the other [\d,]+, ratio \d+\.\d{3}$/);
    expect(result.stdout).toMatch(/median ratio \d+\.\d{3}; this build faster in [0-3] of 3 rounds\n$/);
  });

  test("without --against, or against a checkout not built, it says how to run it and exits 2", () => {
    const none = bench(["plain-rx-60", "40", "3"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("usage: npm run bench:alternate");
    const unbuilt = bench(["plain-rx-60", "40", "3", "--against", "/nonexistent-checkout"]);
    expect(unbuilt.status).toBe(2);
    expect(unbuilt.stderr).toContain("build that checkout first");
  });
});
