import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { param } from "../../sim/parameters.js";
import type { NotInTable, PeriodicDecision, PlacementDecision, SaPlacementPolicy, TableView } from "../intermediate/policy.js";
import type { IpsecSa } from "../intermediate/sadb.js";
import type { TableDirection } from "../base/sa-table.js";
import { type CostModel, SaMetrics, thresholdFromCosts } from "./metric-policy.js";

/** The metric policy's parameters: declared by the policy, and named when it is not the one built. */
export const METRIC_PLACEMENT_PARAMETERS = {
  initial: param.number(8, "Metric of an SA when the driver receives it (claim 7)", { minimum: 0 }),
  installBonus: param.number(16, "Added when the SA is added to the NIC's table (claim 8)", { minimum: 0 }),
  perPacket: param.number(1, "Added per packet of the SA, either path (claim 9)", { minimum: 0 }),
  decayFactor: param.number(0.5, "Each decay period the metric is multiplied by this (claims 10, 44)", { minimum: 0, maximum: 1 }),
  decayAmount: param.number(0, "… and then this is taken away, down to 0 (claims 10, 44)", { minimum: 0 }),
  decayPeriodNanoseconds: param.integer(100_000, "Decay period, traffic or not (claim 2's time-based analysis)", { minimum: 1, maximum: 1e9, unit: "ns" }),
  policyPeriodNanoseconds: param.integer(50_000, "Period of the look at the table that caches the best uncached SA when it leads the lowest cached one (claim 42); 0: only on a miss", { minimum: 0, maximum: 1e9, unit: "ns" }),
  replaceOnMiss: param.boolean(false, "A miss may also replace a cached SA at once; otherwise a miss only installs into a free entry, and replacements wait for the periodic look (at most one per direction per period, which bounds the CPU spent on installs)"),
  threshold: param.number(-1, "A non-cached SA replaces the lowest cached one when it leads by this much (claims 5, 6); -1: from the driver's costs", { minimum: -1 }),
};

/**
 * Seed 003's metric policy in the running driver, every claim step a parameter: the metric starts
 * at `initial` when the driver receives the SA (claim 7), gains `installBonus` when the SA enters
 * the NIC's table (claim 8) and `perPacket` with each packet (claim 9), and decays every period,
 * traffic or not (claims 10, 44). A "not in table" message installs into a free entry; every
 * policyPeriod a look at the table (claim 42), and with replaceOnMiss the message too, replaces
 * the lowest cached SA by one whose metric leads it by the threshold (claims 5, 43), which a cost
 * analysis of the driver's own costs gives (claim 6). The waveform
 * shows the metrics compared and the threshold at each decision.
 */
@injectable()
export class MetricPlacement extends Component implements SaPlacementPolicy {
  readonly params = this.parameters(METRIC_PLACEMENT_PARAMETERS);
  /** By direction: the periodic look decides for TX and RX at one time, and one signal for both showed RX's alone. */
  readonly lowestCached = { tx: this.signal("tx_metric_lowest_cached", 32, { kind: "integer", lastWriteWins: true }), rx: this.signal("rx_metric_lowest_cached", 32, { kind: "integer", lastWriteWins: true }) };
  readonly bestUncached = { tx: this.signal("tx_metric_best_uncached", 32, { kind: "integer", lastWriteWins: true }), rx: this.signal("rx_metric_best_uncached", 32, { kind: "integer", lastWriteWins: true }) };
  readonly thresholdSignal = this.signal("metric_threshold", 32, { kind: "integer", lastWriteWins: true });
  readonly periodicLook = this.event("periodic_look");
  readonly metrics: SaMetrics<IpsecSa>;
  readonly period: number;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    const p = this.params;
    this.period = p.policyPeriodNanoseconds * 1000;
    this.metrics = new SaMetrics({ initial: p.initial, installBonus: p.installBonus, perPacket: p.perPacket, decayFactor: p.decayFactor, decayAmount: p.decayAmount, decayPeriod: p.decayPeriodNanoseconds * 1000, threshold: p.threshold });
  }

  /** The threshold now: the parameter, or the packets an install must save to pay for itself, in metric units (claim 6). */
  threshold(costs: CostModel): number {
    return this.params.threshold >= 0 ? this.params.threshold : thresholdFromCosts(costs, this.params.perPacket);
  }

  received(sa: IpsecSa, time: number): void {
    this.metrics.received(sa, time);
  }

  packet(sa: IpsecSa, _bytes: number, time: number): void {
    this.metrics.packet(sa, time);
  }

  installed(sa: IpsecSa, time: number): void {
    this.metrics.installed(sa, time);
  }

  forget(sa: IpsecSa): void {
    this.metrics.forget(sa);
  }

  decide(message: NotInTable): PlacementDecision {
    const { sa, time } = message;
    const lowest = this.lowest(message.cached, time);
    const threshold = this.show(message.direction, lowest, this.metrics.metric(sa, time), message.costs);
    if (message.freeEntries > 0) return "install";
    if (this.params.replaceOnMiss && lowest && this.metrics.replaces(sa, lowest.sa, time, threshold)) return { replace: lowest.sa };
    return "software";
  }

  periodic(view: TableView): PeriodicDecision | null {
    this.periodicLook.fire();
    // Only SAs that have carried traffic: a table is filled as packets need it (seed 002, claim 15), not ahead of them.
    const best = this.metrics.highest(view.uncached.filter((sa) => this.metrics.carried(sa)), view.time);
    const lowest = this.lowest(view.cached, view.time);
    const threshold = this.show(view.direction, lowest, best?.metric ?? 0, view.costs);
    // A free entry takes the best SA with any metric left; a full table swaps only for a lead of the threshold.
    if (!best || best.metric <= 0) return null;
    if (view.freeEntries > 0) return { install: best.sa, replace: null };
    if (lowest && best.metric >= lowest.metric + threshold) return { install: best.sa, replace: lowest.sa };
    return null;
  }

  private lowest(cached: readonly IpsecSa[], time: number) {
    return this.metrics.lowest(cached, time, (a, b) => a.uniqueId - b.uniqueId);
  }

  /** Show the metrics compared and the threshold in the waveform; returns the threshold. */
  private show(direction: TableDirection, lowest: { metric: number } | null, candidate: number, costs: CostModel): number {
    const threshold = this.threshold(costs);
    const integer = (value: number) => Math.min(0xffffffff, Math.max(0, Math.floor(value)));
    this.lowestCached[direction].set(integer(lowest?.metric ?? 0));
    this.bestUncached[direction].set(integer(candidate));
    this.thresholdSignal.set(integer(threshold));
    return threshold;
  }
}
