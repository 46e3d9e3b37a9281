/**
 * One IKEv1 endpoint (one local address) holding many IKE SAs, sans I/O: the caller passes in
 * received UDP port-500 payloads and the time (picoseconds), and gets back the messages to send,
 * the state changes, the keys, and the work done. It never reads a clock nor schedules anything:
 * the caller calls `expire(now)` at `nextDeadline()`.
 */
import { startAggressiveMode, receiveAggressiveMode } from "./aggressive-mode.js";
import { DiffieHellmanKeyPair } from "./ike-crypto.js";
import { equalConstantTime } from "../bytes.js";
import { type ExchangeRecord, IkeSession } from "./ike-session.js";
import { IkeStepBuilder } from "./ike-step.js";
import { type IkeMode, type IkeNodeConfig, type IkeSessionId, type IkeState, type IkeStep, IkeUsageError, type QuickModeSelectors, retransmitWait } from "./ike-types.js";
import { receiveInformational, receivePlainNotification, sendEspDelete, sendIsakmpDelete } from "./informational.js";
import { decodeMessage, type IsakmpMessage } from "./isakmp-codec.js";
import { COOKIE_BYTES, EXCHANGE } from "./isakmp-numbers.js";
import { receiveMainMode, startMainMode } from "./main-mode.js";
import { continueQuickMode, respondQuickMode, startQuickMode } from "./quick-mode.js";

/** An exchange that waits for a reply: its name at both ends, and the port a Quick Mode's identities name (null for phase 1, or a Quick Mode without identities). */
export interface AwaitingReply {
  readonly name: string;
  readonly port: number | null;
}

export interface IkeSessionInfo {
  readonly id: IkeSessionId;
  readonly role: "initiator" | "responder";
  readonly mode: IkeMode;
  readonly peerAddress: string;
  readonly state: IkeState;
  /** Phase 1 is done: Quick Modes and Informationals can go under it. */
  readonly phase1Up: boolean;
}

export class IkeNode {
  /** Sessions by peer address and initiator cookie: every message carries the initiator's cookie. */
  private readonly sessions = new Map<string, IkeSession>();
  private readonly byId = new Map<IkeSessionId, IkeSession>();
  private nextSessionId = 1;

  constructor(readonly config: IkeNodeConfig) {}

  /** Start phase 1 as initiator (MM1 or AM1). */
  connect(peerAddress: string, mode: IkeMode, now: number): IkeStep {
    const step = new IkeStepBuilder(this.config, now);
    let cookie = this.config.random.bytes(COOKIE_BYTES);
    while (this.sessions.has(sessionKey(peerAddress, cookie))) cookie = this.config.random.bytes(COOKIE_BYTES);
    const session = this.createSession(step, "initiator", mode, peerAddress, cookie);
    if (mode === "main") startMainMode(step, session);
    else startAggressiveMode(step, session);
    return this.finish(step);
  }

  receive(peerAddress: string, bytes: Uint8Array, now: number): IkeStep {
    const step = new IkeStepBuilder(this.config, now);
    const decoded = decodeMessage(bytes);
    if (decoded.kind === "malformed") {
      step.drop(peerAddress, decoded.reason, decoded.field, decoded.offset);
      return step.result();
    }
    this.dispatch(step, peerAddress, decoded.message, bytes);
    return this.finish(step);
  }

  /** Start a Quick Mode on an established ISAKMP SA (either side); selectors become IDci/IDcr. */
  quickMode(session: IkeSessionId, now: number, selectors?: QuickModeSelectors): IkeStep {
    const step = new IkeStepBuilder(this.config, now);
    startQuickMode(step, this.established(session, "quickMode"), selectors);
    return this.finish(step);
  }

  /** Informational Delete of ESP SAs (this node's inbound SPIs). */
  deleteEsp(session: IkeSessionId, spis: readonly number[], now: number): IkeStep {
    const step = new IkeStepBuilder(this.config, now);
    sendEspDelete(step, this.established(session, "deleteEsp"), spis);
    return step.result();
  }

  /** Informational Delete of the ISAKMP SA; the session is gone afterwards. */
  deleteIsakmp(session: IkeSessionId, now: number): IkeStep {
    const step = new IkeStepBuilder(this.config, now);
    const target = this.established(session, "deleteIsakmp");
    sendIsakmpDelete(step, target);
    step.state(target, "DELETED");
    return this.finish(step);
  }

  /**
   * A step's messages left at `at`, after the work it cost (a core to wait for, a CPU's queue): the
   * timers it armed run from then, as a daemon arms one once it has sent. Counted from when the
   * step was computed, a busy end gave up on exchanges whose messages had only just left, and
   * resent ones that had not left yet. Called once per step, before asking nextDeadline.
   */
  sent(step: IkeStep, at: number): void {
    for (const timer of step.armed) timer.deadline += at - step.at;
  }

