import { PREEMPTION_POLICIES, type PreemptionPolicy } from "../../sim/crypto/preemption-policy.js";
import { Random } from "../../sim/random.js";
import { runCryptoJobs, type HarnessJob } from "./crypto-harness.js";
import { cryptoParameters } from "../../hw/ipsec/crypto-parameters.js";
import { DEFAULT_CRYPTO, strictWaitBound } from "./crypto-closed-form.js";
import type { Experiment, Measurement, Scale } from "./experiment.js";

interface Variant {
  readonly bytesPerCycle: number;
  readonly checkInterval: number;
  readonly saveCycles: number;
  readonly policy: PreemptionPolicy;
  readonly engines: number;
  /**
   * A pipeline of this depth and latency, where not the engines' default: one deep, a job whose data is all in holds the only slot
   * until its result leaves; deeper, jobs shorter than the latency (smallJobs) may hold every slot.
   */
  readonly pipeline?: { readonly depth: number; readonly latency: number };
  /** Bulk jobs of 64 to 128 bytes (4 to 8 blocks), shorter than the latency at 16 bytes a cycle: they fill a pipeline's slots. */
  readonly smallJobs?: boolean;
  /** Suspended jobs' contexts in one store every engine reaches (they resume in whichever engine frees first). */
  readonly shared?: boolean;
  /** One jumbo bulk job and a stream of strict jobs, one every `gap` cycles over a range of gaps: they find it resumed, or being restored, again and again, until a resume of it is owed progress. */
  readonly streamed?: boolean;
  /** restoreCycles, where not the engines' default. */
  readonly restoreCycles?: number;
  /** keySetupCycles with one key slot, so that every job switch sets a key up: a strict job pushes a job out of the front during its key setup. */
  readonly keySetupCycles?: number;
}

/** cutsBeforeProgressOwed for the streams: owed progress is off by default. */
const STREAM_CUTS = 3;

/** The harness's restore, as the engines' default. */
const RESTORE_CYCLES = cryptoParameters.restoreCycles.defaultValue;

const VARIANTS: Record<Scale, readonly Variant[]> = {
  fast: [
    { bytesPerCycle: 16, checkInterval: 8, saveCycles: 4, policy: "preempt-resume", engines: 1 },
    { bytesPerCycle: 2, checkInterval: 8, saveCycles: 4, policy: "preempt-resume", engines: 1 },
    { bytesPerCycle: 16, checkInterval: 8, saveCycles: 4, policy: "preempt-restart", engines: 1 },
    { bytesPerCycle: 16, checkInterval: 8, saveCycles: 4, policy: "run-to-completion", engines: 2 },
    // From an architect's check: at a pipeline depth of 1, a strict job waited out a bulk job's tail (up to its latency), beyond checkInterval + saveCycles.
    { bytesPerCycle: 6, checkInterval: 8, saveCycles: 4, policy: "preempt-resume", engines: 1, pipeline: { depth: 1, latency: 60 } },
    // From an outside check: deeper, jobs whose data was all in held every slot, and a strict job waited 53 cycles for a bound of 12.
    { bytesPerCycle: 16, checkInterval: 8, saveCycles: 4, policy: "preempt-resume", engines: 1, pipeline: { depth: 2, latency: 60 }, smallJobs: true },
    { bytesPerCycle: 2, checkInterval: 8, saveCycles: 4, policy: "preempt-resume", engines: 2, shared: true },
    // From an outside check: a resumed job sent back at a check point inside its restore and first block gained nothing, and a priority class always waiting kept it so for ever.
    { bytesPerCycle: 1, checkInterval: 8, saveCycles: 4, policy: "preempt-resume", engines: 1, streamed: true },
  ],
  full: [
    ...[1, 2, 16, 64].flatMap((bytesPerCycle) =>
      [
        { checkInterval: 1, saveCycles: 0 },
        { checkInterval: 8, saveCycles: 4 },
        { checkInterval: 32, saveCycles: 16 },
      ].flatMap(({ checkInterval, saveCycles }) =>
        PREEMPTION_POLICIES.flatMap((policy) => [1, 2].map((engines) => ({ bytesPerCycle, checkInterval, saveCycles, policy, engines }))),
      ),
    ),
    ...[2, 16].flatMap((bytesPerCycle) =>
      [20, 60].flatMap((latency) => (["preempt-resume", "preempt-restart"] as const).map((policy) => ({ bytesPerCycle, checkInterval: 8, saveCycles: 4, policy, engines: 1, pipeline: { depth: 1, latency } }))),
    ),
    ...[2, 4, 8].flatMap((depth) =>
      [60, 150].flatMap((latency) => (["preempt-resume", "preempt-restart"] as const).flatMap((policy) => [1, 2].map((engines) => ({ bytesPerCycle: 16, checkInterval: 8, saveCycles: 4, policy, engines, pipeline: { depth, latency }, smallJobs: true })))),
    ),
    ...[1, 2, 16].flatMap((bytesPerCycle) => [2, 4].map((engines) => ({ bytesPerCycle, checkInterval: 8, saveCycles: 4, policy: "preempt-resume" as const, engines, shared: true }))),
    // A restore of 0 cycles still holds the data path to the next edge: a bound that counted it as none was exceeded (33 cycles for 20; from an outside check).
    ...[1, 2, 16].flatMap((bytesPerCycle) =>
      [
        { checkInterval: 1, saveCycles: 0 },
        { checkInterval: 8, saveCycles: 4 },
        { checkInterval: 16, saveCycles: 4 },
      ].flatMap(({ checkInterval, saveCycles }) => [0, 4, 20].map((restoreCycles) => ({ bytesPerCycle, checkInterval, saveCycles, policy: "preempt-resume" as const, engines: 1, streamed: true, restoreCycles }))),
    ),
    // From an outside check: with one key slot, a strict job pushed a job out of the front during each of its key setups, and its class sent nothing.
    ...[1, 4, 16].flatMap((bytesPerCycle) => [10, 40].map((keySetupCycles) => ({ bytesPerCycle, checkInterval: 8, saveCycles: 4, policy: "preempt-resume" as const, engines: 1, streamed: true, keySetupCycles }))),
  ],
};

