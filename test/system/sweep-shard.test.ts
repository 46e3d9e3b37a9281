import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { codeIdentityOf, modelCodeIdentity } from "../../system/scenario/model-code-identity.js";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { overridePathProblem, scenarioPath } from "../../system/scenario/overrides.js";
import { resolveShard, shardPoints, ShardError, SHARD_VARIABLES } from "../../system/scenario/sweep-shard.js";
import { checkSweepPoints, formatSweep, runSweepPoint, sweepAxesNotes, sweepAxesProblems, sweepGrid } from "../../system/scenario/sweep.js";
import { ScenarioError } from "../../system/scenario/load.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import type { Scenario } from "../../system/scenario/schema.js";
import { sweepFingerprint } from "../../system/scenario/sweep-shard-file.js";
import { sweepMergeProblems, sweepPlaceProblems } from "../../system/cli/sweep-command.js";

const shardOf = (options: { shard?: string; shardCount?: string }, environment: Record<string, string> = {}) => {
  const shard = resolveShard(options, environment);
  return shard && { index: shard.index, count: shard.count };
};
const refusal = (options: { shard?: string; shardCount?: string }, environment: Record<string, string> = {}) => {
  try {
    resolveShard(options, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ShardError);
    return (error as Error).message;
  }
  throw new Error("not refused");
};