  /** Retransmissions due at `now`, and exchanges that ran out of them. */
  expire(now: number): IkeStep {
    const step = new IkeStepBuilder(this.config, now);
    for (const session of this.byId.values()) {
      this.expireRecord(step, session, session.phase1, () => step.failPhase1(session, session.phase1.timer?.kind === "wait" ? "PEER_TIMEOUT" : "RETRANSMISSION_LIMIT"));
      for (const exchange of [...session.quickModes.values()]) this.expireRecord(step, session, exchange.record, () => step.failQuickMode(session, exchange, "RETRANSMISSION_LIMIT"));
    }
    return this.finish(step);
  }

  /** The earliest time `expire` has something to do, or null. */
  nextDeadline(): number | null {
    let earliest: number | null = null;
    for (const record of this.records()) {
      if (record.timer !== null && (earliest === null || record.timer.deadline < earliest)) earliest = record.timer.deadline;
    }
    return earliest;
  }

  /** Whether an exchange this node started waits for a reply (it will resend, or fail at its limit). */
  get awaitingReply(): boolean {
    return !this.exchangesAwaitingReply().next().done;
  }

  /**
   * Each exchange of this node that waits for a reply (a request, or an answer that is resent until
   * the exchange's last message comes), named as both ends name it: the initiator's cookie and the
   * message ID (0 for phase 1). A Quick Mode's QM2 waiting at one end is the same exchange as the
   * QM1 that waited at the other. With it, the port a Quick Mode's identities name (what it
   * negotiates), or null.
   */
  *exchangesAwaitingReply(): Generator<AwaitingReply> {
    for (const session of this.byId.values()) {
      const cookie = hex(session.initiatorCookie);
      if (session.phase1.timer?.kind === "retransmit") yield { name: `${cookie} 0`, port: null };
      for (const exchange of session.quickModes.values()) {
        if (exchange.record.timer?.kind === "retransmit") yield { name: `${cookie} ${exchange.messageId}`, port: exchange.identities?.initiator.port ?? null };
      }
    }
  }

  /** Every exchange's record: each session's phase 1 and its Quick Modes. */
  private *records(): Generator<ExchangeRecord> {
    for (const session of this.byId.values()) {
      yield session.phase1;
      for (const exchange of session.quickModes.values()) yield exchange.record;
    }
  }

  sessionInfo(session: IkeSessionId): IkeSessionInfo | null {
    const found = this.byId.get(session);
    return found === undefined ? null : { id: found.id, role: found.role, mode: found.mode, peerAddress: found.peerAddress, state: found.state, phase1Up: found.phase1Up };
  }

  get sessionCount(): number {
    return this.byId.size;
  }

  private expireRecord(step: IkeStepBuilder, session: IkeSession, record: ExchangeRecord, fail: () => void): void {
    const timer = record.timer;
    if (timer === null || timer.deadline > step.now) return;
    if (timer.kind === "retransmit" && timer.retransmissions < this.config.retransmit.limit) {
      step.resend(session, record);
      timer.retransmissions++;
      timer.deadline = step.now + retransmitWait(this.config.retransmit, timer.retransmissions);
      step.armed.push(timer);
      return;
    }
    fail();
  }

  private createSession(step: IkeStepBuilder, role: "initiator" | "responder", mode: IkeMode, peerAddress: string, initiatorCookie: Uint8Array): IkeSession {
    const session = new IkeSession(this.nextSessionId++ as IkeSessionId, role, mode, peerAddress, initiatorCookie, new DiffieHellmanKeyPair(step.work, this.config.random));
    this.sessions.set(sessionKey(peerAddress, initiatorCookie), session);
    this.byId.set(session.id, session);
    return session;
  }

  private established(id: IkeSessionId, operation: string): IkeSession {
    const session = this.byId.get(id);
    if (session === undefined) throw new IkeUsageError(`${operation}: no IKE session ${id}`);
    if (!session.phase1Up) throw new IkeUsageError(`${operation}: IKE session ${id} is in state ${session.state}, not past phase 1`);
    return session;
  }

