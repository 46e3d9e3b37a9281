import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadScenarioFile, ScenarioError } from "../../system/scenario/load.js";

describe("a .json scenario is held to JSON", () => {
  test.each([
    ["a trailing comma", '{\n  "name": "j",\n  "durationMicroseconds": 10,\n}\n', "4:1", "Expected double-quoted property name"],
    ["a comment", '{\n  "name": "j", // the name\n  "durationMicroseconds": 10\n}\n', "2:16", "Expected double-quoted property name"],
    ["an unquoted key", '{\n  name: "j"\n}\n', "2:3", "Expected property name or '}'"],
    ["YAML in a .json file", 'name: j\ndurationMicroseconds: 10\n', "1:2", "Unexpected character"],
    ["a value never closed", '{\n  "name": "correct horse', "2:25", "Unterminated string"],
    // V8 quotes the text around a mistake, shortened in a longer file (`, ..."…"...`): none of it is shown.
    ["a key's value without its quotes", `{\n  "name": "j",\n  "description": "${"x".repeat(40)}",\n  "preSharedKey": correct horse\n}\n`, "4:19", "Unexpected character"],
    ["a key's value in single quotes", `{\n  "name": "j", "preSharedKey": 'correct horse', "description": "${"x".repeat(40)}"\n}\n`, "2:32", "Unexpected character"],
  ])("a .json scenario is held to JSON: %s is refused at its place (YAML took it without a word), quoting nothing", (_, text, place, reason) => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
    const file = join(directory, "s.json");
    writeFileSync(file, text);
    let problems: readonly string[] = [];
    try {
      loadScenarioFile(file);
    } catch (error) {
      problems = (error as ScenarioError).problems;
    }
    expect(problems).toEqual([`${file}:${place}: not JSON: ${reason} (a .json scenario is read as JSON: no trailing comma, comment or unquoted key; YAML goes in a .yaml file)`]);
    expect(problems.join()).not.toContain("horse");
  });

  test("a .json scenario with an editor's byte-order mark is JSON still: the file's checks run, with their lines", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
    const file = join(directory, "s.json");
    writeFileSync(file, `\uFEFF${JSON.stringify({ name: "j", durationMicroseconds: -1, customers: [], traffic: [] }, null, 2)}`);
    expect(() => loadScenarioFile(file)).toThrow(`${file}:3:3: durationMicroseconds = -1: expected more than 0`);
  });

});
