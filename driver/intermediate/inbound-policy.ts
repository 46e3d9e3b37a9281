import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType } from "../../sim/packet/ethernet.js";
import { IPV4_HEADER_BYTES, ipv4HeaderChecksumValid } from "../../sim/packet/ipv4.js";
import type { IpsecSa } from "./sadb.js";
import { packetSelectors, selectsInbound, type Spd } from "./spd.js";

/**
 * What RFC 4301 5.2 asks of a host's inbound path, each a counted drop (an outside check found each
 * delivered, or lost without a count): a frame this stack cannot carry, a packet in the clear the
 * SPD does not let bypass IPsec, and a decrypted packet outside its SA's selectors.
 */

/** Why a received frame is no IPv4 packet this host takes: an ARP or IPv6 frame, or an outer header whose checksum does not verify (neither the NIC nor the base driver checks it); null: it is one. */
export function receivedFrameProblem(bytes: Uint8Array): "NOT_IPV4" | "IP_HEADER_CHECKSUM" | null {
  if (etherType(bytes) !== ETHERTYPE_IPV4 || bytes.length < ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES) return "NOT_IPV4";
  return ipv4HeaderChecksumValid(bytes.subarray(ETHERNET_HEADER_BYTES)) ? null : "IP_HEADER_CHECKSUM";
}

/** Why a packet that came in the clear is dropped, the SPD looked up mirrored (step 3a): no entry, a discard, or one that asks for IPsec; null under bypass, to deliver it. */
export function clearPacketProblem(spd: Spd, packet: Uint8Array): "NO_POLICY" | "SPD_DISCARD" | "UNPROTECTED" | null {
  const selectors = packetSelectors(packet);
  const entry = selectors && spd.lookupInbound(selectors);
  if (!entry) return "NO_POLICY";
  if (entry.action.kind === "discard") return "SPD_DISCARD";
  return entry.action.kind === "bypass" ? null : "UNPROTECTED";
}

/** Whether a decrypted packet falls outside the selectors of the SA it came under (step 4): another tunnel's traffic. An SA made without selectors carries any. */
export function outsideSelectors(sa: IpsecSa, packet: Uint8Array): boolean {
  if (sa.selectors === null) return false;
  const inner = packetSelectors(packet);
  return inner === null || !selectsInbound(sa.selectors, inner);
}
