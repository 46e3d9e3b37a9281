/**
 * Main Mode with pre-shared keys (RFC 2409 5, 5.4): SA, then KE and nonces, then identities and
 * HASH_I / HASH_R encrypted in MM5 and MM6.
 */
import { openMessage, sealMessage } from "./ike-cipher.js";
import { hashInitiator, hashResponder } from "./ike-keys.js";
import { equalConstantTime } from "../bytes.js";
import { acceptPhase1Reply, choosePhase1 } from "./ike-proposals.js";
import type { IkeSession } from "./ike-session.js";
import type { IkeStepBuilder } from "./ike-step.js";
import { type DecodedPayload, encodePayloadChain, encodePlainMessage, type IsakmpMessage } from "./isakmp-codec.js";
import { authenticationInputs, bodyOf, deriveSessionKeys, identityOf, idPayload, NONCE_BYTES, offerPhase1, phase1Established, phase1Header, plainPayloads, refuseProposal, requirePayloads, validNonce } from "./phase1.js";

/** MM1: the initiator's offer. */
export function startMainMode(step: IkeStepBuilder, session: IkeSession): void {
  const sa = offerPhase1(step, session);
  step.send(session, session.phase1, encodePlainMessage(phase1Header(session), [sa]), "MM1", "retransmit");
  step.state(session, "MM1");
  session.expected = "MM2";
}

export function receiveMainMode(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  switch (session.expected) {
    case "MM1":
      return receiveMm1(step, session, message, bytes);
    case "MM2":
      return receiveMm2(step, session, message, bytes);
    case "MM3":
      return receiveMm3(step, session, message, bytes);
    case "MM4":
      return receiveMm4(step, session, message, bytes);
    case "MM5":
      return receiveMm5(step, session, message, bytes);
    case "MM6":
      return receiveMm6(step, session, message, bytes);
    default:
      step.drop(session.peerAddress, "UNEXPECTED_MESSAGE", "header.exchangeType");
  }
}

function receiveMm1(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const payloads = plainPayloads(step, session, message);
  const found = payloads && requirePayloads(step, session, payloads, ["SA"]);
  if (!found) return;
  step.accept(session.phase1, bytes);
  step.state(session, "MM1");
  const chosen = choosePhase1(found.SA.payload);
  if (chosen === null) return refuseProposal(step, session);
  session.suite = chosen.suite;
  session.initiatorSaBody = bodyOf(found.SA);
  session.responderCookie = step.config.random.bytes(8);
  step.send(session, session.phase1, encodePlainMessage(phase1Header(session), [chosen.reply]), "MM2", "wait");
  step.state(session, "MM2");
  session.expected = "MM3";
}

function receiveMm2(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const payloads = plainPayloads(step, session, message);
  const found = payloads && requirePayloads(step, session, payloads, ["SA"]);
  if (!found) return;
  step.accept(session.phase1, bytes);
  session.responderCookie = message.header.responderCookie;
  step.state(session, "MM2");
  session.suite = acceptPhase1Reply(session.offered!, found.SA.payload);
  if (session.suite === null) return step.failPhase1(session, "NO_PROPOSAL_CHOSEN");
  session.initiatorPublic = session.dh.public;
  session.initiatorNonce = step.config.random.bytes(NONCE_BYTES);
  const reply = encodePlainMessage(phase1Header(session), [
    { type: "KE", keyExchangeData: session.initiatorPublic },
    { type: "NONCE", data: session.initiatorNonce },
  ]);
  step.send(session, session.phase1, reply, "MM3", "retransmit");
  step.state(session, "MM3");
  session.expected = "MM4";
}

function receiveMm3(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const payloads = plainPayloads(step, session, message);
  const found = payloads && requirePayloads(step, session, payloads, ["KE", "NONCE"]);
  if (!found || !validNonce(step, session, found.NONCE.payload.data)) return;
  step.accept(session.phase1, bytes);
  step.state(session, "MM3");
  session.initiatorPublic = found.KE.payload.keyExchangeData;
  session.initiatorNonce = found.NONCE.payload.data;
  session.responderPublic = session.dh.public;
  session.responderNonce = step.config.random.bytes(NONCE_BYTES);
  // The identity is encrypted until MM5: the key is chosen by the peer's address.
  if (!deriveSessionKeys(step, session, { address: session.peerAddress })) return;
  const reply = encodePlainMessage(phase1Header(session), [
    { type: "KE", keyExchangeData: session.responderPublic },
    { type: "NONCE", data: session.responderNonce },
  ]);
  step.send(session, session.phase1, reply, "MM4", "wait");
  step.state(session, "MM4");
  session.expected = "MM5";
}

