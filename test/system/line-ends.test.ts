import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { problems, VALID } from "./scenario-fixture.js";

describe("a scenario's line ends", () => {
  const planted = VALID.replace("durationMicroseconds: 50", "durationMicroseconds: -5");
  test.each([
    ["LF", "\n"],
    ["CR LF (Windows)", "\r\n"],
    ["CR alone (classic Mac OS, a line break to YAML too)", "\r"],
  ])("%s: the same mistakes at the same lines and columns (CR alone was read as one line, and refused on line 1)", (_, end) => {
    expect(problems(planted.replaceAll("\n", end))).toEqual(problems(planted));
    expect(problems(planted)).toEqual([expect.stringMatching(/^s\.yaml:2:1: durationMicroseconds = -5/)]);
    expect(parseScenarioText(VALID.replaceAll("\n", end), "s.yaml").scenario).toEqual(parseScenarioText(VALID, "s.yaml").scenario);
  });
});
