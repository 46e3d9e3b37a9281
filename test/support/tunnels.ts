import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay, type ProcessBody } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import type { NicSystem } from "../../system/nic-system.js";
import { tunnelledSystem } from "../../system/tunnelled-system.js";

export { tunnelledSystem };

/**
 * One tunnel whose RX SA the NIC's one-entry table holds: the peer sends two packets (the first misses and makes the driver
 * install the SA, the second hits), then `then` runs with the second's frame as it came off the wire. Run for 60 µs, or
 * not at all with `until` null (the caller steps it); `parameters` beside the one-entry table.
 */
export function withRxSaInstalled(then: (top: NicSystem, hitFrame: Uint8Array) => ProcessBody, options: { readonly parameters?: Record<string, unknown>; readonly until?: number | null } = {}) {
  const run = tunnelledSystem(1, { "top.nic.sacache.rxEntries": 1, ...options.parameters });
  const { kernel, top, peer } = run;
  const frames: Uint8Array[] = [];
  top.wire.tap((_, frame, from) => from === "peer" && frames.push(frame.bytes));
  kernel.process("peer", function* () {
    yield top.driver.base.whenReady();
    peer.send(0, sequencedPacket("to-host", 0, 1, 300));
    yield delay(us(10));
    peer.send(0, sequencedPacket("to-host", 0, 2, 300));
    yield delay(us(10));
    yield* then(top, frames[1]!);
  });
  if (options.until !== null) kernel.run({ until: options.until ?? us(60) });
  return run;
}
