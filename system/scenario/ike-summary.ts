import { describeIkeEvent, QUICK_MODE_UP } from "../../driver/intermediate/ike-timeline.js";
import type { ScenarioSystem } from "./scenario-system.js";
import { round } from "./measurements.js";
import type { TunnelDown } from "./ike-customers.js";

/** What IKE did in a run: the host daemon's counts, each gateway's, and every customer's timeline. No key material: SPIs and names only. */
export interface IkeSummary {
  readonly host: {
    readonly sent: number;
    readonly received: number;
    readonly retransmitted: number;
    /** Phase 1s the host itself saw fail (a gateway may fail one the host never heard the end of). */
    readonly phase1Failures: number;
    /** Quick Modes the host saw fail (RETRANSMISSION_LIMIT, NO_PROPOSAL_CHOSEN, INVALID_ID_INFORMATION …). */
    readonly quickModeFailures: number;
    readonly quickModes: number;
    readonly rekeys: number;
    /** Quick Modes the gateway started while the host had the tunnel's pair: its rekey at its soft lifetime, or its acquire once its own end had ended. */
    readonly gatewayStarted: number;
    /** Quick Modes that negotiated a tunnel again after a Delete or an expiry had left it no SAs (a packet hit its trap). */
    readonly renegotiations: number;
    /** SA pairs ended by a hard lifetime, a tunnel's current pair or one a newer pair replaced and the host was still retiring. */
    readonly expired: number;
    readonly drops: Record<string, number>;
  };
  readonly gateways: readonly {
    readonly name: string;
    readonly sent: number;
    readonly received: number;
    readonly lost: number;
    readonly retransmitted: number;
    /** Why the gateway's phase 1 failed, as the gateway saw it; null when it came up. */
    readonly failed: string | null;
    /** When its phase 1 came up (µs), as the gateway saw it (the host may not have: Aggressive Mode's AM3 lost); null when it did not. */
    readonly phase1UpMicroseconds: number | null;
    readonly quickModeFailures: number;
    /** The UDP port of each failed Quick Mode whose identities named one. */
    readonly quickModeFailurePorts: readonly number[];
    /** Informational Deletes it sent (the host's timeline has those it received; the others the link lost). */
    readonly deletes: number;
    /** Of them, those for an SPI the host still sent under after the gateway had ended it (its Delete lost, or a Quick Mode it gave up on): sent again, or sent at last. */
    readonly deletesStillSentUnder: number;
    /** The host's Deletes it took (the host's timeline has those it sent; the others the link lost). */
    readonly deletesReceived: number;
    /** SA pairs it ended at a hard lifetime (seconds, or the ESP bytes sent under its outbound SA or arrived under its inbound one), by its own count. */
    readonly expired: number;
    /** Quick Modes it started at a pair's soft lifetime (top.peer.softLifetimePercent of its kilobytes sent), the host not having rekeyed it yet. */
    readonly rekeys: number;
    /** Its tunnels that came up through their first Quick Mode, of how many; and those that carried packets both ways when the run ended, each end under an SA the other takes (a Delete or an expiry not followed by a new Quick Mode takes one down), and each one down then, by its port, with the first end found wanting. */
    readonly tunnels: { readonly up: number; readonly of: number; readonly upAtEnd: number; readonly down: readonly TunnelDown[] };
    /**
     * Pairs of its tunnels a newer pair replaced (a rekey, or crossing Quick Modes) that the host had not yet deleted with a Delete,
     * nor seen end otherwise (a hard lifetime, the gateway's Delete), when the run ended, by what each waited for: the gateway to
     * send under a newer pair (or the switch wait, the whole retransmission schedule, to end), or the last packets under the old
     * pair (those posted under its outbound SA, then rekeyGraceMicroseconds for those on their way and those received).
     */
    readonly retiringAtEnd: { readonly waitingForGateway: number; readonly lastPackets: number };
    /** When the bring-up limit gave it up (µs), or null. */
    readonly givenUpMicroseconds: number | null;
    readonly drops: Record<string, number>;
  }[];
  /** Per customer, in time order: µs and what happened. */
  readonly timeline: readonly { readonly microseconds: number; readonly gateway: string; readonly kind: string; readonly text: string }[];
}

