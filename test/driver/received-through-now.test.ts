import { expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { ns, us } from "../../sim/time.js";
import { system } from "../support/nic.js";

// From a re-check: a host behind on its ring dropped 782 frames the NIC had decrypted (UNKNOWN_SPI) as a rekey deleted their SA, 100 µs after the new
// SA's first packet: the old inbound SA waited only for its lane, and what the NIC decrypted is taken up in the poll, from the ring.
test("receivedThroughNow waits until the polls have handed up every frame the device had written to the RX rings when asked", () => {
  const { kernel, top } = system({ "top.nic.queues": 1, "top.driver.base.queues": 1 });
  const driver = top.driver.base;
  driver.keepReceived = false;
  let handedUp = 0;
  // A slow stack: 2 µs a frame, so that frames wait on the ring.
  driver.onReceive = function* () {
    yield delay(us(2));
    handedUp++;
  };
  let writtenWhenAsked = -1;
  let handedUpWhenAsked = -1;
  let handedUpWhenDone = -1;
  let waited = 0;
  kernel.process("peer", function* () {
    yield driver.whenReady();
    // One a microsecond: faster than the stack takes them, so the ring fills as the run goes.
    for (let sequence = 0; sequence < 40; sequence++) {
      top.peer.send(sequencedFrame("to-host", 0, sequence, 200));
      yield delay(us(1));
    }
  });
  kernel.process("asker", function* () {
    yield driver.whenReady();
    yield delay(us(10));
    writtenWhenAsked = (yield driver.bus.mmioRead(R.RQPC(0))) as number;
    handedUpWhenAsked = handedUp;
    const asked = kernel.now;
    yield* driver.receivedThroughNow();
    waited = kernel.now - asked;
    handedUpWhenDone = handedUp;
  });
  kernel.run({ until: us(200) });
  // Frames were on the ring, not yet handed up, when it asked: it waited for them, and returned once they were (not for all 40).
  expect(writtenWhenAsked).toBeGreaterThan(handedUpWhenAsked + 2);
  expect(waited).toBeGreaterThan(ns(2000));
  expect(handedUpWhenDone).toBeGreaterThanOrEqual(writtenWhenAsked);
  expect(handedUpWhenDone).toBeLessThan(40);
  expect(handedUp).toBe(40);
});
