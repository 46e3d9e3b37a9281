/** One SA pair of a gateway's tunnel: its tunnel, its inbound SPI, and when its seconds lifetime ends (ps; Infinity without one). */
export interface GatewayPair {
  readonly tunnel: number;
  readonly inboundSpi: number;
  readonly hardDeadline: number;
}

/**
 * The SA pairs a gateway's Quick Modes brought up, by outbound SPI, until the host deletes them;
 * and the host's Deletes that came before their pair was up here (its QM3 taken after the Delete),
 * so that such a pair is never taken up.
 */
export class GatewayPairs {
  private readonly byOutboundSpi = new Map<number, GatewayPair>();
  private readonly deletedBeforeUp = new Set<number>();
  /** Pairs over on arrival (their lifetime used up before their QM3 was taken): their Delete is to come, and finds nothing. */
  private readonly overOnArrival = new Set<number>();

  add(outboundSpi: number, pair: GatewayPair): void {
    this.byOutboundSpi.set(outboundSpi, pair);
  }

  /** Whether the host deleted this pair before it came up here: it is not taken up, and the Delete is forgotten. */
  deletedAlready(outboundSpi: number): boolean {
    return this.deletedBeforeUp.delete(outboundSpi);
  }

  /** A pair not taken up, its lifetime used up on arrival. */
  over(outboundSpi: number): void {
    this.overOnArrival.add(outboundSpi);
  }

  /** The host's Delete of the pair it names: the pair, gone from here; undefined when it is not up here (remembered, unless it was over). */
  deleted(outboundSpi: number): GatewayPair | undefined {
    const pair = this.byOutboundSpi.get(outboundSpi);
    if (pair === undefined) {
      if (!this.overOnArrival.delete(outboundSpi)) this.deletedBeforeUp.add(outboundSpi);
      return undefined;
    }
    this.byOutboundSpi.delete(outboundSpi);
    return pair;
  }

  /** A pair the gateway deletes itself (a fault). */
  remove(outboundSpi: number): void {
    this.byOutboundSpi.delete(outboundSpi);
  }

  /** Its pairs, oldest first, as [outbound SPI, pair]. */
  entries(): [number, GatewayPair][] {
    return [...this.byOutboundSpi];
  }
}
