import type { CostModel } from "./metric-policy.js";
import type { CachePolicy } from "./policies.js";
import { inRecordedOrder, type SaAccess, type SaRemoval } from "./trace.js";

export interface PolicyOutcome {
  readonly policy: string;
  readonly accesses: number;
  readonly hits: number;
  readonly installs: number;
  readonly evictions: number;
  readonly hitRatio: number;
  /** Bytes of packets processed by the NIC: hits. A miss goes through software, as in the model, whether or not its SA is then installed. */
  readonly hardwareByteShare: number;
  readonly installsPerSecond: number;
  /** CPU cycles spent on software packets (every miss) and on installs. */
  readonly softwareCycles: number;
}

export interface CpuCosts extends CostModel {
  readonly softwareCyclesPerByte: number;
}

/** The time a trace spans, first record to last (ps). */
export function traceSpan(trace: readonly SaAccess[]): number {
  return trace.length > 1 ? trace[trace.length - 1]!.time - trace[0]!.time : 0;
}

/**
 * Replay a trace through a policy and measure what it did. Installs per second are over `span` (ps): the whole recorded trace's,
 * where this is one direction's part of it (a direction's own span may be nothing: one record, or several at one time).
 */
export function replay(trace: readonly SaAccess[], policy: CachePolicy, costs: CpuCosts, span = traceSpan(trace), removals: readonly SaRemoval[] = []): PolicyOutcome {
  let hits = 0;
  let installs = 0;
  let evictions = 0;
  let hardwareBytes = 0;
  let totalBytes = 0;
  let softwareCycles = 0;
  for (const access of inRecordedOrder(trace, removals)) {
    // An SA the run deleted frees its entry there, as the run's did.
    if ("after" in access) {
      policy.remove(access.sa);
      continue;
    }
    const placement = policy.access(access);
    totalBytes += access.bytes;
    if (placement.hit) hits++;
    if (placement.installed) {
      installs++;
      softwareCycles += costs.installCycles;
    }
    if (placement.evicted !== null) evictions++;
    // The packet that missed goes through software even when its SA is installed for the next ones (it was counted in the NIC's bytes, at no CPU cost).
    if (placement.hit) hardwareBytes += access.bytes;
    else softwareCycles += costs.softwareCyclesPerPacket + costs.softwareCyclesPerByte * access.bytes;
  }
  // Over the trace's span: a run's trace starts after IKE's bring-up, and a rate over the time from 0 understated it 20 times.
  const seconds = span / 1e12;
  return {
    policy: policy.name,
    accesses: trace.length,
    hits,
    installs,
    evictions,
    hitRatio: trace.length > 0 ? hits / trace.length : 0,
    hardwareByteShare: totalBytes > 0 ? hardwareBytes / totalBytes : 0,
    installsPerSecond: seconds > 0 ? installs / seconds : 0,
    softwareCycles,
  };
}
