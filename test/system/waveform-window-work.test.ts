import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { changesByPath, readVcd } from "../../sim/vcd/read-vcd.js";

/** The default scenario, short, with small read requests: many read pieces per frame, each shown when the DMA's signals are recorded. */
const SHORT = { durationMicroseconds: 60, "nic.dma.maxReadRequest": 64 };

test("a waveform's window costs the model's work only while it is open: outside it the DMA does not run on every read piece (a 1 µs window cost 1.8 times the component evaluations of no waveform at all, a window after the run as much: a performance engineer's check)", async () => {
  const work = (overrides: Record<string, unknown>, directory: string | null) => runScenario(defaultScenario({ ...SHORT, ...overrides }), { directory }).design.kernel.statistics;
  const none = work({ "outputs.waveform": false }, null);
  const windowed = join(mkdtempSync(join(tmpdir(), "nicsim-window-")), "out");
  const window = work({ "outputs.waveformFromMicroseconds": 1600, "outputs.waveformToMicroseconds": 1605 }, windowed);
  const whole = join(mkdtempSync(join(tmpdir(), "nicsim-window-")), "out");
  const all = work({}, whole);
  // The window's opening is a timestep of its own; the DMA is woken a cycle before it, and runs on every piece for its five microseconds.
  expect(window.timesteps - none.timesteps).toBeLessThan(0.05 * none.timesteps);
  // The whole waveform does cost its pieces: what the window saves is real.
  expect(all.componentEvaluations).toBeGreaterThan(1.3 * none.componentEvaluations);
  // Five microseconds of it cost a tenth of what the whole dump costs, at most (258 evaluations of 4,669; before batched descriptor fetches, 244 of 4,586, then held as 5 % of the run's own 5,057).
  expect(window.componentEvaluations - none.componentEvaluations).toBeLessThan(0.1 * (all.componentEvaluations - none.componentEvaluations));
  // And the window shows what the whole dump shows over its five microseconds, the DMA's signals included.
  const inWindow = async (directory: string) =>
    (await readVcd(readFileSync(join(directory, "default.vcd")), (path, time) => path.startsWith("top.nic.dma.") && time >= 1_600_000_000 && time <= 1_605_000_000)).changes;
  const fromWindow = await inWindow(windowed);
  expect(fromWindow.some((change) => change.path === "top.nic.dma.reads_in_flight" && change.time > 1_600_000_000)).toBe(true);
  expect(fromWindow.filter((change) => change.time > 1_600_000_000)).toEqual((await inWindow(whole)).filter((change) => change.time > 1_600_000_000));
}, 120_000);

test("a window that opens after the run has ended holds the values at the run's end, as the run's warning says (it wrote zeros: a user's check)", async () => {
  const directory = join(mkdtempSync(join(tmpdir(), "nicsim-window-")), "out");
  const run = runScenario(defaultScenario({ durationMicroseconds: 20, "outputs.waveformFromMicroseconds": 100_000, "outputs.waveformToMicroseconds": 100_001 }), { directory });
  const parsed = await readVcd(readFileSync(join(directory, "default.vcd")), (path) => path === "top.driver.base.tx_frames" || path === "top.driver.base.ready");
  const last = (path: string) => parsed.changes.filter((change) => change.path === path).at(-1)?.value;
  expect(parsed.startTime).toBe(run.design.kernel.now);
  expect(last("top.driver.base.ready")).toBe(1n);
  expect(last("top.driver.base.tx_frames")).toBe(BigInt(run.design.top.driver.base.statistics.txFrames));
  expect(run.design.top.driver.base.statistics.txFrames).toBeGreaterThan(0);
}, 60_000);

test("a window opening mid-run starts with the ring engines' signals exact: unwatched, an engine skips the edges that would only draw its state back to IDLE, and the window's opening wakes it to draw them", async () => {
  const whole = join(mkdtempSync(join(tmpdir(), "nicsim-window-")), "out");
  runScenario(defaultScenario(SHORT), { directory: whole });
  const engines = (path: string) => /^top\.nic\.(tx|rx)\.(state|buffer_used|frames_reading|dropped|q\d+\.(head|tail|enabled|fault|descriptors_cached|frames_pending))$/.test(path);
  const wholeChanges = changesByPath(await readVcd(readFileSync(join(whole, "default.vcd")), engines));
  const valueAt = (changes: Map<string, Array<{ time: number; value: bigint }>>, path: string, time: number) => changes.get(path)?.filter((change) => change.time <= time).at(-1)?.value;
  // Windows opening a nanosecond after each engine's state went back to IDLE, and after it left IDLE: where a lazy engine would show its last run's state.
  const opening = (path: string, toIdle: boolean) => wholeChanges.get(path)!.find((change, index) => index > 3 && (change.value === 0n) === toIdle)!.time + 1000;
  const starts = [opening("top.nic.tx.state", true), opening("top.nic.tx.state", false), opening("top.nic.rx.state", true), opening("top.nic.rx.state", false)];
  for (const start of starts) {
    const from = start / 1_000_000;
    const windowed = join(mkdtempSync(join(tmpdir(), "nicsim-window-")), "out");
    runScenario(defaultScenario({ ...SHORT, "outputs.waveformFromMicroseconds": from, "outputs.waveformToMicroseconds": from + 2 }), { directory: windowed });
    const windowChanges = changesByPath(await readVcd(readFileSync(join(windowed, "default.vcd")), engines));
    expect([...windowChanges.keys()].sort()).toEqual([...wholeChanges.keys()].sort());
    for (const path of wholeChanges.keys()) {
      expect(valueAt(windowChanges, path, start), `${path} as the window opens at ${from} µs`).toBe(valueAt(wholeChanges, path, start));
      const inside = (changes: Map<string, Array<{ time: number; value: bigint }>>) => changes.get(path)!.filter((change) => change.time > start && change.time <= start + 2_000_000);
      expect(inside(windowChanges), `${path} inside the window from ${from} µs`).toEqual(inside(wholeChanges));
    }
  }
}, 120_000);

// From a differential check: while IMS writes with no cause pending skipped the interrupt block's edge, a dump whose window opened later began with a
// stale IMS (that skip is gone: it also changed how runs ended). Unwatched ring engines skip doorbells they have no use for yet, and a window's opening wakes them.
test("a window opening mid-run shows the interrupt block's and ring engines' signals as the whole dump does", async () => {
  const signals = (path: string) => /^top\.nic\.(interrupts\.(cause|mask)|tx\.buffer_used|(tx|rx)\.q\d+\.(tail|frames_pending))$/.test(path);
  const lastAt = (changes: Map<string, Array<{ time: number; value: bigint }>>, path: string, time: number) => changes.get(path)?.filter((change) => change.time <= time).at(-1)?.value;
  const dump = async (overrides: Record<string, unknown>) => {
    const directory = join(mkdtempSync(join(tmpdir(), "nicsim-window-")), "out");
    runScenario(defaultScenario({ durationMicroseconds: 1100, ...overrides }), { directory });
    return { changes: changesByPath(await readVcd(readFileSync(join(directory, "default.vcd")), signals)) };
  };
  const whole = await dump({});
  const opening = await dump({ "outputs.waveformFromMicroseconds": 1000, "outputs.waveformToMicroseconds": 1030 });
  expect([...opening.changes.keys()].sort()).toEqual([...whole.changes.keys()].sort());
  for (const path of whole.changes.keys()) {
    expect(lastAt(opening.changes, path, 1_000_000_000), `${path} as the window opens at 1000 µs`).toBe(lastAt(whole.changes, path, 1_000_000_000));
  }
}, 120_000);
