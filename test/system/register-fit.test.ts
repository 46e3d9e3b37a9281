import { describe, expect, test } from "vitest";
import { usedQueuePartKilobytes } from "../../driver/base/tx-schedules.js";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { problems, VALID } from "./scenario-fixture.js";

describe("values the registers they go to cannot hold are refused at load (the run threw a few µs in, and a sweep lost every finished run)", () => {
  test("an EITR interval or packet threshold beyond 32 bits, and a TX buffer whose per-class part TXPBSIZE's 10-bit field of KB cannot hold (cut silently: a bigger buffer gave smaller parts)", () => {
    expect(problems(VALID, "s.yaml", { "driver.base.interruptIntervalNanoseconds": 2 ** 32, "driver.base.interruptPacketThreshold": 2 ** 32, "nic.tx.bufferBytes": 9 * 2 ** 20 })).toEqual([
      expect.stringContaining("--set nic.tx.bufferBytes = 9437184: each of the 8 queues' parts (1179648 bytes) must fit TXPBSIZE's 10-bit field of KB (at most 1047552 bytes): the buffer can be at most 8380416 bytes with 8 queues per class (shared, it can be larger)"),
      expect.stringContaining("--set driver.base.interruptIntervalNanoseconds = 4294967296: expected at most 4294967295 ns"),
      expect.stringContaining("--set driver.base.interruptPacketThreshold = 4294967296: expected at most 4294967295"),
    ]);
  });

  test("a shared TX buffer has no part a frame waits on: one larger than eight TXPBSIZE fields is taken, each part shown at the field's largest (it was refused for the parts, where the RX buffer of any size was taken; from a new user's check)", () => {
    expect(problems(VALID, "s.yaml", { "nic.tx.bufferBytes": 64 * 2 ** 20, "nic.tx.bufferPartition": "shared" })).toEqual([]);
  });

  test("the driver's split of the TX buffer among the queues its classes use writes no part past TXPBSIZE's field (a shared pool of eight full fields over three classes gave parts the device refused: VALUE_OUT_OF_RANGE)", () => {
    // 8 queues of 1023 KB read back, 5 of them unused keeping one longest frame: the 3 used would get 2724 KB each.
    expect(usedQueuePartKilobytes(8 * 1023, 1518, 8, 3)).toBe(1023);
    expect(usedQueuePartKilobytes(160, 1518, 8, 3)).toBe(50);
    const { summary } = runScenario(parseScenarioText(VALID, "s.yaml", { "nic.tx.bufferBytes": 64 * 2 ** 20, "nic.tx.bufferPartition": "shared", durationMicroseconds: 20 }), { directory: null });
    expect(summary.nic.errorsByCode).toEqual({});
  });
});
