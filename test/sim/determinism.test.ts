import { describe, expect, test } from "vitest";
import { Random } from "../../sim/random.js";
import { runPipeline, runSynthetic } from "../support/run-design.js";

describe("determinism", () => {
  test("registering components in shuffled orders gives a byte-identical VCD", () => {
    const options = { seed: 21, cycles: 400, traceClocks: true, parameters: { "top.banks": 12 } };
    const reference = runSynthetic(options).text;
    const shuffler = Random.derive(99, "test.shuffle");
    for (let attempt = 0; attempt < 3; attempt++) {
      const order = shuffler.shuffled(Array.from({ length: 12 }, (_, index) => index));
      const { text, design } = runSynthetic({ ...options, order: () => order });
      expect(design.top.banks[0]!.clock.members.map((member) => member.path)).not.toEqual(design.top.banks.map((bank) => bank.path));
      expect(text).toBe(reference);
    }
  });

  test("one seed gives byte-identical dumps; another seed differs", () => {
    expect(runSynthetic({ seed: 1, cycles: 300, parameters: { "top.banks": 4 } }).text).toBe(runSynthetic({ seed: 1, cycles: 300, parameters: { "top.banks": 4 } }).text);
    expect(runSynthetic({ seed: 2, cycles: 300, parameters: { "top.banks": 4 } }).text).not.toBe(runSynthetic({ seed: 1, cycles: 300, parameters: { "top.banks": 4 } }).text);
    expect(runPipeline({ seed: 4 }).text).toBe(runPipeline({ seed: 4 }).text);
    expect(runPipeline({ seed: 5 }).text).not.toBe(runPipeline({ seed: 4 }).text);
  });
});

describe("random streams", () => {
  test("are reproducible per seed and name, and independent across names", () => {
    const draw = (seed: number, name: string) => Array.from({ length: 8 }, ((random) => () => random.nextUint32())(Random.derive(seed, name)));
    expect(draw(1, "top.a")).toEqual(draw(1, "top.a"));
    expect(draw(1, "top.a")).not.toEqual(draw(1, "top.b"));
    expect(draw(1, "top.a")).not.toEqual(draw(2, "top.a"));
    expect(draw(2 ** 40, "top.a")).not.toEqual(draw(2 ** 40 + 2 ** 32, "top.a"));
  });

  test("draw uniformly: integers cover their range evenly, floats stay in [0, 1)", () => {
    const random = Random.derive(5, "uniformity");
    const counts = new Array(10).fill(0);
    for (let index = 0; index < 100_000; index++) counts[random.integer(0, 9)]++;
    // Chi-square with 9 degrees of freedom: 27.9 is the 0.1% critical value.
    const chiSquare = counts.reduce((sum, count) => sum + (count - 10_000) ** 2 / 10_000, 0);
    expect(chiSquare).toBeLessThan(27.9);
    for (let index = 0; index < 10_000; index++) {
      const value = random.float();
      expect(value >= 0 && value < 1).toBe(true);
    }
    const mean = Array.from({ length: 50_000 }, () => random.exponential(3)).reduce((a, b) => a + b) / 50_000;
    expect(mean).toBeGreaterThan(2.9);
    expect(mean).toBeLessThan(3.1);
  });
});