/** Bulk (class 0) jobs back to back, every engine busy, and sparse strict (class 7) jobs at random cycles. */
function workload(seed: number, bulk: number, strict: number, variant: Variant): HarnessJob[] {
  const random = Random.derive(seed, "preemption-workload");
  const [fewest, most] = variant.smallJobs ? [4, 8] : [4, 562];
  // Small jobs take a tenth of the time or less: ten times as many keep the engines as busy.
  const queued = variant.smallJobs ? bulk * 10 : bulk;
  const jobs: HarnessJob[] = Array.from({ length: queued }, () => ({ dataBytes: random.integer(fewest, most) * 16, sa: random.integer(0, 2), queue: 0 }));
  let cycle = 50;
  for (let index = 0; index < strict; index++) {
    // Far enough apart that one strict job is done before the next: the bound is for a job no other strict job holds up.
    cycle += random.integer(400, 1200);
    jobs.push({ dataBytes: 64, sa: 3 + (index % 2), queue: 7, atCycle: cycle });
  }
  // More bulk arriving behind, so that the engines stay busy to the end.
  for (let index = 0; index < queued * variant.engines; index++) jobs.push({ dataBytes: random.integer(fewest, most) * 16, sa: random.integer(0, 2), queue: 0, atCycle: Math.floor((cycle * index) / (queued * variant.engines)) });
  return jobs;
}

/** A strict job's wait, its time in the queue plus its time ready but outside a data path, the longest of a run's, in cycles. */
function longestStrictWait(jobs: readonly HarnessJob[], result: ReturnType<typeof runCryptoJobs>): number {
  let longest = 0;
  jobs.forEach((job, position) => {
    if (job.queue !== 7) return;
    const stages = result.stages.get(position)!;
    const wait = stages.get("crypto-started")! - stages.get("crypto-queued")! + (stages.get("crypto-running")! - stages.get("crypto-ready")!);
    longest = Math.max(longest, wait / result.period);
  });
  return longest;
}

/** One 9008-byte bulk job and 60 strict jobs of 48 bytes, one every `gap` cycles, for each gap from just past a strict job's own time to 48 cycles more: some gap has each find the bulk job resumed as it comes. */
function streams(variant: Variant): HarnessJob[][] {
  // A strict job's own time, its front (lookup and key setup) and its data: a shorter gap queues strict jobs behind each other.
  const strictCycles = DEFAULT_CRYPTO.lookupCycles + (variant.keySetupCycles ?? DEFAULT_CRYPTO.keySetupCycles) + Math.ceil(48 / variant.bytesPerCycle);
  return Array.from({ length: 49 }, (_, step) => [{ dataBytes: 9008, sa: 0, queue: 0 }, ...Array.from({ length: 60 }, (__, index) => ({ dataBytes: 48, sa: 1, queue: 7, atCycle: 100 + index * (strictCycles + step) }))]);
}

