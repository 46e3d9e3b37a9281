/** Collects the actions and the work of one call into the IKE node; the helpers every exchange uses. */
import { noWork } from "./ike-crypto.js";
import type { ExchangeRecord, ExchangeTimer, IkeSession, QuickModeExchange, TimerKind } from "./ike-session.js";
import { type IkeAction, type IkeDropReason, type IkeFailureReason, type IkeMessageName, type IkeNodeConfig, type IkeState, type IkeStep, retransmitSpan, retransmitWait } from "./ike-types.js";

export class IkeStepBuilder {
  readonly actions: IkeAction[] = [];
  readonly work = noWork();
  /** Timers this step armed (a message sent, or sent again): they start when its messages leave. */
  readonly armed: ExchangeTimer[] = [];

  constructor(
    readonly config: IkeNodeConfig,
    readonly now: number,
  ) {}

  result(): IkeStep {
    return { actions: this.actions, work: this.work, at: this.now, armed: this.armed };
  }

  /** Send a new message of an exchange; `timer` says what to do if nothing comes back. */
  send(session: IkeSession, record: ExchangeRecord, bytes: Uint8Array, message: IkeMessageName, timer: TimerKind | null): void {
    record.lastSent = { bytes, message };
    record.answered = record.lastReceived !== null;
    const { retransmit } = this.config;
    record.timer = timer === null ? null : { kind: timer, deadline: this.now + (timer === "retransmit" ? retransmitWait(retransmit, 0) : retransmitSpan(retransmit)), retransmissions: 0 };
    if (record.timer !== null) this.armed.push(record.timer);
    this.actions.push({ kind: "send", session: session.id, peerAddress: session.peerAddress, bytes, message, retransmission: false });
  }

  /** Send the exchange's last message again, the same bytes (a lost message or a lost reply). */
  resend(session: IkeSession, record: ExchangeRecord): void {
    const last = record.lastSent;
    if (last === null) return;
    this.actions.push({ kind: "send", session: session.id, peerAddress: session.peerAddress, bytes: last.bytes, message: last.message, retransmission: true });
  }

  /** An unprotected one-shot message (no record, no timer): informational notifications and deletes. */
  sendOnce(session: IkeSession, bytes: Uint8Array, message: IkeMessageName): void {
    this.actions.push({ kind: "send", session: session.id, peerAddress: session.peerAddress, bytes, message, retransmission: false });
  }

  state(session: IkeSession, state: IkeState): void {
    session.state = state;
    this.actions.push({ kind: "state", session: session.id, state });
  }

  /** The peer's identity has been read from its ID payload. */
  identityReceived(session: IkeSession): void {
    if (session.peerIdentity !== null) this.actions.push({ kind: "identity-received", session: session.id, peerAddress: session.peerAddress, peerIdentity: session.peerIdentity });
  }

  drop(peerAddress: string, reason: IkeDropReason, field?: string, offset?: number): void {
    this.actions.push({ kind: "dropped", peerAddress, reason, ...(field === undefined ? {} : { field }), ...(offset === undefined ? {} : { offset }) });
  }

  /** Phase 1 failed: no SA; the node forgets the session after this step. */
  failPhase1(session: IkeSession, reason: IkeFailureReason): void {
    session.phase1.timer = null;
    session.expected = null;
    this.state(session, "FAILED");
    this.actions.push({ kind: "phase1-failed", session: session.id, peerAddress: session.peerAddress, reason });
  }

  failQuickMode(session: IkeSession, exchange: QuickModeExchange, reason: IkeFailureReason): void {
    exchange.record.timer = null;
    session.quickModes.delete(exchange.messageId);
    session.abandonedMessageIds.add(exchange.messageId);
    const selectors = exchange.selectors;
    this.actions.push({ kind: "quick-mode-failed", session: session.id, peerAddress: session.peerAddress, messageId: exchange.messageId, reason, port: exchange.identities?.initiator.port ?? null, ...(selectors === undefined ? {} : { selectors }) });
  }

  /** Marks a message of an exchange as taken: its duplicates get the reply again, and its timer stops. */
  accept(record: ExchangeRecord, bytes: Uint8Array): void {
    // A copy of its own: kept for the exchange's life, a view would keep the frame and the slab it lies in.
    if (record.lastReceived !== null) record.earlierReceived.push(record.lastReceived);
    record.lastReceived = bytes.slice();
    record.answered = false;
    record.timer = null;
  }
}
