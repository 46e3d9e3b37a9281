import { describe, expect, test } from "vitest";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { buildNicSystem } from "../../system/build.js";
import { tunnelledSystem } from "../../system/tunnelled-system.js";
import type { Kernel } from "../../sim/kernel.js";
import type { NicSystem } from "../../system/nic-system.js";

/**
 * Skipping idle blocks, a signal nothing watches may be drawn only when its block runs: a reader must
 * still be shown what the block run on every edge draws. Every signal of the NIC read at odd times,
 * while nothing watches them, is the same both ways. The engines' `state` showed the last run's
 * SEND or DELIVER long after an engine run on every edge showed IDLE again (1,528 of 3,000 reads of
 * the TX engine's), and a queue's tail the one last drawn (from outside checks).
 */
function readEverySignal(kernel: Kernel, top: NicSystem): (number | bigint)[][] {
  const signals = kernel.signals.filter((signal) => signal.path.startsWith("top.nic"));
  const seen: (number | bigint)[][] = [];
  kernel.process("reader", function* () {
    yield top.driver.base.whenReady();
    for (let step = 0; step < 3000; step++) {
      yield delay(step % 7 === 0 ? 40_000 : 12_371);
      seen.push(signals.map((signal) => signal.value));
    }
  });
  return seen;
}

function plain(skipIdle: boolean, seed: number, queues: number): (number | bigint)[][] {
  const { kernel, top } = buildNicSystem({ seed, skipIdle, parameters: { "top.nic.queues": queues, "top.driver.base.txRingDescriptors": 8, "top.driver.base.rxRingDescriptors": 8 } });
  top.peer.keepReceived = false;
  top.driver.base.keepReceived = false;
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < 300; sequence++) {
      top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, sequence % 3 === 0 ? 1514 : 60));
      yield* top.driver.base.transmit(sequence % queues, sequencedFrame("to-peer", ((sequence % queues) * 2) % 8, sequence, sequence % 4 === 0 ? 1514 : 60), { more: sequence % 5 !== 4 });
      if (sequence % 10 === 9) yield delay(2_000_000);
    }
  });
  const seen = readEverySignal(kernel, top);
  kernel.run({ until: 200_000_000 });
  return seen;
}

function inlineEsp(skipIdle: boolean, seed: number, tunnels: number): (number | bigint)[][] {
  const { kernel, top, peer } = tunnelledSystem(tunnels, { "top.nic.sacache.txEntries": 2, "top.nic.sacache.rxEntries": 2 }, { seed, skipIdle });
  top.peer.keepReceived = false;
  peer.onDeliver = () => {};
  for (let sender = 0; sender < 3; sender++) {
    kernel.process(`sender${sender}`, function* () {
      yield top.driver.base.whenReady();
      for (let index = sender; index < 240; index += 3) {
        yield* top.driver.intermediate.send(sequencedPacket("to-peer", index % 8, index, index % 2 === 1 ? 1400 : 100));
        if (index % 20 === 0) yield delay(3_000_000);
      }
    });
  }
  const seen = readEverySignal(kernel, top);
  kernel.run({ until: 300_000_000 });
  return seen;
}

describe("every signal of the NIC, read while nothing watches it, skipping idle blocks and on every edge", () => {
  test.each([
    [1, 4],
    [5, 1],
  ])("plain frames both ways, mixed sizes, rings of 8: seed %i, %i queues", (seed, queues) => {
    const skipping = plain(true, seed, queues);
    expect(skipping.length).toBe(3000);
    expect(skipping).toEqual(plain(false, seed, queues));
  });

  test.each([
    [2, 4],
    [9, 1],
  ])("inline ESP, 100- and 1400-byte packets, SA tables of 2 entries: seed %i, %i tunnels", (seed, tunnels) => {
    const skipping = inlineEsp(true, seed, tunnels);
    expect(skipping.length).toBe(3000);
    expect(skipping).toEqual(inlineEsp(false, seed, tunnels));
  });
});
