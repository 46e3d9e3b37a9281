import { describe, expect, test } from "vitest";
import { closestName, closestNames, didYouMean, didYouMeanAny } from "../../sim/suggest.js";

describe("did you mean", () => {
  test("names equally near are all offered, in the candidates' order; the nearest alone is what closestName gives", () => {
    const options = ["--seed", "--set", "--out", "--quiet"];
    expect(closestNames("--sed", options)).toEqual(["--seed", "--set"]);
    expect(didYouMeanAny("--sed", options)).toBe(" (did you mean one of --seed, --set?)");
    expect(closestName("--sed", options)).toBe("--seed");
    // A nearer candidate after a farther one replaces it, and ties with the farther are not kept.
    expect(closestNames("queus", ["queries", "queues", "queue"])).toEqual(["queues", "queue"]);
    expect(didYouMeanAny("--qiet", options)).toBe(" (did you mean --quiet?)");
    expect(didYouMean("--bogus", options)).toBe("");
    expect(closestNames("x", ["y", "xy"])).toEqual([]);
  });
});
