import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { checkVcd, MalformedVcdError } from "../../sim/vcd/check-vcd.js";
import { runScenario } from "../../system/scenario/run.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";

// From a reviewer's check: run_queue, sas_mature and sas_dying were dumped as `integer 16`, the DMA's byte counts as `integer 48`; IEEE 1364's integer is 32 bits.
test("a signal declared an integer of another width than 32 is refused, naming what to declare instead", () => {
  const kernel = new Kernel();
  expect(() => kernel.signal("top.queue_depth", 16, { kind: "integer" })).toThrow("signal 'top.queue_depth': an integer is 32 bits wide in a VCD (IEEE 1364), not 16: declare a reg of 16 bits");
});

test("the VCD checker refuses an integer of another width", () => {
  const vcd = "$timescale 1ps $end\n$scope module top $end\n$var integer 16 ! depth $end\n$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\nb0 !\n$end\n";
  expect(() => checkVcd(vcd)).toThrow(MalformedVcdError);
  expect(() => checkVcd(vcd)).toThrow("an integer is 32 bits wide (IEEE 1364), found '$var integer 16 ! depth'");
});

test("every integer the default run dumps is 32 bits wide, and the file passes the checker", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-integer-width-"));
  runScenario(defaultScenario({ durationMicroseconds: 2, "outputs.pcap": false, "outputs.html": false }), { directory });
  const text = readFileSync(join(directory, "default.vcd"), "utf8");
  const integers = [...text.matchAll(/\$var integer (\d+) /g)].map((match) => match[1]);
  expect(integers.length).toBeGreaterThan(10);
  expect(new Set(integers)).toEqual(new Set(["32"]));
  expect(() => checkVcd(text)).not.toThrow();
}, 60_000);
