import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";
import { laneChooser } from "../../system/scenario/spread.js";
import { oneStreamScenario } from "./scenario-fixture.js";

const SAS = 16;
const ZIPF = oneStreamScenario({ sas: SAS, spread: "zipf" });

/** The SA of each of the first packets of each flow, under a seed. */
function lanes(seed: number): number[][] {
  const design = buildScenario(parseScenarioText(ZIPF, "s.yaml", { seed }));
  return design.top.traffic.flows.map((flow) => Array.from({ length: 200 }, (_, sequence) => flow.laneOf(sequence)));
}

describe("the zipf spread over a customer's SAs", () => {
  test("gives SA k a share of 1/k over the harmonic number", () => {
    const harmonic = Array.from({ length: SAS }, (_, index) => 1 / (index + 1)).reduce((sum, weight) => sum + weight, 0);
    const laneOf = laneChooser("zipf", SAS, 12345);
    const counts = new Array<number>(SAS).fill(0);
    const draws = 200_000;
    for (let sequence = 0; sequence < draws; sequence++) counts[laneOf(sequence)]!++;
    for (let lane = 0; lane < SAS; lane++) expect(Math.abs(counts[lane]! / draws - 1 / (lane + 1) / harmonic), `SA ${lane + 1}`).toBeLessThan(0.005);
  });

  test("draws other SAs under another seed (a sweep over seeds resamples it), the same under the same seed, and others for each direction", () => {
    const first = lanes(1);
    expect(lanes(1)).toEqual(first);
    expect(lanes(2)[0]).not.toEqual(first[0]);
    expect(first[1]).not.toEqual(first[0]);
  });
});
