import { expect, test } from "vitest";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { us } from "../../sim/time.js";
import * as R from "../../hw/spec/registers.js";
import { system } from "../support/nic.js";

// From a driver developer's check: a 1000-byte frame in five 200-byte descriptors was refused (OVER_LENGTH_BUFFER) with the device caching four,
// and no register told a driver the limit.
test("TXDMAX gives the most descriptors a TX frame may take: a frame of that many goes, one of more is refused as OVER_LENGTH_BUFFER", () => {
  const { kernel, top } = system({ "top.nic.tx.descriptorCache": 4, "top.driver.base.txBufferBytes": 200 });
  const driver = top.driver.base;
  let limit = -1;
  kernel.process("app", function* () {
    yield driver.whenReady();
    limit = (yield driver.bus.mmioRead(R.TXDMAX)) as number;
    // 800 bytes in four descriptors, then 1000 in five.
    yield* driver.transmit(0, sequencedFrame("to-peer", 0, 0, 800));
    yield* driver.transmit(0, sequencedFrame("to-peer", 0, 1, 1000));
  });
  kernel.run({ until: us(50) });
  expect(limit).toBe(4);
  expect(top.peer.received.map((frame) => frame.bytes.length)).toEqual([800]);
  expect(top.nic.diagnostics.map((diagnostic) => diagnostic.code)).toContain("OVER_LENGTH_BUFFER");
});

test("TXDMAX reads the default descriptor cache, 64", () => {
  const { kernel, top } = system();
  let limit = -1;
  kernel.process("app", function* () {
    limit = (yield top.driver.base.bus.mmioRead(R.TXDMAX)) as number;
  });
  kernel.run({ until: us(1) });
  expect(limit).toBe(64);
});
