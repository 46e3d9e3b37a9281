import { describeIkeEvent } from "../../driver/intermediate/ike-timeline.js";
import type { ScenarioSystem } from "./scenario-system.js";
import { round } from "./measurements.js";

/** What IKE did in a run: the host daemon's counts, each gateway's, and every customer's timeline. No key material: SPIs and names only. */
export interface IkeSummary {
  readonly host: { readonly sent: number; readonly received: number; readonly retransmitted: number; readonly phase1Failures: number; readonly quickModes: number; readonly rekeys: number; readonly drops: Record<string, number> };
  readonly gateways: readonly { readonly name: string; readonly sent: number; readonly received: number; readonly lost: number; readonly retransmitted: number; readonly failed: string | null; readonly drops: Record<string, number> }[];
  /** Per customer, in time order: µs and what happened. */
  readonly timeline: readonly { readonly microseconds: number; readonly gateway: string; readonly kind: string; readonly text: string }[];
}

export function ikeSummary(top: ScenarioSystem): IkeSummary | null {
  const gateways = top.traffic.gateways;
  if (!gateways || gateways.gateways.size === 0) return null;
  const daemon = top.driver.intermediate.ike;
  return {
    host: { ...daemon.counts, drops: Object.fromEntries(daemon.drops) },
    gateways: [...gateways.gateways.values()].map((gateway) => ({ name: gateway.name, ...gateway.counts, failed: gateway.failed, drops: Object.fromEntries(gateway.drops) })),
    timeline: daemon.timeline.map((entry) => ({ microseconds: round(entry.time / 1e6), gateway: entry.gateway, kind: entry.event.kind, text: describeIkeEvent(entry.event) })),
  };
}

/** The run's IKE in a few lines: per customer, phase 1 and its Quick Modes, rekeys and deletes. */
export function formatIkeSummary(ike: IkeSummary): string[] {
  const lines = [`  IKE: ${ike.host.received} messages in, ${ike.host.sent} out (${ike.host.retransmitted} retransmitted); ${ike.host.quickModes} Quick Modes, ${ike.host.rekeys} of them rekeys; ${ike.host.phase1Failures} phase-1 failures${describeDrops(ike.host.drops)}`];
  for (const gateway of ike.gateways) {
    const own = ike.timeline.filter((entry) => entry.gateway === gateway.name);
    const up = own.find((entry) => entry.kind === "phase1-up");
    const quickModes = own.filter((entry) => entry.kind === "quick-mode-up");
    const rekeys = quickModes.filter((entry) => entry.text.startsWith("rekey")).length;
    const deletes = own.filter((entry) => entry.kind === "delete-sent" || entry.kind === "delete-received").length;
    const phase1 = up ? `phase 1 up at ${up.microseconds} µs` : `phase 1 failed (${gateway.failed ?? own.find((entry) => entry.kind === "phase1-failed")?.text ?? "no reply"})`;
    const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
    lines.push(`    ${gateway.name}: ${phase1}, ${count(quickModes.length - rekeys, "Quick Mode")}, ${count(rekeys, "rekey")}, ${count(deletes, "Delete")}${gateway.lost > 0 ? `, ${gateway.lost} messages lost on the link` : ""}${describeDrops(gateway.drops)}`);
  }
  return lines;
}

function describeDrops(drops: Record<string, number>): string {
  const entries = Object.entries(drops);
  return entries.length === 0 ? "" : `; dropped ${entries.map(([reason, count]) => `${count} ${reason}`).join(", ")}`;
}
