import { read32 } from "../../sim/bytes.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType } from "../../sim/packet/ethernet.js";
import { formatIpv4, headerAddress, PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import type { DriverReceivedFrame } from "../base/driver.js";
import type { IpsecSa, Sadb } from "./sadb.js";
import type { SaLifecycle } from "./sa-lifecycle.js";

/** The ESP packet a received frame carries (IPv4, protocol 50), cut to the IP header's total length; null for any other frame. */
export function receivedEsp(bytes: Uint8Array): Uint8Array | null {
  if (etherType(bytes) !== ETHERTYPE_IPV4) return null;
  const outer = bytes.subarray(ETHERNET_HEADER_BYTES);
  if (outer[9] !== PROTOCOL_ESP) return null;
  return outer.subarray((outer[0]! & 0x0f) * 4, (outer[2]! << 8) | outer[3]!);
}

/** An IPv4 frame's outer source or destination address, as the IKE ends name each other. */
export function outerAddress(bytes: Uint8Array, which: "source" | "destination"): string {
  return formatIpv4(headerAddress(bytes.subarray(ETHERNET_HEADER_BYTES), which));
}

/** The inbound SA an ESP packet's SPI names: a unicast SA is found by its SPI alone (RFC 4301 4.1). */
export function inboundSa(sadb: Sadb, esp: Uint8Array): IpsecSa | undefined {
  return esp.length >= 4 ? sadb.find("inbound", read32(esp, 0)) : undefined;
}

/**
 * A frame the NIC flagged and the driver below dropped: one whose ICV failed used its SA's
 * lifetime as the gateway counted it sending, as in software (a replayed copy excepted).
 */
export function countFlaggedIcv(frame: DriverReceivedFrame, sadb: Sadb, lifecycle: SaLifecycle, used: (sa: IpsecSa, bytes: number) => void): void {
  const esp = frame.error === ErrorCode.ESP_ICV_FAILED ? receivedEsp(frame.bytes) : null;
  const sa = esp ? inboundSa(sadb, esp) : undefined;
  const lease = sa ? lifecycle.lease(sa) : null;
  if (!lease) return;
  if (lease.inbound().countsToLifetime(esp!)) used(lease.sa, esp!.length);
  lease.release();
}
