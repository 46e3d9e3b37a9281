import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { datasheetMarkdown } from "../../hw/spec/datasheet.js";
import { TX_DESCRIPTOR_FIELDS } from "../../hw/spec/descriptors.js";
import { readmeParameterTables } from "../../system/parameter-tables.js";
import { PLAIN_TRAFFIC_DEFAULTS } from "../../system/run-scenario.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { buildScenario } from "../../system/scenario/run.js";

const root = new URL("../..", import.meta.url).pathname;
const readme = readFileSync(`${root}README.md`, "utf8");

describe("the docs a new user reads first", () => {
  test("the datasheet's register map is in offset order", () => {
    const offsets = datasheetMarkdown()
      .split("\n")
      .map((line) => /^\| [A-Z_]+(?:\[[a-z]\])? \| 0x([0-9A-F]+)/.exec(line)?.[1])
      .filter((offset): offset is string => offset !== undefined)
      .map((offset) => Number.parseInt(offset, 16));
    expect(offsets.length).toBeGreaterThan(40);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
  });

  test("the TX descriptor's OFFLOAD bytes say what they hold (no flags: nothing reads them)", () => {
    const offload = TX_DESCRIPTOR_FIELDS.find((field) => field.name === "OFFLOAD")!;
    expect(offload.description).toMatch(/no flags are defined/);
    expect(datasheetMarkdown()).toContain(offload.description);
  });

  test("the parameter table's value column is the default scenario's, not plain-traffic's", () => {
    // The generated tables (docs.test.ts checks the README holds them).
    const section = readmeParameterTables();
    const built = buildScenario(defaultScenario()).top;
    const valueOf = (path: string) => new RegExp(`^\\| \`${path.replace(/\./g, "\\.")}\` \\| ([^|]+) \\|`, "m").exec(section)?.[1]?.trim();
    for (const path of Object.keys(PLAIN_TRAFFIC_DEFAULTS)) {
      const parameter = [...built.walk()].flatMap((component) => component.declaredParameters).find((candidate) => candidate.path === path)!;
      expect(valueOf(path)).toBe(String(parameter.value));
      expect(valueOf(path)).not.toBe(String(PLAIN_TRAFFIC_DEFAULTS[path]));
    }
    expect(section).toMatch(/"value" is the default scenario's/);
  });

  test("the README and waveforms/README.md name the files the default run writes (default.*), not another run's", () => {
    expect(readme).not.toMatch(/demo\.filters/);
    expect(readme).toContain("waveforms/default.filters/");
    const waveforms = readFileSync(`${root}waveforms/README.md`, "utf8");
    expect(waveforms).toMatch(/`npm start`[^\n]*writes `default\.\*`/);
    for (const suffix of ["vcd", "gtkw", "filters/*.txt", "pcap", "esp_sa", "sa-trace.jsonl", "summary.json", "html"]) expect(waveforms).toContain(`default.${suffix}`);
  });
});
