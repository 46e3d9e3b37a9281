import { describe, expect, test } from "vitest";
import { CryptoEngine } from "../../hw/ipsec/crypto-engine.js";
import { runCryptoJobs, type HarnessJob } from "../../system/validation/crypto-harness.js";
import { measureShares } from "../../system/validation/shares.js";

/** Cases an outside review of the pipelined crypto engines found, kept as regressions. */

const strictFrom = (first: number) => new Map([0, 1, 2, 3, 4, 5, 6, 7].map((queue) => [queue, { strict: queue >= first, percent: 0, remaining: queue >= first ? 0 : 10 }]));

/** Run with a watch on every engine after each step of the pipeline; returns the largest value `measure` took. */
function watching(measure: (engine: CryptoEngine) => number, run: () => void): number {
  let most = 0;
  const enterData = CryptoEngine.prototype.enterData;
  CryptoEngine.prototype.enterData = function (this: CryptoEngine, now: number) {
    enterData.call(this, now);
    most = Math.max(most, measure(this));
  };
  try {
    run();
  } finally {
    CryptoEngine.prototype.enterData = enterData;
  }
  return most;
}

describe("the pipelined crypto engines", () => {
  test("idle skipping changes nothing: a suspended job resumes at the same edge when its would-be preemptor went to another engine", () => {
    const parameters = { "top.nic.crypto_tx.engines": 2, "top.nic.crypto_tx.latency": 0, "top.nic.crypto_tx.keySetupCycles": 30, "top.nic.crypto_tx.keyCacheEntries": 1, "top.nic.crypto_tx.checkInterval": 1, "top.nic.crypto_tx.saveCycles": 2, "top.nic.crypto_tx.restoreCycles": 2, "top.nic.crypto_tx.contextSlots": 2, "top.nic.sacache.lookupCycles": 0 };
    const jobs: HarnessJob[] = [
      { dataBytes: 3200, sa: 0, queue: 1 },
      { dataBytes: 1600, sa: 1, queue: 1 },
      { dataBytes: 784, sa: 3, queue: 6, atCycle: 40 },
      { dataBytes: 800, sa: 2, queue: 5, atCycle: 40 },
      { dataBytes: 160, sa: 4, queue: 4, atCycle: 50 },
    ];
    const skipping = runCryptoJobs(parameters, jobs, strictFrom(3));
    const everyEdge = runCryptoJobs(parameters, jobs, strictFrom(3), { skipIdle: false });
    expect(skipping.counts.preemptions).toBeGreaterThan(0);
    expect(skipping.done).toEqual(everyEdge.done);
    expect(skipping.counts).toEqual(everyEdge.counts);
  });

  // From an architect's check: per engine, a bulk job gold suspended resumed into that engine's front at once and waited there for gold's whole job, while the other engine freed.
  test("with a shared context store, a suspended job resumes in the engine that frees first; per engine, it waits for the job that suspended it", () => {
    const parameters = { "top.nic.crypto_tx.engines": 2, "top.nic.crypto_tx.bytesPerCycle": 1, "top.nic.crypto_tx.latency": 0, "top.nic.crypto_tx.keySetupCycles": 0, "top.nic.sacache.lookupCycles": 0 };
    // Two bulk jobs, one on each engine; gold's comes at cycle 100 and suspends the long one.
    const jobs: HarnessJob[] = [
      { dataBytes: 3200, sa: 0, queue: 0 },
      { dataBytes: 400, sa: 1, queue: 0 },
      { dataBytes: 3200, sa: 2, queue: 7, atCycle: 100 },
    ];
    const run = (contextStore: string) => {
      const result = runCryptoJobs({ ...parameters, "top.nic.crypto_tx.contextStore": contextStore }, jobs, strictFrom(7));
      expect(result.counts.saves).toBe(1);
      return result.done.map((time) => time / result.period);
    };
    const perEngine = run("per-engine");
    const shared = run("shared");
    // Gold and the short bulk job are alike either way.
    expect(shared[1]).toBe(perEngine[1]);
    expect(shared[2]).toBe(perEngine[2]);
    // Per engine the long job finishes after gold's 3,200 cycles and its own rest; shared, it goes on in the other engine once the short job is done (cycle 402).
    expect(perEngine[0]).toBeGreaterThan(perEngine[2]! + 3000);
    expect(shared[0]).toBeLessThan(perEngine[2]! + 300);
  });

  // From an outside check: at 1 byte a cycle a restore (4 cycles) and a block (16) outlast a check interval (8), and a resumed job sent back at its first check point gained nothing.
  test("with cutsBeforeProgressOwed, a resumed job whose resumes keep being lost is owed progress, between strict jobs that leave it less than a check interval; without, it gains nothing", () => {
    const parameters = { "top.nic.crypto_tx.bytesPerCycle": 1, "top.nic.crypto_tx.checkInterval": 8, "top.nic.crypto_tx.saveCycles": 4, "top.nic.crypto_tx.restoreCycles": 4 };
    const jobs: HarnessJob[] = [{ dataBytes: 9008, sa: 0, queue: 0 }, ...Array.from({ length: 150 }, (_, index) => ({ dataBytes: 48, sa: 1, queue: 7, atCycle: 100 + index * 56 }))];
    // Off (the default): 148 of 149 suspensions send the bulk job back to its slot with nothing gained, and one saves progress.
    const off = runCryptoJobs(parameters, jobs, strictFrom(7));
    expect(off.counts.saves).toBe(1);
    expect(off.counts.preemptions).toBe(149);
    const result = runCryptoJobs({ ...parameters, "top.nic.crypto_tx.cutsBeforeProgressOwed": 3 }, jobs, strictFrom(7));
    // After 3 such cuts it is owed progress.
    expect(result.counts.saves).toBeGreaterThan(20);
    expect(result.counts.preemptions).toBeLessThanOrEqual(4 * result.counts.saves);
    expect(result.counts.leastSaveProgress).toBeGreaterThanOrEqual(16);
    // So what it has left once the strict jobs are done is its size less a block a save at least.
    const leftCycles = (result.done[0]! - Math.max(...result.done.slice(1))) / result.period;
    expect(leftCycles).toBeLessThan(9008 - 16 * (result.counts.saves - 1));
  });

  // From an outside check: with one key slot every job switch sets a key up (40 cycles), and a strict job every 80 cycles pushed the bulk job out of the front during each of its key setups.
  test("with cutsBeforeProgressOwed, a job pushed out of an engine's front again and again is owed progress: it keeps its front, and gets on before the strict stream ends", () => {
    const parameters = { "top.nic.crypto_tx.keyCacheEntries": 1, "top.nic.crypto_tx.keySetupCycles": 40, "top.nic.crypto_tx.cutsBeforeProgressOwed": 3 };
    const strict = Array.from({ length: 600 }, (_, index) => ({ dataBytes: 48, sa: 1, queue: 7, atCycle: 100 + index * 80 }));
    const result = runCryptoJobs(parameters, [{ dataBytes: 9008, sa: 0, queue: 0 }, ...strict], strictFrom(7));
    const cycle = (time: number) => (time - result.submitted) / result.period;
    // Off, it is saved once and then pushed out every time: done only after the stream (cycle 48,626 for its end at 48,020); owed progress after 3 cuts, at 13,574.
    expect(cycle(result.done[0]!)).toBeLessThan(20_000);
    expect(result.counts.saves).toBeGreaterThan(20);
  });

  // From an outside check: per engine, a backlogged priority class's 64-byte jobs took the engine whose 9000-byte job they had suspended whenever it freed; the job, which only that engine can resume, gained nothing in 6,000 resumes, and its class's later frames waited behind it in order.
  test("with cutsBeforeProgressOwed, per engine, a priority class of small jobs does not hold a suspended jumbo job for ever: its class gets what it gets with a shared store", () => {
    const configuration = (contextStore: string, cuts = 3) => ({
      label: `4 engines at 1 byte per cycle, contexts ${contextStore}`,
      cryptoEngines: 4,
      cryptoBytesPerCycle: 1,
      parameters: { "top.nic.tx.framesInFlight": 128, "top.nic.tx.bufferBytes": 1_048_576, "top.nic.crypto_tx.contextStore": contextStore, "top.nic.crypto_tx.cutsBeforeProgressOwed": cuts },
      classes: [
        { name: "gold", priorityPercent: 20, sizes: [64], offered: Infinity },
        { name: "mixed", bandwidthRemainingPercent: 33, sizes: [64, 9000], offered: Infinity },
        { name: "class-default", bandwidthRemainingPercent: 27, sizes: [9000], offered: Infinity },
      ],
    });
    // Over 1.5 ms one 9000-byte frame is 0.2 points of the line: either store moves by a point from one window to another.
    const perEngine = measureShares(configuration("per-engine"), 1500, 300);
    const shared = measureShares(configuration("shared"), 1500, 300);
    // Off (the default) it gets 0 of the line, for the closed form's 0.116 (0.108 with a shared store).
    expect(measureShares(configuration("per-engine", 0), 1500, 300).get("class-default")!).toBeLessThan(0.01);
    expect(perEngine.get("class-default")!).toBeGreaterThan(0.09);
    for (const name of ["gold", "mixed", "class-default"]) expect(Math.abs(perEngine.get(name)! - shared.get(name)!)).toBeLessThan(0.015);
  });

  test("a shared context store holds at most engines × contextSlots saved contexts in all", () => {
    const parameters = { "top.nic.crypto_tx.engines": 2, "top.nic.crypto_tx.latency": 0, "top.nic.crypto_tx.keySetupCycles": 0, "top.nic.crypto_tx.checkInterval": 1, "top.nic.crypto_tx.saveCycles": 4, "top.nic.crypto_tx.restoreCycles": 4, "top.nic.crypto_tx.contextSlots": 1, "top.nic.crypto_tx.contextStore": "shared", "top.nic.sacache.lookupCycles": 0 };
    const jobs: HarnessJob[] = [
      { dataBytes: 3200, sa: 0, queue: 3 },
      { dataBytes: 3200, sa: 1, queue: 3 },
      { dataBytes: 1600, sa: 2, queue: 5, atCycle: 10 },
      { dataBytes: 1600, sa: 2, queue: 5, atCycle: 11 },
      { dataBytes: 160, sa: 3, queue: 7, atCycle: 40 },
      { dataBytes: 160, sa: 3, queue: 7, atCycle: 41 },
    ];
    const engines: CryptoEngine[] = [];
    let result: ReturnType<typeof runCryptoJobs> | undefined;
    const most = watching((engine) => {
      if (!engines.includes(engine)) engines.push(engine);
      return engines.reduce((held, each) => held + each.contextsHeld, 0);
    }, () => (result = runCryptoJobs(parameters, jobs, strictFrom(5))));
    expect(most).toBeLessThanOrEqual(2);
    expect(result!.counts.saves).toBeGreaterThan(0);
    expect(result!.done.every((time) => Number.isFinite(time))).toBe(true);
  });

  test("an engine never holds more saved contexts than its slots, counting resumed jobs on their way back", () => {
    const parameters = { "top.nic.crypto_tx.engines": 2, "top.nic.crypto_tx.latency": 0, "top.nic.crypto_tx.keySetupCycles": 0, "top.nic.crypto_tx.checkInterval": 1, "top.nic.crypto_tx.saveCycles": 4, "top.nic.crypto_tx.restoreCycles": 4, "top.nic.crypto_tx.contextSlots": 1, "top.nic.sacache.lookupCycles": 0 };
    const jobs: HarnessJob[] = [
      { dataBytes: 3200, sa: 0, queue: 3 },
      { dataBytes: 96, sa: 1, queue: 7, atCycle: 1 },
      { dataBytes: 160, sa: 1, queue: 7, atCycle: 2 },
      { dataBytes: 1600, sa: 1, queue: 7, atCycle: 3 },
      { dataBytes: 3200, sa: 2, queue: 5, atCycle: 4 },
      { dataBytes: 1600, sa: 2, queue: 0, atCycle: 4 },
      { dataBytes: 3200, sa: 2, queue: 6, atCycle: 20 },
      { dataBytes: 200, sa: 2, queue: 6, atCycle: 110 },
    ];
    let result: ReturnType<typeof runCryptoJobs> | undefined;
    const most = watching((engine) => engine.contextsHeld, () => (result = runCryptoJobs(parameters, jobs, strictFrom(3))));
    expect(most).toBe(1);
    expect(result!.counts.saves).toBeGreaterThan(0);
    expect(result!.done.every((time) => Number.isFinite(time))).toBe(true);
  });

  test("pipeline depth 1 runs strict jobs one after another as it does bandwidth ones: only a job that suspends another may join it", () => {
    const jobs = (queue: number): HarnessJob[] => Array.from({ length: 10 }, () => ({ dataBytes: 16, sa: 0, queue }));
    const parameters = { "top.nic.crypto_tx.pipelineDepth": 1, "top.nic.crypto_tx.latency": 20 };
    const cycles = (result: ReturnType<typeof runCryptoJobs>) => (Math.max(...result.done) - result.submitted) / result.period;
    let strict: ReturnType<typeof runCryptoJobs> | undefined;
    let bandwidth: ReturnType<typeof runCryptoJobs> | undefined;
    expect(watching((engine) => engine.occupancy, () => (strict = runCryptoJobs(parameters, jobs(7), strictFrom(7))))).toBe(1);
    expect(watching((engine) => engine.occupancy, () => (bandwidth = runCryptoJobs(parameters, jobs(0), strictFrom(7))))).toBe(1);
    // Each job alone: lookup 2 + key setup 10 (the first) + 1 data + 20 latency.
    expect(cycles(strict!)).toBe(cycles(bandwidth!));
    expect(cycles(bandwidth!)).toBe(1 + 12 + 21 + 9 * 23);
  });
});

