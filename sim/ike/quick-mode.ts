/**
 * Quick Mode without PFS (RFC 2409 5.5): HASH(1), SA, Ni [, IDci, IDcr]; HASH(2), SA, Nr [, IDci,
 * IDcr]; HASH(3). One ESP SA pair, AES-GCM-16 with a 128-bit key, whose KEYMAT each direction
 * derives from its receiver's SPI.
 */
import { bytesAfterFirst, openMessage, sealMessage } from "./ike-cipher.js";
import { equalConstantTime } from "../bytes.js";
import { hashOfMessage, keyMaterial, messageIv, quickModeHash2, quickModeHash3 } from "./ike-keys.js";
import { chooseQuickMode, quickModeSaPayload } from "./ike-proposals.js";
import { type IkeSession, QuickModeExchange } from "./ike-session.js";
import type { IkeStepBuilder } from "./ike-step.js";
import { type IkeStep, type QuickModeSelectors, retransmitSpan } from "./ike-types.js";
import { type DecodedPayload, decodeMessage, encodePayloadChain, type IsakmpMessage } from "./isakmp-codec.js";
import { PROTOCOL } from "./isakmp-numbers.js";
import { newMessageId, quickModeHeader } from "./message-id.js";
import type { Payload } from "./isakmp-payloads.js";
import { identityOf, idPayload, NONCE_BYTES, validNonce } from "./phase1.js";
import { sendQuickModeRefusal } from "./informational.js";

/** 16 bytes of AES-128 key and 4 of salt (RFC 4106 8.1). */
export const ESP_KEY_MATERIAL_BYTES = 20;

/** Seal HASH + payloads, where the hash covers the payloads after it as sent. */
function sealWithHash(step: IkeStepBuilder, session: IkeSession, exchange: QuickModeExchange, after: readonly Payload[], hash: (afterBytes: Uint8Array) => Uint8Array): Uint8Array {
  const keys = session.requireKeys();
  const payloads: Payload[] = [{ type: "HASH", data: hash(encodePayloadChain(after)) }, ...after];
  const sealed = sealMessage(step.work, quickModeHeader(session, exchange.messageId), keys.encryptionKey, exchange.iv, payloads);
  exchange.iv = sealed.lastBlock;
  return sealed.bytes;
}

export function startQuickMode(step: IkeStepBuilder, session: IkeSession, selectors?: QuickModeSelectors): QuickModeExchange {
  const keys = session.requireKeys();
  const messageId = newMessageId(step, session);
  const identities = selectors === undefined ? null : { initiator: selectors.local, responder: selectors.remote };
  const exchange = new QuickModeExchange(messageId, "initiator", messageIv(step.work, keys.hash, session.lastPhase1Block!, messageId), step.config.random.bytes(NONCE_BYTES), step.config.allocateSpi(), identities);
  session.quickModes.set(messageId, exchange);
  const after: Payload[] = [quickModeSaPayload(exchange.localSpi, step.config.espLifetime), { type: "NONCE", data: exchange.initiatorNonce }];
  if (identities !== null) after.push(idPayload(identities.initiator), idPayload(identities.responder));
  const bytes = sealWithHash(step, session, exchange, after, (afterBytes) => hashOfMessage(step.work, keys, messageId, afterBytes));
  step.send(session, exchange.record, bytes, "QM1", "retransmit");
  step.state(session, "QM1");
  return exchange;
}

/** Decrypt with the exchange's IV and check that HASH comes first; null after dropping the message. */
function openQuickMode(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, iv: Uint8Array): { payloads: readonly DecodedPayload[]; hash: Uint8Array; lastBlock: Uint8Array } | null {
  const opened = openMessage(step.work, message, session.requireKeys().encryptionKey, iv);
  if (opened.kind === "undecryptable") {
    step.drop(session.peerAddress, "UNDECRYPTABLE", "body");
    return null;
  }
  if (opened.kind === "malformed") {
    step.drop(session.peerAddress, opened.reason, opened.field, opened.offset);
    return null;
  }
  const first = opened.payloads[0]?.payload;
  if (first?.type !== "HASH") {
    step.drop(session.peerAddress, "MISSING_PAYLOAD", "HASH");
    return null;
  }
  return { payloads: opened.payloads, hash: first.data, lastBlock: opened.lastBlock };
}

