import { expect } from "vitest";
import type { ErrorCode } from "../../hw/spec/errors.js";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame, frameSequence } from "../../sim/packet/test-frames.js";
import { delay, type ProcessBody } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import type { NicSystem } from "../../system/nic-system.js";
import { system } from "./nic.js";

export interface Expected {
  code: keyof typeof ErrorCode;
  queue: number | null;
  direction?: "tx" | "rx";
  index: number | null;
  field: string;
  value: number;
  /** Words the diagnostic message must contain. */
  mentions: string[];
  /** Words it must not (a value written that may be key bytes). */
  unshown?: string[];
}

/**
 * Run a misbehaving driver on queues 2 and 3 while the base driver owns 0 and 1, then check the
 * device reported exactly the expected error every way it can, and that the simulation went on:
 * a frame sent afterwards on queue 0 still reaches the peer.
 */
export function misuse(body: (top: NicSystem) => ProcessBody, expected: Expected, parameters: Record<string, unknown> = {}): NicSystem {
  const { kernel, top } = system({ "top.nic.queues": 4, "top.driver.base.queues": 2, ...parameters });
  const driver = top.driver.base;
  let errorCount = -1;
  kernel.process("misbehaving", function* () {
    yield driver.whenReady();
    yield* body(top);
    yield delay(us(20));
    errorCount = (yield driver.bus.mmioRead(R.ERROR_COUNT)) as number;
    yield* driver.transmit(0, sequencedFrame("to-peer", 0, 77, 100));
  });
  kernel.run({ until: us(100) });
  const diagnostics = top.nic.diagnostics;
  expect(diagnostics.map((diagnostic) => diagnostic.message)).toHaveLength(1);
  const diagnostic = diagnostics[0]!;
  expect(diagnostic.code).toBe(expected.code);
  for (const word of expected.mentions) expect(diagnostic.message).toContain(word);
  for (const word of expected.unshown ?? []) expect(diagnostic.message).not.toContain(word);
  // The driver learned the same through the error interrupt and the ERRLOG registers.
  expect(driver.statistics.errorInterrupts).toBe(1);
  expect(driver.deviceErrors).toHaveLength(1);
  const entry = driver.deviceErrors[0]!;
  expect({ code: entry.code, queue: entry.queue, index: entry.index, field: entry.field }).toEqual({
    code: expected.code,
    queue: expected.queue,
    index: expected.index,
    field: expected.field,
  });
  // A value only known once the body ran (NaN here) is checked by the test itself.
  if (!Number.isNaN(expected.value)) expect(entry.value).toBe(expected.value);
  // A value the device withheld (ERRLOG_LOCATION.WITHHELD) is said so by the driver too.
  expect(entry.message).toBe(diagnostic.message.replace(diagnostic.fieldName, diagnostic.withheld ? `${entry.field} (not logged)` : entry.field));
  if (expected.queue !== null) expect(entry.direction).toBe(expected.direction ?? "tx");
  expect(errorCount).toBe(1);
  expect(top.peer.received.map((frame) => frameSequence(frame.bytes).sequence)).toContain(77);
  return top;
}

