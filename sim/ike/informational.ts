/**
 * Informational exchanges (RFC 2409 5.7): HASH(1) then a Delete or a Notification, encrypted under
 * the ISAKMP SA with the IV of a fresh message ID. Before phase 1 is up, a clear NO-PROPOSAL-CHOSEN
 * notification ends the initiator's attempt (unauthenticated, as RFC 2408 5.6 allows).
 */
import { bytesAfterFirst, openMessage, sealMessage } from "./ike-cipher.js";
import { equalConstantTime } from "../bytes.js";
import { hashOfMessage, messageIv } from "./ike-keys.js";
import { spiBytes, spiNumber } from "./ike-proposals.js";
import type { IkeSession } from "./ike-session.js";
import type { IkeStepBuilder } from "./ike-step.js";
import { encodePayloadChain, type IsakmpMessage } from "./isakmp-codec.js";
import { DOI_IPSEC, EXCHANGE, NOTIFY, PROTOCOL } from "./isakmp-numbers.js";
import type { Payload, SaPayload } from "./isakmp-payloads.js";
import { newMessageId, protectedHeader } from "./message-id.js";

const ISAKMP_SPI_BYTES = 16;

function sendProtected(step: IkeStepBuilder, session: IkeSession, payload: Payload, message: "INFO_DELETE" | "INFO_NOTIFY", messageId = newMessageId(step, session)): void {
  const keys = session.requireKeys();
  const hash = hashOfMessage(step.work, keys, messageId, encodePayloadChain([payload]));
  const iv = messageIv(step.work, keys.hash, session.lastPhase1Block!, messageId);
  const header = protectedHeader(session, EXCHANGE.INFORMATIONAL, messageId);
  step.sendOnce(session, sealMessage(step.work, header, keys.encryptionKey, iv, [{ type: "HASH", data: hash }, payload]).bytes, message);
}

export function sendEspDelete(step: IkeStepBuilder, session: IkeSession, spis: readonly number[]): void {
  sendProtected(step, session, { type: "DELETE", doi: DOI_IPSEC, protocolId: PROTOCOL.IPSEC_ESP, spiSize: 4, spis: spis.map(spiBytes) }, "INFO_DELETE");
}

/** The ISAKMP SA's SPI is its two cookies (RFC 2408 3.15). */
export function sendIsakmpDelete(step: IkeStepBuilder, session: IkeSession): void {
  const spi = new Uint8Array(ISAKMP_SPI_BYTES);
  spi.set(session.initiatorCookie);
  spi.set(session.responderCookie, 8);
  sendProtected(step, session, { type: "DELETE", doi: DOI_IPSEC, protocolId: PROTOCOL.ISAKMP, spiSize: ISAKMP_SPI_BYTES, spis: [spi] }, "INFO_DELETE");
}

/** A Quick Mode offer this node cannot accept: NO-PROPOSAL-CHOSEN naming the initiator's SPI, so it can fail its exchange. */
export function sendQuickModeRefusal(step: IkeStepBuilder, session: IkeSession, messageId: number, sa: SaPayload): void {
  const spi = sa.proposals.find((proposal) => proposal.spi.length === 4)?.spi ?? new Uint8Array(0);
  sendProtected(step, session, { type: "NOTIFICATION", doi: DOI_IPSEC, protocolId: PROTOCOL.IPSEC_ESP, notifyType: NOTIFY.NO_PROPOSAL_CHOSEN, spi, data: new Uint8Array(0) }, "INFO_NOTIFY");
  step.actions.push({ kind: "quick-mode-failed", session: session.id, peerAddress: session.peerAddress, messageId, reason: "NO_PROPOSAL_CHOSEN", port: null });
}

/** An encrypted informational message on an established ISAKMP SA. */
export function receiveInformational(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage): void {
  const keys = session.requireKeys();
  const messageId = message.header.messageId;
  const opened = openMessage(step.work, message, keys.encryptionKey, messageIv(step.work, keys.hash, session.lastPhase1Block!, messageId));
  if (opened.kind === "undecryptable") return step.drop(session.peerAddress, "UNDECRYPTABLE", "body");
  if (opened.kind === "malformed") return step.drop(session.peerAddress, opened.reason, opened.field, opened.offset);
  const first = opened.payloads[0]?.payload;
  if (first?.type !== "HASH") return step.drop(session.peerAddress, "MISSING_PAYLOAD", "HASH");
  if (!equalConstantTime(first.data, hashOfMessage(step.work, keys, messageId, bytesAfterFirst(opened.payloads)))) return step.drop(session.peerAddress, "BAD_HASH", "HASH(1)");
  for (const { payload } of opened.payloads.slice(1)) {
    if (payload.type === "DELETE") receiveDelete(step, session, payload);
    else if (payload.type === "NOTIFICATION") receiveNotification(step, session, payload);
  }
}

function receiveDelete(step: IkeStepBuilder, session: IkeSession, payload: Extract<Payload, { type: "DELETE" }>): void {
  if (payload.protocolId === PROTOCOL.IPSEC_ESP && payload.spiSize === 4) {
    step.actions.push({ kind: "delete-received", session: session.id, peerAddress: session.peerAddress, protocol: "ESP", spis: payload.spis.map(spiNumber) });
    return;
  }
  const cookies = new Uint8Array(ISAKMP_SPI_BYTES);
  cookies.set(session.initiatorCookie);
  cookies.set(session.responderCookie, 8);
  if (payload.protocolId === PROTOCOL.ISAKMP && payload.spis.some((spi) => equalConstantTime(spi, cookies))) {
    step.actions.push({ kind: "delete-received", session: session.id, peerAddress: session.peerAddress, protocol: "ISAKMP", spis: [] });
    step.state(session, "DELETED");
    return;
  }
  step.drop(session.peerAddress, "UNEXPECTED_MESSAGE", "DELETE.spis");
}

function receiveNotification(step: IkeStepBuilder, session: IkeSession, payload: Extract<Payload, { type: "NOTIFICATION" }>): void {
  if (payload.notifyType !== NOTIFY.NO_PROPOSAL_CHOSEN || payload.protocolId !== PROTOCOL.IPSEC_ESP || payload.spi.length !== 4) return;
  const spi = spiNumber(payload.spi);
  const exchange = [...session.quickModes.values()].find((candidate) => candidate.role === "initiator" && candidate.localSpi === spi && candidate.state !== "ESTABLISHED");
  if (exchange !== undefined) step.failQuickMode(session, exchange, "NO_PROPOSAL_CHOSEN");
}

/** A clear notification while phase 1 is negotiated: only NO-PROPOSAL-CHOSEN to an initiator's offer counts. */
export function receivePlainNotification(step: IkeStepBuilder, session: IkeSession, message: IsakmpMessage): void {
  const payloads = message.body.kind === "plain" ? message.body.payloads : [];
  const refused = payloads.some(({ payload }) => payload.type === "NOTIFICATION" && payload.notifyType === NOTIFY.NO_PROPOSAL_CHOSEN);
  if (refused && session.role === "initiator" && (session.expected === "MM2" || session.expected === "AM2")) return step.failPhase1(session, "NO_PROPOSAL_CHOSEN");
  step.drop(session.peerAddress, "UNEXPECTED_MESSAGE", "header.exchangeType");
}
