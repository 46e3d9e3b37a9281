import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { serveCommand, serveConfig, ServeOptionError } from "../../system/cli/serve-command.js";
import { ServedRun } from "../../system/serve/served-run.js";

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

test("serve refuses options that do not go together, before serving", async () => {
  await expect(serveCommand(["./driver"], { stdio: true, set: {}, waveform: true })).rejects.toThrow(ServeOptionError);
  await expect(serveCommand([], { set: {}, waveform: true })).rejects.toThrow("say where to serve: --socket <path>, --stdio, or a client command after --");
});
