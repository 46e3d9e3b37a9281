import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { datasheetMarkdown } from "../../hw/spec/datasheet.js";
import { CpuWork } from "../../driver/cpu/cpu-work.js";
import { readmeParameterSection, readmeParameterTables } from "../../system/parameter-tables.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

test("the README's parameter tables are the ones the code generates (refresh with `npm run params`)", () => {
  const section = readmeParameterSection(read("README.md"));
  expect(section).toBe(readmeParameterTables().trimEnd());
});

test("hw/spec/DATASHEET.md is the datasheet the code generates (refresh with `npm run datasheet`)", () => {
  expect(read("hw/spec/DATASHEET.md")).toBe(datasheetMarkdown());
});

// From a waveform reviewer's check: the README's lists of a core's `work` lacked QUEUE_RESET and IKE, which the waveform shows.
test("the README's waveform table names every state a host core's `work` shows", () => {
  const row = read("README.md").split("\n").find((line) => line.startsWith("| `top.driver.cpu.core<n>` |"))!;
  for (const name of CpuWork.names) expect(row, name).toContain(name);
});
