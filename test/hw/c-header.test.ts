import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { C_HEADER_PATH, cHeader } from "../../hw/spec/c-header.js";
import { RX, RX_DESCRIPTOR_FIELDS, STATUS_SA_MISS, TX, TX_COMMAND_EOP, TX_COMMAND_IPSEC, TX_COMMAND_RS, TX_DESCRIPTOR, TX_DESCRIPTOR_FIELDS } from "../../hw/spec/descriptors.js";
import { ErrorCode, FieldCode } from "../../hw/spec/errors.js";
import * as R from "../../hw/spec/registers.js";
import { encodeSaRecord, SA_RECORD_FIELDS, SA_RECORD_MAGIC } from "../../hw/spec/sa-record.js";
import { requireTool } from "../support/tools.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const headerDirectory = join(root, "clients/c");

test("clients/c/nicsim_device.h is the header hw/spec generates", () => {
  const committed = readFileSync(join(root, C_HEADER_PATH), "utf8");
  expect(committed === cHeader(), `${C_HEADER_PATH} is stale: run \`npm run c-header\``).toBe(true);
});

const print = (label: string, expression: string): string => `  printf("${label} %llu\\n", (unsigned long long)(${expression}));`;

/** Lines printing, for every register, field, layout field and code, what the header's macros evaluate to. */
function everyDefinition(): { lines: string[]; expected: string[] } {
  const lines: string[] = [];
  const expected: string[] = [];
  const add = (label: string, expression: string, value: number) => {
    lines.push(print(label, expression));
    expected.push(`${label} ${value}`);
  };
  for (const register of R.REGISTERS) {
    if (register.stride === undefined) add(register.name, `NICSIM_${register.name}`, register.offset);
    else add(`${register.name}(3)`, `NICSIM_${register.name}(3)`, register.offset + 3 * register.stride);
    for (const field of register.fields ?? []) {
      add(`${register.name}.${field.name}.shift`, `NICSIM_${register.name}_${field.name}_SHIFT`, field.bit);
      add(`${register.name}.${field.name}.mask`, `NICSIM_${register.name}_${field.name}_MASK`, ((2 ** field.width - 1) * 2 ** field.bit) >>> 0);
    }
  }
  for (const [prefix, fields] of [["TX_DESCRIPTOR", TX_DESCRIPTOR_FIELDS], ["RX_DESCRIPTOR", RX_DESCRIPTOR_FIELDS], ["SA_RECORD", SA_RECORD_FIELDS]] as const) {
    for (const field of fields) {
      add(`${prefix}.${field.name}.offset`, `NICSIM_${prefix}_${field.name}_OFFSET`, field.offset);
      add(`${prefix}.${field.name}.size`, `NICSIM_${prefix}_${field.name}_SIZE`, field.bytes);
    }
  }
  for (const [name, code] of Object.entries(ErrorCode)) add(`error.${name}`, `NICSIM_ERROR_CODE_${name}`, code);
  for (const [name, code] of Object.entries(FieldCode)) add(`field.${name}`, `NICSIM_FIELD_CODE_${name}`, code);
  return { lines, expected };
}

/** A C program using the header as a driver would: offsets, bit fields, an SA record read from stdin, a TX descriptor written to stdout. */
function probeSource(definitions: readonly string[]): string {
  return `#include <stdio.h>
#include <stdlib.h>
#include "nicsim_device.h"

int main(int argc, char **argv) {
  (void)argc;
  uint32_t status = (uint32_t)strtoul(argv[1], 0, 0);
  uint8_t record[NICSIM_SA_RECORD_BYTES];
  if (fread(record, 1, sizeof record, stdin) != sizeof record) return 2;
${print("TDT(1)", "NICSIM_TDT(1)")}
${print("EITR_PACKETS(2)", "NICSIM_EITR_PACKETS(2)")}
${print("SA_STAGE(5)", "NICSIM_SA_STAGE(5)")}
${print("TX.LENGTH", "NICSIM_TX_DESCRIPTOR_LENGTH_OFFSET")}
${print("RX.SA_HANDLE", "NICSIM_RX_DESCRIPTOR_SA_HANDLE_OFFSET")}
${print("RX.STATUS.SA_MISS", "NICSIM_RX_DESCRIPTOR_STATUS_SA_MISS_BIT")}
${print("STALE_SA_HANDLE", "NICSIM_ERROR_CODE_STALE_SA_HANDLE")}
${print("TX write-back", "NICSIM_TX_WRITE_BACK_OFFSET * 100 + NICSIM_TX_WRITE_BACK_BYTES")}
${print("RX write-back", "NICSIM_RX_WRITE_BACK_OFFSET * 100 + NICSIM_RX_WRITE_BACK_BYTES")}
${print("generation", "NICSIM_FIELD_GET(SA_STATUS_GENERATION, status)")}
${print("install pointer", "NICSIM_FIELD_PREP(SA_COMMAND_OPERATION, NICSIM_SA_COMMAND_OPERATION_INSTALL_POINTER) | NICSIM_FIELD_PREP(SA_COMMAND_REPLACE, 1)")}
  printf("error 23 %s\\n", nicsim_error_name(23));
  printf("error 99 %s\\n", nicsim_error_name(99) ? "named" : "unknown");
${print("record.MAGIC", "NICSIM_READ(record, SA_RECORD_MAGIC)")}
${print("record.SPI", "NICSIM_READ(record, SA_RECORD_SPI)")}
${print("record.UNIQUE_ID", "NICSIM_READ(record, SA_RECORD_UNIQUE_ID)")}
${print("record.KEY_LENGTH", "NICSIM_READ(record, SA_RECORD_KEY_LENGTH)")}
${print("record.HAS_TAG", "NICSIM_FIELD_GET(SA_RECORD_FLAGS_HAS_TAG, NICSIM_READ(record, SA_RECORD_FLAGS))")}
${print("record.QOS_GROUP", "NICSIM_READ(record, SA_RECORD_QOS_GROUP)")}
  uint8_t descriptor[NICSIM_DESCRIPTOR_BYTES] = {0};
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_BUFFER_ADDRESS, 0x123456789AULL);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_LENGTH, 1514u);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_COMMAND, NICSIM_TX_DESCRIPTOR_COMMAND_EOP_BIT | NICSIM_TX_DESCRIPTOR_COMMAND_RS_BIT | NICSIM_TX_DESCRIPTOR_COMMAND_IPSEC_BIT);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_CLASS, 5u);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_SA_HANDLE, NICSIM_FIELD_PREP(TX_DESCRIPTOR_SA_HANDLE_GENERATION, 3u) | NICSIM_FIELD_PREP(TX_DESCRIPTOR_SA_HANDLE_ENTRY, 8u));
  printf("descriptor ");
  for (unsigned index = 0; index < sizeof descriptor; index++) printf("%02x", descriptor[index]);
  printf("\\n");
${definitions.join("\n")}
  return 0;
}
`;
}

