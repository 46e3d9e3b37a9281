import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { datasheetMarkdown } from "../../hw/spec/datasheet.js";
import { readmeParameterSection, readmeParameterTables } from "../../system/parameter-tables.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

test("the README's parameter tables are the ones the code generates (refresh with `npm run params`)", () => {
  const section = readmeParameterSection(read("README.md"));
  expect(section).toBe(readmeParameterTables().trimEnd());
});

test("hw/spec/DATASHEET.md is the datasheet the code generates (refresh with `npm run datasheet`)", () => {
  expect(read("hw/spec/DATASHEET.md")).toBe(datasheetMarkdown());
});
