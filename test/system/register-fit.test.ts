import { describe, expect, test } from "vitest";
import { problems, VALID } from "./scenario-fixture.js";

describe("values the registers they go to cannot hold are refused at load (the run threw a few µs in, and a sweep lost every finished run)", () => {
  test("an EITR interval or packet threshold beyond 32 bits, and a TX buffer whose per-class part TXPBSIZE's 10-bit field of KB cannot hold (cut silently: a bigger buffer gave smaller parts)", () => {
    expect(problems(VALID, "s.yaml", { "driver.base.interruptIntervalNanoseconds": 2 ** 32, "driver.base.interruptPacketThreshold": 2 ** 32, "nic.tx.bufferBytes": 9 * 2 ** 20 })).toEqual([
      expect.stringContaining("--set nic.tx.bufferBytes = 9437184: each of the 8 queues' parts (1179648 bytes) must fit TXPBSIZE's 10-bit field of KB (at most 1047552 bytes): the buffer can be at most 8380416 bytes with 8 queues"),
      expect.stringContaining("--set driver.base.interruptIntervalNanoseconds = 4294967296: expected at most 4294967295 ns"),
      expect.stringContaining("--set driver.base.interruptPacketThreshold = 4294967296: expected at most 4294967295"),
    ]);
  });
});
