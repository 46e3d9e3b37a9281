import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { formatScenarioSummary } from "../../system/scenario/summary.js";

describe("the table nicsim run prints", () => {
  test("its columns line up when a class's name is longer than the heading's column (class-default (0))", () => {
    const { summary } = runScenario(
      checkScenario({
        name: "untagged",
        durationMicroseconds: 20,
        customers: [{ name: "a", identity: { type: "ID_KEY_ID", value: "a" } }],
        traffic: [{ name: "s", customer: "a", direction: "both", packetBytes: 200, gapMicroseconds: 5 }],
        outputs: { waveform: false, pcap: false, html: false },
      }),
      { directory: null },
    );
    const lines = formatScenarioSummary(summary).split("\n");
    const heading = lines.find((line) => line.includes("direction  received"))!;
    const rows = lines.filter((line) => / to-(peer|host) /.test(line));
    expect(rows.some((row) => row.includes("class-default (0)"))).toBe(true);
    for (const row of rows) expect(row.indexOf(" to-"), row).toBe(heading.indexOf(" direction"));
  });
});
