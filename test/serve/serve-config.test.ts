import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { serveCommand, serveConfig, ServeOptionError } from "../../system/cli/serve-command.js";
import { ServedRun } from "../../system/serve/served-run.js";
import { ScenarioError } from "../../system/scenario/load.js";

test("a scenario gives the served run its name, seed, nic and wire parameters and outputs; options win over it", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-config-"));
  const file = join(directory, "bench.yaml");
  writeFileSync(file, ["name: my-bench", "seed: 7", "durationMicroseconds: 10", "nic:", "  queues: 2", "wire:", "  gigabitsPerSecond: 10", "outputs:", `  directory: ${directory}/out`, "  waveform: false", "customers:", "  - name: a", "    identity: { type: ID_KEY_ID, value: a }", "traffic:", "  - { name: s, customer: a, direction: both, packetBytes: 100, load: 0.1 }", ""].join("\n"));
  const config = serveConfig({ scenario: file, set: {}, waveform: true });
  expect(config).toMatchObject({ name: "my-bench", seed: 7, directory: `${directory}/out`, waveform: false, pcap: true, callPicoseconds: 20_000 });
  const run = new ServedRun({ ...config, directory: null });
  expect(run.design.top.nic.queues).toBe(2);
  expect(run.design.top.wire.params.gigabitsPerSecond).toBe(10);
  const overridden = serveConfig({ scenario: file, set: { "top.nic.queues": 1 }, seed: 3, name: "other", out: directory, callNs: 5, waveform: true });
  expect(overridden).toMatchObject({ name: "other", seed: 3, directory, callPicoseconds: 5000 });
  expect(new ServedRun({ ...overridden, directory: null }).design.top.nic.queues).toBe(1);
});

test("a serve scenario needs no durationMicroseconds, customers or traffic (serve does not use them)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-scenario-"));
  const file = join(directory, "m.yaml");
  writeFileSync(file, ["name: m", "seed: 4", "nic:", "  queues: 2", ""].join("\n"));
  const notes: string[] = [];
  expect(serveConfig({ scenario: file, set: {}, waveform: true }, (text) => notes.push(text))).toMatchObject({ name: "m", seed: 4, parameters: { "top.nic": { queues: 2 } }, directory: "waveforms" });
  expect(notes).toEqual([]);
  // A run's scenario serves as it is; what serve does not use is said.
  const run = join(directory, "run.yaml");
  writeFileSync(run, ["name: r", "description: a run", "outputs:", "  html: false", "durationMicroseconds: 10", "customers:", "  - name: a", "    identity: { type: ID_KEY_ID, value: a }", "traffic:", "  - { name: s, customer: a, direction: both, packetBytes: 100, load: 0.1 }", ""].join("\n"));
  expect(serveConfig({ scenario: run, set: {}, waveform: true }, (text) => notes.push(text)).name).toBe("r");
  expect(notes).toEqual([`nicsim serve: ${run}: durationMicroseconds, customers, traffic, outputs.html not used: serve takes a scenario's name, seed, nic, wire, peer, cryptoBackend and outputs (directory, waveform, pcap); the client is the driver (durationMicroseconds, customers, traffic may be left out)\n`]);
  // An empty traffic is no traffic (it was refused as a run's, "expected at least 1 entry"; from a driver developer's check).
  const empty = join(directory, "empty.yaml");
  writeFileSync(empty, ["name: e", "traffic: []", ""].join("\n"));
  expect(serveConfig({ scenario: empty, set: {}, waveform: true }, (text) => notes.push(text)).name).toBe("e");
});

// From a bad-input check: a scenario's peer section was checked, then left out of the served run without a word.
test("a serve scenario's peer section is the served peer's", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-peer-"));
  const file = join(directory, "p.yaml");
  writeFileSync(file, ["name: p", "peer: { queueFrames: 3 }", ""].join("\n"));
  const config = serveConfig({ scenario: file, set: { "top.peer.queueFrames": 5 }, waveform: true });
  expect(new ServedRun({ ...config, directory: null }).design.top.peer.params.queueFrames).toBe(5);
  expect(new ServedRun({ ...serveConfig({ scenario: file, set: {}, waveform: true }), directory: null }).design.top.peer.params.queueFrames).toBe(3);
  // Its IKE rekeying and its policers' settings have no part in a served run, and are said not used (from a new user's check).
  const ike = join(directory, "i.yaml");
  writeFileSync(ike, ["name: i", "peer: { queueFrames: 3, softLifetimePercent: 5, congestionFrames: 2 }", ""].join("\n"));
  const notes: string[] = [];
  serveConfig({ scenario: ike, set: {}, waveform: true }, (text) => notes.push(text));
  expect(notes).toEqual([expect.stringContaining(`${ike}: peer.softLifetimePercent, peer.congestionFrames not used: `)]);
});

test("a serve scenario still refuses unknown fields, wrong values and wrong parameters, each at its line", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-scenario-bad-"));
  const file = join(directory, "bad.yaml");
  writeFileSync(file, ["name: m", "sede: 4", "nic:", "  queues: 99", "outputs:", "  pcapp: false", ""].join("\n"));
  let problems: readonly string[] = [];
  try {
    serveConfig({ scenario: file, set: {}, waveform: true });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    problems = (error as ScenarioError).problems;
  }
  expect(problems).toHaveLength(3);
  expect(problems[0]).toBe(`${file}:2:1: sede: unknown field (did you mean seed?)`);
  expect(problems[1]).toMatch(new RegExp(`^${file}:4:3: nic\\.queues`));
  expect(problems[2]).toBe(`${file}:6:3: outputs.pcapp: unknown field (did you mean pcap?)`);
});

test("serve refuses options that do not go together, before serving", async () => {
  await expect(serveCommand(["./driver"], { stdio: true, set: {}, waveform: true })).rejects.toThrow(ServeOptionError);
  await expect(serveCommand([], { set: {}, waveform: true })).rejects.toThrow("say where to serve: --socket <path>, --stdio, or a client command after --");
});