function findAll<Name extends Payload["type"]>(payloads: readonly DecodedPayload[], type: Name): Extract<Payload, { type: Name }>[] {
  return payloads.map((entry) => entry.payload).filter((payload): payload is Extract<Payload, { type: Name }> => payload.type === type);
}

/** QM1 at the responder: a new message ID on an established ISAKMP SA. */
export function respondQuickMode(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage, bytes: Uint8Array): void {
  const keys = session.requireKeys();
  const messageId = message.header.messageId;
  const opened = openQuickMode(step, session, message, messageIv(step.work, keys.hash, session.lastPhase1Block!, messageId));
  if (opened === null) return;
  if (!equalConstantTime(opened.hash, hashOfMessage(step.work, keys, messageId, bytesAfterFirst(opened.payloads)))) return step.drop(session.peerAddress, "BAD_HASH", "HASH(1)");
  const [sa] = findAll(opened.payloads, "SA");
  const [nonce] = findAll(opened.payloads, "NONCE");
  const ids = findAll(opened.payloads, "ID");
  if (sa === undefined || nonce === undefined) return step.drop(session.peerAddress, "MISSING_PAYLOAD", sa === undefined ? "SA" : "NONCE");
  if (ids.length !== 0 && ids.length !== 2) return step.drop(session.peerAddress, "MISSING_PAYLOAD", "ID");
  if (!validNonce(step, session, nonce.data)) return;
  const choice = chooseQuickMode(sa);
  const identities = ids.length === 2 ? { initiator: identityOf(ids[0]!), responder: identityOf(ids[1]!) } : null;
  if (choice === null) return sendQuickModeRefusal(step, session, messageId, sa);
  const exchange = new QuickModeExchange(messageId, "responder", opened.lastBlock, nonce.data, step.config.allocateSpi(), identities);
  exchange.peerSpi = choice.peerSpi;
  exchange.lifetime = choice.lifetime;
  exchange.responderNonce = step.config.random.bytes(NONCE_BYTES);
  session.quickModes.set(messageId, exchange);
  step.accept(exchange.record, bytes);
  step.state(session, "QM1");
  const after: Payload[] = [choice.reply(exchange.localSpi), { type: "NONCE", data: exchange.responderNonce }];
  if (identities !== null) after.push(idPayload(identities.initiator), idPayload(identities.responder));
  const reply = sealWithHash(step, session, exchange, after, (afterBytes) => quickModeHash2(step.work, keys, messageId, exchange.initiatorNonce, afterBytes));
  // The responder resends QM2 until QM3 comes: QM3 is the last message and nobody else would.
  step.send(session, exchange.record, reply, "QM2", "retransmit");
  step.state(session, "QM2");
  exchange.state = "QM2";
  step.actions.push({
    kind: "quick-mode-inbound",
    session: session.id,
    peerAddress: session.peerAddress,
    messageId,
    inbound: { spi: exchange.localSpi, keyMaterial: keyMaterial(step.work, keys, PROTOCOL.IPSEC_ESP, exchange.localSpi, exchange.initiatorNonce, exchange.responderNonce, ESP_KEY_MATERIAL_BYTES) },
    ...(identities === null ? {} : { selectors: { local: identities.responder, remote: identities.initiator } }),
  });
}

