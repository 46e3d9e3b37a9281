import { describe, expect, test } from "vitest";
import { BANK_WIDTHS } from "../../sim/demo/synthetic.js";
import { changesByPath, readVcd } from "../support/read-vcd.js";
import { runPipeline, runSynthetic } from "../support/run-design.js";

/** What the dump must say, derived from the banks' own write log: the last write per time, when it changed. */
function expectedChanges(log: Array<{ time: number; path: string; value: number | bigint }>) {
  const last = new Map<string, Map<number, bigint>>();
  for (const { time, path, value } of log) {
    let perTime = last.get(path);
    if (!perTime) last.set(path, (perTime = new Map()));
    perTime.set(time, BigInt(value));
  }
  const expected = new Map<string, Array<{ time: number; value: bigint }>>();
  for (const [path, perTime] of last) {
    const list = [{ time: 0, value: 0n }];
    for (const [time, value] of [...perTime].sort((a, b) => a[0] - b[0])) if (value !== list[list.length - 1]!.value) list.push({ time, value });
    expected.set(path, list);
  }
  return expected;
}

describe("VCD read back", () => {
  test("hierarchy and every value change match what the synthetic design did", async () => {
    const { design, text, log } = runSynthetic({ seed: 7, cycles: 300, log: true, parameters: { top: { banks: 6 } } });
    const parsed = await readVcd(text);
    expect(parsed.timescale).toBe("1ps");
    const declared = design.kernel.signals.map((signal) => `${signal.kind} ${signal.width} ${signal.path}`).concat(design.kernel.events.map((event) => `event 1 ${event.path}`));
    expect(parsed.variables.map(({ path, type, width }) => `${type} ${width} ${path}`).sort()).toEqual(declared.sort());
    expect(parsed.variables.filter((variable) => variable.path.startsWith("top.bank03.")).map((variable) => variable.width)).toEqual([2, ...BANK_WIDTHS]);
    const actual = changesByPath(parsed);
    const expected = expectedChanges(log);
    expect(expected.size).toBe(6 * 9);
    for (const [path, changes] of expected) expect(actual.get(path), path).toEqual(changes);
    expect(actual.get("top.enable")).toEqual([{ time: 0, value: 1n }]);
    expect(parsed.endTime).toBe(300 * 4000);
    // Timestamps only where something changed, and strictly increasing.
    const stamps = text.split("\n").filter((line) => line.startsWith("#")).map((line) => Number(line.slice(1)));
    expect(stamps).toEqual([...new Set(stamps)].sort((a, b) => a - b));
  });

  test("idle skipping evaluates far fewer edges and changes nothing in the dump, clocks included", async () => {
    const options = { seed: 3, cycles: 20_000, traceClocks: true, parameters: { "top.banks": 4, "top.gapNanoseconds": 20_000, "top.burstCycles": 50 } };
    const skipping = runSynthetic({ ...options, skipIdle: true });
    const ticking = runSynthetic({ ...options, skipIdle: false });
    expect(skipping.text).toBe(ticking.text);
    expect(skipping.design.kernel.statistics.edgesEvaluated).toBeLessThan(ticking.design.kernel.statistics.edgesEvaluated / 10);
    expect(ticking.design.kernel.statistics.edgesEvaluated).toBe(20_000);
    const parsed = await readVcd(skipping.text);
    const clock = changesByPath(parsed).get("top.clk")!;
    // A 4 ns clock drawn high at each edge (4, 8, ... ns) and low 2 ns later, across skipped edges too.
    expect(clock.slice(0, 4)).toEqual([{ time: 0, value: 0n }, { time: 4000, value: 1n }, { time: 6000, value: 0n }, { time: 8000, value: 1n }]);
    expect(clock.length).toBe(1 + 2 * 20_000 - 1);
    expect(parsed.changes.filter((change) => change.path === "top.burst_start").length).toBe(Math.floor((20_000 * 4) / (20_000 + 50 * 4)));
  });

  test("scope and window selection dump only what was asked, with the window's first values in $dumpvars", async () => {
    const full = await readVcd(runSynthetic({ seed: 5, cycles: 500, parameters: { "top.banks": 4 } }).text);
    const { text } = runSynthetic({ seed: 5, cycles: 500, parameters: { "top.banks": 4 }, selection: { scopes: ["top.bank0?.s1", "top.*.mode"], exclude: ["top.bank03.**"], from: 400_000, to: 1_200_000 } });
    const window = await readVcd(text);
    expect(window.variables.map((variable) => variable.path).sort()).toEqual(["top.bank00.mode", "top.bank00.s1", "top.bank01.mode", "top.bank01.s1", "top.bank02.mode", "top.bank02.s1"]);
    expect(window.changes[0]!.time).toBe(400_000);
    expect(window.endTime).toBe(1_200_000);
    const fullChanges = changesByPath(full);
    for (const [path, changes] of changesByPath(window)) {
      const reference = fullChanges.get(path)!;
      const before = reference.filter((change) => change.time <= 400_000).at(-1)!;
      expect(changes[0], path).toEqual({ time: 400_000, value: before.value });
      expect(changes.slice(1), path).toEqual(reference.filter((change) => change.time > 400_000 && change.time <= 1_200_000));
    }
    expect(() => runSynthetic({ cycles: 1, selection: { scopes: ["top nic"] } })).toThrow("trace scope pattern 'top nic' is not a dotted name pattern");
  });

  test("the demonstration pipeline dumps enums, events and both clock domains consistently", async () => {
    const { text, result, design } = runPipeline({ seed: 11 });
    expect(result.reason).toBe("stopped");
    const parsed = await readVcd(text);
    const changes = changesByPath(parsed);
    const sent = changes.get("top.producer.words_sent")!;
    expect(sent.at(-1)!.value).toBe(BigInt(design.top.requested.value));
    // words_sent counts up by one at each change: no lost or duplicated push.
    sent.slice(1).forEach((change, index) => expect(change.value).toBe(BigInt(index + 1)));
    expect(parsed.changes.filter((change) => change.path === "top.consumer.word_done").length).toBe(design.top.requested.value);
    expect(new Set(changes.get("top.producer.state")!.map((change) => change.value))).toEqual(new Set([0n, 1n, 2n]));
  });
});
