/**
 * Aggressive Mode with pre-shared keys (RFC 2409 5, 5.4): the initiator's identity in clear in
 * AM1, so the responder picks the key by identity; AM2 carries HASH_R, AM3 HASH_I. AM3 is sent
 * encrypted (as strongSwan and Cisco do, and Wireshark decrypts); a clear AM3 is accepted too.
 */
import { openMessage, sealMessage } from "./ike-cipher.js";
import { equalConstantTime } from "../bytes.js";
import { hashInitiator, hashResponder } from "./ike-keys.js";
import { acceptPhase1Reply, choosePhase1 } from "./ike-proposals.js";
import type { IkeSession } from "./ike-session.js";
import type { IkeStepBuilder } from "./ike-step.js";
import { type DecodedPayload, encodePayloadChain, encodePlainMessage, type IsakmpMessage } from "./isakmp-codec.js";
import { authenticationInputs, bodyOf, deriveSessionKeys, identityOf, idPayload, NONCE_BYTES, offerPhase1, phase1Established, phase1Header, plainPayloads, refuseProposal, requirePayloads, validNonce } from "./phase1.js";

export function startAggressiveMode(step: IkeStepBuilder, session: IkeSession): void {
  const sa = offerPhase1(step, session);
  session.initiatorPublic = session.dh.public;
  session.initiatorNonce = step.config.random.bytes(NONCE_BYTES);
  const message = encodePlainMessage(phase1Header(session), [
    sa,
    { type: "KE", keyExchangeData: session.initiatorPublic },
    { type: "NONCE", data: session.initiatorNonce },
    idPayload(step.config.localIdentity),
  ]);
  step.send(session, session.phase1, message, "AM1", "retransmit");
  step.state(session, "AM1");
  session.expected = "AM2";
}

export function receiveAggressiveMode(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  switch (session.expected) {
    case "AM1":
      return receiveAm1(step, session, message, bytes);
    case "AM2":
      return receiveAm2(step, session, message, bytes);
    case "AM3":
      return receiveAm3(step, session, message, bytes);
    default:
      step.drop(session.peerAddress, "UNEXPECTED_MESSAGE", "header.exchangeType");
  }
}

function receiveAm1(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const payloads = plainPayloads(step, session, message);
  const found = payloads && requirePayloads(step, session, payloads, ["SA", "KE", "NONCE", "ID"]);
  if (!found || !validNonce(step, session, found.NONCE.payload.data)) return;
  step.accept(session.phase1, bytes);
  step.state(session, "AM1");
  const chosen = choosePhase1(found.SA.payload);
  if (chosen === null) return refuseProposal(step, session);
  session.suite = chosen.suite;
  session.initiatorSaBody = bodyOf(found.SA);
  session.initiatorPublic = found.KE.payload.keyExchangeData;
  session.initiatorNonce = found.NONCE.payload.data;
  session.peerIdentity = identityOf(found.ID.payload);
  step.identityReceived(session);
  session.responderCookie = step.config.random.bytes(8);
  session.responderPublic = session.dh.public;
  session.responderNonce = step.config.random.bytes(NONCE_BYTES);
  if (!deriveSessionKeys(step, session, { identity: session.peerIdentity })) return;
  const id = idPayload(step.config.localIdentity);
  const hash = hashResponder(step.work, session.requireKeys(), authenticationInputs(session), encodePayloadChain([id]).slice(4));
  const reply = encodePlainMessage(phase1Header(session), [
    chosen.reply,
    { type: "KE", keyExchangeData: session.responderPublic },
    { type: "NONCE", data: session.responderNonce },
    id,
    { type: "HASH", data: hash },
  ]);
  // The responder resends AM2 until AM3 comes: AM3 is the last message and nobody else would.
  step.send(session, session.phase1, reply, "AM2", "retransmit");
  step.state(session, "AM2");
  session.expected = "AM3";
}

function receiveAm2(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const payloads = plainPayloads(step, session, message);
  const found = payloads && requirePayloads(step, session, payloads, ["SA", "KE", "NONCE", "ID", "HASH"]);
  if (!found || !validNonce(step, session, found.NONCE.payload.data)) return;
  step.accept(session.phase1, bytes);
  session.responderCookie = message.header.responderCookie;
  step.state(session, "AM2");
  session.suite = acceptPhase1Reply(session.offered!, found.SA.payload);
  if (session.suite === null) return step.failPhase1(session, "NO_PROPOSAL_CHOSEN");
  session.responderPublic = found.KE.payload.keyExchangeData;
  session.responderNonce = found.NONCE.payload.data;
  if (!deriveSessionKeys(step, session, { address: session.peerAddress })) return;
  const keys = session.requireKeys();
  const inputs = authenticationInputs(session);
  if (!equalConstantTime(found.HASH.payload.data, hashResponder(step.work, keys, inputs, bodyOf(found.ID)))) {
    step.drop(session.peerAddress, "BAD_HASH", "HASH_R");
    return step.failPhase1(session, "AUTHENTICATION_FAILED");
  }
  session.peerIdentity = identityOf(found.ID.payload);
  step.identityReceived(session);
  const hash = hashInitiator(step.work, keys, inputs, encodePayloadChain([idPayload(step.config.localIdentity)]).slice(4));
  const sealed = sealMessage(step.work, phase1Header(session), keys.encryptionKey, session.iv!, [{ type: "HASH", data: hash }]);
  step.send(session, session.phase1, sealed.bytes, "AM3", null);
  step.state(session, "AM3");
  phase1Established(step, session, sealed.lastBlock);
}

function receiveAm3(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const keys = session.requireKeys();
  let payloads: readonly DecodedPayload[];
  let lastBlock = session.iv!;
  if (message.body.kind === "encrypted") {
    const opened = openMessage(step.work, message, keys.encryptionKey, session.iv!);
    if (opened.kind !== "ok") {
      // Noise under the wrong key: the initiator's pre-shared key differs.
      step.drop(session.peerAddress, "UNDECRYPTABLE", opened.kind === "malformed" ? opened.field : "body", opened.kind === "malformed" ? opened.offset : undefined);
      return step.failPhase1(session, "AUTHENTICATION_FAILED");
    }
    payloads = opened.payloads;
    lastBlock = opened.lastBlock;
  } else {
    payloads = message.body.payloads;
  }
  const found = requirePayloads(step, session, payloads, ["HASH"]);
  if (!found) return step.failPhase1(session, "AUTHENTICATION_FAILED");
  const expected = hashInitiator(step.work, keys, authenticationInputs(session), encodePayloadChain([idPayload(session.peerIdentity!)]).slice(4));
  if (!equalConstantTime(found.HASH.payload.data, expected)) {
    step.drop(session.peerAddress, "BAD_HASH", "HASH_I");
    return step.failPhase1(session, "AUTHENTICATION_FAILED");
  }
  step.accept(session.phase1, bytes);
  step.state(session, "AM3");
  phase1Established(step, session, lastBlock);
}