describe("which shard a sweep runs", () => {
  test("nothing asks for sharding: the whole grid", () => {
    expect(resolveShard({}, { PATH: "/bin" })).toBeNull();
  });

  test("--shard k/n", () => {
    expect(shardOf({ shard: "1/4" })).toEqual({ index: 1, count: 4 });
    expect(shardOf({ shard: "0/1" })).toEqual({ index: 0, count: 1 });
  });

  test("a SLURM array task: k = (ID − MIN) / STEP, n = COUNT, for arrays starting at 0 or not, and stepped ones", () => {
    expect(shardOf({}, { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "0" })).toEqual({ index: 2, count: 4 });
    expect(shardOf({}, { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "4" })).toEqual({ index: 1, count: 4 });
    expect(shardOf({}, { SLURM_ARRAY_TASK_ID: "8", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "2", SLURM_ARRAY_TASK_STEP: "3" })).toEqual({ index: 2, count: 4 });
    // Agreeing with --shard is no conflict.
    expect(shardOf({ shard: "1/4" }, { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "4" })).toEqual({ index: 1, count: 4 });
  });

  test("each of a SLURM task's variables that is not a number is named, all at once (the first alone hid the others)", () => {
    let problems: readonly string[] = [];
    try {
      resolveShard({}, { SLURM_ARRAY_TASK_ID: "x", SLURM_ARRAY_TASK_COUNT: "0", SLURM_ARRAY_TASK_MIN: "-1", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_MAX: "1e3" });
    } catch (error) {
      if (!(error instanceof ShardError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual([
      "SLURM_ARRAY_TASK_ID 'x': expected a whole number of at least 0",
      "SLURM_ARRAY_TASK_COUNT '0': expected a whole number of at least 1",
      "SLURM_ARRAY_TASK_MIN '-1': expected a whole number of at least 0",
      "SLURM_ARRAY_TASK_MAX '1e3': expected a whole number of at least 0",
    ]);
  });

  test("a Kubernetes Indexed Job: JOB_COMPLETION_INDEX, with the number of shards from NICSIM_SHARD_COUNT or --shard-count", () => {
    expect(shardOf({}, { JOB_COMPLETION_INDEX: "3", NICSIM_SHARD_COUNT: "4" })).toEqual({ index: 3, count: 4 });
    expect(shardOf({ shardCount: "4" }, { JOB_COMPLETION_INDEX: "0" })).toEqual({ index: 0, count: 4 });
  });

  test.each([
    [{ shard: "4/4" }, {}, "--shard 4/4: shard 4 of 4 does not exist (shards are numbered 0 to 3)"],
    [{ shard: "1/0" }, {}, "--shard's n '0': expected a whole number of at least 1"],
    [{ shard: "a/4" }, {}, "--shard 'a/4': expected k/n"],
    [{ shard: "1.5/4" }, {}, "--shard '1.5/4': expected k/n"],
    [{ shard: "-1/4" }, {}, "--shard '-1/4': expected k/n"],
    [{ shard: "2" }, {}, "--shard '2': expected k/n"],
    [{ shardCount: "x" }, { JOB_COMPLETION_INDEX: "1" }, "--shard-count 'x': expected a whole number of at least 1"],
    [{ shardCount: "4" }, {}, "--shard-count 4: gives the number of shards but not this shard's number"],
    [{}, { JOB_COMPLETION_INDEX: "1" }, "JOB_COMPLETION_INDEX=1: gives this shard's number but not the number of shards: give --shard-count n or set NICSIM_SHARD_COUNT"],
    [{}, { JOB_COMPLETION_INDEX: "one", NICSIM_SHARD_COUNT: "4" }, "JOB_COMPLETION_INDEX 'one': expected a whole number of at least 0"],
    [{}, { JOB_COMPLETION_INDEX: "1", NICSIM_SHARD_COUNT: "2.0" }, "NICSIM_SHARD_COUNT '2.0': expected a whole number of at least 1"],
    [{}, { JOB_COMPLETION_INDEX: "4", NICSIM_SHARD_COUNT: "4" }, "JOB_COMPLETION_INDEX=4; NICSIM_SHARD_COUNT=4: shard 4 of 4 does not exist"],
    [{}, { SLURM_ARRAY_TASK_ID: "3" }, "SLURM_ARRAY_TASK_ID is set (3) but SLURM_ARRAY_TASK_COUNT is not"],
    [{}, { SLURM_ARRAY_TASK_COUNT: "4" }, "SLURM_ARRAY_TASK_COUNT is set (4) but SLURM_ARRAY_TASK_ID is not: cannot tell this shard's number"],
    [{ shard: "1/2/3", shardCount: "x" }, { JOB_COMPLETION_INDEX: "y" }, "the shard cannot be told:\n  --shard '1/2/3': expected k/n, this shard's number k (from 0) and the number of shards n, as in --shard 0/4\n  --shard-count 'x': expected a whole number of at least 1\n  JOB_COMPLETION_INDEX 'y': expected a whole number of at least 0"],
    [{}, { SLURM_ARRAY_TASK_ID: "", SLURM_ARRAY_TASK_COUNT: "4" }, "SLURM_ARRAY_TASK_ID '': expected a whole number of at least 0"],
    // --array=1,3,7: the IDs are not evenly spaced, so an ID cannot say which share it is.
    [{}, { SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_COUNT: "3", SLURM_ARRAY_TASK_MIN: "1" }, "SLURM_ARRAY_TASK_ID=7, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP unset (taken as 1), SLURM_ARRAY_TASK_COUNT=3: not task 0 to 2 of an evenly spaced array"],
    // With MAX, the array's own shape is what is wrong, whichever task asks (the task itself was named as the fault).
    [{}, { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "7" }, "SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_MAX=7, SLURM_ARRAY_TASK_STEP unset (taken as 1), SLURM_ARRAY_TASK_COUNT=3: 3 tasks from 1 to 7 in steps of 1 are no evenly spaced array"],
    [{ shard: "1/4" }, { SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_COUNT: "4" }, "conflicting shard numbers: 1 from --shard 1/4 but 2 from SLURM_ARRAY_TASK_ID=2"],
    [{ shard: "1/4" }, { JOB_COMPLETION_INDEX: "1", NICSIM_SHARD_COUNT: "5" }, "conflicting numbers of shards: 4 from --shard 1/4 but 5 from NICSIM_SHARD_COUNT=5"],
    [{ shardCount: "3" }, { JOB_COMPLETION_INDEX: "1", NICSIM_SHARD_COUNT: "4" }, "conflicting numbers of shards: 3 from --shard-count 3 but 4 from NICSIM_SHARD_COUNT=4"],
  ] as const)("refused: %j with %j", (options, environment, message) => {
    expect(refusal(options, environment)).toContain(message);
  });

  test("a SLURM list array (--array=1,3,7), which cannot number shards, gives way to --shard, as its refusal advises (it refused with --shard given too)", () => {
    const list = { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "7" };
    expect(refusal({}, list)).toContain("give --shard k/n instead");
    expect(resolveShard({ shard: "1/3" }, list)).toEqual({ index: 1, count: 3, givenBy: "--shard 1/3" });
  });

  test("the variables named in the messages are those SLURM and Kubernetes set", () => {
    expect(Object.values(SHARD_VARIABLES)).toEqual(["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_MAX", "JOB_COMPLETION_INDEX", "NICSIM_SHARD_COUNT"]);
  });

  test("shard k of n runs the points whose index is k modulo n: every point in exactly one shard", () => {
    const grid = sweepGrid([["seed", [1, 2, 3, 4, 5]], ["durationMicroseconds", [10, 20]]]);
    const shares = [0, 1, 2, 3].map((index) => shardPoints(grid, { index, count: 4 }).map((point) => point.index));
    expect(shares).toEqual([
      [0, 4, 8],
      [1, 5, 9],
      [2, 6],
      [3, 7],
    ]);
    // More shards than points: the last ones are empty, and still shards of the sweep.
    expect(shardPoints(grid, { index: 11, count: 12 })).toEqual([]);
  });
});

test("the README's Kubernetes Indexed Job and SLURM script give every shard and a grid the scenario has", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("### Sweeps over many machines"), readme.indexOf("## Reading the waveforms"));
  const job = parse(/```yaml\n([^]*?)```/.exec(section)![1]!) as {
    spec: { completionMode: string; completions: number; template: { spec: { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> } } };
  };
  const [container] = job.spec.template.spec.containers;
  expect(job.spec.completionMode).toBe("Indexed");
  const count = container!.env.find((variable) => variable.name === SHARD_VARIABLES.count)!.value;
  expect(resolveShard({}, { JOB_COMPLETION_INDEX: String(job.spec.completions - 1), NICSIM_SHARD_COUNT: count })).toMatchObject({ index: job.spec.completions - 1, count: job.spec.completions });
  expect(container!.command.slice(0, 2)).toEqual(["nicsim", "sweep"]);
  const grids = (words: readonly string[]) => words.flatMap((word, position) => (words[position - 1] === "--grid" ? [word.split("=")[0]!] : []));
  const slurm = section.slice(section.indexOf("#SBATCH"), section.indexOf("```yaml"));
  expect(grids(slurm.split(/\s+/))).toEqual(grids(container!.command));
  for (const path of grids(container!.command)) expect(overridePathProblem(path), path).toBeNull();
  // --array=0-15: sixteen tasks, merged as sixteen shards.
  expect(slurm).toContain("--array=0-15");
  expect(slurm).toContain(`sweep.shard-*-of-${job.spec.completions}.jsonl`);
});

describe("a sweep checks every configuration before any run", () => {
  test("a bad parameter value in the grid's last configuration is refused up front, naming the configuration, in every shard", () => {
    const grid = sweepGrid([["driver.cpu.cores", [1, 2, 3, 0]], ["nic.crypto_tx.bytesPerCycle", [8, "7x"]]], { durationMicroseconds: 20 });
    let problems: readonly string[] = [];
    try {
      checkSweepPoints(null, grid);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    // Every configuration refused, each problem once with the configurations that have it; the values came from --grid, and the messages say so.
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(" ("))).sort()).toEqual([
      'configurations 1, 3, 5, 7: --grid nic.crypto_tx.bytesPerCycle = "7x": expected a number in bytes',
      "configurations 6, 7: --grid driver.cpu.cores = 0: expected at least 1",
    ]);
  });

  const refusal = (points: ReturnType<typeof sweepGrid>, earlier: readonly string[] = []): readonly string[] => {
    try {
      checkSweepPoints(null, points, earlier);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      return error.problems;
    }
    return [];
  };

  test("problems naming a --grid option come in the order the options were given, then the others", () => {
    // The scenario's checks meet the wire before the NIC's engines: the grid's order was lost (from an outside check).
    const problems = refusal(sweepGrid([["nic.crypto_rx.engnes", [1, 2]], ["nic.crypto_tx.engines", [0, 17]], ["wire.gigabitsPerSecond", [30]]], { durationMicroseconds: 20, "driver.cpu.cores": 0 }));
    expect(problems.map((problem) => /(--set|--grid) [\w.]+( = \d+)?/.exec(problem)?.[0])).toEqual(["--grid nic.crypto_rx.engnes", "--grid nic.crypto_tx.engines = 0", "--grid nic.crypto_tx.engines = 17", "--grid wire.gigabitsPerSecond = 30", "--set driver.cpu.cores = 0"]);
  });

  test("a problem every configuration has is said once; one that many have names the first eight and counts the rest", () => {
    const misspelt = refusal(sweepGrid([["seed", [1, 2, 3]]], { durationMicroseconds: 20, "traffic.0.lod": 0.1 }));
    expect(misspelt).toEqual([expect.stringMatching(/^every configuration: --set traffic\.0\.lod: traffic\.0 has no field 'lod' \(did you mean load\?\)/)]);
    const many = refusal(sweepGrid([["seed", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], ["driver.cpu.cores", [1, 0]]], { durationMicroseconds: 20 }));
    expect(many).toEqual([expect.stringMatching(/^configurations 1, 3, 5, 7, 9, 11, 13, 15 and 2 more: --grid driver\.cpu\.cores = 0: expected at least 1/)]);
    // The command line's own contradictions come first, with the configurations' problems.
    expect(refusal(sweepGrid([["seed", [1]]], { durationMicroseconds: 0 }), ["--grid seed: given as two axes"])).toEqual(["--grid seed: given as two axes", expect.stringMatching(/^configuration 0 \(.*\): --set durationMicroseconds = 0: expected more than 0/)]);
  });

  test("a scenario file that cannot be read is said once, not for every configuration, with the command line's own problems", () => {
    let problems: readonly string[] = [];
    try {
      checkSweepPoints("no-such-sweep.yaml", sweepGrid([["seed", [1, 2, 3]]], {}), ["--grid seed: given as 2 axes"]);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual(["--grid seed: given as 2 axes", expect.stringMatching(/^no-such-sweep\.yaml: cannot read: /)]);
  });

  test("a --set is named --set though a --grid's path begins its own (seed, seedz); a path inside another given whole is refused, not a JavaScript error", () => {
    const points = sweepGrid([["seed", [1, 2]]], { seedz: 3, durationMicroseconds: 20 });
    expect(refusal(points)).toEqual([expect.stringMatching(/^every configuration: --set seedz: the scenario has no field 'seedz'/)]);
    // A --set inside an axis's place stays a --set.
    expect(refusal(sweepGrid([["nic.tx", [{ bufferBytes: 163840 }, { bufferBytes: 262144 }]]], { "nic.tx.framesInFlight": 32, durationMicroseconds: 20 }))).toEqual([
      "every configuration: --set nic.tx.framesInFlight: inside nic.tx, which --grid nic.tx gives whole; give one or the other",
    ]);
    // A place inside an axis's value is the axis's, in either spelling.
    expect(refusal(sweepGrid([["customers.0", [{ name: "a" }, { name: "b" }]]], { durationMicroseconds: 20 }))[0]).toMatch(/^every configuration: --grid customers\.0\.identity: required/);
    expect(refusal(sweepGrid([["nic.tx", [{ bufferBytes: 2048 }]]], { durationMicroseconds: 20 }))).toEqual([expect.stringMatching(/: --grid nic\.tx\.bufferBytes = 2048: each of the 8 queues' parts/)]);
    expect(refusal(sweepGrid([["traffic.0.load", [0.1, 0.2]]], { "traffic.0": "x", durationMicroseconds: 20 }))).toEqual([
      "every configuration: --grid traffic.0.load: inside traffic.0, which --set traffic.0 gives whole; give one or the other",
      "every configuration: --set traffic.0 = \"x\": expected a mapping",
    ]);
  });

  test("a path given as two axes (or three: said once, each value once), or a path both set and swept, is refused with how to give it once; a value given twice in an axis is noted", () => {
    expect(sweepAxesProblems([["nic.queues", [2]], ["seed", [1, 2]], ["nic.queues", [4, "x"]]], {})).toEqual(["--grid nic.queues: given as 2 axes; give its values once (--grid nic.queues=2,4,x)"]);
    expect(sweepAxesProblems([["seed", [1, 2]], ["seed", [3]], ["seed", [2, 4]]], {})).toEqual(["--grid seed: given as 3 axes; give its values once (--grid seed=1,2,3,4)"]);
    // A value given twice is allowed (a determinism check runs one configuration twice), and noted.
    expect(sweepAxesProblems([["seed", [1, 2, 1]]], {})).toEqual([]);
    expect(sweepAxesNotes([["seed", [1, 2, 1, 2]], ["nic.queues", [2, 4]], ["nic.crypto_tx.policy", ["preempt-resume", "preempt-resume"]]])).toEqual([
      "--grid seed: 1, 2 given more than once: those configurations run as many times (as a check of determinism would); give each once to run each once",
      '--grid nic.crypto_tx.policy: "preempt-resume" given more than once: those configurations run as many times (as a check of determinism would); give each once to run each once',
    ]);
    expect(sweepAxesProblems([["seed", [1, 2]]], { seed: 3 })).toEqual(["--grid seed: also given by --set seed, whose value the grid's would replace; drop one"]);
    expect(sweepAxesProblems([["seed", [1, 2]], ["nic.queues", [2, 4]]], { durationMicroseconds: 20 })).toEqual([]);
  });

  // From a scenario author's check: each configuration took the later axis's value, so the earlier axis's mistakes went unsaid, and doing as the refusal said then failed on them.
  test("a path given as two axes has every value of both checked with the refusal", () => {
    const axes = [["nic.queues", [99, 0]], ["nic.queues", [8]]] as const;
    expect(sweepGrid(axes, {}).map((point) => point.overrides["nic.queues"])).toEqual([99, 0, 8]);
    let problems: readonly string[] = [];
    try {
      checkSweepPoints(null, sweepGrid(axes, { durationMicroseconds: 20 }), sweepAxesProblems(axes, {}));
    } catch (error) {
      problems = (error as ScenarioError).problems;
    }
    expect(problems).toEqual([
      "--grid nic.queues: given as 2 axes; give its values once (--grid nic.queues=99,0,8)",
      expect.stringMatching(/^configuration 0 \(.*nic\.queues = 99\): --grid nic\.queues = 99: expected at most 8/),
      expect.stringMatching(/^configuration 1 \(.*nic\.queues = 0\): --grid nic\.queues = 0: expected at least 1/),
    ]);
  });
});

test("every task of a SLURM array given as a list (--array=1,3,7) refuses, not only the last", () => {
  for (const id of ["1", "3", "7"]) {
    const environment = { SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "7", SLURM_ARRAY_TASK_STEP: "1", SLURM_ARRAY_TASK_COUNT: "3" };
    expect(() => resolveShard({}, environment), id).toThrow(ShardError);
  }
  // An evenly spaced array with MAX given still works.
  expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_MAX: "7", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4" })).toMatchObject({ index: 2, count: 4 });
});

test("a path as error messages print it (traffic[0].load) is the same place as traffic.0.load, with or without top.", () => {
  for (const typed of ["traffic[0].load", "traffic.0.load", "top.traffic[0].load"]) expect(scenarioPath(typed)).toBe("traffic.0.load");
  expect(overridePathProblem(scenarioPath("traffic[1].packetBytes"))).toBeNull();
});

describe("a shard's fingerprint", () => {
  const scenario = defaultScenario().scenario;
  const withKey = (preSharedKey: string, gatewayPreSharedKey?: string) => ({ ...scenario, customers: scenario.customers.map((customer) => ({ ...customer, ike: customer.ike && { ...customer.ike, preSharedKey, gatewayPreSharedKey } })) }) as Scenario;

  test("holds no key: scenarios that differ only in their pre-shared keys have one fingerprint, which another value changes", () => {
    expect(scenario.customers.some((customer) => customer.ike !== undefined)).toBe(true);
    const fingerprint = sweepFingerprint([withKey("guessable")]);
    expect(sweepFingerprint([withKey("another key altogether")])).toBe(fingerprint);
    expect(sweepFingerprint([{ ...withKey("guessable"), durationMicroseconds: scenario.durationMicroseconds + 1 }])).not.toBe(fingerprint);
    // Whether a gateway's key is its host's changes the results (phase 1 fails): that much is in the fingerprint.
    expect(sweepFingerprint([withKey("guessable", "guessable")])).toBe(fingerprint);
    expect(sweepFingerprint([withKey("guessable", "another")])).not.toBe(fingerprint);
    expect(sweepFingerprint([withKey("x", "another")])).toBe(sweepFingerprint([withKey("guessable", "different")]));
  });
});

describe("the model's code in a sweep's fingerprint", () => {
  test("two builds of one version number that differ in their code differ; declarations, other files and where the tree is do not count", () => {
    const tree = (files: Record<string, string>) => {
      const root = mkdtempSync(join(tmpdir(), "nicsim-code-"));
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      return root;
    };
    const model = { "hw/mac.js": "export const a = 1;\n", "sim/kernel.js": "export const b = 2;\n" };
    const identity = codeIdentityOf(tree(model), ".js");
    expect(codeIdentityOf(tree(model), ".js")).toBe(identity);
    expect(codeIdentityOf(tree({ ...model, "hw/mac.js": "export const a = 3;\n" }), ".js")).not.toBe(identity);
    // A file moved is another build too.
    expect(codeIdentityOf(tree({ "hw/kernel.js": model["sim/kernel.js"], "hw/mac.js": model["hw/mac.js"] }), ".js")).not.toBe(identity);
    expect(codeIdentityOf(tree({ ...model, "hw/mac.d.js": "declarations", "test/x.js": "a test", "hw/notes.md": "notes" }), ".js")).toBe(identity);
    // The running process's own code is read once and gives a digest.
    expect(modelCodeIdentity()).toMatch(/^[0-9a-f]{64}$/);
  });
});

// From an architect's check: `--out` onto the scenario file replaced it with the results, and `--keep k --out k/1` was found only after every run, with a --resume that could not work.
describe("a sweep's --out is refused before any run where it would write over the scenario file or a run's files under --keep", () => {
  const here = mkdtempSync(join(tmpdir(), "nicsim-sweep-out-clash-"));
  const scenarioFile = join(here, "qj.json");
  writeFileSync(scenarioFile, "{}");
  // Other names of the same places (from a re-check: a link got around the check, and the scenario was lost).
  symlinkSync(scenarioFile, join(here, "link.json"));
  mkdirSync(join(here, "kk"));
  symlinkSync(join(here, "kk"), join(here, "kl"));
  const grid: Array<[string, unknown[]]> = [["seed", [1, 2, 3, 4]]];
  test.each([
    ["the scenario file through a link", { out: scenarioFile, file: join(here, "link.json") }, [`--out ${scenarioFile}: is the scenario file; the results would write over it`]],
    ["a configuration's directory under --keep through a link", { out: join(here, "kk", "1"), keep: join(here, "kl") }, [`--out ${join(here, "kk", "1")}: is in --keep's directory for configuration 1's files (${join(here, "kl", "1")}); put the results elsewhere`]],
    ["the default --out as --keep", { keep: "waveforms/sweep.jsonl" }, ["--out's default, waveforms/sweep.jsonl, is --keep's directory itself; put the results elsewhere"]],
    ["--keep where the results' lock goes", { out: join(here, "r.jsonl"), keep: join(here, "r.jsonl.lock") }, [`--keep ${join(here, "r.jsonl.lock")}: is where the results' own file ${join(here, "r.jsonl.lock")} goes; keep the runs' files elsewhere`]],
    ["a name under --keep no configuration has (01, or beyond the grid)", { out: join(here, "kk", "01"), keep: join(here, "kk") }, []],
    ["beyond the grid", { out: join(here, "kk", "4"), keep: join(here, "kk") }, []],
  ] as const)("%s", (_, options, expected) => {
    expect(sweepPlaceProblems({ grid, ...options }, "file" in options ? options.file : scenarioFile)).toEqual(expected);
  });
  test.each([
    ["the scenario file", { out: scenarioFile }, [`--out ${scenarioFile}: is the scenario file; the results would write over it`]],
    ["a configuration's directory under --keep", { out: join(here, "kk", "1"), keep: join(here, "kk") }, [`--out ${join(here, "kk", "1")}: is in --keep's directory for configuration 1's files (${join(here, "kk", "1")}); put the results elsewhere`]],
    ["a file in one", { out: join(here, "kk", "3", "out.jsonl"), keep: join(here, "kk") }, [`--out ${join(here, "kk", "3", "out.jsonl")}: is in --keep's directory for configuration 3's files (${join(here, "kk", "3")}); put the results elsewhere`]],
    ["--keep's directory", { out: join(here, "kd"), keep: join(here, "kd") }, [`--out ${join(here, "kd")}: is --keep's directory itself; put the results elsewhere`]],
    ["beside the runs under --keep (no clash)", { out: join(here, "kk", "sweep.jsonl"), keep: join(here, "kk") }, []],
  ] as const)("%s", (_, options, expected) => {
    expect(sweepPlaceProblems({ grid, ...options }, scenarioFile)).toEqual(expected);
  });
});

// From an architect's check: 160,000 configurations were checked for 55 s without a word, and a grid of 10^12 took gigabytes before any.
test("a grid of more configurations than one sweep checks is refused at once, with its size, and not made", () => {
  const values = Array.from({ length: 100 }, (_, index) => index + 1);
  const axes: Array<[string, unknown[]]> = [["seed", values], ["driver.cpu.cores", values], ["nic.crypto_tx.bytesPerCycle", values.slice(0, 11)]];
  expect(sweepAxesProblems(axes, {})).toEqual(["--grid: 110,000 configurations (100 × 100 × 11), more than the 100,000 one grid may hold (each is checked, and held, before any run); split it into grids over fewer values"]);
  expect(sweepGrid(axes)).toEqual([]);
  const most: Array<[string, unknown[]]> = [["seed", values], ["driver.cpu.cores", values], ["nic.crypto_tx.bytesPerCycle", values.slice(0, 10)]];
  expect(sweepAxesProblems(most, {})).toEqual([]);
  expect(sweepGrid(most)).toHaveLength(100_000);
});

// From an architect's check: a grid over outputs.directory was taken without effect and without a word.
test("a grid over outputs.directory is noted as having no effect: the runs' files go under --keep", () => {
  expect(sweepAxesNotes([["outputs.directory", ["a", "b"]]])).toEqual(["--grid outputs.directory: each run's files go under --keep's directory, <dir>/<index>, and are not kept without it, whatever outputs.directory says"]);
  expect(sweepAxesNotes([["seed", [1, 2]]])).toEqual([]);
  // From a bad-input check: a grid over a file's option without --keep gave identical rows without a word.
  expect(sweepAxesNotes([["outputs.waveformFromMicroseconds", [1, 5]]], { keep: false, set: { "outputs.html": true, seed: 3 } })).toEqual([
    "--set outputs.html: a sweep's runs write no files without --keep, so it changes nothing in the results",
    "--grid outputs.waveformFromMicroseconds: a sweep's runs write no files without --keep, so it changes nothing in the results",
  ]);
  expect(sweepAxesNotes([["outputs.waveformFromMicroseconds", [1, 5]]], { keep: true, set: { "outputs.html": true } })).toEqual([]);
});

test("sweep-merge refuses an --out that is one of its shards under another name (a link), as under its own", () => {
  const here = mkdtempSync(join(tmpdir(), "nicsim-merge-out-link-"));
  writeFileSync(join(here, "sh0.jsonl"), "");
  symlinkSync(here, join(here, "d"));
  expect(sweepMergeProblems([join(here, "sh0.jsonl")], join(here, "d", "sh0.jsonl")).problems).toContain(`--out ${join(here, "d", "sh0.jsonl")}: is one of the shards given; merging would write over it`);
});

// From a re-check: the sweep's own settings (no waveform, capture or report where files are not kept) went beside an outputs given whole, were refused as inside it, and every configuration failed.
test("a configuration giving outputs whole runs, its files not kept", () => {
  const here = mkdtempSync(join(tmpdir(), "nicsim-sweep-outputs-whole-"));
  const result = runSweepPoint(null, { index: 0, overrides: { durationMicroseconds: 10, outputs: { directory: join(here, "o1") } }, grid: ["outputs"] });
  expect(result.index).toBe(0);
  expect(existsSync(join(here, "o1"))).toBe(false);
});

// From an architect's check: the classes' columns came in the order first seen, a class only a later configuration had after the others (gold to-host after bronze).
test("a sweep's table orders the classes' columns as a run's table does, whichever configuration has them", () => {
  const results = [["to-peer"], ["to-host"]].map(([direction], index) => runSweepPoint(null, { index, overrides: { durationMicroseconds: 10, "traffic.0.direction": direction }, grid: ["traffic.0.direction"] }));
  const header = formatSweep(results).split("\n")[0]!;
  const columns = [...header.matchAll(/(\w+ to-(?:peer|host)) p99 µs/g)].map((match) => match[1]);
  expect(columns.slice(0, 2)).toEqual(["gold to-peer", "gold to-host"]);
  expect(columns).toEqual([...columns].sort((a, b) => ["gold", "silver", "bronze"].indexOf(a!.split(" ")[0]!) - ["gold", "silver", "bronze"].indexOf(b!.split(" ")[0]!) || Number(a!.endsWith("host")) - Number(b!.endsWith("host"))));
});
