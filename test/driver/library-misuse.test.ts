/**
 * A driver of one's own, written against the library, that passes the base driver or the host's
 * cores a wrong argument is told so, naming the call, when it makes it (from a driver developer's
 * check): reserve(0, NaN) held NaN descriptors and silently stopped the queue for good (40 frames
 * posted, none sent); a class of 99 came out as a waveform signal's overflow; cpu.run("NOPE", 99,
 * -5) was accepted; cpu.run(…, NaN) failed as an internal error at the next event.
 */
import { expect, test } from "vitest";
import type { Command } from "../../sim/process.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { buildNicSystem } from "../../system/build.js";

type Top = ReturnType<typeof buildNicSystem>["top"];

test.each([
  ["reserve(0, NaN)", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.base.reserve(0, NaN); }, "reserve on queue 0: a frame of NaN bytes: expected a whole number of bytes, 1 or more"],
  ["reserve(0, -5)", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.base.reserve(0, -5); }, "reserve on queue 0: a frame of -5 bytes"],
  ["transmit with class 99", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.base.transmit(0, sequencedFrame("to-peer", 0, 0, 100), { trafficClass: 99 }); }, "transmit on queue 0: traffic class 99 is not one of 0 to 7"],
  ["transmit of a string", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.base.transmit(0, "frame" as unknown as Uint8Array); }, "transmit on queue 0: the frame must be a Uint8Array (or Buffer), not a string"],
  // A reservation posted twice, or cancelled and then posted, overran the 8-descriptor ring without a word: frames 0 to 7 were overwritten (from a driver developer's check).
  ["a reservation posted twice", function* (top: Top): Generator<Command, void, unknown> { const room = yield* top.driver.base.reserve(0, 100); yield* top.driver.base.post(room, sequencedFrame("to-peer", 0, 0, 100)); yield* top.driver.base.post(room, sequencedFrame("to-peer", 0, 1, 100)); }, "post on a TX queue: the reservation of 1 descriptor(s) on queue 0 is not one reserve() holds open (already posted or cancelled, or not reserve()'s)"],
  ["a reservation cancelled twice", function* (top: Top): Generator<Command, void, unknown> { const room = yield* top.driver.base.reserve(0, 100); top.driver.base.cancel(room); top.driver.base.cancel(room); }, "cancel on a TX queue: the reservation of 1 descriptor(s) on queue 0 is not one reserve() holds open"],
  ["a reservation made by hand", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.base.post({ queue: 0, descriptors: 1 }, sequencedFrame("to-peer", 0, 0, 100)); }, "post on a TX queue: the reservation of 1 descriptor(s) on queue 0 is not one reserve() holds open"],
  ["cpu.run('NOPE', 99, -5)", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.cpu.run("NOPE" as "TRANSMIT", 99, -5); }, 'cpu.run: kind "NOPE" is not a kind of work (one of INTERRUPT,'],
  ["cpu.run with NaN ps", function* (top: Top): Generator<Command, void, unknown> { yield* top.driver.cpu.run("TRANSMIT", 0, NaN); }, "cpu.run: NaN ps is not a time of 0 ps or more"],
] as const)("%s is refused at the call, naming it", (_, misuse, message) => {
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 1 } });
  kernel.process("mine", function* () {
    yield top.driver.base.whenReady();
    yield* misuse(top);
  });
  expect(() => kernel.run({ until: 50_000_000 })).toThrow(message);
});

test("cpu.run names every mistake of one call at once", () => {
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 1 } });
  kernel.process("mine", function* () {
    yield* top.driver.cpu.run("NOPE" as "TRANSMIT", 99, -5);
  });
  expect(() => kernel.run({ until: 1_000_000 })).toThrow(/kind "NOPE" is not a kind of work .*; traffic class 99 is not one of 0 to 7; -5 ps is not a time of 0 ps or more/);
});

test("the library's entry points say what they expected when given null, undefined or the wrong type, where each failed deep inside with a TypeError", async () => {
  const { buildNic } = await import("../../system/hardware.js");
  const { parseScenarioText, loadScenarioFile } = await import("../../system/scenario/load.js");
  const { runScenario } = await import("../../system/scenario/run.js");
  const { HostMemory } = await import("../../sim/host/memory.js");
  expect(() => buildNic(null as never)).toThrow("buildNic: the options must be an object ({ seed, parameters, … }), not null");
  expect(() => buildNicSystem({ parameters: null as never })).toThrow("buildNicSystem: options.parameters must be an object of parameter paths and values, not null");
  expect(() => parseScenarioText(5 as never)).toThrow("scenario: the scenario text must be a string, not a number");
  expect(() => parseScenarioText("name: x", "x.yaml", null as never)).toThrow("x.yaml: the overrides must be an object of dotted paths and values, not null");
  expect(() => loadScenarioFile(undefined as never)).toThrow("loadScenarioFile: the file must be a path (a string), not undefined");
  expect(() => runScenario(undefined as never)).toThrow("runScenario: expected a scenario as loadScenarioFile, parseScenarioText or defaultScenario return it");
  expect(() => new HostMemory().free(undefined as never)).toThrow("free(undefined): expected an address an allocate() returned");
  const { kernel, top } = buildNicSystem({ seed: 1 });
  expect(() => top.driver.base.setQosClasses({} as never)).toThrow("setQosClasses: expected a Map of ipsec_qos_group tags to traffic classes, not an object");
  // From a later check: a mistyped option was ignored and the build made with defaults; "0" found vector 0 through the array's index;
  // a time past 2^53 - 1 was said not to be an integer.
  expect(() => buildNic({ paramters: { "top.nic.queues": 1 } } as never)).toThrow("buildNic: no option 'paramters' (did you mean parameters?); the options are seed, parameters, parametersSource, skipIdle, container");
  expect(() => top.nic.interrupt("0" as never)).toThrow("interrupt vector a string (a vector is a number): the device has vectors 0 to 8");
  expect(() => top.nic.interrupt(0.5)).toThrow("interrupt vector 0.5: the device has vectors 0 to 8");
  expect(() => kernel.run({ until: 2 ** 60 })).toThrow("run(): until 1152921504606847000 ps is past the last time the kernel holds, 2^53 - 1 ps");
});

