import { expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { us } from "../../sim/time.js";
import { buildNic } from "../../system/hardware.js";

test.each([800, 2_200_000, 1_000_000_000])("an MMIO read of mmioReadNanoseconds = %i takes that long, even past 2^31 ps (half of it was taken with a 32-bit shift: a read asked to resume before now, or passed in a moment; from a scenario author's check)", (nanoseconds) => {
  const { kernel, top } = buildNic({ parameters: { "top.nic.mmioReadNanoseconds": nanoseconds } });
  let took = -1;
  let value: unknown;
  kernel.process("reader", function* () {
    const started = kernel.now;
    value = yield top.nic.mmioRead(R.STATUS);
    took = kernel.now - started;
  });
  kernel.run({ until: nanoseconds * 1000 + us(1) });
  expect(took).toBe(nanoseconds * 1000);
  expect(typeof value).toBe("number");
});
