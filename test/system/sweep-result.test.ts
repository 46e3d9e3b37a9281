import { describe, expect, test } from "vitest";
import { describeEnding, type RunEnding } from "../../system/scenario/run-ending.js";
import { SweepResultSchema } from "../../system/scenario/sweep-result.js";

describe("a sweep row's outcome: the words a run's ending is given, and nothing else", () => {
  const endings: RunEnding[] = [
    { kind: "arrived" },
    { kind: "accounted", quietMicroseconds: 100, dropped: 17 },
    { kind: "not-arrived", quietMicroseconds: 100.5 },
    { kind: "stopped", message: "scoreboard: TX sequence numbers went backwards on SPI 0x1001" },
    { kind: "drain-limit" },
  ];
  const outcome = SweepResultSchema.shape.outcome;

  test.each(endings.map((ending) => [ending.kind, describeEnding(ending)] as const))("%s: %s", (_, words) => {
    expect(outcome.safeParse(words).success).toBe(true);
  });

  test.each(["LEAKED every packet arrived", "every packet arrived\u001b[31m", "stopped: \n", ""])("refused: %j", (words) => {
    expect(outcome.safeParse(words).success).toBe(false);
  });
});
