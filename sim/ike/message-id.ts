/** Message IDs and headers of the exchanges protected by an ISAKMP SA (Quick Mode, informational). */
import type { IkeSession } from "./ike-session.js";
import type { IkeStepBuilder } from "./ike-step.js";
import type { HeaderFields } from "./isakmp-codec.js";
import { EXCHANGE } from "./isakmp-numbers.js";

export function protectedHeader(session: IkeSession, exchangeType: number, messageId: number): HeaderFields {
  return { initiatorCookie: session.initiatorCookie, responderCookie: session.responderCookie, exchangeType, flags: 0, messageId };
}

export function quickModeHeader(session: IkeSession, messageId: number): HeaderFields {
  return protectedHeader(session, EXCHANGE.QUICK_MODE, messageId);
}

/** A fresh nonzero message ID not in use on this session. */
export function newMessageId(step: IkeStepBuilder, session: IkeSession): number {
  for (;;) {
    const id = step.config.random.nextUint32();
    if (id !== 0 && !session.quickModes.has(id)) return id;
  }
}
