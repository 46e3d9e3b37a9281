import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { buildPipelineDemo } from "../../sim/demo/build.js";
import { parameterTable } from "../../sim/parameter-table.js";

test("the README's parameter table is the one the code generates (run `npm run params` to refresh)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.split("<!-- parameters:start -->\n")[1]?.split("\n<!-- parameters:end -->")[0];
  expect(section).toBe(parameterTable(buildPipelineDemo().top).trimEnd());
});
