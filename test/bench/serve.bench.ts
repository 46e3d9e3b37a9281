import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { buildNic } from "../../system/hardware.js";
import { buildNicSystem } from "../../system/build.js";
import { buildCDriver, C_FLAGS, exampleConfig } from "../../examples/c-driver/run-example.js";
import { serveOnSocket } from "../../system/serve/server.js";

/**
 * `npm run bench:serve`: the cost of driving the model from another process. MMIO round
 * trips per second (wall time) and frames per second both ways, through the socket with the C
 * client, beside the same work done in-process (a kernel process reading STATUS; the base driver
 * sending frames the peer echoes). Both run with no waveform or capture, so that only the path is
 * measured.
 */
// Run from its build, dist/test/bench/: the repository is three levels up.
const root = fileURLToPath(new URL("../../..", import.meta.url));
const READS = 20_000;
const FRAMES = 4000;
const work = mkdtempSync(join(tmpdir(), "nicsim-serve-bench-"));
const quiet = { ...exampleConfig(work, "bench"), waveform: false, pcap: false };

function inProcessReads(): number {
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
  let done = 0;
  kernel.process("reader", function* () {
    for (let read = 0; read < READS; read++) {
      yield top.nic.mmioRead(R.STATUS);
      done++;
    }
  });
  const started = performance.now();
  kernel.run({ stopWhen: () => done === READS });
  return READS / ((performance.now() - started) / 1000);
}

function inProcessFrames(): number {
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": 1, "top.driver.base.queues": 1 } });
  const driver = top.driver.base;
  driver.keepReceived = false;
  top.peer.keepReceived = false;
  // The peer sends every frame back, as the C driver's peer does.
  top.peer.onReceive = (frame) => {
    const echoed = frame.bytes.slice();
    echoed.set(frame.bytes.subarray(6, 12), 0);
    echoed.set(frame.bytes.subarray(0, 6), 6);
    top.peer.send(echoed);
  };
  kernel.process("sender", function* () {
    yield driver.whenReady();
    for (let sequence = 0; sequence < FRAMES; sequence++) yield* driver.transmit(0, sequencedFrame("to-peer", 0, sequence, 214), { more: sequence + 1 < FRAMES });
  });
  const started = performance.now();
  kernel.run({ stopWhen: () => driver.statistics.rxFrames >= FRAMES });
  return (2 * FRAMES) / ((performance.now() - started) / 1000);
}

async function socketReads(): Promise<number> {
  const binary = join(work, "mmio-client");
  const build = spawnSync("cc", [...C_FLAGS, "-I", join(root, "clients/c"), "-o", binary, join(root, "test/bench/mmio-client.c"), join(root, "clients/c/nicsim.c"), join(root, "clients/c/nicsim_peer.c"), join(root, "clients/c/nicsim_spawn.c")], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`cc failed:\n${build.stderr}`);
  let output = "";
  await serveOnSocket(quiet, join(work, "reads.sock"), { command: [binary, String(READS)], onClientOutput: (text) => (output += text) });
  const seconds = Number(/seconds ([\d.]+)/.exec(output)?.[1]);
  if (!(seconds > 0)) throw new Error(`mmio-client said: ${output}`);
  return READS / seconds;
}

async function socketFrames(): Promise<number> {
  const binary = buildCDriver(join(work, "c-driver"));
  const started = performance.now();
  const { clientStatus } = await serveOnSocket(quiet, join(work, "frames.sock"), { command: [binary, "--plain", "--frames", String(FRAMES)], onClientOutput: () => {} });
  if (clientStatus !== 0) throw new Error(`the C driver exited with ${clientStatus}`);
  return (2 * FRAMES) / ((performance.now() - started) / 1000);
}

const rows: Array<[string, number, number]> = [
  ["MMIO round trips/s (STATUS reads)", inProcessReads(), await socketReads()],
  [`frames/s, ${FRAMES} each way (214-byte, peer echo)`, inProcessFrames(), await socketFrames()],
];
console.log("nicsim serve: wall-clock rates, in-process driver beside a C driver through the socket (no waveform, no capture)");
console.log(`  ${"".padEnd(46)} ${"in-process".padStart(12)} ${"socket (C)".padStart(12)} ${"ratio".padStart(7)}`);
for (const [label, inProcess, socket] of rows) console.log(`  ${label.padEnd(46)} ${Math.round(inProcess).toLocaleString("en").padStart(12)} ${Math.round(socket).toLocaleString("en").padStart(12)} ${(inProcess / socket).toFixed(1).padStart(6)}×`);