// From a driver developer's check: each of these failed deep inside with a TypeError or a DataView's RangeError, a misspelt runScenario option was
// ignored (the run wrote its files into ./waveforms), and a class of 9 went out as DSCP 72, past the field's 6 bits; refused calls left empty files.
test("recordCapture, recordWaveform, runScenario, runSweep, sweepGrid, sequencedFrame and frameSequence refuse what is not their argument, naming it, and open no file", async () => {
  const { mkdtempSync, readdirSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { recordCapture } = await import("../../hw/link/capture.js");
  const { recordWaveform } = await import("../../sim/vcd/waveform.js");
  const { defaultScenario } = await import("../../system/scenario/default-scenario.js");
  const { runScenario } = await import("../../system/scenario/run.js");
  const { runSweep, sweepGrid } = await import("../../system/scenario/sweep.js");
  const { frameSequence } = await import("../../sim/packet/test-frames.js");
  const directory = mkdtempSync(join(tmpdir(), "nicsim-misuse-"));
  const { top } = buildNicSystem({ seed: 1 });
  expect(() => recordCapture(top as never, join(directory, "b.pcap"))).toThrow("recordCapture: expected the design's wire (top.wire), not an object");
  expect(() => recordCapture(undefined as never, join(directory, "b.pcap"))).toThrow("recordCapture: expected the design's wire (top.wire), not undefined");
  expect(() => recordWaveform(undefined as never, join(directory, "w"))).toThrow("recordWaveform: expected the design's kernel, not undefined");
  expect(readdirSync(directory)).toEqual([]);
  expect(() => runScenario(defaultScenario(), { directry: null } as never)).toThrow("runScenario: no option 'directry' (did you mean directory?)");
  await expect(runSweep(null, undefined as never)).rejects.toThrow("runSweep: expected the points (as sweepGrid makes them), not undefined");
  expect(() => sweepGrid({ seed: [1, 2] } as never)).toThrow('sweep grid: expected a list of axes, each [parameter path, list of values] (as [["seed", [1, 2]]]), not an object');
  expect(() => sweepGrid([["seed", 1]] as never)).toThrow("not one whose axis 0 is");
  expect(() => sequencedFrame("sideways" as never, 0, 0, 100)).toThrow('sequencedFrame: direction "sideways": expected "to-peer" or "to-host"');
  expect(() => sequencedFrame("to-peer", 9, 0, 100)).toThrow("sequencedFrame: DSCP class 9: expected a class selector from 0 to 7");
  expect(() => sequencedFrame("to-peer", 256, 0, 100)).toThrow("sequencedFrame: tag (traffic class) 256: expected a whole number from 0 to 255 (1 byte)");
  expect(() => sequencedFrame("to-peer", 1000, 0, 100, { tagBytes: 4, dscpClass: 2 })).not.toThrow();
  expect(() => frameSequence(new Uint8Array(3))).toThrow("frameSequence: 3 bytes are too short to carry a tag and a sequence number");
  expect(() => frameSequence(sequencedFrame("to-peer", 0, 0, 100), -1)).toThrow("frameSequence: headerBytes -1 and tagBytes 1: expected a whole number of header bytes and a tag of 1 or 4 bytes");
  expect(() => sequencedFrame("to-peer", 0, 0, 100, { destinationPort: 70_000 })).toThrow("sequencedFrame: destinationPort 70000: expected a port from 0 to 65535");
  expect(() => sequencedFrame("to-peer", 70_000, 0, 100, { tagBytes: 4, dscpClass: 0 })).toThrow("sequencedFrame: the default destination port 49200 + tag 70000 passes 65535: give destinationPort");
  // A reservation whose post is refused for its class stays open: posted then, or cancelled.
  const { kernel: posting, top: poster } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 1 } });
  let retried = false;
  posting.process("mine", function* () {
    yield poster.driver.base.whenReady();
    const room = yield* poster.driver.base.reserve(0, 100);
    const refused = poster.driver.base.post(room, sequencedFrame("to-peer", 0, 0, 100), { trafficClass: 9 });
    expect(() => refused.next()).toThrow("transmit on queue 0: traffic class 9 is not one of 0 to 7");
    yield* poster.driver.base.post(room, sequencedFrame("to-peer", 0, 0, 100));
    retried = true;
  });
  posting.run({ until: 50_000_000 });
  expect(retried).toBe(true);
  expect(poster.peer.receivedFrames).toBe(1);
});

test("a process body that is no generator, a signal named by no string, and diagnostics of no NIC are refused when made, saying what was expected", async () => {
  const { diagnostics } = await import("../../system/hardware.js");
  const { kernel } = buildNicSystem({ seed: 1 });
  expect(() => kernel.process("p", 42 as never)).toThrow("process 'p': its body must be a generator (function* () { … }) or a function that returns one, not a number");
  expect(() => kernel.signal(undefined as never, 1)).toThrow("signal name undefined: expected a dotted path (a string), not undefined");
  expect(() => diagnostics(undefined as never)).toThrow("diagnostics: expected the NIC (a design's top.nic)");
});
