import { AesGcmBackendToken } from "../sim/crypto/backend.js";
import { packetSequence } from "../sim/packet/test-frames.js";
import { Random } from "../sim/random.js";
import { buildNicSystem, type SystemOptions } from "./build.js";
import { EspPeer } from "./esp-peer.js";
import { configureTunnels, type CustomerTunnel } from "./ipsec-setup.js";

/**
 * A NIC system with an IPsec tunnel per customer, and a remote gateway holding the other end of
 * every SA. Records what each end delivered. `customers` as a number: that many, class = index mod 8.
 */
export function tunnelledSystem(customers: number | readonly CustomerTunnel[], parameters: Record<string, unknown> = {}, options: Omit<SystemOptions, "parameters"> = {}) {
  const design = buildNicSystem({ ...options, parameters: { "top.nic.queues": 8, ...parameters } });
  const { top } = design;
  const list = typeof customers === "number" ? Array.from({ length: customers }, (_, index) => ({ name: `customer-${index}`, trafficClass: index % 8, qosGroup: index + 1 })) : customers;
  const tunnels = configureTunnels(top.driver.intermediate, list, Random.derive(1, "keys"));
  const peer = new EspPeer(top.peer, design.container.resolve(AesGcmBackendToken), tunnels.peer);
  const atPeer: Uint8Array[] = [];
  const atHost: Uint8Array[] = [];
  peer.onDeliver = (packet) => atPeer.push(packet.slice());
  top.driver.intermediate.onDeliver = (delivered) => atHost.push(delivered.packet.slice());
  const sequences = (packets: Uint8Array[]) => packets.map((packet) => packetSequence(packet));
  return { ...design, peer, atPeer, atHost, customers: list, tunnels, sequences };
}