// From an architect's check: a dense priority class of 64-byte frames left bulk nothing under preempt-restart (and 60 % under preempt-resume), and no figure said where the engines' time went.
test("what preemption costs the data paths is counted: their busy time less the work thrown away and the saving and restoring is the jobs' own, under every policy", () => {
  const parameters = (policy: string, bytesPerCycle = 4, more: Record<string, number> = {}) => ({ "top.nic.crypto_tx.engines": 1, "top.nic.crypto_tx.bytesPerCycle": bytesPerCycle, "top.nic.crypto_tx.policy": policy, ...Object.fromEntries(Object.entries(more).map(([name, value]) => [`top.nic.crypto_tx.${name}`, value])) });
  const bulk: HarnessJob[] = Array.from({ length: 6 }, (_, index) => ({ dataBytes: 1504, sa: index, queue: 1 }));
  const priority: HarnessJob[] = Array.from({ length: 40 }, (_, index) => ({ dataBytes: 68, sa: 6 + (index % 2), queue: 7, atCycle: 10 + 25 * index }));
  const jobs = [...bulk, ...priority];
  const own = jobs.reduce((cycles, job) => cycles + Math.ceil(job.dataBytes / 4), 0);
  const results = Object.fromEntries(["run-to-completion", "preempt-resume", "preempt-restart"].map((policy) => [policy, runCryptoJobs(parameters(policy), jobs, strictFrom(7))]));
  for (const [policy, { counts, period }] of Object.entries(results)) {
    expect(counts.jobs, policy).toBe(jobs.length);
    expect((counts.busyPicoseconds - counts.lostPicoseconds - counts.switchPicoseconds) / period, policy).toBeCloseTo(own, 6);
  }
  const completion = results["run-to-completion"]!.counts;
  expect([completion.preemptions, completion.lostPicoseconds, completion.switchPicoseconds]).toEqual([0, 0, 0]);
  const resume = results["preempt-resume"]!;
  expect(resume.counts.saves).toBeGreaterThan(10);
  // Each save is whole; a restore may be cut short by the next job, so restoring takes at most its cycles per save.
  const { saveCycles, restoreCycles } = { saveCycles: 4, restoreCycles: 4 };
  expect(resume.counts.switchPicoseconds).toBeGreaterThanOrEqual(resume.counts.saves * saveCycles * resume.period);
  expect(resume.counts.switchPicoseconds).toBeLessThanOrEqual(resume.counts.saves * (saveCycles + restoreCycles) * resume.period);
  const restart = results["preempt-restart"]!.counts;
  expect(restart.restarts).toBeGreaterThan(10);
  expect(restart.switchPicoseconds).toBe(0);
  // A bulk job takes 376 cycles and a priority job comes every 25: each restart throws away up to 25 cycles of bulk work, and more than the resumed saves cost.
  expect(restart.lostPicoseconds).toBeGreaterThan(resume.counts.switchPicoseconds);
  // From a re-check: a save or restore of 0 cycles still holds the data path to the next edge, which went uncounted, and a check's progress of part blocks (5 or 6 bytes a cycle) was counted lost in fractions of a cycle.
  for (const [bytesPerCycle, more] of [[5, { saveCycles: 0, restoreCycles: 0, checkInterval: 1 }], [6, { checkInterval: 3 }], [5, { saveCycles: 4, restoreCycles: 0 }], [7, { saveCycles: 0, restoreCycles: 4, contextSlots: 1 }]] as const) {
    const mine = jobs.reduce((cycles, job) => cycles + Math.ceil(job.dataBytes / bytesPerCycle), 0);
    const { counts, period } = runCryptoJobs(parameters("preempt-resume", bytesPerCycle, more), jobs, strictFrom(7));
    expect(counts.saves, JSON.stringify(more)).toBeGreaterThan(5);
    expect((counts.busyPicoseconds - counts.lostPicoseconds - counts.switchPicoseconds) / period, `${bytesPerCycle} bytes a cycle, ${JSON.stringify(more)}`).toBe(mine);
  }
});

