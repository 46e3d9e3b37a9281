import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { median } from "./bench-rounds.js";

/** `npm run bench:alternate`, run on a tiny size against this checkout itself and against stand-ins for other builds, so that it cannot rot silently: no timing is asserted. */
const root = new URL("../..", import.meta.url).pathname;
const bench = (args: readonly string[], cwd = root, env: Record<string, string> = {}) => spawnSync(process.execPath, [`${root}dist/test/bench/alternate.bench.js`, ...args], { encoding: "utf8", cwd, env: { ...process.env, INIT_CWD: cwd, ...env } });
const scratch = mkdtempSync(join(tmpdir(), "nicsim-alternate-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in for another checkout's build: its workload process is `body`, with this checkout's packages beside it. */
function standIn(name: string, body: string): string {
  const checkout = join(scratch, name);
  mkdirSync(join(checkout, "dist/test/bench"), { recursive: true });
  writeFileSync(join(checkout, "dist/test/bench/workload-process.js"), body);
  symlinkSync(join(root, "node_modules"), join(checkout, "node_modules"));
  return checkout;
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe("npm run bench:alternate", () => {
  test("alternates the two builds' workload processes, the other first in the first round, and gives each round's ratio and the medians", () => {
    const result = bench(["plain-rx-60", "40", "3", "--against", root]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("ratio: this build's rate ÷ the other's (above 1, this build is faster)");
    const rounds = result.stdout.split("\n").filter((line) => line.startsWith("  round "));
    expect(rounds.map((line) => /\((this build first|the other first)\)/.exec(line)?.[1])).toEqual(["the other first", "this build first", "the other first"]);
    for (const line of rounds) expect(line).toMatch(/this build [\d,]+, the other [\d,]+, ratio \d+\.\d{3}$/);
    expect(result.stdout).toMatch(/median of the rounds' ratios \d+\.\d{3} \(lowest \d+\.\d{3}, highest \d+\.\d{3}\); this build faster in [0-3] of 3 rounds; load average [\d.]+\n$/);
    // A size a tenth of npm run bench's, or less, times start-up more than the workload: said, not refused.
    expect(result.stderr).toContain("note: npm run bench runs plain-rx-60 at 80,000");
    expect(result.stderr).toContain("note: 3 rounds: the other build goes first in 2 of them; an even number gives each build the first place as often");
  });

  test("a build whose report predates fields this one added is timed all the same: a rate needs wireFrames and seconds", () => {
    const older = standIn("older", `process.stdout.write(JSON.stringify({ workload: process.argv[2], size: Number(process.argv[3]), wireFrames: 40, delivered: 40, seconds: 0.004 }) + "\\n");`);
    const result = bench(["plain-rx-60", "40", "1", "--against", older]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/round 1 \(the other first\): this build [\d,]+, the other 10,000, ratio/);
  });

  test("the header names a git checkout's commit, and says when its sources changed since it or are newer than its build", () => {
    const checkout = standIn("stale", `process.stdout.write(JSON.stringify({ wireFrames: 40, seconds: 0.004 }) + "\\n");`);
    writeFileSync(join(checkout, ".gitignore"), "node_modules\ndist\n");
    writeFileSync(join(checkout, "model.ts"), "export const model = 1;\n");
    const git = (...args: string[]) => spawnSync("git", ["-C", checkout, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args], { encoding: "utf8" });
    git("init", "-q");
    git("add", ".");
    git("commit", "-q", "-m", "first");
    const commit = git("rev-parse", "--short", "HEAD").stdout.trim();
    // Built after its sources: the commit alone.
    utimesSync(join(checkout, "model.ts"), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(bench(["plain-rx-60", "40", "1", "--against", checkout]).stdout).toContain(`the other: ${checkout} at ${commit}\n`);
    // A source edited since the build (a checkout moved to another commit and not built again showed the new commit for the old build).
    writeFileSync(join(checkout, "model.ts"), "export const model = 2;\n");
    utimesSync(join(checkout, "dist/test/bench/workload-process.js"), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(bench(["plain-rx-60", "40", "1", "--against", checkout]).stdout).toContain(`the other: ${checkout} at ${commit}, with changes not committed, its sources newer than its build: npm run build there\n`);
  });

  test("a build that refuses the workload, or reports what the bench cannot read, ends it with status 1, naming the build, without a stack", () => {
    const refusing = standIn("refusing", `process.stderr.write("usage: workload-process.js <workload> <size>\\n"); process.exit(2);`);
    const refused = bench(["plain-rx-60", "40", "2", "--against", refusing]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain(`the other: ${refusing}, not a git checkout`);
    expect(refused.stderr).toContain(`${refusing}: its plain-rx-60 process at 40 ended with status 2: it refused the workload or its size`);
    noStack(refused.stderr);
    // The other build runs first: this one's run is not spent before the failure.
    expect(refused.stdout).not.toMatch(/round 1/);
    const garbled = standIn("garbled", `process.stdout.write('{"frames": 3}\\n');`);
    const unread = bench(["plain-rx-60", "40", "1", "--against", garbled]);
    expect(unread.status).toBe(1);
    expect(unread.stderr).toContain(`${garbled}: its plain-rx-60 process's report is not one this bench reads (workload report: wireFrames:`);
    noStack(unread.stderr);
  });

  test("a build whose workload process never ends is stopped at the time limit (BENCH_MINUTES), and the bench ends with status 1 naming it", () => {
    const hanging = standIn("hanging", `setInterval(() => {}, 1000);`);
    const started = Date.now();
    const stopped = bench(["plain-rx-60", "40", "2", "--against", hanging], root, { BENCH_MINUTES: "0.02" });
    expect(stopped.status, stopped.stderr).toBe(1);
    expect(stopped.stderr).toContain(`${hanging}: its plain-rx-60 process at 40 ran past 0.02 minutes and was stopped: a run that never ends, or a size too large for the limit (BENCH_MINUTES=<minutes> sets it)`);
    noStack(stopped.stderr);
    // Held for ever before; stopped at 1.2 s now, well before the first round's second run.
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(stopped.stdout).not.toMatch(/round 1/);
    // Refused with the arguments, before anything runs: not a decimal number of minutes above 0 (0x1 was read as 1).
    for (const minutes of ["soon", "0x1", "0"]) {
      const refused = bench(["plain-rx-60", "40", "1", "--against", hanging], root, { BENCH_MINUTES: minutes });
      expect(refused.status).toBe(2);
      expect(refused.stderr.split("\n")[0]).toBe(`BENCH_MINUTES=${JSON.stringify(minutes)}: expected a number of minutes above 0, in decimal digits`);
    }
    // A limit past the longest timer is none: Node fired it at once, and the process was stopped as over its limit.
    const slow = standIn("slow", `setTimeout(() => process.stdout.write(JSON.stringify({ wireFrames: 40, seconds: 0.004 }) + "\\n"), 1500);`);
    const unlimited = bench(["plain-rx-60", "40", "1", "--against", slow], root, { BENCH_MINUTES: "40000" });
    expect(unlimited.status, unlimited.stderr).toBe(0);
    expect(unlimited.stdout).toMatch(/round 1 \(the other first\): this build [\d,]+, the other 10,000/);
  });

  test("a build that puts no frame on the wire has no rate: the bench ends naming it (it was timed as infinitely slower)", () => {
    const none = standIn("none", `process.stdout.write(JSON.stringify({ wireFrames: 0, seconds: 0.001 }) + "\\n");`);
    const result = bench(["plain-rx-60", "40", "2", "--against", none]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${none}: its plain-rx-60 process's report is not one this bench reads (workload report: wireFrames: no frame on the wire, so no rate)`);
    expect(result.stdout).not.toContain("Infinity");
  });

  test("every mistake in the arguments at once, each naming its argument, then the usage; exit 2", () => {
    const result = bench(["plain-tx-60", "4002", "0", "extra", "--against"]);
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n").slice(0, 4)).toEqual([
      "size 4002: plain-tx-60 shares its frames among 4 queues, so its size is a multiple of 4 (4000 or 4004)",
      'rounds "0": expected a whole number, 1 or more',
      "--against: no checkout after it",
      '"extra": more arguments than <workload> <size> <rounds>',
    ]);
    expect(result.stderr).toContain("usage: npm run bench:alternate -- <workload> [<size> [<rounds>]] --against");
    expect(bench(["nosuch", "--against", root]).stderr).toContain('workload "nosuch": expected one of plain-tx-60');
    // As typed, not as Number() read it (NaN, 0 for "", 16 for 0x10); the checkout's own mistake with the rest.
    const typed = bench(["default-scenario", "2.5", "0x10", `--against=${join(scratch, "nowhere")}`]);
    expect(typed.stderr.split("\n").slice(0, 3)).toEqual(['size "2.5": expected a whole number of µs of traffic, 1 or more', 'rounds "0x10": expected a whole number, 1 or more', `--against ${join(scratch, "nowhere")}: no such directory`]);
    expect(bench(["plain-rx-60"]).stderr).toContain("--against <checkout>: missing");
    // An option that is none, after the positional arguments or before them (it read "more arguments than …", or an unknown workload), with one dash too.
    for (const args of [["plain-rx-60", "40", "2", "--against", root, "--bogus"], ["--bogus", "plain-rx-60", "40", "2", "--against", root]]) {
      const unknown = bench(args);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr.split("\n")[0]).toBe('"--bogus": no such option (the only one is --against <checkout>)');
    }
    expect(bench(["plain-rx-60", "40", "2", "-x", "--against", root]).stderr.split("\n")[0]).toBe('"-x": no such option (the only one is --against <checkout>)');
    // --against twice is said so (the second read as an option that is none, its checkout as an argument too many); an option after it is no checkout.
    expect(bench(["plain-rx-60", "40", "2", "--against", root, "--against", root]).stderr.split("\n")[0]).toBe("--against: given 2 times; give one checkout");
    expect(bench(["plain-rx-60", "40", "2", "--against", "--bogus"]).stderr.split("\n").slice(0, 2)).toEqual(["--against: no checkout after it", '"--bogus": no such option (the only one is --against <checkout>)']);
  });

  test("bench:instructions names its argument mistakes the same way, all at once, before it looks for valgrind", () => {
    const result = spawnSync(process.execPath, [`${root}dist/test/bench/instructions.bench.js`, "default-scenario", "50", "40", "7", "--against", join(scratch, "nowhere"), "--fast"], { encoding: "utf8", cwd: root });
    expect(result.status).toBe(2);
    expect(result.stderr.split("\n").slice(0, 5)).toEqual([
      "sizes 50 and 40: the larger must be larger",
      "smaller size 50: a scenario's sizes are µs of traffic: give 100 or more, so that both warm-up runs are the same (100 µs) and cancel",
      `--against ${join(scratch, "nowhere")}: no such directory`,
      '"--fast": no such option (the only one is --against <checkout>)',
      '"7": more arguments than <workload> <smaller size> <larger size>',
    ]);
    // A size not given is missing, not "NaN".
    const missing = spawnSync(process.execPath, [`${root}dist/test/bench/instructions.bench.js`, "plain-rx-60"], { encoding: "utf8", cwd: root });
    expect(missing.stderr.split("\n").slice(0, 2)).toEqual(["smaller size missing: a whole number of frames", "larger size missing: a whole number of frames"]);
  });

  test("--against: a missing directory, a file, a checkout not built and one without packages are told apart; a relative path is taken from where the command was typed", () => {
    const file = join(scratch, "a-file");
    writeFileSync(file, "");
    const unbuilt = join(scratch, "unbuilt");
    mkdirSync(unbuilt);
    const unpacked = join(scratch, "unpacked");
    mkdirSync(join(unpacked, "dist/test/bench"), { recursive: true });
    writeFileSync(join(unpacked, "dist/test/bench/workload-process.js"), "");
    const cases: [string, string][] = [
      [join(scratch, "nowhere"), "no such directory"],
      [file, "not a directory"],
      [unbuilt, "build that checkout first (npm run build there)"],
      [unpacked, "its build finds no packages (zod, from its dist): run npm ci there"],
    ];
    for (const [against, says] of cases) {
      const result = bench(["plain-rx-60", "40", "1", "--against", against]);
      expect(result.status, against).toBe(2);
      expect(result.stderr, against).toContain(says);
    }
    // npm run starts the bench at the package's root; INIT_CWD is where the command was typed.
    const relative = bench(["plain-rx-60", "40", "1", "--against", "unbuilt"], scratch);
    expect(relative.stderr).toContain(`--against unbuilt (${unbuilt}): no dist/test/bench/workload-process.js there`);
  });

  test("the median of an even number of rounds is the mean of the middle two, not the lower (the worse of two rounds)", () => {
    expect(median([0.862, 1.014])).toBeCloseTo(0.938, 12);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow("median of no values");
  });
});
