import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { Random } from "../../sim/random.js";
import { packetSequence } from "../../sim/packet/test-frames.js";
import { EspPeer } from "../../system/esp-peer.js";
import { configureTunnels } from "../../system/ipsec-setup.js";
import { system } from "./nic.js";

/**
 * A NIC system configured with `customers` IPsec tunnels (class = customer index mod 8), and a
 * remote gateway holding the other end of every SA. Records what each end delivered.
 */
export function tunnelledSystem(customers: number, parameters: Record<string, unknown> = {}) {
  const design = system({ "top.nic.queues": 8, ...parameters });
  const { top } = design;
  const list = Array.from({ length: customers }, (_, index) => ({ name: `customer-${index}`, trafficClass: index % 8, qosGroup: index + 1 }));
  const tunnels = configureTunnels(top.driver.intermediate, list, Random.derive(1, "keys"));
  const peer = new EspPeer(top.peer, design.container.resolve(AesGcmBackendToken), tunnels.peer);
  const atPeer: Uint8Array[] = [];
  const atHost: Uint8Array[] = [];
  peer.onDeliver = (packet) => atPeer.push(packet.slice());
  top.driver.intermediate.onDeliver = (delivered) => atHost.push(delivered.packet.slice());
  const sequences = (packets: Uint8Array[]) => packets.map((packet) => packetSequence(packet));
  return { ...design, peer, atPeer, atHost, customers: list, tunnels, sequences };
}
