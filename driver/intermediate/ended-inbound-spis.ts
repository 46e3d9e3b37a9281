import type { IkeSessionId } from "../../sim/ike/ike-types.js";

/** An inbound SPI one end ended while the other may still send under it, and the IKE SA to tell it on. */
export interface EndedInbound {
  /** The end that may still send under it (the host's daemon keeps one per gateway). */
  readonly peer: string;
  readonly session: IkeSessionId;
  /** When this end last told the peer (its Delete left), or ended the SPI without telling it. */
  since: number;
  /** Deletes sent for it so far. */
  deletes: number;
  /** A Delete for it is on its way out. */
  sending: boolean;
}

/** Ended SPIs remembered: the oldest are forgotten first, so a run that rekeys without end holds no more. */
const REMEMBERED = 256;

/**
 * Inbound SPIs one end (the host, or a gateway) ended without knowing that the other knows: those
 * it sent a Delete for (IKEv1 does not acknowledge one, and the link may lose it), and those of a
 * Quick Mode it answered and gave up on (the initiator, which sent QM3, may have the pair up). A
 * packet under one arriving well after that says the peer still sends under it: `stillSentUnderMicroseconds`
 * after an end it never told of, the retransmission interval after a Delete (frames the peer had
 * queued before it took the Delete still came for 480 µs: a wait of 100 µs sent 50 to 60 Deletes for
 * nothing a run, with no message lost; from an outside check). Such packets were dropped
 * (UNKNOWN_SPI) until the peer's next Quick Mode, or to the run's end: 4,313 in 8 ms of a gateway
 * whose Delete the link lost. This end then sends it a Delete, again, up to the retransmission
 * limit: RFC 2408's INVALID-SPI case, as Cisco's invalid SPI recovery tells the peer.
 */
export class EndedInboundSpis {
  private readonly bySpi = new Map<number, EndedInbound>();

  /** The SPI ended here without a word to the gateway. */
  endedUntold(spi: number, peer: string, session: IkeSessionId, now: number): void {
    this.remember(spi, { peer, session, since: now, deletes: 0, sending: false });
  }

  /** A Delete for the SPI left for the peer. */
  told(spi: number, peer: string, session: IkeSessionId, now: number): void {
    const known = this.bySpi.get(spi);
    if (known === undefined || known.peer !== peer) return this.remember(spi, { peer, session, since: now, deletes: 1, sending: false });
    known.since = now;
    known.deletes++;
    known.sending = false;
    this.remember(spi, known);
  }

  /**
   * The ended SPI a packet from `peer` arriving now came under, if it calls for a Delete: none is on its way, no more than
   * `resends` were sent after the first, and the SPI ended untold `waits.untold` ps ago or more, or its last Delete left as
   * long ago as an unanswered request waits before it is resent (`waits.told`, growing `waits.backoff` times a resend): a
   * Delete with no effect by then is taken as lost.
   */
  due(spi: number, peer: string, now: number, waits: { readonly untold: number; readonly told: number; readonly backoff: number }, resends: number): EndedInbound | undefined {
    const known = this.bySpi.get(spi);
    if (known === undefined || known.peer !== peer || known.sending || known.deletes > resends) return undefined;
    return now >= known.since + (known.deletes === 0 ? waits.untold : waits.told * waits.backoff ** (known.deletes - 1)) ? known : undefined;
  }

  private remember(spi: number, entry: EndedInbound): void {
    this.bySpi.delete(spi);
    this.bySpi.set(spi, entry);
    if (this.bySpi.size > REMEMBERED) this.bySpi.delete(this.bySpi.keys().next().value!);
  }
}
