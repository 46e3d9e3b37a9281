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
const UNQUOTED = "a text without its double quotes (or a word JSON does not have: its words are true, false and null)";

describe("a .json scenario is held to JSON", () => {
  test.each([
    ["a trailing comma", '{\n  "name": "j",\n  "durationMicroseconds": 10,\n}\n', ["3:29: not JSON: a ',' with nothing after it (a trailing comma)"]],
    ["a comment", '{\n  "name": "j", // the name\n  "durationMicroseconds": 10\n}\n', ["2:16: not JSON: a comment, which JSON does not have"]],
    ["an unquoted key", '{\n  name: "j"\n}\n', ["2:3: not JSON: a field's name without its double quotes"]],
    // One mistake, not one for each of its words.
    ["YAML in a .json file", "name: j\ndurationMicroseconds: 10\n", ["1:1: not JSON: the file is no JSON mapping: a scenario in JSON is one mapping, from '{' to '}'"]],
    // The text swallowed the rest of its line: nothing after it is read, where a ',' it swallowed was said to be left out.
    ["a value never closed", '{\n  "name": "correct horse', ["2:11: not JSON: a text whose closing '\"' is missing (a JSON text ends on its line)"]],
    // A text without its quotes runs on over its blanks: "correct horse" is one mistake, not two and a ',' left out between.
    ["a key's value without its quotes", `{\n  "name": "j",\n  "description": "${"x".repeat(40)}",\n  "preSharedKey": correct horse\n}\n`, [`4:19: not JSON: ${UNQUOTED}`]],
    ["a key's value in single quotes", `{\n  "name": "j", "preSharedKey": 'correct horse', "description": "${"x".repeat(40)}"\n}\n`, ["2:32: not JSON: a text in single quotes: JSON's are in double quotes"]],
    ["a number with a leading zero", '{\n  "name": "j",\n  "seed": 007\n}\n', ["3:11: not JSON: a number with a leading zero, which JSON does not write (01 is 1)"]],
    ["a text without its opening quote", '{\n  "name": j",\n  "seed": 7\n}\n', ["2:11: not JSON: a text without its opening '\"'"]],
    ["an empty file", "", ["1:1: not JSON: the file holds no JSON value: a scenario is one JSON mapping ('{')"]],
    // From a re-check, each of these gave false messages after the mistake, and some hid a later one:
    // a field's name never closed: nothing after it read (its line said to lack a ':', the next a '{'), the trailing comma not said.
    ["a field's name never closed", '{\n  "name": "x",\n  "seed: 1,\n  "nic": {"queues": 1,}\n}\n', ["3:3: not JSON: a text whose closing '\"' is missing (a JSON text ends on its line)"]],
    // A stray word is passed over: the trailing comma after it is said, and no field after it lacks a ':'.
    ["a stray word where a field goes", '{\n  "name": "x",\n  x\n  "seed": 1,\n  "nic": {"queues": 1,}\n}\n', [`3:3: not JSON: ${UNQUOTED}`, "5:22: not JSON: a ',' with nothing after it (a trailing comma)"]],
    ["a text broken over lines", '{\n  "name": "x",\n  "qos": "class-map match-any gold\n match qos-group 1\n",\n  "seed": 1\n}\n', ["3:10: not JSON: a text whose closing '\"' is missing (a JSON text ends on its line)"]],
    ["a '\"' inside a text", '{\n  "name": "say "hi" now",\n  "seed": 1\n}\n', ["2:16: not JSON: a '\"' inside a text, which JSON writes as \\\""]],
    ["an emoji where none goes", '{\n  "name": "x", \u{1F600}\n  "seed": 1\n}\n', ["2:16: not JSON: a character JSON does not have here"]],
    // From the third check: an unquoted name after a ',' left out, a stray value after a value, a text and a name run together, a '#' comment.
    ["an unquoted name after a ',' left out", '{"name": "a" durationMicroseconds: 10, "seed": 3}', ["1:14: not JSON: a field's name without its double quotes", "1:14: not JSON: ',' was expected before this, between two fields"]],
    ["a stray value after a value", '{"name": "a", "seed": "1"2}', ["1:26: not JSON: a second value after the field's value (a ',' and a field's name left out?)"]],
    ["a text's closing quote left out before the next field", '{"name": "a, "durationMicroseconds": 10}', ["1:14: not JSON: a '\"' inside a text, which JSON writes as \\\"", "1:36: not JSON: a ':' after a field's value: a ',' or a closing '\"' left out before it?"]],
    ["a '#' comment before the mapping", '# my scenario\n{"name": "a", "durationMicroseconds": 10}', ["1:1: not JSON: a comment, which JSON does not have"]],
    ["a YAML document's '---'", "---\nname: x\nseed: 1\n", ["1:1: not JSON: the file is no JSON mapping: a scenario in JSON is one mapping, from '{' to '}'"]],
    ["a merge conflict's markers", '{\n<<<<<<< HEAD\n  "seed": 1\n=======\n  "seed": 2\n>>>>>>> other\n}\n', ["2:1: not JSON: a merge conflict's marker line (<<<<<<<, ======= or >>>>>>>): keep one side", "4:1: not JSON: a merge conflict's marker line (<<<<<<<, ======= or >>>>>>>): keep one side", "5:3: not JSON: ',' was expected before this, between two fields", "6:1: not JSON: a merge conflict's marker line (<<<<<<<, ======= or >>>>>>>): keep one side"]],
    // Read on inside the mapping not closed, the list is not closed where the file ends either: not said, being the same mistake.
    ["a close of the other kind", '[{"a": 1}}', ["1:10: not JSON: a '}' inside a list ('['), which closes with ']' (left out?)"]],
    ["a list not closed", '{"a": [1, 2}', ["1:12: not JSON: a '}' inside a list ('['), which closes with ']' (left out?)"]],
    // At the character, not the text's start: a QoS policy in JSON is one line of hundreds of characters.
    ["a tab inside a text", '{\n  "name": "j\tk"\n}\n', ["2:13: not JSON: a control character (a tab, say) inside a text: write it as \\t, \\n or \\u00XX"]],
  ])("a .json scenario is held to JSON: %s is refused at its place (YAML took it without a word), quoting nothing", (_, text, expected) => {
    const { file, problems } = jsonProblems(text);
    expect(problems).toEqual(expected.map((problem, index) => `${file}:${problem}${index === 0 ? WHY : ""}`));
    expect(problems.join()).not.toContain("horse");
  });

  test("every mistake of a .json scenario is said at once, each at its place (JSON.parse stopped at the first: a file of six took six runs); the structure is read on past those it can mend as written, and not past a close of the other kind", () => {
    const text = [
      "{",
      '  "name": "j",',
      '  "seed": 1,,',
      '  "durationMicroseconds": 20',
      "  seed2: 2,",
      "  'description': 'x',",
      '  "customers": [ { "name": "c0", "sas": 1 ] ,',
      '  "traffic": [],',
      '  "outputs": { "waveform": false, /* off */ "pcap": false, },',
      "}",
    ].join("\n");
    const { file, problems } = jsonProblems(text);
    expect(problems).toEqual([
      `${file}:3:13: not JSON: a second ',' with nothing between${WHY}`,
      `${file}:5:3: not JSON: a field's name without its double quotes`,
      `${file}:5:3: not JSON: ',' was expected before this, between two fields`,
      `${file}:6:3: not JSON: a text in single quotes: JSON's are in double quotes`,
      `${file}:6:18: not JSON: a text in single quotes: JSON's are in double quotes`,
      `${file}:7:43: not JSON: a ']' inside a mapping ('{'), which closes with '}' (left out?)`,
      // Past that close, the structure is not read: the trailing comma on line 9 would be said only once it is mended.
      `${file}:9:35: not JSON: a comment, which JSON does not have`,
    ]);
  });

  test("a .json scenario's mistakes are read in one pass, however deep or long: nested 200,000 levels, or 20,000 of them, the first 50 said and the rest counted", () => {
    const depth = 200_000;
    const { file, problems } = jsonProblems(`${"[".repeat(depth)}x`);
    expect(problems).toEqual([`${file}:1:${depth + 1}: not JSON: ${UNQUOTED}${WHY}`, `${file}:1:${depth + 2}: not JSON: ']' was expected: a list ('[') is not closed where the file ends`]);
    const many = jsonProblems(`{ "name": [\n${Array.from({ length: 20_000 }, (_, index) => String(index)).join("\n")}\n] }`).problems;
    expect(many).toHaveLength(51);
    expect(many[50]).toBe(`${many[0]!.split(":")[0]}: 19949 more JSON mistakes after these`);
  });

  test("brackets nested 20,000 deep, valid JSON or not, in a .json or .yaml scenario, are refused before the YAML library reads them (it ran out of memory and the process aborted), at the 33rd level", () => {
    const text = `{"name": "x", "a": ${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    for (const name of ["s.json", "s.yaml"]) {
      const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
      const file = join(directory, name);
      writeFileSync(file, text);
      expect(() => loadScenarioFile(file)).toThrow(`${file}:1:51: mappings and lists nested more than 32 levels deep`);
    }
  });

  test("a .json scenario with an editor's byte-order mark is JSON still: the file's checks run, with their lines", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
    const file = join(directory, "s.json");
    writeFileSync(file, `\uFEFF${JSON.stringify({ name: "j", durationMicroseconds: -1, customers: [], traffic: [] }, null, 2)}`);
    expect(() => loadScenarioFile(file)).toThrow(`${file}:3:3: durationMicroseconds = -1: expected more than 0`);
  });

});