/** QM2 at the initiator, or QM3 at the responder. */
export function continueQuickMode(step: IkeStepBuilder, session: IkeSession, exchange: QuickModeExchange, message: IsakmpMessage, bytes: Uint8Array): void {
  if (exchange.state === "ESTABLISHED") return step.drop(session.peerAddress, "UNEXPECTED_MESSAGE", "header.messageId");
  const keys = session.requireKeys();
  const opened = openQuickMode(step, session, message, exchange.iv);
  if (opened === null) return;
  if (exchange.role === "responder") {
    if (!equalConstantTime(opened.hash, quickModeHash3(step.work, keys, exchange.messageId, exchange.initiatorNonce, exchange.responderNonce!))) return step.drop(session.peerAddress, "BAD_HASH", "HASH(3)");
    step.accept(exchange.record, bytes);
    step.state(session, "QM3");
    return quickModeUp(step, session, exchange);
  }
  if (!equalConstantTime(opened.hash, quickModeHash2(step.work, keys, exchange.messageId, exchange.initiatorNonce, bytesAfterFirst(opened.payloads)))) return step.drop(session.peerAddress, "BAD_HASH", "HASH(2)");
  const [sa] = findAll(opened.payloads, "SA");
  const [nonce] = findAll(opened.payloads, "NONCE");
  if (sa === undefined || nonce === undefined) return step.drop(session.peerAddress, "MISSING_PAYLOAD", sa === undefined ? "SA" : "NONCE");
  if (!validNonce(step, session, nonce.data)) return;
  step.accept(exchange.record, bytes);
  step.state(session, "QM2");
  const choice = chooseQuickMode(sa);
  if (choice === null || sa.proposals.length !== 1 || sa.proposals[0]!.transforms.length !== 1) return step.failQuickMode(session, exchange, "NO_PROPOSAL_CHOSEN");
  exchange.iv = opened.lastBlock;
  exchange.peerSpi = choice.peerSpi;
  exchange.lifetime = choice.lifetime;
  exchange.responderNonce = nonce.data;
  const hash3 = quickModeHash3(step.work, keys, exchange.messageId, exchange.initiatorNonce, exchange.responderNonce);
  const sealed = sealMessage(step.work, quickModeHeader(session, exchange.messageId), keys.encryptionKey, exchange.iv, [{ type: "HASH", data: hash3 }]);
  exchange.iv = sealed.lastBlock;
  step.send(session, exchange.record, sealed.bytes, "QM3", null);
  step.state(session, "QM3");
  quickModeUp(step, session, exchange);
}

function quickModeUp(step: IkeStepBuilder, session: IkeSession, exchange: QuickModeExchange): void {
  const keys = session.requireKeys();
  const material = (spi: number) => keyMaterial(step.work, keys, PROTOCOL.IPSEC_ESP, spi, exchange.initiatorNonce, exchange.responderNonce!, ESP_KEY_MATERIAL_BYTES);
  exchange.state = "ESTABLISHED";
  exchange.establishedAt = step.now;
  step.state(session, "ESTABLISHED");
  const selectors = exchange.selectors;
  step.actions.push({
    kind: "quick-mode-up",
    session: session.id,
    peerAddress: session.peerAddress,
    messageId: exchange.messageId,
    inbound: { spi: exchange.localSpi, keyMaterial: material(exchange.localSpi) },
    outbound: { spi: exchange.peerSpi!, keyMaterial: material(exchange.peerSpi!) },
    lifetime: exchange.lifetime!,
    ...(selectors === undefined ? {} : { selectors }),
  });
  forgetOldExchanges(step, session);
}

/**
 * Completed exchanges are kept to answer copies of their last message (a QM2 resent because the
 * QM3 was lost) for twice a whole retransmission schedule, past which the peer has given up. A
 * count kept too few: with many tunnels rekeying, a late QM2 was taken for a new exchange.
 */
function forgetOldExchanges(step: IkeStepBuilder, session: IkeSession): void {
  const kept = 2 * retransmitSpan(step.config.retransmit);
  for (const exchange of [...session.quickModes.values()]) {
    if (exchange.establishedAt !== null && step.now - exchange.establishedAt > kept) session.quickModes.delete(exchange.messageId);
  }
}

/** The message ID of the Quick Mode a step started (its QM1's), by which its failure and its SAs name it later; null when it sent no QM1. */
export function startedQuickModeId(step: IkeStep): number | null {
  const first = step.actions.find((action) => action.kind === "send" && action.message === "QM1");
  const decoded = first?.kind === "send" ? decodeMessage(first.bytes) : null;
  return decoded?.kind === "ok" ? decoded.message.header.messageId : null;
}