// From an architect's check: with bulk's TX buffer part holding few jumbo frames, bulk seldom had a job waiting, and a priority class far over its rate took the engines: 0.29 of the line where its policer gives 0.11, bulk 20 % short.
test("over its rate a priority class suspends no job of another class, nor keeps a suspended one waiting: it takes only what that class leaves", () => {
  const parameters = { "top.nic.crypto_tx.engines": 1, "top.nic.crypto_tx.bytesPerCycle": 4, "top.nic.crypto_tx.policy": "preempt-resume" };
  // Priority, policed to 10 % of the engine: a 68-byte job (17 cycles) every 20 cycles, 85 %; its bucket (two jumbo frames) is spent by cycle 7000.
  const priority: HarnessJob[] = Array.from({ length: 1200 }, (_, index) => ({ dataBytes: 68, sa: 1 + (index % 2), queue: 7, atCycle: 20 * index }));
  // Bulk from then: one 4000-byte job (1000 cycles) at a time, the next due after the last is done: never one waiting behind another.
  const bulk: HarnessJob[] = Array.from({ length: 8 }, (_, index) => ({ dataBytes: 4000, sa: 0, queue: 1, atCycle: 10_000 + 1500 * index }));
  const schedules = new Map([
    [7, { strict: true, percent: 10, remaining: 0 }],
    [1, { strict: false, percent: 0, remaining: 100 }],
  ]);
  const result = runCryptoJobs(parameters, [...bulk, ...priority], schedules);
  const cycles = (index: number) => (result.done[index]! - result.submitted) / result.period - bulk[index]!.atCycle!;
  // Each bulk job takes its 1000 cycles and what the policer lets the priority class take from them (10 %, with the saving and restoring), not the 85 % offered: 2700 cycles before.
  for (let index = 0; index < bulk.length; index++) expect(cycles(index), `bulk job ${index}`).toBeLessThan(1000 / 0.9 + 150);
  expect(result.counts.preemptions).toBeGreaterThan(0);
});