export const preemption: Experiment = {
  name: "preemption",
  title: "Preemption: a strict job waits at most checkInterval + saveCycles (plus the latency with a one-deep pipeline; deeper, the latency less depth − 1 where that is longer; more behind a job owed progress), and no context is saved without progress",
  closedForm:
    "A job of a strict class (TX_SCHED.STRICT) that finds every engine's data path held by a lower class takes an engine's front stage at once; the job in " +
    "that data path is suspended at its next check point (at most checkInterval cycles away), its context saved in saveCycles (none under preempt-restart), " +
    "so the strict job's wait, its time in the queue plus its time ready but outside a data path, is at most checkInterval + saveCycles cycles " +
    "(checkInterval under preempt-restart). With a pipeline one job deep, a job whose data is all in holds the only slot until its result leaves, " +
    "so the bound grows by the engine's latency. Deeper, jobs whose data is all in (each shorter than the latency) may hold every slot: nothing is then suspended, " +
    "and the strict job waits for the oldest to leave, within the latency less a cycle for each of the others (each took the data path after it), so the bound is the longer of the two. Under run-to-completion nothing is suspended. A context is saved only with at least one whole 16-byte block of progress since the job last entered the data path. " +
    "Under preempt-resume with cutsBeforeProgressOwed set (it is off by default), a job sent back with nothing gained (out of an engine's front, or out of its data path before a block) that many times " +
    "is owed progress (else a strict class always waiting could hold it for ever): it keeps its front, and is suspended only once restored and owedProgress further (a block, or what " +
    "its restore and save take to run, if more). Behind it the wait is its front (lookupCycles + keySetupCycles) and ceil((max(1, restoreCycles) + owedProgress cycles) / checkInterval) " +
    "check intervals, at least one, plus saveCycles; streams of strict jobs through a jumbo job, over 49 gaps, with cutsBeforeProgressOwed 3, find such jobs.",
  run(scale) {
    const rows: Measurement[] = [];
    const [bulk, strict] = scale === "fast" ? [40, 30] : [60, 60];
    VARIANTS[scale].forEach((variant, index) => {
      const depth = variant.pipeline ? `, pipeline ${variant.pipeline.depth} deep of latency ${variant.pipeline.latency}${variant.smallJobs ? ", bulk jobs of 64 to 128 bytes" : ""}` : "";
      const label = `${variant.engines} engine${variant.engines > 1 ? "s" : ""}, ${variant.bytesPerCycle} B/cycle, check every ${variant.checkInterval}, save ${variant.saveCycles}${depth}, ${variant.policy}${variant.shared ? ", contexts shared" : ""}${variant.restoreCycles !== undefined ? `, restore ${variant.restoreCycles}` : ""}${variant.keySetupCycles !== undefined ? `, one key slot and key setups of ${variant.keySetupCycles}` : ""}${variant.streamed ? `, owed progress after ${STREAM_CUTS} cuts, a stream of strict jobs through a jumbo job` : ""}`;
      const parameters = {
        "top.nic.crypto_tx.bytesPerCycle": variant.bytesPerCycle,
        "top.nic.crypto_tx.checkInterval": variant.checkInterval,
        "top.nic.crypto_tx.saveCycles": variant.saveCycles,
        "top.nic.crypto_tx.restoreCycles": variant.restoreCycles ?? RESTORE_CYCLES,
        ...(variant.streamed ? { "top.nic.crypto_tx.cutsBeforeProgressOwed": STREAM_CUTS } : {}),
        ...(variant.keySetupCycles !== undefined ? { "top.nic.crypto_tx.keySetupCycles": variant.keySetupCycles, "top.nic.crypto_tx.keyCacheEntries": 1 } : {}),
        "top.nic.crypto_tx.policy": variant.policy,
        "top.nic.crypto_tx.engines": variant.engines,
        "top.nic.crypto_tx.contextSlots": 8,
        ...(variant.shared ? { "top.nic.crypto_tx.contextStore": "shared" } : {}),
        ...(variant.pipeline ? { "top.nic.crypto_tx.pipelineDepth": variant.pipeline.depth, "top.nic.crypto_tx.latency": variant.pipeline.latency } : {}),
      };
      let longest = 0;
      let result: ReturnType<typeof runCryptoJobs> | undefined;
      for (const jobs of variant.streamed ? streams(variant) : [workload(index + 1, bulk, strict, variant)]) {
        result = runCryptoJobs(parameters, jobs, new Map([[7, { strict: true, percent: 0, remaining: 0 }]]));
        longest = Math.max(longest, longestStrictWait(jobs, result));
      }
      if (!result) return;
      if (variant.policy === "run-to-completion") {
        // Nothing is suspended: the strict jobs wait for the jobs ahead of them.
        rows.push({ quantity: `${label}: preemptions`, unit: "count", expected: 0, measured: result.counts.preemptions, tolerance: { kind: "exact" } });
        return;
      }
      const bound = strictWaitBound({ ...variant, restoreCycles: variant.restoreCycles ?? RESTORE_CYCLES, lookupCycles: DEFAULT_CRYPTO.lookupCycles, keySetupCycles: variant.keySetupCycles ?? DEFAULT_CRYPTO.keySetupCycles, owed: variant.streamed === true, pipelineDepth: variant.pipeline?.depth ?? DEFAULT_CRYPTO.pipelineDepth, latency: variant.pipeline?.latency ?? DEFAULT_CRYPTO.latency });
      rows.push({ quantity: `${label}: longest strict-job wait`, unit: "cycles", expected: bound, measured: longest, tolerance: { kind: "at-most" } });
      // Jobs shorter than a check interval are seldom cut: there the wait is for the slots.
      if (!variant.smallJobs) rows.push({ quantity: `${label}: preemptions`, unit: "count", expected: 1, measured: result.counts.preemptions, tolerance: { kind: "at-least" } });
      if (variant.policy === "preempt-resume" && result.counts.saves > 0) {
        rows.push({ quantity: `${label}: least progress a save kept`, unit: "bytes", expected: 16, measured: result.counts.leastSaveProgress, tolerance: { kind: "at-least" } });
      }
    });
    return rows;
  },
};
