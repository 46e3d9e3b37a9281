import { expect, test } from "vitest";
import { buildNic, delay, diagnostics, registers as R, ns, us } from "../../index.js";
import { DIAGNOSTICS_KEPT } from "../../hw/error-log.js";

// From a driver developer's check: a driver ringing a disabled queue's doorbell in a loop made one diagnostic each, all kept: 1.4 GB of heap at a million, and a 60 MB summary at 200,000.
test("a flood of device errors keeps the first and the last DIAGNOSTICS_KEPT diagnostics, counts them all by code, and says how many it left out", () => {
  const doorbells = 2 * DIAGNOSTICS_KEPT + 500;
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 2 } });
  kernel.process("driver", function* () {
    for (let index = 0; index < doorbells; index++) {
      // Queue 1's doorbell once, in the middle: counted by its code with the others, though it is not kept.
      top.nic.mmioWrite(index === DIAGNOSTICS_KEPT + 100 ? R.RDT(1) : R.TDT(0), 5);
      yield delay(ns(1));
    }
  });
  kernel.run({ until: us(10) });
  const kept = top.nic.diagnostics;
  expect(kept).toHaveLength(2 * DIAGNOSTICS_KEPT);
  // The first ones, then the last ones, in order (a write a nanosecond after the one before, from the first's time).
  const start = kept[0]!.time;
  expect(kept[DIAGNOSTICS_KEPT - 1]!.time - start).toBe(ns(DIAGNOSTICS_KEPT - 1));
  expect(kept[DIAGNOSTICS_KEPT]!.time - start).toBe(ns(doorbells - DIAGNOSTICS_KEPT));
  expect(kept.at(-1)!.time - start).toBe(ns(doorbells - 1));
  expect(top.nic.errorLog.diagnosticCount).toBe(doorbells);
  const device = diagnostics(top.nic);
  expect(device.errorCount).toBe(doorbells);
  expect(Object.values(device.errorsByCode).reduce((sum, n) => sum + n, 0)).toBe(doorbells);
  expect(device.errors).toHaveLength(2 * DIAGNOSTICS_KEPT + 1);
  expect(device.errors[DIAGNOSTICS_KEPT]).toBe(`… 500 more not kept (the first and the last ${DIAGNOSTICS_KEPT} are; errorsByCode counts them all)`);
  expect(device.errorsByCode).toEqual({ DOORBELL_ON_DISABLED_QUEUE: doorbells });
});

test("up to twice DIAGNOSTICS_KEPT, every diagnostic is kept", () => {
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
  kernel.process("driver", function* () {
    for (let index = 0; index < 2 * DIAGNOSTICS_KEPT; index++) {
      top.nic.mmioWrite(R.TDT(0), 5);
      yield delay(ns(1));
    }
  });
  kernel.run({ until: us(10) });
  const start = top.nic.diagnostics[0]!.time;
  expect(top.nic.diagnostics.map((diagnostic) => diagnostic.time - start)).toEqual(Array.from({ length: 2 * DIAGNOSTICS_KEPT }, (_, index) => ns(index)));
  expect(diagnostics(top.nic).errors).toHaveLength(2 * DIAGNOSTICS_KEPT);
});
