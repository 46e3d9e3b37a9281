/** The public vocabulary of the sans-I/O IKEv1 node: configuration, steps, actions and reasons. */
import type { Random } from "../random.js";
import type { IkeHashAlgorithm, IkeWork } from "./ike-crypto.js";
import type { MalformedReason } from "./isakmp-fields.js";

/** An ID payload's contents (RFC 2407 4.6.2): phase-1 identity, or a Quick Mode IDci/IDcr. */
export interface IdPayload {
  readonly type: number;
  readonly protocolId: number;
  readonly port: number;
  readonly data: Uint8Array;
}

export type IkeSessionId = number & { readonly __brand: "IkeSessionId" };

export type IkeMode = "main" | "aggressive";

export type IkeMessageName =
  | "MM1" | "MM2" | "MM3" | "MM4" | "MM5" | "MM6"
  | "AM1" | "AM2" | "AM3"
  | "QM1" | "QM2" | "QM3"
  | "INFO_DELETE" | "INFO_NOTIFY";

/** Session states, in the order of the waveform enum. */
export const IKE_STATES = [
  "IDLE",
  "MM1", "MM2", "MM3", "MM4", "MM5", "MM6",
  "AM1", "AM2", "AM3",
  "PHASE1_UP",
  "QM1", "QM2", "QM3",
  "ESTABLISHED",
  "DELETED",
  "FAILED",
] as const;
export type IkeState = (typeof IKE_STATES)[number];

export type IkeFailureReason =
  | "AUTHENTICATION_FAILED"
  | "NO_PRESHARED_KEY"
  | "NO_PROPOSAL_CHOSEN"
  | "RETRANSMISSION_LIMIT"
  /** A responder waited for the initiator's next message longer than the initiator would retransmit. */
  | "PEER_TIMEOUT"
  | "BAD_KEY_EXCHANGE";

export type IkeDropReason =
  | MalformedReason
  | "UNKNOWN_COOKIE"
  | "UNEXPECTED_MESSAGE"
  | "MISSING_PAYLOAD"
  | "BAD_HASH"
  | "UNDECRYPTABLE"
  | "DUPLICATE"
  | "NOT_ENCRYPTED"
  | "PHASE1_NOT_UP"
  | "BAD_NONCE"
  /** A message of a Quick Mode this end gave up on (RETRANSMISSION_LIMIT, NO_PROPOSAL_CHOSEN): its message ID is not taken again, where decrypting it as a new exchange's gave garbage (PAYLOAD_LENGTH) or a second answer. */
  | "ABANDONED_EXCHANGE";

export type PreSharedKeyLookup = { readonly address: string } | { readonly identity: IdPayload };

export interface Lifetime {
  readonly seconds: number;
  readonly kilobytes: number;
}

export interface IkeNodeConfig {
  /** Sent in ID payloads of phase 1 (MM5/MM6, AM1/AM2). */
  readonly localIdentity: IdPayload;
  /** Main Mode responders look up by address (the identity is encrypted until MM5), Aggressive Mode responders by the clear identity. */
  preSharedKey(lookup: PreSharedKeyLookup): Uint8Array | null;
  readonly random: Random;
  /** Inbound ESP SPIs come from the caller's SADB. */
  allocateSpi(): number;
  readonly phase1LifetimeSeconds: number;
  /** Proposed in Quick Mode SA attributes (life type seconds and kilobytes). */
  readonly espLifetime: Lifetime;
  /** The first wait for a reply, how many times a request is sent again, and the factor each wait grows by (strongSwan's retransmit_base; 1: constant). */
  readonly retransmit: { readonly intervalPicoseconds: number; readonly limit: number; readonly backoff?: number };
  /** The hash (and HMAC PRF) an initiator offers for phase 1; responders accept SHA and SHA2-256. Default SHA2-256. */
  readonly phase1Hash?: IkeHashAlgorithm;
}

export interface QuickModeSelectors {
  readonly local: IdPayload;
  readonly remote: IdPayload;
}

