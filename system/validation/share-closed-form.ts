/** A class of a policy map as the closed form sees it: IOS's three statements and what it offers. */
export interface ShareClass {
  readonly name: string;
  readonly priorityPercent?: number;
  readonly bandwidthPercent?: number;
  readonly bandwidthRemainingPercent?: number;
  /** Offered load, fraction of the line's time (preamble, FCS and gap counted); Infinity: always backlogged. */
  readonly offered: number;
}

/**
 * Each class's share of the line, by the rule the README states (LLQ and CBWFQ as IOS XE has
 * them), written from that statement rather than from the scheduler's code:
 * - if everything offered fits the line, every class gets what it offers;
 * - otherwise priority classes get up to their percent (policed under congestion), bandwidth
 *   classes up to their `bandwidth percent` minimum, and what remains is shared by water-filling
 *   among the classes still wanting more, in proportion to their `bandwidth remaining percent`
 *   (classes without one: an equal split of what the others leave of 100, at least 1);
 * - whatever the bandwidth classes leave goes to the priority classes beyond their percent (the
 *   policer acts only while others wait), highest class first.
 * `bottleneck`: where a slower resource than the wire serves the classes (the DMA link), its
 * capacity as a fraction of the line; `rateBase`: what the percentages are of, the line unless
 * given (the frame start's rates are the line's whatever carries less).
 */
export function expectedShares(classes: readonly ShareClass[], bottleneck = 1, rateBase = 1): Map<string, number> {
  const shares = new Map<string, number>();
  const total = classes.reduce((sum, klass) => sum + klass.offered, 0);
  if (total <= bottleneck) {
    for (const klass of classes) shares.set(klass.name, klass.offered);
    return shares;
  }
  const priority = classes.filter((klass) => klass.priorityPercent !== undefined);
  const bandwidth = classes.filter((klass) => klass.priorityPercent === undefined);
  let capacity = bottleneck;
  const give = (klass: ShareClass, amount: number) => {
    shares.set(klass.name, (shares.get(klass.name) ?? 0) + amount);
    capacity -= amount;
  };
  for (const klass of priority) give(klass, Math.min(klass.offered, klass.priorityPercent! > 0 ? (rateBase * klass.priorityPercent!) / 100 : Infinity, capacity));
  for (const klass of bandwidth) give(klass, Math.min(klass.offered, (rateBase * (klass.bandwidthPercent ?? 0)) / 100, capacity));
  const explicit = bandwidth.reduce((sum, klass) => sum + (klass.bandwidthRemainingPercent ?? 0), 0);
  const unset = bandwidth.filter((klass) => klass.bandwidthRemainingPercent === undefined).length;
  const weight = (klass: ShareClass) => Math.max(1, klass.bandwidthRemainingPercent ?? Math.floor((100 - explicit) / Math.max(1, unset)));
  let wanting = bandwidth.filter((klass) => klass.offered > shares.get(klass.name)!);
  while (capacity > 1e-12 && wanting.length > 0) {
    const weights = wanting.reduce((sum, klass) => sum + weight(klass), 0);
    const satisfied = wanting.filter((klass) => klass.offered - shares.get(klass.name)! <= (capacity * weight(klass)) / weights);
    if (satisfied.length === 0) {
      const available = capacity;
      for (const klass of wanting) give(klass, (available * weight(klass)) / weights);
      break;
    }
    for (const klass of satisfied) give(klass, klass.offered - shares.get(klass.name)!);
    wanting = wanting.filter((klass) => !satisfied.includes(klass));
  }
  for (const klass of priority) give(klass, Math.min(klass.offered - shares.get(klass.name)!, capacity));
  return shares;
}
