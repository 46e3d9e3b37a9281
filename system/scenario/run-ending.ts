import type { Scenario } from "./schema.js";
import { plural } from "../../sim/plural.js";
import type { InjectedCopies } from "./gateway-flow-faults.js";

/** SA changes by kind, as the scenario's faults ask for them. */
type SaChangeCounts = { readonly rekeys: number; readonly inboundRekeys: number; readonly deletes: number };

/**
 * How a scenario run ended. `arrived` and `accounted` are successes: with faults injected, a
 * packet dropped for a reason the NIC, the drivers or the gateway counted is the model working.
 */
export type RunEnding =
  /** Every packet sent arrived. */
  | { readonly kind: "arrived" }
  /** No packet was due in the traffic's time: each stream's first fell after it ended. */
  | { readonly kind: "none-due"; readonly trafficMicroseconds: number }
  /** Nothing moved for `quietMicroseconds`; every packet that did not arrive was dropped with a counted reason. */
  | { readonly kind: "accounted"; readonly quietMicroseconds: number; readonly dropped: number }
  /** The drain time ran out with the device or the drivers still at work (IKE retransmitting on a slow host, say), but every packet arrived or was dropped with a counted reason. */
  | { readonly kind: "accounted-at-drain-limit"; readonly dropped: number }
  /** Nothing moved for `quietMicroseconds` with packets neither arrived nor dropped with a counted reason. */
  | { readonly kind: "not-arrived"; readonly quietMicroseconds: number }
  /** A scoreboard law failed, or the run stopped itself with a message. */
  | { readonly kind: "stopped"; readonly message: string }
  /** The drain time after the traffic ran out with packets still on their way. */
  | { readonly kind: "drain-limit" };

/** Whether the run did what it should: its exit status is 0. */
export function endedWell(ending: RunEnding): boolean {
  return ending.kind === "arrived" || ending.kind === "none-due" || ending.kind === "accounted" || ending.kind === "accounted-at-drain-limit";
}

/** The ending in words, as the summary's `outcome` and the first line of `nicsim run` give it. */
export function describeEnding(ending: RunEnding): string {
  switch (ending.kind) {
    case "arrived":
      return "every packet arrived";
    case "none-due":
      return `no packet was due: each stream's first packet fell after the traffic's ${ending.trafficMicroseconds} µs`;
    case "accounted":
      return `every packet arrived or was dropped with a counted reason (${ending.dropped} dropped)`;
    case "accounted-at-drain-limit":
      return `${ending.dropped === 0 ? "every packet arrived" : `every packet arrived or was dropped with a counted reason (${ending.dropped} dropped)`}; ${DRAIN_RAN_OUT_AT_WORK}`;
    case "not-arrived":
      return `quiet for ${ending.quietMicroseconds} µs with packets not arrived and not counted as dropped`;
    case "stopped":
      return `stopped: ${ending.message}`;
    case "drain-limit":
      return "the drain time ran out with packets still in flight";
  }
}

const DRAIN_RAN_OUT_AT_WORK = "the drain time ran out with the NIC or the drivers still at work";

/** Whether an outcome in words (a sweep row's, which keeps no more) is one of a run that ended well: describeEnding's words of those endings. */
export function outcomeEndedWell(outcome: string): boolean {
  return (
    outcome === "every packet arrived" ||
    outcome === `every packet arrived; ${DRAIN_RAN_OUT_AT_WORK}` ||
    outcome.startsWith("no packet was due: ") ||
    outcome.startsWith("every packet arrived or was dropped with a counted reason (")
  );
}

/** A probability as the fault lines say it (three figures). */
const percent = (probability: number) => `${Number((probability * 100).toPrecision(3))}%`;

/** The DMA engine's fault injection (`nic.dma`), a device parameter rather than a scenario fault. */
export interface DmaFaults {
  readonly readErrorProbability: number;
  readonly completionTimeoutProbability: number;
  readonly extraLatencyMaximum: number;
}