export interface EspKeys {
  readonly spi: number;
  /** 20 bytes: the AES-128 key and the 4-byte salt (RFC 4106 8.1). */
  readonly keyMaterial: Uint8Array;
}

export type IkeAction =
  | { readonly kind: "send"; readonly session: IkeSessionId; readonly peerAddress: string; readonly bytes: Uint8Array; readonly message: IkeMessageName; readonly retransmission: boolean }
  | { readonly kind: "state"; readonly session: IkeSessionId; readonly state: IkeState }
  | {
      readonly kind: "phase1-up";
      readonly session: IkeSessionId;
      readonly peerAddress: string;
      readonly peerIdentity: IdPayload;
      readonly initiatorCookie: Uint8Array;
      readonly responderCookie: Uint8Array;
      readonly lifetimeSeconds: number;
      /** Only for Wireshark's ikev1_decryption_table (wireshark-ikev1-table.ts). */
      readonly encryptionKey: Uint8Array;
    }
  | { readonly kind: "phase1-failed"; readonly session: IkeSessionId; readonly peerAddress: string; readonly reason: IkeFailureReason }
  | {
      readonly kind: "quick-mode-up";
      readonly session: IkeSessionId;
      readonly peerAddress: string;
      readonly messageId: number;
      readonly inbound: EspKeys;
      readonly outbound: EspKeys;
      readonly lifetime: Lifetime;
      /** From this node's side: local is the initiator's IDci when it initiated, IDcr when it responded. */
      readonly selectors?: QuickModeSelectors;
    }
  /** The peer's identity, as soon as its ID payload is read (MM5 and AM1 at a responder, MM6 and AM2 at an initiator): seed 001 tags the IKE SA from here on. */
  | { readonly kind: "identity-received"; readonly session: IkeSessionId; readonly peerAddress: string; readonly peerIdentity: IdPayload }
  /** A Quick Mode responder's inbound SA, ready as it sends QM2: the initiator may send under it as soon as QM2 arrives, before QM3 reaches the responder. */
  | { readonly kind: "quick-mode-inbound"; readonly session: IkeSessionId; readonly peerAddress: string; readonly messageId: number; readonly inbound: EspKeys; readonly selectors?: QuickModeSelectors }
  /** `port`: the one its identities name (what it negotiated), or null. */
  | { readonly kind: "quick-mode-failed"; readonly session: IkeSessionId; readonly peerAddress: string; readonly messageId: number; readonly reason: IkeFailureReason; readonly port: number | null; readonly selectors?: QuickModeSelectors }
  | { readonly kind: "delete-received"; readonly session: IkeSessionId; readonly peerAddress: string; readonly protocol: "ISAKMP" | "ESP"; readonly spis: readonly number[] }
  | { readonly kind: "dropped"; readonly peerAddress: string; readonly reason: IkeDropReason; readonly field?: string; readonly offset?: number };

export interface IkeStep {
  readonly actions: readonly IkeAction[];
  readonly work: IkeWork;
  /** When it was computed (ps), and the retransmission timers it armed: they run from then until the caller says when its messages left (IkeNode.sent). */
  readonly at: number;
  readonly armed: readonly { deadline: number }[];
}

/** A caller's mistake (an unknown session, quick mode before phase 1): thrown, as it is not the peer's doing. */
export class IkeUsageError extends Error {}

/** The wait before retransmission `n` (0: the first), growing by the backoff factor each time. */
export function retransmitWait(retransmit: IkeNodeConfig["retransmit"], n: number): number {
  return Math.round(retransmit.intervalPicoseconds * (retransmit.backoff ?? 1) ** n);
}

/** How long an initiator goes on before it gives up: every wait of its retransmissions and the last one's. */
export function retransmitSpan(retransmit: IkeNodeConfig["retransmit"]): number {
  let total = 0;
  for (let n = 0; n <= retransmit.limit; n++) total += retransmitWait(retransmit, n);
  return total;
}