function receiveMm4(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const payloads = plainPayloads(step, session, message);
  const found = payloads && requirePayloads(step, session, payloads, ["KE", "NONCE"]);
  if (!found || !validNonce(step, session, found.NONCE.payload.data)) return;
  step.accept(session.phase1, bytes);
  step.state(session, "MM4");
  session.responderPublic = found.KE.payload.keyExchangeData;
  session.responderNonce = found.NONCE.payload.data;
  if (!deriveSessionKeys(step, session, { address: session.peerAddress })) return;
  const keys = session.requireKeys();
  const id = idPayload(step.config.localIdentity);
  const hash = hashInitiator(step.work, keys, authenticationInputs(session), encodePayloadChain([id]).slice(4));
  const sealed = sealMessage(step.work, phase1Header(session), keys.encryptionKey, session.iv!, [id, { type: "HASH", data: hash }]);
  session.iv = sealed.lastBlock;
  step.send(session, session.phase1, sealed.bytes, "MM5", "retransmit");
  step.state(session, "MM5");
  session.expected = "MM6";
}

/** The identity and hash of MM5 or MM6, decrypted and checked; a wrong pre-shared key shows here. */
function openIdentity(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage): { id: DecodedPayload; hash: Uint8Array; lastBlock: Uint8Array } | null {
  if (message.body.kind !== "encrypted") {
    step.drop(session.peerAddress, "NOT_ENCRYPTED", "header.flags");
    return null;
  }
  const keys = session.requireKeys();
  const opened = openMessage(step.work, message, keys.encryptionKey, session.iv!);
  if (opened.kind === "undecryptable") {
    step.drop(session.peerAddress, "UNDECRYPTABLE", "body");
    return null;
  }
  const id = opened.kind === "ok" ? opened.payloads.find((entry) => entry.payload.type === "ID") : undefined;
  const hash = opened.kind === "ok" ? opened.payloads.find((entry) => entry.payload.type === "HASH") : undefined;
  if (opened.kind !== "ok" || id === undefined || hash === undefined || hash.payload.type !== "HASH") {
    // With the wrong key the plaintext is noise: it fails to decode, or decodes without ID and HASH.
    step.drop(session.peerAddress, "UNDECRYPTABLE", opened.kind === "malformed" ? opened.field : "body", opened.kind === "malformed" ? opened.offset : undefined);
    step.failPhase1(session, "AUTHENTICATION_FAILED");
    return null;
  }
  return { id, hash: hash.payload.data, lastBlock: opened.lastBlock };
}

function receiveMm5(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const opened = openIdentity(step, session, message);
  if (opened === null) return;
  const keys = session.requireKeys();
  const inputs = authenticationInputs(session);
  if (!equalConstantTime(opened.hash, hashInitiator(step.work, keys, inputs, bodyOf(opened.id)))) {
    step.drop(session.peerAddress, "BAD_HASH", "HASH_I");
    return step.failPhase1(session, "AUTHENTICATION_FAILED");
  }
  step.accept(session.phase1, bytes);
  step.state(session, "MM5");
  session.peerIdentity = identityOf(opened.id.payload as Extract<DecodedPayload["payload"], { type: "ID" }>);
  step.identityReceived(session);
  const id = idPayload(step.config.localIdentity);
  const hash = hashResponder(step.work, keys, inputs, encodePayloadChain([id]).slice(4));
  const sealed = sealMessage(step.work, phase1Header(session), keys.encryptionKey, opened.lastBlock, [id, { type: "HASH", data: hash }]);
  step.send(session, session.phase1, sealed.bytes, "MM6", null);
  step.state(session, "MM6");
  phase1Established(step, session, sealed.lastBlock);
}

function receiveMm6(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const opened = openIdentity(step, session, message);
  if (opened === null) return;
  const keys = session.requireKeys();
  if (!equalConstantTime(opened.hash, hashResponder(step.work, keys, authenticationInputs(session), bodyOf(opened.id)))) {
    step.drop(session.peerAddress, "BAD_HASH", "HASH_R");
    return step.failPhase1(session, "AUTHENTICATION_FAILED");
  }
  step.accept(session.phase1, bytes);
  step.state(session, "MM6");
  session.peerIdentity = identityOf(opened.id.payload as Extract<DecodedPayload["payload"], { type: "ID" }>);
  step.identityReceived(session);
  phase1Established(step, session, opened.lastBlock);
}
