import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay, until } from "../../sim/process.js";
import { readVcd } from "../../sim/vcd/read-vcd.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import type { TraceSelection } from "../../sim/vcd/selection.js";
import { buildNicSystem } from "../../system/build.js";

/**
 * The MAC draws the line busy from a frame's first bit (rx_busy, rx_frame_length) and idle after
 * its last (tx_busy, tx_frame_length) only while something sees those signals: the waveform, or a
 * process waiting on one. Unseen, it runs for neither, and no event runs at a frame's first bit.
 */
const SIZES = [60, 1514, 60, 60, 9000, 1514, 60];
const FRAMES = 70;
const BURST_GAP = 9_000_000;

function run(options: { propagationNanoseconds: number; trace?: TraceSelection; watch?: boolean }) {
  const { kernel, top } = buildNicSystem({ seed: 3, parameters: { "top.wire.propagationNanoseconds": options.propagationNanoseconds } });
  const sink = new MemorySink();
  if (options.trace) kernel.traceWith(new VcdTracer({ sink, ...options.trace }));
  top.peer.keepReceived = false;
  top.driver.base.keepReceived = false;
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    // Mixed sizes both ways; the peer's frames are all queued on its line at once, so most are on their way when a window opens.
    for (let sequence = 0; sequence < FRAMES; sequence++) top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, SIZES[sequence % SIZES.length]!));
    // The host's in bursts of five, so that the line goes idle between them.
    for (let sequence = 0; sequence < FRAMES; sequence++) {
      yield* top.driver.base.transmit(sequence % 4, sequencedFrame("to-peer", (sequence % 4) * 2, sequence, SIZES[(sequence + 3) % SIZES.length]!), { more: sequence % 5 !== 4 });
      if (sequence % 5 === 4) yield delay(BURST_GAP);
    }
  });
  // A process waiting on rx_busy, from its rise to its fall, over and over: what it sees.
  const seen: { time: number; value: number }[] = [];
  if (options.watch) {
    kernel.process("watcher", function* () {
      for (;;) {
        yield until(top.nic.mac.rxBusy, 1);
        seen.push({ time: kernel.now, value: 1 });
        yield until(top.nic.mac.rxBusy, 0);
        seen.push({ time: kernel.now, value: 0 });
      }
    });
  }
  kernel.run({ stopWhen: () => top.peer.receivedFrames >= FRAMES && top.driver.base.statistics.rxFrames >= FRAMES });
  kernel.close();
  return { kernel, top, sink, seen };
}

async function macChanges(sink: MemorySink, from: number) {
  const parsed = await readVcd(sink.bytes(), (path, time) => path.startsWith("top.nic.mac.") && time > from);
  return parsed.changes;
}

describe.each([0, 10])("the MAC's line signals, %i ns of propagation", (propagationNanoseconds) => {
  test("a waveform window opening while frames are on their way shows what the whole dump shows from then on", async () => {
    const whole = run({ propagationNanoseconds, trace: {} });
    const end = whole.kernel.now;
    expect(whole.top.nic.mac.rxFrames.value).toBe(FRAMES);
    const all = await macChanges(whole.sink, 0);
    // The line was busy both ways, frame by frame.
    expect(all.filter((change) => change.path === "top.nic.mac.rx_busy" && change.value === 1n).length).toBeGreaterThan(10);
    expect(all.filter((change) => change.path === "top.nic.mac.tx_busy" && change.value === 0n).length).toBeGreaterThan(10);
    for (const fraction of [0.3, 0.55]) {
      const from = Math.round(end * fraction);
      const windowed = run({ propagationNanoseconds, trace: { from } });
      expect(await macChanges(windowed.sink, from)).toEqual(await macChanges(whole.sink, from));
    }
  });

  test("a process waiting on rx_busy sees it change when the waveform shows it, with no waveform at all", async () => {
    const traced = run({ propagationNanoseconds, trace: {} });
    const shown = (await macChanges(traced.sink, 0)).filter((change) => change.path === "top.nic.mac.rx_busy").map((change) => ({ time: change.time, value: Number(change.value) }));
    const watched = run({ propagationNanoseconds, watch: true });
    expect(watched.seen.length).toBeGreaterThan(10);
    expect(watched.seen).toEqual(shown.slice(0, watched.seen.length));
  });

  test("unseen, the MAC runs on no frame's first bit and no idle line: fewer timesteps and evaluations, the same frames", () => {
    const traced = run({ propagationNanoseconds, trace: {} });
    // Traced elsewhere only: the MAC's signals are not recorded.
    const driverOnly = run({ propagationNanoseconds, trace: { scopes: ["top.driver"] } });
    const untraced = run({ propagationNanoseconds });
    for (const other of [driverOnly, untraced]) {
      expect(other.top.nic.mac.rxFrames.value).toBe(traced.top.nic.mac.rxFrames.value);
      expect(other.top.nic.mac.txFrames.value).toBe(traced.top.nic.mac.txFrames.value);
      expect(other.top.driver.base.statistics.rxFrames).toBe(FRAMES);
      expect(other.kernel.now).toBe(traced.kernel.now);
      // At least one timestep and one MAC evaluation fewer for each frame received.
      expect(other.kernel.statistics.timesteps).toBeLessThan(traced.kernel.statistics.timesteps - FRAMES);
    }
  });
});
