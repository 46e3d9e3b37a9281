import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { EXPERIMENTS, formatValidation, runValidation, validationMarkdown } from "../../system/validation/suite.js";
import { describeTolerance, verdict } from "../../system/validation/experiment.js";
import { FLOOR } from "../../system/validation/kernel-work.js";

describe("nicsim validate: the model against closed forms", () => {
  test("the fast subset: every quantity of every experiment is within its tolerance", async () => {
    const report = await runValidation({ scale: "fast" });
    expect(report.experiments.map((experiment) => experiment.name)).toEqual(EXPERIMENTS.map((experiment) => experiment.name));
    const failed = report.experiments.flatMap((experiment) => experiment.rows).filter((row) => !row.pass);
    expect(failed.map((row) => `${row.experiment}: ${row.quantity}: expected ${row.expected}, measured ${row.measured}`)).toEqual([]);
    expect(report.rows).toBeGreaterThan(60);
    // Every experiment measured something, and the report states each closed form beside its table.
    for (const experiment of report.experiments) expect(experiment.rows.length, experiment.name).toBeGreaterThan(0);
    const markdown = validationMarkdown(report, "nicsim validate --fast");
    for (const experiment of report.experiments) expect(markdown).toContain(experiment.closedForm);
    expect(formatValidation(report)).toMatch(/\d+ of \d+ within tolerance \(fast scale\)\n$/);
    // About 55 s alone; 143 s on 2 cores beside other work, which the 120 s this had did not allow.
  }, 300_000);

  test("a work budget fails a figure over it, and one under its floor: a counter that stopped counting (0) passed a ceiling alone", () => {
    const budget = (measured: number) => verdict({ quantity: "timesteps per frame", unit: "timesteps", expected: 6.3, measured, tolerance: { kind: "budget", floor: 6.3 * FLOOR } });
    expect([0, 4.7, 4.725, 6.02, 6.3, 6.31, Number.NaN].map(budget)).toEqual([false, false, true, true, true, false, false]);
    expect(describeTolerance({ kind: "budget", floor: 4.725 }, "timesteps")).toBe("≤ expected, ≥ 4.725");
  });

  test("an experiment that is not there is named, with the ones that are", async () => {
    await expect(runValidation({ scale: "fast", only: ["wire-rat"] })).rejects.toThrow("no experiment named wire-rat; the experiments are wire-rate, dma, crypto, shares, rx-shares, preemption, host-cpu, accounting, kernel-work");
  });

  test("docs/validation.md is a full run in which every quantity passed (npm run validate)", () => {
    expect(existsSync("docs/validation.md")).toBe(true);
    const text = readFileSync("docs/validation.md", "utf8");
    expect(text).toContain("(full scale)");
    expect(text).not.toMatch(/\| FAIL \|/);
    const json = JSON.parse(readFileSync("docs/validation.json", "utf8")) as { failed: number; rows: number; experiments: { name: string }[] };
    expect(json.failed).toBe(0);
    expect(json.experiments.map((experiment) => experiment.name)).toEqual(EXPERIMENTS.map((experiment) => experiment.name));
  });
});
