import { expect, test } from "vitest";
import { buildNicSystem } from "../../system/build.js";
import { macAddress } from "../../sim/packet/ethernet.js";
import { ipv4Address, udpFrame } from "../../sim/packet/udp-frame.js";

test("smoke", () => {
  const { kernel, top } = buildNicSystem();
  const driver = top.driver.base;
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 16; i++) {
    frames.push(udpFrame({ destination: macAddress("02:00:00:00:00:02"), source: macAddress("02:00:00:00:00:01"), sourceIp: ipv4Address("10.0.0.1"), destinationIp: ipv4Address("10.0.0.2"), sourcePort: 1000, destinationPort: 2000, dscp: (i % 8) << 3, frameLength: [60, 1514, 9000][i % 3]!, fill: (p) => p.fill(i) }));
  }
  kernel.process("app", function* () {
    yield driver.whenReady();
    for (let i = 0; i < frames.length; i++) yield* driver.transmit(i % 8, frames[i]!);
    for (let i = 0; i < 8; i++) top.peer.send(frames[i]!);
  });
  const result = kernel.run({ until: 200_000_000 });
  console.log(result, kernel.statistics, top.peer.received.length, driver.received.length, top.nic.diagnostics, driver.statistics);
  expect(top.peer.received.length).toBe(16);
});
