import { expect, test } from "vitest";
import { problems, VALID } from "./scenario-fixture.js";

// Mistakes that were said only once another was fixed (from an architect's and a scenario author's checks).

test("a stream with both load and gapMicroseconds is said beside the stream's other mistakes (zod skipped the check while any field was wrong)", () => {
  const both = VALID.replace("    gapMicroseconds: 5", "    gapMicroseconds: 5\n    load: 0.5").replace("direction: both", "direction: sideways");
  expect(problems(both)).toEqual([expect.stringMatching(/^s\.yaml:20:5: traffic\[0\]: give exactly one of load and gapMicroseconds$/), expect.stringMatching(/^s\.yaml:22:5: traffic\[0\]\.direction = "sideways"/)]);
  // A value of its own that is wrong still counts as given: said at itself, not again as missing.
  expect(problems(VALID.replace("    gapMicroseconds: 5", "    gapMicroseconds: -1"))).toEqual([expect.stringMatching(/^s\.yaml:24:5: traffic\[0\]\.gapMicroseconds = -1/)]);
});

test("the policy against the driver's queues is checked beside the scenario's other mistakes (it was checked only on a scenario without any)", () => {
  const found = problems(VALID.replace("packetBytes: 128", "packetBytes: 10000"), "s.yaml", { "nic.queues": 1 });
  expect(found).toEqual([expect.stringMatching(/^s\.yaml:6:1: qos: classes gold \(7\) and class-default \(0\) would share queue 0 of the 1 the driver runs \(nic\.queues = 1, by --set nic\.queues\)/), expect.stringMatching(/^s\.yaml:23:5: traffic\[0\]\.packetBytes = 10000: expected at most 9000/)]);
  // A policy given by --set is named by it once ("--set qos: qos: classes" said it twice).
  const policy = VALID.slice(VALID.indexOf("  crypto"), VALID.indexOf("customers:")).replace(/^  /gm, "");
  expect(problems(VALID, "s.yaml", { "nic.queues": 1, qos: policy })).toEqual([expect.stringMatching(/^--set qos: classes gold \(7\) and class-default \(0\) would share queue 0/)]);
});

test("a number or true where a text is wanted says it was read so and how to quote it, never repeating a key's digits (a name of digits got only 'expected a text'; from a scenario author's check)", () => {
  const numbered = VALID.replace("name: small", "name: 123").replace("    sas: 2", "    sas: 2\n    ike: { mode: main, preSharedKey: 918273 }");
  const found = problems(numbered);
  expect(found).toEqual([
    "s.yaml:1:1: name = 123: expected a text: it was read as a number; quote it to give it as a text (in YAML \"…\", with --set 'path=\"…\"')",
    expect.stringMatching(/^s\.yaml:19:\d+: customers\[0\]\.ike\.preSharedKey = <secret>: expected a text: it was read as a number; quote it to give it as a text \(in YAML "…", with --set 'path="…"'\)$/),
  ]);
  expect(found.join("\n")).not.toContain("918273");
  // A key YAML reads as infinity is not said to be a number too large (which says what it is): it is a text to quote.
  expect(problems(numbered.replace("preSharedKey: 918273", "preSharedKey: .inf"))).toContainEqual(expect.stringMatching(/preSharedKey = <secret>: expected a text: it was read as a number; quote it/));
  expect(problems(VALID.replace("name: small", "name: '123'"))).toEqual([]);
});

test("a file that starts with a byte-order mark has its mistakes on line 1 at their columns (each was one column to the right)", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { loadScenarioFile, ScenarioError } = await import("../../system/scenario/load.js");
  const file = join(mkdtempSync(join(tmpdir(), "nicsim-bom-")), "bom.yaml");
  writeFileSync(file, `\uFEFF${VALID.replace("name: small", "name: 5")}`);
  let said: readonly string[] = [];
  try {
    loadScenarioFile(file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    said = error.problems;
  }
  expect(said).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/[.]/g, "\\.")}:1:1: name = 5: expected a text`))]);
});

// From an auditor's check: a binary file named by mistake was read as text (its bytes as characters) and refused as "a text of N characters".
test.each([
  ["a NUL byte", Uint8Array.of(0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0x00, 0x78), "1:7: not a text file (a NUL byte at byte 6)"],
  ["bytes that are not UTF-8 (Latin-1)", Uint8Array.of(0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0x63, 0x61, 0x66, 0xe9), "1:10: not a text file (byte 9, 0xe9, is not UTF-8)"],
  // Where the bad byte is, not where a decoder noticed it: a character left unfinished is refused at the byte after it.
  ["a character left unfinished before a line feed", Buffer.from("name: caf\xe9\nseed: 1\n", "latin1"), "1:10: not a text file (byte 9, 0xe9, is not UTF-8)"],
  ["a stray byte after whole characters, on a later line", Buffer.from("seed: 1\nname: \xc3\xa9\xf0\x9f\x98\x80\xff\n", "latin1"), "2:9: not a text file (byte 20, 0xff, is not UTF-8)"],
  ["a continuation byte with no lead", Buffer.from("seed: 1\n\nname: A\x80\n", "latin1"), "3:8: not a text file (byte 16, 0x80, is not UTF-8)"],
])("a scenario file with %s is said to be no text file, at the bad byte", async (_, bytes, said) => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { loadScenarioFile } = await import("../../system/scenario/load.js");
  const file = join(mkdtempSync(join(tmpdir(), "nicsim-binary-")), "binary.yaml");
  writeFileSync(file, bytes);
  expect(() => loadScenarioFile(file)).toThrow(`${file}:${said}: expected a YAML or JSON scenario`);
});
