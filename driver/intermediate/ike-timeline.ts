import { defineEnum } from "../../sim/enum-type.js";

/** Where a gateway's IKE stands, as the host's daemon sees it: the last message of the exchange under way, or its outcome. */
export const IkeStateEnum = defineEnum("ike_state", ["IDLE", "MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "AM1", "AM2", "AM3", "PHASE1_UP", "QM1", "QM2", "QM3", "ESTABLISHED", "INFO_DELETE", "DELETED", "FAILED"]);
export type IkeStateName = (typeof IkeStateEnum.names)[number];

/** The last IKE message a gateway's exchange took or sent, as the host's daemon handled it. */
export const IkeMessageEnum = defineEnum("ike_message", ["NONE", "MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "AM1", "AM2", "AM3", "QM1", "QM2", "QM3", "INFO_DELETE", "INFO_NOTIFY"]);
export type IkeMessageEnumName = (typeof IkeMessageEnum.names)[number];

/**
 * What a Quick Mode that came up was to its tunnel: its first pair, a rekey the host started (the
 * pair it replaces still carries the traffic), one the gateway started while the host still had
 * the tunnel's pair (its rekey at its soft lifetime, or its acquire once its own end had ended:
 * the host cannot tell which), or a pair negotiated again after a Delete or an expiry left none.
 */
export type Negotiation = "first" | "rekey" | "gateway" | "again";

/** One step of a gateway's IKE history, for the report's timeline. */
export type IkeTimelineEvent =
  | { readonly kind: "phase1-started"; readonly mode: "main" | "aggressive" }
  | { readonly kind: "phase1-up"; readonly identity: string; readonly profile: string | null; readonly qosGroup: number | null }
  | { readonly kind: "phase1-failed"; readonly reason: string }
  | { readonly kind: "quick-mode-up"; readonly inboundSpi: number; readonly outboundSpi: number; readonly negotiation: Negotiation; readonly selector: string; readonly initiator: "host" | "gateway" }
  | { readonly kind: "quick-mode-failed"; readonly reason: string; readonly selector?: string }
  | { readonly kind: "acquire"; readonly selector: string }
  | { readonly kind: "rekey-started"; readonly trigger: "seconds" | "kilobytes"; readonly outboundSpi: number }
  /** `beforeInstalled`: the tunnel (its selector) of a pair whose lifetime what the gateway sent under it before its QM3 came here used up, and which was not installed. */
  | { readonly kind: "expired"; readonly trigger: "seconds" | "kilobytes"; readonly outboundSpi: number; readonly inboundSpi: number; readonly successor: boolean; readonly rekeying: boolean; readonly beforeInstalled?: string }
  /** `stillSentUnder`: packets came under the SPIs after the host had ended them (a Delete lost, or a Quick Mode the host gave up on). */
  | { readonly kind: "delete-sent"; readonly spis: readonly number[]; readonly stillSentUnder?: boolean }
  | { readonly kind: "delete-received"; readonly protocol: "ISAKMP" | "ESP"; readonly spis: readonly number[] }
  | { readonly kind: "retransmitted"; readonly message: string };

export interface IkeTimelineEntry {
  /** Simulated time, ps. */
  readonly time: number;
  /** The gateway: its customer's name. */
  readonly gateway: string;
  readonly event: IkeTimelineEvent;
}

/** How a quick-mode-up entry begins, by what the Quick Mode was to its tunnel (the summary counts them by it). */
export const QUICK_MODE_UP: Record<Negotiation, string> = { first: "Quick Mode up", rekey: "rekey up", gateway: "Quick Mode up in place of a live pair", again: "Quick Mode up again" };

/** One line of a timeline entry, as the text and HTML reports show it (no key material: SPIs only). */
export function describeIkeEvent(event: IkeTimelineEvent): string {
  const hex = (spi: number) => `0x${spi.toString(16).padStart(8, "0")}`;
  switch (event.kind) {
    case "phase1-started":
      return `phase 1 (${event.mode === "main" ? "Main Mode" : "Aggressive Mode"}) started`;
    case "phase1-up":
      return `phase 1 up: ${event.identity}, profile ${event.profile ?? "none"}, ipsec_qos_group ${event.qosGroup ?? "none (fallback)"}`;
    case "phase1-failed":
      return `phase 1 failed: ${event.reason}`;
    case "quick-mode-up":
      return `${QUICK_MODE_UP[event.negotiation]} (${event.selector}): inbound SPI ${hex(event.inboundSpi)}, outbound SPI ${hex(event.outboundSpi)}${event.negotiation !== "first" && event.initiator === "gateway" ? ", started by the gateway (its rekey at its soft lifetime, or its acquire once its end of the pair had ended)" : ""}`;
    case "quick-mode-failed":
      return `Quick Mode failed${event.selector ? ` (${event.selector})` : ""}: ${event.reason}`;
    case "acquire":
      return `a packet hit the trap of ${event.selector}: Quick Mode started to negotiate it again`;
    case "rekey-started":
      return `rekey of outbound SPI ${hex(event.outboundSpi)} started (${event.trigger} lifetime)`;
    case "expired":
      if (event.beforeInstalled) return `SA pair outbound ${hex(event.outboundSpi)}, inbound ${hex(event.inboundSpi)} (${event.beforeInstalled}) expired (hard ${event.trigger} lifetime) before its QM3 came, the gateway sending under it meanwhile: not installed, ${event.successor ? "the tunnel keeps the pair it has" : "its policy waits for IKE again"}`;
      return `SA pair outbound ${hex(event.outboundSpi)}, inbound ${hex(event.inboundSpi)} expired (hard ${event.trigger} lifetime)${event.successor ? "" : event.rekeying ? " before its rekey was done: the rekey's Quick Mode negotiates the tunnel" : " without a successor: its policy waits for IKE again"}`;
    case "delete-sent":
      return `Delete sent for SPI ${event.spis.map(hex).join(", ")}${event.stillSentUnder ? ": the gateway still sent under it after this host had ended it (a Delete lost, or a Quick Mode given up on here)" : ""}`;
    case "delete-received":
      return `Delete received (${event.protocol}${event.spis.length > 0 ? ` SPI ${event.spis.map(hex).join(", ")}` : ""})`;
    case "retransmitted":
      return `${event.message} retransmitted`;
  }
}
