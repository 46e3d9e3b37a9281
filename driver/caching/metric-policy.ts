import type { CachePolicy, Placement } from "./policies.js";
import type { SaAccess } from "./trace.js";

/** Seed 003's steps, each a named parameter. */
export interface MetricParameters {
  /** The metric an SA starts with when the driver receives it (claim 7). */
  readonly initial: number;
  /** Added when the SA is added to the NIC's cache (claim 8). */
  readonly installBonus: number;
  /** Added for each packet of the SA (claim 9). */
  readonly perPacket: number;
  /**
   * Every decayPeriod (ps), traffic or not, the metric is multiplied by decayFactor and then
   * decayAmount is taken away, down to 0 (claim 10, the time-based analysis of claim 2).
   */
  readonly decayFactor: number;
  readonly decayAmount: number;
  readonly decayPeriod: number;
  /** A non-cached SA replaces the lowest cached one when its metric is at least this much higher (claims 5 and 6). */
  readonly threshold: number;
}

export interface CostModel {
  /** CPU cycles to install an SA in the NIC (register writes and the status read, or the NIC's DMA fetch). */
  readonly installCycles: number;
  /** CPU cycles of a packet in software ESP, and on the inline path. */
  readonly softwareCyclesPerPacket: number;
  readonly hardwareCyclesPerPacket: number;
}

/**
 * The replacement threshold a cost analysis gives (claim 6): a replacement pays an install, and
 * pays off once the newcomer has that many more packets than the SA it displaces, each saving the
 * difference between the software and the inline path; in metric units, times perPacket.
 */
export function thresholdFromCosts(costs: CostModel, perPacket: number): number {
  const saving = costs.softwareCyclesPerPacket - costs.hardwareCyclesPerPacket;
  if (saving <= 0) return Infinity;
  return (costs.installCycles / saving) * perPacket;
}

interface Entry {
  metric: number;
  /** The decay period the metric is current for. */
  period: number;
  /** Packets counted since the SA was received. */
  packets: number;
}

/**
 * The metric bookkeeping of seed 003, shared by the offline policy and the driver's online one:
 * values by SA, decayed lazily by the period count, raised per packet and on install.
 */
export class SaMetrics<K> {
  private readonly entries = new Map<K, Entry>();

  constructor(readonly parameters: MetricParameters) {}

  /** The driver received the SA (claim 7): it starts at the initial metric. */
  received(sa: K, time: number): void {
    if (!this.entries.has(sa)) this.entries.set(sa, { metric: this.parameters.initial, period: this.periodOf(time), packets: 0 });
  }

  /** Whether any packet of the SA has been counted. */
  carried(sa: K): boolean {
    return (this.entries.get(sa)?.packets ?? 0) > 0;
  }

  forget(sa: K): void {
    this.entries.delete(sa);
  }

  /** An SA's metric as of `time`, decay applied. */
  metric(sa: K, time: number): number {
    const entry = this.entries.get(sa);
    if (!entry) return this.parameters.initial;
    this.decay(entry, time);
    return entry.metric;
  }

  /** A packet of the SA (claim 9). */
  packet(sa: K, time: number): number {
    this.received(sa, time);
    const entry = this.entries.get(sa)!;
    this.decay(entry, time);
    entry.metric += this.parameters.perPacket;
    entry.packets++;
    return entry.metric;
  }

  /** The SA was added to the cache (claim 8). */
  installed(sa: K, time: number): void {
    this.received(sa, time);
    const entry = this.entries.get(sa)!;
    this.decay(entry, time);
    entry.metric += this.parameters.installBonus;
  }

  /** Whether `candidate` may replace `cached`: it leads by at least the threshold (claims 5 and 6; by default the parameters'). */
  replaces(candidate: K, cached: K, time: number, threshold = this.parameters.threshold): boolean {
    return this.metric(candidate, time) >= this.metric(cached, time) + threshold;
  }

  /** The lowest-metric SA among `cached` now. */
  lowest(cached: Iterable<K>, time: number, order: (a: K, b: K) => number = () => 0): { sa: K; metric: number } | null {
    let lowest: { sa: K; metric: number } | null = null;
    for (const sa of cached) {
      const metric = this.metric(sa, time);
      if (!lowest || metric < lowest.metric || (metric === lowest.metric && order(sa, lowest.sa) < 0)) lowest = { sa, metric };
    }
    return lowest;
  }

  /** The highest-metric SA among `candidates` now (the first of equals). */
  highest(candidates: Iterable<K>, time: number): { sa: K; metric: number } | null {
    let best: { sa: K; metric: number } | null = null;
    for (const sa of candidates) {
      const metric = this.metric(sa, time);
      if (!best || metric > best.metric) best = { sa, metric };
    }
    return best;
  }

  /** Every SA it holds a metric for. */
  known(): IterableIterator<K> {
    return this.entries.keys();
  }

  private periodOf(time: number): number {
    return this.parameters.decayPeriod > 0 ? Math.floor(time / this.parameters.decayPeriod) : 0;
  }

  private decay(entry: Entry, time: number): void {
    const period = this.periodOf(time);
    if (period <= entry.period) return;
    entry.metric = decayed(entry.metric, period - entry.period, this.parameters.decayFactor, this.parameters.decayAmount);
    entry.period = period;
  }
}

/**
 * `steps` periods of x ← max(0, x·f − a) at once. The sequence only falls, so it stays at 0 once
 * there, and until then it is f^n·x − a·(1 + f + … + f^(n−1)): the closed form, however many periods
 * an idle SA skipped.
 */
export function decayed(metric: number, steps: number, factor: number, amount: number): number {
  const scale = factor ** steps;
  const taken = factor === 1 ? amount * steps : (amount * (1 - scale)) / (1 - factor);
  return Math.max(0, metric * scale - taken);
}

/** The metric policy of seed 003, offline (over a trace). */
export class MetricPolicy implements CachePolicy {
  readonly name = "metric";
  private readonly metrics: SaMetrics<number>;
  private readonly set = new Set<number>();

  constructor(private readonly capacity: number, readonly parameters: MetricParameters) {
    this.metrics = new SaMetrics(parameters);
  }

  received(sa: number, time: number): void {
    this.metrics.received(sa, time);
  }

  metric(sa: number, time: number): number {
    return this.metrics.metric(sa, time);
  }

  access({ sa, time }: SaAccess): Placement {
    this.metrics.packet(sa, time);
    if (this.set.has(sa)) return { hit: true, installed: false, evicted: null };
    if (this.set.size < this.capacity) return this.install(sa, time, null);
    const lowest = this.metrics.lowest(this.set, time, (a, b) => a - b)!;
    if (this.metrics.replaces(sa, lowest.sa, time)) {
      this.set.delete(lowest.sa);
      return this.install(sa, time, lowest.sa);
    }
    return { hit: false, installed: false, evicted: null };
  }

  remove(sa: number): void {
    this.set.delete(sa);
    this.metrics.forget(sa);
  }

  cached(): ReadonlySet<number> {
    return this.set;
  }

  lowestCached(time: number): { sa: number; metric: number } | null {
    return this.metrics.lowest(this.set, time, (a, b) => a - b);
  }

  bestNonCached(time: number): { sa: number; metric: number } | null {
    return this.metrics.highest([...this.metrics.known()].filter((sa) => !this.set.has(sa)), time);
  }

  private install(sa: number, time: number, evicted: number | null): Placement {
    this.set.add(sa);
    this.metrics.installed(sa, time);
    return { hit: false, installed: true, evicted };
  }
}