export function ikeSummary(top: ScenarioSystem): IkeSummary | null {
  const gateways = top.traffic.gateways;
  if (!gateways || gateways.gateways.size === 0) return null;
  const daemon = top.driver.intermediate.ike;
  const { quickModes, rekeys, gatewayStarted, renegotiations, expired } = daemon.keeper.counts;
  return {
    host: { ...daemon.counts, quickModes, rekeys, gatewayStarted, renegotiations, expired, drops: Object.fromEntries(daemon.drops) },
    gateways: [...gateways.gateways.values()].map((gateway) => {
      const givenUp = gateways.givenUp.find((entry) => entry.name === gateway.name);
      return { name: gateway.name, ...gateway.counts, quickModeFailurePorts: [...gateway.quickModeFailurePorts], failed: gateway.failed, phase1UpMicroseconds: gateway.phase1UpTime === null ? null : round(gateway.phase1UpTime / 1e6), tunnels: gateways.tunnels(gateway.name), retiringAtEnd: daemon.keeper.retiring.of(gateway.name), givenUpMicroseconds: givenUp ? round(givenUp.time / 1e6) : null, drops: Object.fromEntries(gateway.drops) };
    }),
    timeline: daemon.timeline.map((entry) => ({ microseconds: round(entry.time / 1e6), gateway: entry.gateway, kind: entry.event.kind, text: describeIkeEvent(entry.event) })),
  };
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/**
 * Gateways whose phase 1 failed, which a host that never answered them does not see: 128
 * gateways gave up on a host too busy to answer, and the IKE line said "0 phase-1 failures seen
 * by the host" alone (from an architect's check).
 */
function gatewaysFailed(ike: IkeSummary): string {
  const failed = ike.gateways.filter((gateway) => gateway.failed !== null).length;
  return failed > 0 ? `, ${failed} of ${ike.gateways.length} at the gateways` : "";
}

/** The run's IKE in a few lines: per customer, phase 1 and its tunnels, rekeys and deletes, and what failed and where. */
export function formatIkeSummary(ike: IkeSummary): string[] {
  const { host } = ike;
  const lines = [
    `  IKE: ${host.received} messages in, ${host.sent} out (${host.retransmitted} retransmitted); ${count(host.quickModes, "Quick Mode")}, ${host.rekeys} of them rekeys${host.gatewayStarted > 0 ? `, ${host.gatewayStarted} started by the gateway while the host had the tunnel's pair` : ""}${host.renegotiations > 0 ? ` and ${host.renegotiations} negotiated again after a Delete or an expiry` : ""}, ${host.quickModeFailures} failed; ${count(host.expired, "SA pair")} expired; ${count(host.phase1Failures, "phase-1 failure")} seen by the host${gatewaysFailed(ike)}${describeDrops(host.drops)}`,
  ];
  for (const gateway of ike.gateways) {
    const own = ike.timeline.filter((entry) => entry.gateway === gateway.name);
    const up = own.find((entry) => entry.kind === "phase1-up");
    const hostFailure = own.find((entry) => entry.kind === "phase1-failed")?.text.replace(/^phase 1 failed: /, "");
    const rekeys = own.filter((entry) => entry.kind === "quick-mode-up" && entry.text.startsWith(QUICK_MODE_UP.rekey)).length;
    // Counted as the IKE line above counts them, so that the customers' add up to it: one the gateway started over the host's live pair (its rekey at its soft
    // lifetime, or its acquire) was counted here as negotiated again unless the gateway's own rekeys covered it, and 6 read against the line's 4 (from an outside check).
    const overLivePair = own.filter((entry) => entry.kind === "quick-mode-up" && entry.text.startsWith(QUICK_MODE_UP.gateway)).length;
    const again = own.filter((entry) => entry.kind === "quick-mode-up" && entry.text.startsWith(QUICK_MODE_UP.again)).length;
    // Deletes each way: the host's own (a rekeyed or expired pair), and the gateway's, some of which may not have come: the link lost them, or the host's NIC or
    // driver dropped them (a queue reset, a full RX buffer), or the run ended with them on their way. All three were said to be the link's (a security check).
    const fromHost = own.filter((entry) => entry.kind === "delete-sent").length;
    const lost = (sent: number, received: number) => (sent > received ? `, ${sent - received} of them not received (lost on the link or dropped on the way)` : "");
    // Sent (again) for an SPI the other end still sent under after this one had ended it (a Delete lost, or a Quick Mode given up on).
    const stillSentUnder = (n: number) => (n > 0 ? `, ${n} of them for an SPI still sent under` : "");
    const hostStill = stillSentUnder(own.filter((entry) => entry.kind === "delete-sent" && entry.text.includes("still sent under")).length);
    const hostLost = lost(fromHost, gateway.deletesReceived);
    const gatewayLost = lost(gateway.deletes, own.filter((entry) => entry.kind === "delete-received").length);
    const { waitingForGateway, lastPackets } = gateway.retiringAtEnd;
    const waits = [...(waitingForGateway > 0 ? [`${waitingForGateway} waiting for a packet under a newer pair`] : []), ...(lastPackets > 0 ? [`${lastPackets} for the last packets under ${lastPackets === 1 ? "it" : "them"}`] : [])];
    const retiring = waits.length > 0 ? `, ${count(waitingForGateway + lastPackets, "replaced pair")} not yet deleted when the run ended (${waits.join(", ")})` : "";
    const deletes = `${count(fromHost + gateway.deletes, "Delete")}${fromHost + gateway.deletes > 0 ? ` (${fromHost} from the host${hostStill}${hostLost}, ${gateway.deletes} from the gateway${stillSentUnder(gateway.deletesStillSentUnder)}${gatewayLost})` : ""}${retiring}`;
    const failures = [hostFailure ? `host: ${hostFailure}` : null, gateway.failed ? `gateway: ${gateway.failed}` : null].filter((text) => text !== null);
    // The host may see phase 1 up while the gateway gives it up (its last message lost, it retransmits to its limit), or the other way (Aggressive Mode's AM3 lost): both are said.
    const phase1 = up
      ? `phase 1 up at ${up.microseconds} µs${gateway.failed ? ` at the host, failed at the gateway (${gateway.failed})` : ""}`
      : gateway.phase1UpMicroseconds !== null
        ? `phase 1 up at ${gateway.phase1UpMicroseconds} µs at the gateway, ${hostFailure ? `failed at the host (${hostFailure})` : "not at the host"}`
        : `phase 1 failed (${failures.length > 0 ? failures.join("; ") : "no reply"})`;
    const hostQuickModeFailures = own.filter((entry) => entry.kind === "quick-mode-failed").map((entry) => entry.text.replace(/^Quick Mode failed(?: \((UDP port \d+)\))?: (.*)$/, (_, port: string | undefined, reason: string) => (port ? `${reason} (${port})` : reason)));
    const quickModeFailures = [
      ...(hostQuickModeFailures.length > 0 ? [`${count(hostQuickModeFailures.length, "Quick Mode")} failed at the host: ${[...new Set(hostQuickModeFailures)].join(", ")}`] : []),
      ...(gateway.quickModeFailures > 0 ? [`${count(gateway.quickModeFailures, "Quick Mode")} failed at the gateway${describePorts(gateway.quickModeFailurePorts)}`] : []),
    ];
    // A tunnel whose first Quick Mode failed may come up later, through a packet at its trap: more may be up at the end than came up at first.
    const { up: cameUp, upAtEnd } = gateway.tunnels;
    const down = upAtEnd !== cameUp ? [`${upAtEnd} ${upAtEnd < cameUp ? "still " : ""}up at the end`] : [];
    // Each tunnel down at the end says why, a tunnel that never came up too; the ports with one reason together (a phase 1 failed leaves all without SAs).
    const portsByReason = new Map<string, number[]>();
    for (const { port, reason } of gateway.tunnels.down) portsByReason.set(reason, [...(portsByReason.get(reason) ?? []), port]);
    for (const [reason, ports] of portsByReason) down.push(`UDP port${ports.length === 1 ? "" : "s"} ${ports.join(", ")} down at the end: ${reason}`);
    const remarks = [...quickModeFailures, ...down];
    const tunnels = `${gateway.tunnels.up} of ${count(gateway.tunnels.of, "tunnel")} up${remarks.length > 0 ? ` (${remarks.join("; ")})` : ""}`;
    const givenUp = gateway.givenUpMicroseconds !== null ? `; GIVEN UP at ${gateway.givenUpMicroseconds} µs, the bring-up limit: its traffic started without it` : "";
    lines.push(`    ${gateway.name}: ${phase1}, ${tunnels}, ${count(rekeys, "rekey")}, ${deletes}${overLivePair > 0 ? `, ${overLivePair} started by the gateway while the host had the tunnel's pair` : ""}${again > 0 ? `, ${again} negotiated again after a Delete or an expiry` : ""}${gateway.rekeys > 0 ? `; the gateway started ${count(gateway.rekeys, "rekey")} at its soft lifetime` : ""}${gateway.expired > 0 ? `, ${count(gateway.expired, "SA pair")} expired at the gateway` : ""}${gateway.lost > 0 ? `, ${count(gateway.lost, "message")} lost on the link` : ""}${describeDrops(gateway.drops)}${givenUp}`);
  }
  return lines;
}

/** " (UDP port 49203)", " (UDP ports 49201, 49205)", or nothing. */
/** The ports of the Quick Modes that failed, each once, with how many times where more than one failed on it (a tunnel retried at its trap). */
function describePorts(ports: readonly number[]): string {
  if (ports.length === 0) return "";
  const times = new Map<number, number>();
  for (const port of ports) times.set(port, (times.get(port) ?? 0) + 1);
  const listed = [...times].map(([port, n]) => (n === 1 ? `${port}` : `${port} ${n} times`));
  return ` (UDP port${times.size === 1 ? "" : "s"} ${listed.join(", ")})`;
}

function describeDrops(drops: Record<string, number>): string {
  const entries = Object.entries(drops);
  return entries.length === 0 ? "" : `; dropped ${entries.map(([reason, n]) => `${n} ${reason}`).join(", ")}`;
}
