import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { fieldBytes, MESSAGES, PROTOCOL_ERRORS } from "../../hw/spec/device-protocol.js";
import { PROTOCOL_C_HEADER_PATH, protocolCHeader } from "../../system/serve/protocol-c-header.js";
import { decodeMessage, encodeMessage, layoutOf, type MessageValues, sender } from "../../system/serve/protocol-codec.js";
import { PROTOCOL_DOCS_PATH, protocolMarkdown } from "../../system/serve/protocol-docs.js";
import { PROTOCOL_PYTHON_PATH, protocolPython } from "../../system/serve/protocol-python.js";
import { DEVICE_PYTHON_PATH, devicePython } from "../../system/serve/device-python.js";
import { requireTool } from "../support/tools.js";

const root = new URL("../..", import.meta.url).pathname;

describe("one table, everything derived from it", () => {
  test.each([
    [PROTOCOL_DOCS_PATH, protocolMarkdown],
    [PROTOCOL_C_HEADER_PATH, protocolCHeader],
    [PROTOCOL_PYTHON_PATH, protocolPython],
    [DEVICE_PYTHON_PATH, devicePython],
  ])("%s is what hw/spec/device-protocol.ts generates (refresh with `npm run protocol`)", (path, generate) => {
    const committed = readFileSync(join(root, path), "utf8");
    expect(committed === generate(), `${path} is stale: run \`npm run protocol\``).toBe(true);
  });

  test("every message survives encode then decode, with values at the ends of their fields' ranges", () => {
    for (const spec of MESSAGES) {
      const layout = layoutOf(spec.name);
      for (const end of ["low", "high"] as const) {
        const values: Record<string, number | string | Uint8Array> = {};
        for (const { field } of layout.fixed) {
          const size = fieldBytes(field.type as "u8");
          const maximum = size === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * size) - 1;
          const [low, high] = field.range ?? (field.choices ? [field.choices[0]!, field.choices[field.choices.length - 1]!] : [0, maximum]);
          values[field.name] = end === "low" ? low : high;
        }
        if (layout.tail) {
          const [low, high] = layout.tail.field.lengthChoices ? [layout.tail.field.lengthChoices[0]!, layout.tail.field.lengthChoices[1]!] : (layout.tail.field.lengths ?? [0, 64]);
          const length = end === "low" ? low : Math.min(high, 300);
          values[layout.tail.field.name] = layout.tail.field.type === "text" ? "é".repeat(Math.floor(length / 2)) + "x".repeat(length % 2) : Uint8Array.from({ length }, (_, index) => index);
        }
        const bytes = encodeMessage(spec.name, values as MessageValues<typeof spec.name>);
        const decoded = decodeMessage(bytes, sender(spec));
        expect(decoded, `${spec.name} ${end}`).toEqual({ kind: "message", message: { name: spec.name, values } });
      }
    }
  });

  test("message types and protocol error codes are unique", () => {
    expect(new Set(MESSAGES.map((spec) => spec.code)).size).toBe(MESSAGES.length);
    expect(new Set(PROTOCOL_ERRORS.map((error) => error.code)).size).toBe(PROTOCOL_ERRORS.length);
  });
});

describe.runIf(requireTool("cc", "gcc libc6-dev"))("the C protocol header, compiled", () => {
  test("gcc's values of every type, length and offset are the table's", () => {
    const lines: string[] = [];
    const expected: string[] = [];
    const add = (label: string, expression: string, value: number) => {
      lines.push(`  printf("${label} %llu\\n", (unsigned long long)(${expression}));`);
      expected.push(`${label} ${value}`);
    };
    for (const spec of MESSAGES) {
      const layout = layoutOf(spec.name);
      add(spec.name, `NICSIM_MSG_${spec.name}`, spec.code);
      add(`${spec.name}.fixed`, `NICSIM_MSG_${spec.name}_FIXED_BYTES`, layout.fixedBytes);
      for (const { field, offset } of layout.fixed) {
        add(`${spec.name}.${field.name}`, `NICSIM_MSG_${spec.name}_${field.name.toUpperCase()}_OFFSET`, offset);
        add(`${spec.name}.${field.name}.size`, `NICSIM_MSG_${spec.name}_${field.name.toUpperCase()}_SIZE`, fieldBytes(field.type as "u8"));
      }
      if (layout.tail) add(`${spec.name}.${layout.tail.field.name}`, `NICSIM_MSG_${spec.name}_${layout.tail.field.name.toUpperCase()}_OFFSET`, layout.tail.offset);
    }
    for (const error of PROTOCOL_ERRORS) add(error.name, `NICSIM_PROTOCOL_ERROR_${error.name}`, error.code);
    const directory = mkdtempSync(join(tmpdir(), "nicsim-protocol-h-"));
    writeFileSync(join(directory, "values.c"), `#include <stdio.h>\n#include "nicsim_protocol.h"\nint main(void) {\n${lines.join("\n")}\n  return 0;\n}\n`);
    const build = spawnSync("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", join(root, "clients/c"), "-o", join(directory, "values"), join(directory, "values.c")], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const run = spawnSync(join(directory, "values"), { encoding: "utf8" });
    expect(run.stdout.trim().split("\n")).toEqual(expected);
  });
});
