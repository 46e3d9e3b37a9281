/** The state of one IKE SA (a session, demultiplexed by cookies) and of its exchanges. */
import type { DiffieHellmanKeyPair } from "./ike-crypto.js";
import type { Phase1Keys } from "./ike-keys.js";
import type { Phase1Suite } from "./ike-proposals.js";
import type { IdPayload, IkeFailureReason, IkeMessageName, IkeMode, IkeSessionId, IkeState, Lifetime, QuickModeSelectors } from "./ike-types.js";

/** What happens when an exchange's timer runs out. */
export type TimerKind =
  /** Resend the last message; after the limit, fail with RETRANSMISSION_LIMIT. */
  | "retransmit"
  /** A Main Mode responder waits for the initiator's retransmissions; it fails with PEER_TIMEOUT. */
  | "wait";

export interface ExchangeTimer {
  readonly kind: TimerKind;
  deadline: number;
  retransmissions: number;
}

/** Duplicate detection and retransmission for one exchange: phase 1, or one Quick Mode message ID. */
export class ExchangeRecord {
  lastReceived: Uint8Array | null = null;
  /** The messages taken before the last: a late copy of one (a retransmission that crossed the reply) is a duplicate, not a message out of turn. */
  readonly earlierReceived: Uint8Array[] = [];
  lastSent: { readonly bytes: Uint8Array; readonly message: IkeMessageName } | null = null;
  /** Whether the last message sent answers the last one received: a copy of a final message (AM3, MM6, QM3) has no answer to repeat. */
  answered = false;
  timer: ExchangeTimer | null = null;
}

export type Role = "initiator" | "responder";

export class QuickModeExchange {
  readonly record = new ExchangeRecord();
  state: "QM1" | "QM2" | "QM3" | "ESTABLISHED" = "QM1";
  /** When it was established (ps), or null. */
  establishedAt: number | null = null;
  responderNonce: Uint8Array | null = null;
  peerSpi: number | null = null;
  lifetime: Lifetime | null = null;

  constructor(
    readonly messageId: number,
    readonly role: Role,
    /** The CBC IV for this exchange's next message. */
    public iv: Uint8Array,
    readonly initiatorNonce: Uint8Array,
    readonly localSpi: number,
    /** IDci and IDcr when the initiator sent them. */
    readonly identities: { readonly initiator: IdPayload; readonly responder: IdPayload } | null,
  ) {}

  /** The client identities as this end sees them (its own first), when the initiator sent them. */
  get selectors(): QuickModeSelectors | undefined {
    const identities = this.identities;
    if (identities === null) return undefined;
    return this.role === "initiator" ? { local: identities.initiator, remote: identities.responder } : { local: identities.responder, remote: identities.initiator };
  }
}

export class IkeSession {
  responderCookie: Uint8Array = new Uint8Array(8);
  state: IkeState = "IDLE";
  /** The phase-1 message expected next, null once phase 1 is up or failed. */
  expected: IkeMessageName | null = null;
  readonly phase1 = new ExchangeRecord();
  offered: Phase1Suite | null = null;
  suite: Phase1Suite | null = null;
  initiatorSaBody: Uint8Array | null = null;
  initiatorNonce: Uint8Array | null = null;
  responderNonce: Uint8Array | null = null;
  initiatorPublic: Uint8Array | null = null;
  responderPublic: Uint8Array | null = null;
  keys: Phase1Keys | null = null;
  /** The phase-1 CBC chain: the IV of the next encrypted phase-1 message. */
  iv: Uint8Array | null = null;
  /** The last CBC block of the last phase-1 message, from which phase-2 IVs derive. */
  lastPhase1Block: Uint8Array | null = null;
  peerIdentity: IdPayload | null = null;
  readonly quickModes = new Map<number, QuickModeExchange>();
  /** Quick Modes given up on: their late messages are dropped by name, not taken for a new exchange's. */
  readonly abandonedMessageIds = new Set<number>();

  constructor(
    readonly id: IkeSessionId,
    readonly role: Role,
    readonly mode: IkeMode,
    readonly peerAddress: string,
    readonly initiatorCookie: Uint8Array,
    readonly dh: DiffieHellmanKeyPair,
  ) {}

  get phase1Up(): boolean {
    return this.lastPhase1Block !== null && this.expected === null;
  }

  /** Keys of the ISAKMP SA once phase 1 is up (callers check phase1Up first). */
  requireKeys(): Phase1Keys {
    if (this.keys === null) throw new Error(`IKE session ${this.id} has no keys yet`);
    return this.keys;
  }

  toString(): string {
    return `IkeSession(${this.id} ${this.role} ${this.mode} ${this.peerAddress} ${this.state})`;
  }
}

/** Every exchange of a session that has a timer, with a way to fail it. */
export interface TimedExchange {
  readonly record: ExchangeRecord;
  readonly failure: (reason: IkeFailureReason) => void;
}
