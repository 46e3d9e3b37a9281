import { describe, expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { buildNicSystem } from "../../system/build.js";
import { checkEveryEdge } from "../../system/every-edge-check.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";

/**
 * A doorbell that gives the engine nothing to do on its next edges (its descriptor cache full
 * enough, nothing watching its queues) does not wake it, so the queue's `tail` is drawn only when the
 * engine next runs. A reader is shown it from the edge a woken engine would have drawn it on, as on
 * every edge: it read the tail last drawn, and a waveform window that never opened dumped that at
 * the run's end (RX queues 5 to 7: 11 against 14; from an outside check).
 */
function tailsSeen(skipIdle: boolean) {
  const { kernel, top } = buildNicSystem({ seed: 5, skipIdle, parameters: { "top.nic.queues": 4 } });
  top.peer.keepReceived = false;
  top.driver.base.keepReceived = false;
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < 200; sequence++) {
      top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, sequence % 3 === 0 ? 1514 : 60));
      if (sequence % 10 === 9) yield delay(3_000_000);
    }
  });
  // Read at odd times (not on edges, and on them), every queue both ways.
  const seen: string[] = [];
  kernel.process("reader", function* () {
    yield top.driver.base.whenReady();
    for (let step = 0; step < 4000; step++) {
      yield delay(step % 7 === 0 ? 40_000 : 12_371);
      seen.push(`${kernel.now} rx ${top.nic.rx.queues.map((state) => state.scope.tail.value).join(",")} tx ${top.nic.tx.queues.map((state) => state.scope.tail.value).join(",")}`);
    }
  });
  kernel.run({ until: 200_000_000 });
  return { seen, doorbells: top.driver.base.statistics };
}

describe("a doorbell that does not wake its engine", () => {
  test("a process reads each queue's tail as the engine run on every edge draws it", () => {
    const skipping = tailsSeen(true);
    const everyEdge = tailsSeen(false);
    expect(skipping.seen.length).toBe(4000);
    // The reads cover tails that moved: RX buffers given back as frames arrive.
    expect(new Set(skipping.seen.map((line) => line.split(" rx ")[1])).size).toBeGreaterThan(20);
    expect(skipping.seen).toEqual(everyEdge.seen);
  });

  test("a waveform window that never opens dumps the same values at the run's end, skipping idle blocks or not", () => {
    const check = checkEveryEdge((outputs) => defaultScenario({ durationMicroseconds: 3, "outputs.waveformFromMicroseconds": 5000, ...outputs }));
    expect(check.differences).toEqual([]);
    expect(check.withoutWaveform).toEqual([]);
  }, 60_000);
});
