import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { problems, VALID } from "./scenario-fixture.js";

describe("YAML in a scenario: one document, and anchors, aliases and merge keys", () => {
  // From a reliability review: a syntax error hid the file's alias and merge mistakes, which were said only once it was fixed.
  test("a syntax error is said with the file's other YAML mistakes (an alias without its anchor, a merge of no mapping, a key given twice), all of them together in file order", () => {
    const text = ["name: x", "seed: 7", "customers:", "  - *nope", "  - <<: 5", "    name: y", "    name: z", "traffic:", '  - key: "unterminated'].join("\n");
    expect(problems(text)).toEqual([
      "s.yaml:4:5: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted",
      "s.yaml:5:5: a merge key ('<<') takes a mapping, an alias of one (*name), or a list of them",
      "s.yaml:7:5: 'name' given twice in one mapping (first on line 6); the later would silently replace it: give it once",
      expect.stringMatching(/^s\.yaml:9:\d+: Missing closing "quote/),
    ]);
  });

  test("without a syntax error, a key given twice is said with an alias without its anchor or a merge of no mapping (it was left out: an outside check)", () => {
    expect(problems(["name: x", "seed: 1", "seed: 2", "durationMicroseconds: *nope"].join("\n"))).toEqual([
      "s.yaml:3:1: 'seed' given twice in one mapping (first on line 2); the later would silently replace it: give it once",
      "s.yaml:4:23: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted",
    ]);
    expect(problems(["name: x", "seed: 1", "seed: 2", "customers:", "  - name: a", "    <<: 5"].join("\n"))).toEqual([
      "s.yaml:3:1: 'seed' given twice in one mapping (first on line 2); the later would silently replace it: give it once",
      "s.yaml:6:5: a merge key ('<<') takes a mapping, an alias of one (*name), or a list of them",
    ]);
    // And with a value nested too deeply, or an alias inside the value it names.
    const deep = `${"[".repeat(40)}1${"]".repeat(40)}`;
    expect(problems(["name: x", "seed: 1", "seed: 2", `traffic: ${deep}`].join("\n"))).toEqual([
      "s.yaml:3:1: 'seed' given twice in one mapping (first on line 2); the later would silently replace it: give it once",
      expect.stringMatching(/^s\.yaml:4:\d+: mappings and lists nested more than 32 levels deep/),
    ]);
    expect(problems(["name: x", "seed: 1", "seed: 2", "traffic: &loop [ *loop ]", "customers: [ *nope ]"].join("\n"))).toEqual([
      "s.yaml: a YAML alias (*name) inside the value it names (&name): a scenario cannot hold itself",
      "s.yaml:3:1: 'seed' given twice in one mapping (first on line 2); the later would silently replace it: give it once",
      "s.yaml:5:14: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted",
    ]);
    // Nested past what the YAML library reads (its own refusal, as a syntax error), said once, with the key given twice.
    const deeper = problems(["name: x", "seed: 1", "seed: 2", `traffic: ${"[".repeat(2000)}1${"]".repeat(2000)}`].join("\n"));
    expect(deeper.filter((problem) => problem.includes("nested more than 32 levels deep"))).toHaveLength(1);
    expect(deeper).toContain("s.yaml:3:1: 'seed' given twice in one mapping (first on line 2); the later would silently replace it: give it once");
  });

  test("a second YAML document, and aliases that would expand past a scenario's size, are refused with the file's name in the scenario's words", () => {
    expect(problems(`${VALID}---\nname: other\n`)).toEqual([expect.stringMatching(/^s\.yaml:\d+:1: a second YAML document \('---'\): a scenario file holds one$/)]);
    expect(problems(`${VALID}---\nnull\n`)).toEqual([expect.stringMatching(/a second YAML document/)]);
    // A marker that ends the file, with nothing after it but comments, starts no document: as many YAML writers leave it.
    expect(problems(`${VALID}---\n`)).toEqual([]);
    expect(problems(`---\n${VALID}---\n# the end\n\n...\n`)).toEqual([]);
    // And the line numbers are the file's: a mistake before the marker is placed as without it.
    const placed = problems(VALID.replace("    sas: 2", "    sas: 0"));
    expect(placed).toEqual([expect.stringMatching(/^s\.yaml:18:\d+: /)]);
    expect(problems(`${VALID.replace("    sas: 2", "    sas: 0")}---\n`)).toEqual(placed);
    const laughs = ["a: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]", ...Array.from({ length: 9 }, (_, level) => `b${level}: &a${level + 1} [${Array(9).fill(`*a${level}`).join(", ")}]`)].join("\n");
    expect(problems(`${laughs}\n${VALID}`)).toEqual([expect.stringMatching(/^s\.yaml: its YAML aliases \(\*name\) would expand it to \d{10} characters and values; a scenario is at most 8388608$/)]);
    // Few aliases of one long value: counted by what they would hold, before any is expanded.
    expect(problems(`description: &long ${"x".repeat(100_000)}\nz: [${Array(100).fill("*long").join(", ")}]\n${VALID}`)).toEqual([expect.stringMatching(/^s\.yaml: its YAML aliases \(\*name\) would expand it to 101\d{5} characters and values; a scenario is at most 8388608$/)]);
    // Aliases of empty mappings, nested: each counts, though it holds nothing.
    const empties = ["e0: &e0 {}", ...Array.from({ length: 6 }, (_, level) => `e${level + 1}: &e${level + 1} [${Array(20).fill(`*e${level}`).join(", ")}]`)].join("\n");
    expect(problems(`${empties}\n${VALID}`)).toEqual([expect.stringMatching(/^s\.yaml: its YAML aliases \(\*name\) would expand it to \d+ characters and values; a scenario is at most 8388608$/)]);
    // Aliases a scenario might use are fine.
    expect(problems(VALID.replace("customers:\n  - name: a\n    identity: { type: ID_FQDN, value: gw.a.example }", "customers:\n  - name: a\n    identity: &id { type: ID_FQDN, value: gw.a.example }"))).toEqual([]);
  });

  test("a merge key (<<: *name, YAML 1.1's) gives a mapping another's fields, its own winning; a merged field's mistake is placed where it is written; a merge of no mapping is refused at its line", () => {
    const streams = VALID.replace("traffic:\n  - name: voice", "traffic:\n  - &voice\n    name: voice") + "  - <<: *voice\n    name: voice-2\n    packetBytes: 256\n";
    expect(problems(streams)).toEqual([]);
    const merged = parseScenarioText(streams, "s.yaml").scenario.traffic;
    expect(merged[1]).toEqual({ ...merged[0], name: "voice-2", packetBytes: 256 });
    // A list of merges: the first named wins; a field the mapping gives itself wins over both.
    const listed = parseScenarioText(streams.replace("  - <<: *voice\n", "  - <<: [{ customer: a, gapMicroseconds: 9 }, *voice]\n"), "s.yaml").scenario.traffic[1]!;
    expect(listed).toMatchObject({ name: "voice-2", gapMicroseconds: 9, packetBytes: 256, direction: "both" });
    // The anchored stream's bad value is named at its own line for both streams that have it; the second's unknown field at its line.
    const broken = streams.replace("    direction: both", "    direction: sideways").replace("    packetBytes: 256", "    packetBytes: 256\n    bogus: 1");
    const line = (text: string) => broken.split("\n").indexOf(text) + 1;
    expect(problems(broken)).toEqual([
      `s.yaml:${line("    direction: sideways")}:5: traffic[0].direction = "sideways": expected one of to-peer, to-host, both`,
      `s.yaml:${line("    direction: sideways")}:5: traffic[1].direction = "sideways": expected one of to-peer, to-host, both`,
      `s.yaml:${line("    bogus: 1")}:5: traffic[1].bogus: unknown field`,
    ]);
    for (const source of ["5", "*scalar", "[*voice, 3]"]) {
      const text = `description: &scalar x\n${streams.replace("  - <<: *voice", `  - <<: ${source}`)}`;
      expect(problems(text)).toEqual([`s.yaml:${text.split("\n").findIndex((each) => each.includes("<<:")) + 1}:5: a merge key ('<<') takes a mapping, an alias of one (*name), or a list of them`]);
    }
    // An alias whose anchor is not set before it, merged or not, at its own line and column, with the file's other alias and merge mistakes (its name is not shown: it may be a key written unquoted).
    const unanchored = streams.replace("  - <<: *voice", "  - <<: *later").replace("    customer: a\n    direction", "    customer: *nothere\n    direction") + "x: { <<: 5 }\n";
    const lineWith = (text: string) => unanchored.split("\n").findIndex((each) => each.includes(text)) + 1;
    expect(problems(unanchored)).toEqual([
      `s.yaml:${lineWith("*nothere")}:15: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted`,
      `s.yaml:${lineWith("*later")}:9: an alias (*name) whose anchor (&name) is not set before it; a text that starts with '*' must be quoted`,
      `s.yaml:${lineWith("x: { <<")}:6: a merge key ('<<') takes a mapping, an alias of one (*name), or a list of them`,
    ]);
    expect(problems(streams.replace("  - <<: *voice\n", "  - <<: *voice\n    <<: *voice\n"))).toContainEqual(expect.stringMatching(/^s\.yaml:\d+:5: '<<' given twice in one mapping \(first on line \d+\): merge several mappings with one, '<<: \[\*first, \*second\]'$/));
    // A quoted '<<' (JSON's only way to write it) is a field's name, not a merge.
    expect(problems(`${VALID}"<<": { name: x }\n`)).toEqual([`s.yaml:${VALID.split("\n").length}:1: <<: unknown field`]);
  });

  test("a field whose name is a mapping or a list (a stray ':' after braces), or none at all, is refused at its line, without showing the text: the library made it a text on stderr, a pre-shared key's first characters in it, and it was placed at 1:1 (from a scenario author's check)", () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listener);
    try {
      const braces = problems(VALID.replace("    sas: 2", "    sas: 2\n    ike:\n      {mode: main, preSharedKey: hunter2-secret}: "));
      expect(braces).toEqual([expect.stringMatching(/^s\.yaml:20:7: a field whose name is a mapping; a field's name is a word/)]);
      expect(braces.join("\n")).not.toContain("hunter");
      expect(problems(`? [a, b]\n: 3\n${VALID}`)).toEqual([expect.stringMatching(/^s\.yaml:1:3: a field whose name is a list;/)]);
      expect(problems(VALID.replace("durationMicroseconds: 50", "durationMicroseconds: 50\n~: 4"))).toEqual([expect.stringMatching(/^s\.yaml:3:1: a field without a name/)]);
      expect(problems(VALID.replace("durationMicroseconds: 50", "durationMicroseconds: 50\n: 4"))).toEqual([expect.stringMatching(/^s\.yaml:3:1: a field without a name/)]);
      // After other fields of its mapping, the library stops at it first, in words of its own internals ("Map comment with trailing content").
      expect(problems(VALID.replace("    sas: 2", "    sas: 2\n    {a: 1}: 2"))).toEqual([expect.stringMatching(/^s\.yaml:19:5: YAML cannot read what is here: a field whose name is a mapping or a list/)]);
    } finally {
      process.off("warning", listener);
    }
    expect(warnings).toEqual([]);
  });

  test("a key written where YAML reads a tag ('!Pa55!w0rd') or an escape (\\q, \\uZZZZ) is refused without its text: the library's messages quoted it (from a scenario author's check)", () => {
    const keyed = (key: string) => problems(VALID.replace("    sas: 2", `    sas: 2\n    ike: { mode: main, preSharedKey: ${key} }`));
    for (const [key, shown] of [["!Pa55!w0rd", "Pa55"], ["!Passw0rd!", "Passw0rd"], ['"S3cr3t\\uZZZZ"', "ZZZZ"], ['"hunter2\\qsecret"', "\\q"]] as const) {
      const found = keyed(key);
      expect(found.length, key).toBe(1);
      expect(found[0], key).toMatch(/^s\.yaml:19:\d+: a YAML tag|^s\.yaml:19:\d+: an escape/);
      expect(found.join("\n"), key).not.toContain(shown);
    }
  });

  test("a quote or bracket the file never closes is placed after its last character, not on a line past the end (from a scenario author's check)", () => {
    expect(problems(`${VALID}  - name: "unclosed\n`)).toEqual([expect.stringMatching(/^s\.yaml:25:20: .* \(where the file ends\)$/)]);
    expect(problems(`${VALID}extra: [a, b\n\n`)).toEqual([expect.stringMatching(/^s\.yaml:25:13: .* \(where the file ends\)$/)]);
  });

  test("a value nested past 32 levels is placed at its deepest list or mapping (the message had no line)", () => {
    expect(problems(`${VALID}extra: ${"[".repeat(40)}${"]".repeat(40)}\n`)).toEqual([expect.stringMatching(/^s\.yaml:25:47: mappings and lists nested more than 32 levels deep/)]);
  });

  test("a tag the YAML library cannot resolve is refused, not read as a text (the library only warned: 'name: !x foo' ran as foo, and a key written '!Pa55w0rd tail' became 'tail'; from a check of the first fix)", () => {
    expect(problems(VALID.replace("name: small", "name: !x small"))).toEqual([expect.stringMatching(/^s\.yaml:1:7: a YAML tag \('!' and a name\) that a scenario does not take here/)]);
    const keyed = problems(VALID.replace("    sas: 2", "    sas: 2\n    ike:\n      mode: main\n      preSharedKey: !Pa55w0rd tail"));
    expect(keyed).toEqual([expect.stringMatching(/^s\.yaml:21:21: a YAML tag/)]);
    expect(keyed.join("\n")).not.toMatch(/Pa55|tail/);
  });
});

