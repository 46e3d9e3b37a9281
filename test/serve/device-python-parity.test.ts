import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { requireTool } from "../support/tools.js";

const root = new URL("../..", import.meta.url).pathname;
const pythonClient = join(root, "clients/python");

describe.runIf(requireTool("python3", "python3") && requireTool("cc", "gcc libc6-dev"))("the Python device module has every constant of the C header (one hw/spec, two generators)", () => {
  test("each value-like NICSIM_ name of nicsim_device.h, as gcc computes it, is the Python module's under the same name", () => {
    // The C names that are values (not the function-like accessors), and two instances of each per-queue, per-vector, per-word or per-reason register.
    const header = readFileSync(join(pythonClient, "../c/nicsim_device.h"), "utf8");
    const plain = [...header.matchAll(/^#define (NICSIM_\w+) \S/gm)].map((match) => match[1]!).filter((name) => !["NICSIM_DEVICE_H", "NICSIM_STATIC_ASSERT"].includes(name));
    const indexed = [...header.matchAll(/^#define (NICSIM_\w+)\([qvwr]\) /gm)].flatMap((match) => [`${match[1]}(0)`, `${match[1]}(1)`]);
    const expressions = [...plain, ...indexed].sort();
    const directory = mkdtempSync(join(tmpdir(), "nicsim-parity-"));
    writeFileSync(join(directory, "values.c"), `#include <stdio.h>\n#include "nicsim_device.h"\nint main(void) {\n${expressions.map((name) => `  printf("${name} %llu\\n", (unsigned long long)(${name}));`).join("\n")}\n  return 0;\n}\n`);
    const build = spawnSync("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", join(root, "clients/c"), "-o", join(directory, "values"), join(directory, "values.c")], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const c = spawnSync(join(directory, "values"), { encoding: "utf8" }).stdout.trim().split("\n").sort();
    const python = spawnSync("python3", [join(root, "test/serve/device_constants.py")], { encoding: "utf8", env: { ...process.env, PYTHONPATH: pythonClient } });
    expect(python.status, python.stderr).toBe(0);
    const fromPython = python.stdout.trim().split("\n").sort();
    expect(c.length).toBeGreaterThan(300);
    expect(fromPython).toEqual(c);
  });

  test("register() refuses an instance the register does not have", () => {
    const script = ["import nicsim_device as d", "print(d.register('TDT', 7), d.register('EITR', 8), d.register('SA_STAGE', 31))", "for name, index in (('TDT', 8), ('TDT', 99), ('EITR', 9), ('CTRL', 1), ('TDT', -1)):", "    try:", "        d.register(name, index)", "    except ValueError as error:", "        print(error)"].join("\n");
    const run = spawnSync("python3", ["-c", script], { encoding: "utf8", env: { ...process.env, PYTHONPATH: pythonClient } });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\n")).toEqual([`${0x1018 + 7 * 0x40} ${0x200 + 8 * 4} ${0x5000 + 31 * 4}`, "TDT has instances 0 to 7; not 8", "TDT has instances 0 to 7; not 99", "EITR has instances 0 to 8; not 9", "CTRL has one instance (index 0); not 1", "TDT has instances 0 to 7; not -1"]);
  });

  // From a re-check: key material given as hex text or a list was refused showing it whole ('0011…deadbeef'; expected bytes).
  test("a message refused before it is sent says what its value is, not the value: key material given as text or a list", () => {
    const script = ["import nicsim", "key = '00112233445566778899aabbccddeeffdeadbeef'", "for material in (key, list(bytes.fromhex(key))):", "    try:", "        nicsim.encode('PEER_SA', spi=0x1000, source=1, destination=2, direction=0, icv_bytes=16, key_material=material)", "    except ValueError as error:", "        print(error)"].join("\n");
    const run = spawnSync("python3", ["-c", script], { encoding: "utf8", env: { ...process.env, PYTHONPATH: pythonClient } });
    expect(run.stderr).toBe("");
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(/^PEER_SA\.key_material: a (str|list); expected bytes/);
      expect(line).not.toMatch(/0011|deadbeef|\b17\b, 34/);
    }
  });

  // From a driver developer's check: an unknown name raised a bare KeyError: 'NOPE'.
  test("register() refuses a name the datasheet does not have, with the nearest one", () => {
    const script = ["import nicsim_device as d", "for name in ('TDTT', 'NOPE'):", "    try:", "        d.register(name)", "    except KeyError as error:", "        print(error.args[0])"].join("\n");
    const run = spawnSync("python3", ["-c", script], { encoding: "utf8", env: { ...process.env, PYTHONPATH: pythonClient } });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim().split("\n")).toEqual(["no register 'TDTT'; did you mean TDT? (REGISTERS holds every name)", "no register 'NOPE' (REGISTERS holds every name)"]);
  });
});