/** The faults a scenario injects, in words (empty: none), the DMA engine's among them. */
export function describeFaults(
  faults: Scenario["faults"],
  made: { readonly ikeDeletes?: number; readonly injected?: Readonly<InjectedCopies>; readonly malformedLost?: number; readonly saChanges?: { readonly made: SaChangeCounts; readonly noneFree: SaChangeCounts } } | null = null,
  dma: DmaFaults | null = null,
): string[] {
  const counted = (count: number, one: string, many: string) => (count === 0 ? [] : [`${count} ${count === 1 ? one : many}`]);
  const copies = (count: number | undefined, more = "") => (count === undefined ? "" : ` (${plural(count, "copy", "copies")} injected${more})`);
  // A change due when no SA was free to change (none left, or each under another change) was not made (from an outside check: 6 deletes were said for the 2 one pair allows);
  // one in turn behind the others may still be waiting when the run ends (they were said to have found no SA free: a second check).
  const changes = (kind: keyof SaChangeCounts, one: string, many: string) =>
    counted(faults[kind], one, many).map((text) => {
      const counts = made?.saChanges;
      if (counts === undefined || counts.made[kind] >= faults[kind]) return text;
      const waiting = faults[kind] - counts.made[kind] - counts.noneFree[kind];
      const why = [...(counts.noneFree[kind] > 0 ? [`${counts.noneFree[kind]} found no SA free to change: none left, or each under another change`] : []), ...(waiting > 0 ? [`${waiting} still waiting their turn when the run ended`] : [])];
      return `${text} asked, ${counts.made[kind]} made (${why.join("; ")})`;
    });
  return [
    ...(faults.corruptProbability > 0 ? [`the gateway corrupts ${percent(faults.corruptProbability)} of its frames (ICV fails)`] : []),
    // The copies made: each is dropped and counted, so the counted drops exceed the packets lost by as many.
    ...(faults.replayProbability > 0 ? [`the gateway replays ${percent(faults.replayProbability)} of its frames${copies(made?.injected?.replays)}`] : []),
    // Forged copies: each is dropped, by the host's inbound policy checks (RFC 4301 5.2).
    ...(faults.cleartextProbability > 0 ? [`a forger sends ${percent(faults.cleartextProbability)} of the gateway's packets again in the clear${copies(made?.injected?.cleartext)}`] : []),
    ...(faults.crossTunnelProbability > 0
      ? [`a forger sends ${percent(faults.crossTunnelProbability)} of the gateway's packets again under another tunnel's SA${copies(made?.injected?.crossTunnel, made?.injected?.crossTunnelUnsent ? `, ${made.injected.crossTunnelUnsent} not sent as no other tunnel was open` : "")}`]
      : []),
    ...changes("rekeys", "outbound rekey", "outbound rekeys"),
    ...changes("inboundRekeys", "inbound rekey", "inbound rekeys"),
    ...changes("deletes", "SA delete", "SA deletes"),
    ...counted(faults.interruptStorms, "interrupt storm", "interrupt storms"),
    ...(faults.ikeLossProbability > 0 ? [`the link loses ${percent(faults.ikeLossProbability)} of IKE messages`] : []),
    ...(faults.ikeDeletes === 0 ? [] : [`${counted(faults.ikeDeletes, "Informational Delete from a gateway", "Informational Deletes from gateways")[0]}${made?.ikeDeletes !== undefined && made.ikeDeletes < faults.ikeDeletes ? ` asked, ${made.ikeDeletes} made (${made.ikeDeletes === 0 ? "no tunnel had SAs when they were due" : "no more tunnels had SAs when the others were due"})` : ""}`]),
    // Those the link lost never reached the host, whose drops by reason count the others.
    ...counted(faults.ikeMalformed, "malformed ISAKMP message", "malformed ISAKMP messages").map((text) => (made?.malformedLost ? `${text} (${made.malformedLost} lost on the link)` : text)),
    ...(faults.overlappingSaChanges && faults.rekeys + faults.inboundRekeys + faults.deletes > 1 ? ["SA changes overlapping"] : []),
    ...(dma !== null ? describeDmaFaults(dma) : []),
  ];
}

/** The DMA engine's fault injection in words, for every command that runs the NIC (empty: none). */
export function describeDmaFaults(dma: DmaFaults): string[] {
  return [
    ...(dma.readErrorProbability > 0 ? [`DMA reads fail ${percent(dma.readErrorProbability)} of the time (DMA_READ_ERROR)`] : []),
    ...(dma.completionTimeoutProbability > 0 ? [`DMA reads never complete ${percent(dma.completionTimeoutProbability)} of the time (DMA_COMPLETION_TIMEOUT)`] : []),
    ...(dma.extraLatencyMaximum > 0 ? [`DMA reads wait up to ${dma.extraLatencyMaximum} more cycle${dma.extraLatencyMaximum === 1 ? "" : "s"}`] : []),
  ];
}
