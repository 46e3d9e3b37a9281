import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadScenarioFile, ScenarioError } from "../../system/scenario/load.js";

/** The problems loading a .json scenario of this text reports (none: it loaded), and its path. */
function jsonProblems(text: string): { file: string; problems: readonly string[] } {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
  const file = join(directory, "s.json");
  writeFileSync(file, text);
  try {
    loadScenarioFile(file);
    return { file, problems: [] };
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return { file, problems: error.problems };
  }
}

const WHY = "; a .json scenario is read as JSON, without trailing commas, comments or unquoted keys (YAML goes in a .yaml file)";
const UNQUOTED = "no JSON value starts so: a text without its double quotes (or in single quotes), or a word JSON does not have";

describe("a .json scenario is held to JSON", () => {
  test.each([
    ["a trailing comma", '{\n  "name": "j",\n  "durationMicroseconds": 10,\n}\n', ["4:1: not JSON: a field's name in double quotes was expected here (a ',' with nothing after it: a trailing comma?)"]],
    ["a comment", '{\n  "name": "j", // the name\n  "durationMicroseconds": 10\n}\n', ["2:16: not JSON: a comment, which JSON does not have"]],
    ["an unquoted key", '{\n  name: "j"\n}\n', [`2:3: not JSON: ${UNQUOTED}`]],
    ["YAML in a .json file", "name: j\ndurationMicroseconds: 10\n", [`1:1: not JSON: ${UNQUOTED}`]],
    // The text runs to the end of its line, and the file ends before its mapping does: two mistakes.
    ["a value never closed", '{\n  "name": "correct horse', ["2:11: not JSON: a text whose closing '\"' is missing (a JSON text ends on its line)", "2:25: not JSON: '}' was expected: a mapping ('{') is not closed"]],
    ["a key's value without its quotes", `{\n  "name": "j",\n  "description": "${"x".repeat(40)}",\n  "preSharedKey": correct horse\n}\n`, [`4:19: not JSON: ${UNQUOTED}`]],
    ["a key's value in single quotes", `{\n  "name": "j", "preSharedKey": 'correct horse', "description": "${"x".repeat(40)}"\n}\n`, [`2:32: not JSON: ${UNQUOTED}`]],
    ["a number with a leading zero", '{\n  "name": "j",\n  "seed": 007\n}\n', ["3:12: not JSON: a number with a leading zero, which JSON does not write (01 is 1)"]],
    // Read on inside the mapping not closed, the list is not closed where the file ends either: not said, being the same mistake.
    ["a close of the other kind", '[{"a": 1}}', ["1:10: not JSON: a '}' inside a list ('['), which closes with ']' (left out?)"]],
    ["a list not closed", '{"a": [1, 2}', ["1:12: not JSON: a '}' inside a list ('['), which closes with ']' (left out?)"]],
    ["a tab inside a text", '{\n  "name": "j\tk"\n}\n', ["2:11: not JSON: a control character (a tab, say) inside a text: write it as \\t, \\n or \\u00XX"]],
  ])("a .json scenario is held to JSON: %s is refused at its place (YAML took it without a word), quoting nothing", (_, text, expected) => {
    const { file, problems } = jsonProblems(text);
    expect(problems).toEqual(expected.map((problem, index) => `${file}:${problem}${index === 0 ? WHY : ""}`));
    expect(problems.join()).not.toContain("horse");
  });

  test("every mistake of a .json scenario is said at once, each at its place, and what follows from one before the next value is not said again (JSON.parse stopped at the first: four mistakes took four runs)", () => {
    const text = [
      "{",
      '  "name": "j",',
      '  "seed": 1,,',
      '  "durationMicroseconds": 20',
      '  "customers": [ { "name": "c0", "sas": 1 ] ,',
      '  "traffic": [],',
      '  "outputs": { "waveform": false, /* off */ "pcap": false }',
      "}",
    ].join("\n");
    const { file, problems } = jsonProblems(text);
    expect(problems).toEqual([
      `${file}:3:13: not JSON: a field's name in double quotes was expected here (a ',' with nothing after it: a trailing comma?)${WHY}`,
      `${file}:5:3: not JSON: ',' was expected before this, between two fields or two values`,
      `${file}:5:43: not JSON: a ']' inside a mapping ('{'), which closes with '}' (left out?)`,
      `${file}:7:35: not JSON: a comment, which JSON does not have`,
    ]);
  });

  test("a .json scenario nested deeper than the tolerant parser reads is refused at its first mistake, as JSON.parse finds it", () => {
    const depth = 200_000;
    const { file, problems } = jsonProblems(`${"[".repeat(depth)}x`);
    expect(problems).toEqual([`${file}:1:${depth + 1}: not JSON: Unexpected character${WHY}`]);
  });

  test("a .json scenario with an editor's byte-order mark is JSON still: the file's checks run, with their lines", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
    const file = join(directory, "s.json");
    writeFileSync(file, `\uFEFF${JSON.stringify({ name: "j", durationMicroseconds: -1, customers: [], traffic: [] }, null, 2)}`);
    expect(() => loadScenarioFile(file)).toThrow(`${file}:3:3: durationMicroseconds = -1: expected more than 0`);
  });

});
