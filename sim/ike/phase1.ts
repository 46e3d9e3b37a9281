/** What Main Mode and Aggressive Mode share: headers, ID payloads, keys from KE and nonces, the end of phase 1. */
import type { IkeStepBuilder } from "./ike-step.js";
import type { IkeSession } from "./ike-session.js";
import { derivePhase1Keys, type AuthenticationInputs } from "./ike-keys.js";
import { PHASE1_KEY_BYTES, phase1SaPayload } from "./ike-proposals.js";
import type { IdPayload, PreSharedKeyLookup } from "./ike-types.js";
import { phase1Iv } from "./ike-keys.js";
import { type DecodedPayload, encodePayloadChain, encodePlainMessage, type HeaderFields, type IsakmpMessage } from "./isakmp-codec.js";
import { DOI_IPSEC, EXCHANGE, NOTIFY, PROTOCOL } from "./isakmp-numbers.js";
import type { Payload, PayloadName, PayloadOf } from "./isakmp-payloads.js";

export const NONCE_BYTES = 32;
/** RFC 2409 5: nonces are 8 to 256 bytes. */
const NONCE_MINIMUM = 8;
const NONCE_MAXIMUM = 256;

export function phase1Header(session: IkeSession): HeaderFields {
  const exchangeType = session.mode === "main" ? EXCHANGE.MAIN_MODE : EXCHANGE.AGGRESSIVE_MODE;
  return { initiatorCookie: session.initiatorCookie, responderCookie: session.responderCookie, exchangeType, flags: 0, messageId: 0 };
}

/** An initiator's phase-1 offer: what it proposes, kept with the SA payload's body for the HASHes. */
export function offerPhase1(step: IkeStepBuilder, session: IkeSession): PayloadOf<"SA"> {
  session.offered = { hash: step.config.phase1Hash ?? "sha256", lifetimeSeconds: step.config.phase1LifetimeSeconds };
  const sa = phase1SaPayload(session.offered);
  session.initiatorSaBody = encodePayloadChain([sa]).slice(4);
  return sa;
}

/** The payloads of a message that must come in clear; an encrypted one is unexpected. */
export function plainPayloads(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage): readonly DecodedPayload[] | null {
  if (message.body.kind === "plain") return message.body.payloads;
  step.drop(session.peerAddress, "UNEXPECTED_MESSAGE", "header.flags");
  return null;
}

export function idPayload(id: IdPayload): PayloadOf<"ID"> {
  return { type: "ID", idType: id.type, protocolId: id.protocolId, port: id.port, data: id.data };
}

export function identityOf(payload: PayloadOf<"ID">): IdPayload {
  return { type: payload.idType, protocolId: payload.protocolId, port: payload.port, data: payload.data };
}

/** The body of a payload as sent (without its generic header): SAi_b, IDii_b, IDir_b. */
export function bodyOf(entry: DecodedPayload): Uint8Array {
  return entry.raw.slice(4);
}

export type Found<Names extends PayloadName> = { readonly [Name in Names]: DecodedPayload & { readonly payload: PayloadOf<Name> } };

/** The first payload of each named type, or null after dropping the message for the first one missing. */
export function requirePayloads<const Names extends PayloadName>(step: IkeStepBuilder, session: IkeSession, payloads: readonly DecodedPayload[], names: readonly Names[]): Found<Names> | null {
  const found: Partial<Record<PayloadName, DecodedPayload>> = {};
  for (const name of names) {
    const entry = payloads.find((candidate) => candidate.payload.type === name);
    if (entry === undefined) {
      step.drop(session.peerAddress, "MISSING_PAYLOAD", name);
      return null;
    }
    found[name] = entry;
  }
  return found as Found<Names>;
}

export function validNonce(step: IkeStepBuilder, session: IkeSession, nonce: Uint8Array): boolean {
  if (nonce.length >= NONCE_MINIMUM && nonce.length <= NONCE_MAXIMUM) return true;
  step.drop(session.peerAddress, "BAD_NONCE", "NONCE.data");
  return false;
}

export function authenticationInputs(session: IkeSession): AuthenticationInputs {
  return {
    initiatorPublic: session.initiatorPublic!,
    responderPublic: session.responderPublic!,
    initiatorCookie: session.initiatorCookie,
    responderCookie: session.responderCookie,
    initiatorSaBody: session.initiatorSaBody!,
  };
}

/**
 * g^xy from the peer's public value, the pre-shared key looked up as given, SKEYID and its
 * derivatives, and the first IV. On failure the session fails and false is returned.
 */
export function deriveSessionKeys(step: IkeStepBuilder, session: IkeSession, lookup: PreSharedKeyLookup): boolean {
  const peerPublic = session.role === "initiator" ? session.responderPublic! : session.initiatorPublic!;
  const sharedSecret = session.dh.sharedSecret(step.work, peerPublic);
  if (sharedSecret === null) {
    step.failPhase1(session, "BAD_KEY_EXCHANGE");
    return false;
  }
  const preSharedKey = step.config.preSharedKey(lookup);
  if (preSharedKey === null) {
    step.failPhase1(session, "NO_PRESHARED_KEY");
    return false;
  }
  const hash = session.suite!.hash;
  session.keys = derivePhase1Keys(step.work, {
    hash,
    preSharedKey,
    initiatorNonce: session.initiatorNonce!,
    responderNonce: session.responderNonce!,
    sharedSecret,
    initiatorCookie: session.initiatorCookie,
    responderCookie: session.responderCookie,
    encryptionKeyBytes: PHASE1_KEY_BYTES,
  });
  session.iv = phase1Iv(step.work, hash, session.initiatorPublic!, session.responderPublic!);
  return true;
}

/** Phase 1 is up: later IVs derive from the last phase-1 CBC block. */
export function phase1Established(step: IkeStepBuilder, session: IkeSession, lastBlock: Uint8Array): void {
  session.lastPhase1Block = lastBlock;
  session.iv = lastBlock;
  session.expected = null;
  step.state(session, "PHASE1_UP");
  step.actions.push({
    kind: "phase1-up",
    session: session.id,
    peerAddress: session.peerAddress,
    peerIdentity: session.peerIdentity!,
    initiatorCookie: session.initiatorCookie,
    responderCookie: session.responderCookie,
    lifetimeSeconds: session.suite!.lifetimeSeconds,
    encryptionKey: session.requireKeys().encryptionKey,
  });
}

/** A responder that accepts none of the proposals says so in clear (RFC 2408 5.6) and forgets the session. */
export function refuseProposal(step: IkeStepBuilder, session: IkeSession): void {
  const notification: Payload = { type: "NOTIFICATION", doi: DOI_IPSEC, protocolId: PROTOCOL.ISAKMP, notifyType: NOTIFY.NO_PROPOSAL_CHOSEN, spi: new Uint8Array(0), data: new Uint8Array(0) };
  const bytes = encodePlainMessage({ ...phase1Header(session), exchangeType: EXCHANGE.INFORMATIONAL }, [notification]);
  step.sendOnce(session, bytes, "INFO_NOTIFY");
  step.failPhase1(session, "NO_PROPOSAL_CHOSEN");
}
