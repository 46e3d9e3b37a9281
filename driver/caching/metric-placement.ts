import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { param } from "../../sim/parameters.js";
import type { NotInTable, PlacementDecision, SaPlacementPolicy } from "../intermediate/policy.js";
import type { IpsecSa } from "../intermediate/sadb.js";
import { SaMetrics, thresholdFromCosts } from "./metric-policy.js";

/**
 * Seed 003's metric policy in the running driver: every claim step is a parameter; the threshold
 * comes from the cost model unless set by hand. The waveform shows the metric of the lowest
 * cached SA and of the best non-cached one at each decision.
 */
@injectable()
export class MetricPlacement extends Component implements SaPlacementPolicy {
  readonly params = this.parameters({
    initial: param.number(0, "Metric of an SA when the driver receives it (claim 7)"),
    installBonus: param.number(0, "Added when the SA is added to the NIC's table (claim 8)"),
    perPacket: param.number(1, "Added per packet of the SA (claim 9)"),
    decayFactor: param.number(0.5, "Each period the metric is multiplied by this (claim 10)", { minimum: 0, maximum: 1 }),
    decayAmount: param.number(0, "… and then this is taken away, down to 0 (claim 10)", { minimum: 0 }),
    decayPeriodNanoseconds: param.integer(2_000_000, "Decay period, traffic or not (claim 2's time-based analysis)", { minimum: 1, unit: "ns" }),
    threshold: param.number(-1, "A non-cached SA replaces the lowest cached one when it leads by this much (claims 5, 6); -1: from the cost model"),
    installCycles: param.integer(4000, "Cost model: CPU cycles of an install (SA_STAGE writes, SA_COMMAND, SA_STATUS read)", { minimum: 0, unit: "cycles" }),
    softwareCyclesPerPacket: param.integer(3600, "Cost model: CPU cycles of a software ESP packet (1500 + 1.5 per byte at 1400 bytes)", { minimum: 0, unit: "cycles" }),
    hardwareCyclesPerPacket: param.integer(300, "Cost model: CPU cycles of an inline packet", { minimum: 0, unit: "cycles" }),
  });
  readonly lowestCached = this.signal("metric_lowest_cached", 32, { kind: "integer", lastWriteWins: true });
  readonly bestUncached = this.signal("metric_best_uncached", 32, { kind: "integer", lastWriteWins: true });
  readonly metrics: SaMetrics<IpsecSa>;
  readonly threshold: number;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    const p = this.params;
    this.threshold = p.threshold >= 0 ? p.threshold : thresholdFromCosts({ installCycles: p.installCycles, softwareCyclesPerPacket: p.softwareCyclesPerPacket, hardwareCyclesPerPacket: p.hardwareCyclesPerPacket }, p.perPacket);
    this.metrics = new SaMetrics({ initial: p.initial, installBonus: p.installBonus, perPacket: p.perPacket, decayFactor: p.decayFactor, decayAmount: p.decayAmount, decayPeriod: p.decayPeriodNanoseconds * 1000, threshold: this.threshold });
  }

  packet(sa: IpsecSa, _bytes: number, time: number): void {
    this.metrics.packet(sa, time);
  }

  installed(sa: IpsecSa, time: number): void {
    this.metrics.installed(sa, time);
  }

  decide(message: NotInTable): PlacementDecision {
    const { sa, time, cached } = message;
    const lowest = this.metrics.lowest(cached, time, (a, b) => a.uniqueId - b.uniqueId);
    const best = this.metrics.best(new Set(cached), time);
    this.lowestCached.set(Math.min(0xffffffff, Math.floor(lowest?.metric ?? 0)));
    this.bestUncached.set(Math.min(0xffffffff, Math.floor(best?.metric ?? 0)));
    if (message.freeEntries > 0) return "install";
    if (lowest && this.metrics.replaces(sa, lowest.sa, time)) return { replace: lowest.sa };
    return "software";
  }
}