  private dispatch(step: IkeStepBuilder, peerAddress: string, message: IsakmpMessage, bytes: Uint8Array): void {
    const { header } = message;
    const session = this.sessions.get(sessionKey(peerAddress, header.initiatorCookie));
    const firstPhase1 = header.exchangeType === EXCHANGE.MAIN_MODE || header.exchangeType === EXCHANGE.AGGRESSIVE_MODE;
    if (session === undefined) {
      if (!firstPhase1 || !isZero(header.responderCookie) || header.messageId !== 0 || message.body.kind !== "plain") return step.drop(peerAddress, "UNKNOWN_COOKIE", "header.initiatorCookie", 0);
      const mode = header.exchangeType === EXCHANGE.MAIN_MODE ? "main" : "aggressive";
      const created = this.createSession(step, "responder", mode, peerAddress, header.initiatorCookie);
      created.expected = mode === "main" ? "MM1" : "AM1";
      if (mode === "main") receiveMainMode(step, created, message, bytes);
      else receiveAggressiveMode(step, created, message, bytes);
      // A first message that was dropped leaves no half-open session behind.
      if (created.phase1.lastReceived === null) this.forget(created);
      return;
    }
    // The initiator's first message again (its reply lost or still being made): it carries no responder cookie yet.
    if (session.role === "responder" && firstPhase1 && isZero(header.responderCookie) && this.duplicate(step, session, session.phase1, bytes)) return;
    const adopting = session.role === "initiator" && isZero(session.responderCookie);
    if (!adopting && !equalConstantTime(header.responderCookie, session.responderCookie) && !(isZero(header.responderCookie) && header.exchangeType === EXCHANGE.INFORMATIONAL)) {
      return step.drop(peerAddress, "UNKNOWN_COOKIE", "header.responderCookie", 8);
    }
    if (firstPhase1) {
      if (header.exchangeType !== (session.mode === "main" ? EXCHANGE.MAIN_MODE : EXCHANGE.AGGRESSIVE_MODE) || header.messageId !== 0) return step.drop(peerAddress, "UNEXPECTED_MESSAGE", "header.exchangeType", 18);
      if (this.duplicate(step, session, session.phase1, bytes)) return;
      if (session.mode === "main") receiveMainMode(step, session, message, bytes);
      else receiveAggressiveMode(step, session, message, bytes);
      return;
    }
    if (header.exchangeType === EXCHANGE.INFORMATIONAL && message.body.kind === "plain") return receivePlainNotification(step, session, message);
    if (!session.phase1Up) return step.drop(peerAddress, "PHASE1_NOT_UP", "header.exchangeType", 18);
    if (message.body.kind !== "encrypted") return step.drop(peerAddress, "NOT_ENCRYPTED", "header.flags", 19);
    if (header.messageId === 0) return step.drop(peerAddress, "UNEXPECTED_MESSAGE", "header.messageId", 20);
    if (header.exchangeType === EXCHANGE.INFORMATIONAL) return receiveInformational(step, session, message);
    const exchange = session.quickModes.get(header.messageId);
    if (exchange === undefined && session.abandonedMessageIds.has(header.messageId)) return step.drop(peerAddress, "ABANDONED_EXCHANGE", "header.messageId", 20);
    if (exchange === undefined) return respondQuickMode(step, session, message, bytes);
    if (this.duplicate(step, session, exchange.record, bytes)) return;
    continueQuickMode(step, session, exchange, message, bytes);
  }

  /** A copy of the last message taken: its reply was lost, send it again (or drop when there was none); a copy of an earlier one is dropped. */
  private duplicate(step: IkeStepBuilder, session: IkeSession, record: ExchangeRecord, bytes: Uint8Array): boolean {
    // The exchange has gone on past it: a QM1 resent by a gateway that then had the QM2 arrived after its QM3, and was counted UNEXPECTED_MESSAGE in runs without a fault (from an outside check).
    if (record.earlierReceived.some((earlier) => equalConstantTime(earlier, bytes))) {
      step.drop(session.peerAddress, "DUPLICATE", "header");
      return true;
    }
    if (record.lastReceived === null || !equalConstantTime(record.lastReceived, bytes)) return false;
    // Answering a copy of a final message with the message before it would start the two sides bouncing.
    if (record.lastSent === null || !record.answered) step.drop(session.peerAddress, "DUPLICATE", "header");
    else step.resend(session, record);
    return true;
  }

  /** Sessions that failed or were deleted are forgotten: later messages for them are unknown cookies. */
  private finish(step: IkeStepBuilder): IkeStep {
    for (const action of step.actions) {
      if (action.kind !== "state" || (action.state !== "FAILED" && action.state !== "DELETED")) continue;
      const session = this.byId.get(action.session);
      if (session !== undefined) this.forget(session);
    }
    return step.result();
  }

  private forget(session: IkeSession): void {
    this.sessions.delete(sessionKey(session.peerAddress, session.initiatorCookie));
    this.byId.delete(session.id);
  }
}

function sessionKey(peerAddress: string, initiatorCookie: Uint8Array): string {
  return `${peerAddress}/${hex(initiatorCookie)}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0);
}
