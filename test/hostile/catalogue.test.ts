import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { RX_DESCRIPTOR_FIELDS, TX_DESCRIPTOR_FIELDS } from "../../hw/spec/descriptors.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import { REGISTERS } from "../../hw/spec/registers.js";
import { ANY_VALUE_VALID, CATALOGUE, renderCatalogue } from "./catalogue.js";
import { COMMAND_LINE } from "./command-line.js";

const covered = new Set(CATALOGUE.flatMap((entry) => entry.covers));

describe("the catalogue of hostile inputs", () => {
  test.each(CATALOGUE.map((entry) => [entry.input, entry] as const))("%s: its test exists", (_, entry) => {
    const [file, name] = entry.test;
    const source = readFileSync(file, "utf8");
    expect(source.includes(`"${name}"`) || source.includes(`\`${name}\``), `${file} has no test named "${name}"`).toBe(true);
  });

  test("every error code the device can log is provoked by some entry", () => {
    const codes = Object.keys(ErrorCode).filter((code) => code !== "NONE");
    expect(codes.filter((code) => !covered.has(`error:${code}`))).toEqual([]);
  });

  test("every descriptor field, TX and RX, has an entry", () => {
    expect(TX_DESCRIPTOR_FIELDS.map((field) => `tx:${field.name}`).filter((name) => !covered.has(name))).toEqual([]);
    expect(RX_DESCRIPTOR_FIELDS.map((field) => `rx:${field.name}`).filter((name) => !covered.has(name))).toEqual([]);
  });

  test("every register: read-only and write-only ones through their access, writable ones through a bad value or a reason every value is valid", () => {
    const missing = REGISTERS.filter((register) => {
      if (register.access === "RO") return !covered.has("access:RO");
      if (register.access === "WO" && !covered.has("access:WO")) return true;
      return !covered.has(`register:${register.name}`) && !(register.name in ANY_VALUE_VALID);
    });
    expect(missing.map((register) => register.name)).toEqual([]);
    // A reason for a register that does have value checks would hide them.
    expect(Object.keys(ANY_VALUE_VALID).filter((name) => covered.has(`register:${name}`))).toEqual([]);
  });

  test("every kind of ESP packet the issue lists has an entry", () => {
    for (const kind of ["truncated", "mis-padded", "wrong-icv", "unknown-spi", "replayed", "next-header-59"]) expect(covered.has(`esp:${kind}`), kind).toBe(true);
  });

  test("every command-line entry is run (by test/system/cli-hostile.test.ts) and says what must come out", () => {
    expect(readFileSync("test/system/cli-hostile.test.ts", "utf8")).toContain("test.each(COMMAND_LINE.map(");
    for (const entry of COMMAND_LINE) expect(entry.stderr.length + (entry.stdout?.length ?? 0), entry.input).toBeGreaterThan(0);
    // Each kind of hostile input the issue lists, by the command it comes through.
    for (const command of ["run", "inspect", "policy-eval"]) expect(COMMAND_LINE.some((entry) => entry.args[0] === command), command).toBe(true);
    for (const option of ["--set", "--seed", "--out", "--from"]) expect(COMMAND_LINE.some((entry) => entry.args.includes(option)), option).toBe(true);
  });

  test("docs/hostile-inputs.md is the catalogue as it is now (npm run catalogue)", () => {
    expect(readFileSync("docs/hostile-inputs.md", "utf8")).toBe(renderCatalogue());
  });
});
