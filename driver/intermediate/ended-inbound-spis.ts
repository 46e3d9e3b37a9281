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
 * packet under one arriving `stillSentUnderMicroseconds` after that, past the frames already on
 * their way, says the peer still sends under it: 25 packets were dropped so at the
 * host (UNKNOWN_SPI) until the gateway's next Quick Mode, and 429 to 859 in others of a random
 * batch of runs with lost IKE messages, to the run's end. This end then sends it a Delete, again,
 * up to the retransmission limit: RFC 2408's INVALID-SPI case, as Cisco's invalid SPI recovery
 * tells the peer.
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

  /** The ended SPI a packet from `peer` arriving now came under, if it calls for a Delete: none is on its way, the SPI ended or its last Delete left `wait` ps ago or more, and no more than `resends` were sent after the first. */
  due(spi: number, peer: string, now: number, wait: number, resends: number): EndedInbound | undefined {
    const known = this.bySpi.get(spi);
    if (known === undefined || known.peer !== peer || known.sending || known.deletes > resends || now < known.since + wait) return undefined;
    return known;
  }

  private remember(spi: number, entry: EndedInbound): void {
    this.bySpi.delete(spi);
    this.bySpi.set(spi, entry);
    if (this.bySpi.size > REMEMBERED) this.bySpi.delete(this.bySpi.keys().next().value!);
  }
}
