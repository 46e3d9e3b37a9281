import type { NicSystem } from "../../system/nic-system.js";
import { TX_COMMAND_EOP, TX_COMMAND_IPSEC, TX_COMMAND_RS } from "../../hw/spec/descriptors.js";
import { EspOutbound } from "../../sim/ipsec/esp.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { ethernetFrame, macAddress } from "../../sim/packet/ethernet.js";
import { ipv4Packet, PROTOCOL_ESP, PROTOCOL_IPV4 } from "../../sim/packet/ipv4.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import type { ProcessBody } from "../../sim/process.js";
import { us } from "../../sim/time.js";
import { HOST_GATEWAY, PEER_GATEWAY } from "../../system/ipsec-setup.js";
import { RawQueue } from "./raw-queue.js";
import { tunnelledSystem } from "./tunnels.js";

/** A misbehaving driver on queue 3 (the base driver owns 0 to 2); returns the system after the run. */
export function raw(body: (top: NicSystem, queue: RawQueue) => ProcessBody, parameters: Record<string, unknown> = {}) {
  const run = tunnelledSystem(2, { "top.nic.queues": 4, "top.driver.base.queues": 3, ...parameters });
  run.kernel.process("raw", function* () {
    yield run.top.driver.base.whenReady();
    yield* body(run.top, new RawQueue(run.top.driver.base.bus, "tx", 3));
  });
  run.kernel.run({ until: us(60) });
  return run;
}

/** An ESP frame prepared for inline encryption under SA `spi` (plaintext, zero ICV). */
export function preparedFrame(top: NicSystem, spiValue: number): Uint8Array {
  const sa = top.driver.intermediate.sadb.find("outbound", spiValue)!;
  const esp = new EspOutbound(new NobleBackend(), sa.parameters).prepare(sequencedPacket("to-peer", 0, 1, 200), PROTOCOL_IPV4);
  return ethernetFrame(macAddress("02:00:00:00:00:02"), macAddress("02:00:00:00:00:01"), ipv4Packet({ source: HOST_GATEWAY, destination: PEER_GATEWAY, protocol: PROTOCOL_ESP }, esp));
}

/** Post one IPsec frame at descriptor `index` of the raw queue (the ones before it already posted), naming its SA by handle or pointer. */
export function postIpsec(top: NicSystem, queue: RawQueue, frame: Uint8Array, fields: { saHandle?: number; saPointer?: number }, index = 0): void {
  const buffer = top.memory.allocate(2048, "raw buffer");
  top.memory.write(buffer, frame);
  queue.writeTx(index, { bufferAddress: buffer, length: frame.length, command: TX_COMMAND_EOP | TX_COMMAND_RS | TX_COMMAND_IPSEC, ...fields });
  queue.doorbell(index + 1);
}

