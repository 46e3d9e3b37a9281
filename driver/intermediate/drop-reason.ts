import type { EspDropReason } from "../../sim/ipsec/esp.js";

/** Why the intermediate driver dropped a packet, beside the ESP receiver's reasons. */
export type IntermediateDropReason =
  | EspDropReason
  | "SPD_DISCARD"
  | "NO_POLICY"
  | "NO_SA"
  | "NO_MATURE_SA"
  | "SA_DEAD"
  | "UNKNOWN_SPI"
  | "REKEY_REQUIRED"
  | "NOT_IPV4"
  | "BACKLOG_FULL"
  /** Received: an IPv4 header whose checksum does not verify (RFC 1122 3.2.1.2). */
  | "IP_HEADER_CHECKSUM"
  /** Received in the clear where the SPD says the traffic comes under IPsec (RFC 4301 5.2 step 3a). */
  | "UNPROTECTED"
  /** Decrypted, a packet outside the selectors of the SA it came under (RFC 4301 5.2 step 4): another tunnel's traffic. */
  | "SELECTOR_MISMATCH";