describe.runIf(requireTool("gcc", "gcc libc6-dev"))("the header in C (gcc -std=c11 -Wall -Wextra -Werror -pedantic)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-c-header-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const { lines, expected } = everyDefinition();
  writeFileSync(join(directory, "probe.c"), probeSource(lines));
  const compiled = spawnSync("gcc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-Wconversion", "-I", headerDirectory, "-o", join(directory, "probe"), join(directory, "probe.c")], { encoding: "utf8" });
  const record = encodeSaRecord({
    uniqueId: 0x0a0b0c0d, protocol: 50, direction: 0, spi: 0xc0ffee01, esn: false, qosGroup: 6, icvLength: 16,
    keyMaterial: new Uint8Array(36).fill(0x11), source: new Uint8Array(16), destination: new Uint8Array(16),
  });
  const status = R.saInstalledStatus(1234);
  const run = compiled.status === 0 ? spawnSync(join(directory, "probe"), [String(status)], { input: record, encoding: "utf8" }) : undefined;
  const output = new Map((run?.stdout ?? "").trim().split("\n").map((line) => {
    const space = line.lastIndexOf(" ");
    return [line.slice(0, space), line.slice(space + 1)] as const;
  }));

  test("compiles without a warning and runs", () => {
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(run?.status, run?.stderr).toBe(0);
  });

  test("gives the offsets, bits and codes the model uses", () => {
    expect(output.get("TDT(1)")).toBe(String(R.TDT(1)));
    expect(output.get("EITR_PACKETS(2)")).toBe(String(R.EITR_PACKETS(2)));
    expect(output.get("SA_STAGE(5)")).toBe(String(R.SA_STAGE(5)));
    expect(output.get("TX.LENGTH")).toBe(String(TX.LENGTH));
    expect(output.get("RX.SA_HANDLE")).toBe(String(RX.SA_HANDLE));
    expect(output.get("RX.STATUS.SA_MISS")).toBe(String(STATUS_SA_MISS));
    expect(output.get("STALE_SA_HANDLE")).toBe(String(ErrorCode.STALE_SA_HANDLE));
    expect(output.get("TX write-back")).toBe(String(TX.STATUS * 100 + 4));
    expect(output.get("RX write-back")).toBe(String(RX.LENGTH * 100 + 24));
    expect(output.get("generation")).toBe("1234");
    expect(output.get("install pointer")).toBe(String((R.SA_COMMAND_INSTALL_POINTER | R.SA_COMMAND_REPLACE) >>> 0));
    expect(output.get("error 23")).toBe("STALE_SA_HANDLE");
    expect(output.get("error 99")).toBe("unknown");
  });

  test("reads an SA record the model encoded, field by field", () => {
    expect(output.get("record.MAGIC")).toBe(String(SA_RECORD_MAGIC));
    expect(output.get("record.SPI")).toBe(String(0xc0ffee01));
    expect(output.get("record.UNIQUE_ID")).toBe(String(0x0a0b0c0d));
    expect(output.get("record.KEY_LENGTH")).toBe("32");
    expect(output.get("record.HAS_TAG")).toBe("1");
    expect(output.get("record.QOS_GROUP")).toBe("6");
  });

  test("writes a TX descriptor the model reads back as written", () => {
    const descriptor = Buffer.from(output.get("descriptor") ?? "", "hex");
    expect(descriptor).toHaveLength(32);
    expect(TX_DESCRIPTOR.decode(descriptor)).toEqual({
      bufferAddress: 0x123456789a, length: 1514, command: TX_COMMAND_EOP | TX_COMMAND_RS | TX_COMMAND_IPSEC, trafficClass: 5, saHandle: ((3 << 16) | 8) >>> 0, saPointer: 0, offload: 0, status: 0, error: 0,
    });
    expect([...descriptor.subarray(TX.LENGTH, TX.LENGTH + 2)]).toEqual([1514 & 0xff, 1514 >> 8]);
  });

  test("every register, field, layout field and code evaluates to its hw/spec value", () => {
    const printed = expected.map((line) => `${line.slice(0, line.lastIndexOf(" "))} ${output.get(line.slice(0, line.lastIndexOf(" ")))}`);
    expect(printed).toEqual(expected);
  });
});
