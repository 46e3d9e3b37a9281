import type { Kernel } from "../../sim/kernel.js";
import type { Random } from "../../sim/random.js";
import type { Signal } from "../../sim/signal.js";
import { formatIpv4, type Ipv4Address, ipv4Address, PROTOCOL_UDP } from "../../sim/packet/ipv4.js";
import { ikeDatagram } from "../../sim/packet/ike-datagram.js";
import { us } from "../../sim/time.js";
import { hexSpi } from "../../sim/ipsec/esp.js";
import type { AwaitingReply } from "../../sim/ike/ike-node.js";
import { round } from "./measurements.js";
import { outerAddress } from "../../driver/intermediate/received-esp.js";
import { identity, IdentityError, subnetSpan } from "../../driver/intermediate/identity.js";
import { identityToIdPayload } from "../../driver/intermediate/identity-payload.js";
import { type IdPayload, retransmitSpan } from "../../sim/ike/ike-types.js";
import { peerNode } from "../../driver/intermediate/ike-peer-node.js";
import { selectorKey, selectorPayloads } from "../../driver/intermediate/tunnel-selector.js";
import { longestIkeMessage, type LongestIkeMessages } from "../ike-message-sizes.js";
import { sameSizeIdentity } from "./same-size-identity.js";
import type { TunnelSelector } from "../../driver/intermediate/tunnel-selector.js";
import type { IkeTimelineEntry } from "../../driver/intermediate/ike-timeline.js";
import { HOST_GATEWAY, INNER_PORT_BASE, INNER_SUBNET } from "../ipsec-setup.js";
import type { EspPeer } from "../esp-peer.js";
import { IkeGateway } from "../ike-gateway.js";
import type { NicSystem } from "../nic-system.js";
import type { ScenarioCustomer } from "./schema.js";
import { malformedIsakmp } from "./malformed-isakmp.js";
import { defaultGatewayAddress } from "./references.js";

/** The host's own phase-1 identity: its address. */
const HOST_IDENTITY = identity("ID_IPV4_ADDR", formatIpv4(HOST_GATEWAY));

interface Pending {
  readonly customer: ScenarioCustomer;
  /** Its index in the scenario's customers. */
  readonly index: number;
  /** Its gateway's address: the scenario's, or by default from the customer's index (each needs its own: Main Mode picks the key by address). */
  readonly address: Ipv4Address;
  /** The ESP SAs' lifetimes, the host's policy and the gateway's proposal alike. */
  readonly lifetime: { readonly seconds: number; readonly kilobytes: number };
  readonly trafficClass: number;
  readonly tunnels: readonly { readonly index: number; readonly selector: TunnelSelector }[];
  readonly ready: Signal;
}

/**
 * The scenario's customers that come up through IKE: per customer a gateway (the initiator), the
 * host daemon's keyring entry, and a trap in the SPD per tunnel (its packets wait for IKE). A
 * customer is ready, and its traffic starts, once the host has every tunnel's SAs, or once its
 * phase 1 has failed (its packets are then dropped, NO_SA, as a real gateway's would be).
 */
export class IkeCustomers {
  readonly gateways = new Map<string, IkeGateway>();
  /** Called once every customer is ready: the traffic starts. */
  onAllReady: () => void = () => {};
  private readonly pending: Pending[] = [];
  /** Every customer's tunnels by their port (each tunnel has one of its own). */
  private readonly tunnelOfPort = new Map<number, { readonly index: number; readonly selector: TunnelSelector }>();

  constructor(
    private readonly kernel: Kernel,
    private readonly path: string,
    private readonly system: NicSystem,
    private readonly espPeer: EspPeer,
  ) {}

  /** A customer's tunnels: one EspPeer tunnel each (no SAs yet) and a trap for its port (the port base + the tunnel's index). */
  add(customer: ScenarioCustomer, index: number, trafficClass: number, portBase: number, ready: Signal): { tunnels: number[]; ports: number[] } {
    const spd = this.system.driver.intermediate.spd;
    const tunnels = Array.from({ length: customer.sas }, () => {
      const tunnel = this.espPeer.addTunnel();
      const port = portBase + tunnel;
      const selector = tunnelSelector(port);
      spd.add({ name: `${customer.name}-${port}`, source: selector.source, destination: selector.destination, protocol: PROTOCOL_UDP, destinationPorts: [port, port], action: { kind: "trap" } });
      const added = { index: tunnel, selector };
      this.tunnelOfPort.set(port, added);
      return added;
    });
    const ike = customer.ike!;
    const address = ipv4Address(ike.address ?? defaultGatewayAddress(index));
    this.pending.push({ customer, index, address, lifetime: { seconds: ike.lifetimeSeconds, kilobytes: ike.lifetimeKilobytes }, trafficClass, tunnels, ready });
    return { tunnels: tunnels.map((tunnel) => tunnel.index), ports: tunnels.map((tunnel) => tunnel.selector.port) };
  }

  /** Configure the host's daemon and make the gateways, once every customer is added. */
  configure(random: (name: string) => Random, lossProbability: number): void {
    if (this.pending.length === 0) return;
    const intermediate = this.system.driver.intermediate;
    const encoder = new TextEncoder();
    intermediate.ike.configure(
      intermediate,
      { address: HOST_GATEWAY, identity: HOST_IDENTITY },
      this.pending.map(({ customer, address, lifetime }) => ({ name: customer.name, address, preSharedKey: encoder.encode(customer.ike!.preSharedKey), lifetime })),
    );
    const gatewayOfTunnel = new Map<number, IkeGateway>();
    for (const pending of this.pending) {
      const { customer, address, lifetime, trafficClass, tunnels } = pending;
      const ike = customer.ike!;
      const gateway = new IkeGateway(
        this.kernel,
        `${this.path}.${customer.name}`,
        this.system.peer,
        this.espPeer,
        {
          name: customer.name,
          address,
          hostAddress: HOST_GATEWAY,
          identity: presentedIdentity(customer),
          preSharedKey: encoder.encode(ike.gatewayPreSharedKey ?? ike.preSharedKey),
          mode: ike.mode,
          trafficClass,
          lifetime,
          retransmit: intermediate.ike.retransmit,
          stillSentUnder: us(intermediate.ike.params.stillSentUnderMicroseconds),
          softLifetimePercent: this.system.peer.params.softLifetimePercent,
          tunnels,
        },
        random(`${this.path}.${customer.name}.keys`),
        intermediate.ike.params,
        { probability: lossProbability, random: random(`${this.path}.${customer.name}.loss`) },
      );
      gateway.onFailed = () => this.ready(pending);
      // A tunnel whose Quick Mode the gateway gave up on is done too: it will not come up.
      gateway.onQuickModeFailed = () => this.tunnelDone(pending);
      this.gateways.set(formatIpv4(address), gateway);
      for (const tunnel of tunnels) gatewayOfTunnel.set(tunnel.index, gateway);
    }
    // A packet a gateway could not send for want of an SA: that gateway's IKE negotiates one.
    this.espPeer.onNoSa = (index) => gatewayOfTunnel.get(index)?.acquire(index);
    intermediate.ike.observers.push((entry) => this.observe(entry));
    // ESP under an SPI the gateway it is addressed to lacks: one that gateway ended may still be in use at the host (its Delete lost).
    this.espPeer.onUnknownSpi = (spi, frame) => this.gateways.get(outerAddress(frame.bytes, "destination"))?.unknownSpi(spi);
    // The gateways' ISAKMP: whichever gateway the message is addressed to.
    this.espPeer.onOther = (frame) => {
      const datagram = ikeDatagram(frame.bytes);
      if (datagram) this.gateways.get(formatIpv4(datagram.destination))?.receive(datagram);
    };
  }

  /**
   * Whether IKE is at rest: no message on its way either way (every one the gateways sent taken by
   * the daemon, every one the host sent arrived at its gateway or lost there), neither end working
   * on one, and no exchange waiting for a reply (a responder's wait for a retransmission may run).
   */
  get quiet(): boolean {
    const daemon = this.system.driver.intermediate.ike;
    const gateways = [...this.gateways.values()];
    const sent = gateways.reduce((sum, gateway) => sum + gateway.messagesDelivered, 0);
    const arrived = gateways.reduce((sum, gateway) => sum + gateway.messagesArrived, 0);
    // Each way: nothing on its way; and no exchange waits for a reply (a rekey's QM1 lost is resent, or fails, before the run ends).
    return sent === daemon.counts.received && daemon.counts.sent === arrived && !daemon.busy && this.awaitingReply().next().done === true && !gateways.some((gateway) => gateway.busy);
  }

  /**
   * Hold the run for the exchanges that wait for a reply now (at the traffic's end) until each is
   * done at both ends: answered, or failed at its retransmission limit. A Quick Mode whose QM1 the
   * host resends is still held while the gateway resends its QM2. Later exchanges (a rekey a
   * lifetime of seconds starts in the drain) do not hold it.
   */
  holdExchangesUnderWay(): void {
    this.heldExchanges = new Set(Array.from(this.awaitingReply(), (exchange) => exchange.name));
    this.draining = true;
  }
  private heldExchanges: ReadonlySet<string> = new Set();
  /** From the traffic's end on. */
  private draining = false;
  /** Whether a Quick Mode for a tunnel that is down has held the run in the drain (see repairing). */
  private heldForRepair = false;

  /** Whether exchanges were under way at the traffic's end, or one for a tunnel down held the drain: the drain is longer by their retransmissions. */
  get holdsExchanges(): boolean {
    return this.heldExchanges.size > 0 || this.heldForRepair;
  }

  /** Whether an exchange under way at the traffic's end still waits for its reply (it will be resent, or fail). */
  get exchangesUnderWay(): boolean {
    if (this.heldExchanges.size === 0) return false;
    for (const exchange of this.awaitingReply()) if (this.heldExchanges.has(exchange.name)) return true;
    return false;
  }

  /** The exchanges that wait for a reply: the host's and the gateways'. */
  private *awaitingReply(): Generator<AwaitingReply> {
    yield* this.system.driver.intermediate.ike.exchangesAwaitingReply();
    for (const gateway of this.gateways.values()) yield* gateway.exchangesAwaitingReply();
  }

  get customers(): number {
    return this.pending.length;
  }

  get now(): number {
    return this.kernel.now;
  }

  /**
   * Every gateway starts its phase 1 (once the host's driver is up). Whatever has not come up when
   * a phase 1 and a Quick Mode could each have used up their retransmissions is given up, so that
   * the traffic starts and the run ends.
   */
  start(): void {
    for (const gateway of this.gateways.values()) gateway.start();
    this.kernel.schedule(3 * retransmitSpan(this.system.driver.intermediate.ike.retransmit), `${this.path}.bring_up_limit`, () => {
      for (const pending of this.pending) {
        if (this.readyCustomers.has(pending)) continue;
        this.givenUp.push({ name: pending.customer.name, time: this.kernel.now });
        this.ready(pending);
      }
    });
  }

  /** Customers whose IKE had not finished by the bring-up limit (and when): their traffic started without them. */
  readonly givenUp: { readonly name: string; readonly time: number }[] = [];

  /** A gateway deletes one of its SA pairs (a fault); false when none had any. */
  deleteSomeTunnel(random: Random): boolean {
    const gateways = random.shuffled([...this.gateways.values()]);
    const done = gateways.some((gateway) => gateway.deleteTunnel(random));
    if (done) this.faultsMade.ikeDeletes++;
    return done;
  }

  /** The IKE faults actually made: a Delete needs a tunnel with SAs to delete; a malformed message may be lost on the link (the IKE loss fault). */
  readonly faultsMade = { ikeDeletes: 0, malformedLost: 0 };

  /** A gateway sends a malformed ISAKMP message (a fault). */
  sendMalformed(random: Random): void {
    const gateways = [...this.gateways.values()];
    if (gateways.length > 0 && random.pick(gateways).sendRaw(malformedIsakmp(random))) this.faultsMade.malformedLost++;
  }

  /** Each customer's readiness follows the host's view: its tunnels all up, or its phase 1 failed. */
  private observe(entry: IkeTimelineEntry): void {
    const pending = this.pending.find((candidate) => candidate.customer.name === entry.gateway);
    if (!pending || this.readyCustomers.has(pending)) return;
    if (entry.event.kind === "quick-mode-up" && entry.event.negotiation === "first") this.tunnelsUp.set(entry.gateway, (this.tunnelsUp.get(entry.gateway) ?? 0) + 1);
    // A tunnel's first Quick Mode is done when it is up, or when it failed for good (its packets then go nowhere).
    if ((entry.event.kind === "quick-mode-up" && entry.event.negotiation === "first") || entry.event.kind === "quick-mode-failed") this.tunnelDone(pending);
    if (entry.event.kind === "phase1-failed") this.ready(pending);
  }

  private tunnelDone(pending: Pending): void {
    const name = pending.customer.name;
    this.tunnelsDone.set(name, (this.tunnelsDone.get(name) ?? 0) + 1);
    if (this.tunnelsDone.get(name)! >= pending.tunnels.length) this.ready(pending);
  }
  private readonly tunnelsDone = new Map<string, number>();
  private readonly tunnelsUp = new Map<string, number>();

  /**
   * How many of a customer's tunnels came up through their first Quick Mode, of how many, and how
   * many carry packets both ways at the end; each one that does not, by its port, with why.
   */
  tunnels(name: string): { up: number; of: number; upAtEnd: number; down: readonly TunnelDown[] } {
    const tunnels = this.pending.find((pending) => pending.customer.name === name)?.tunnels ?? [];
    const down = tunnels.flatMap((tunnel) => {
      const reason = this.whyDown(tunnel);
      return reason === null ? [] : [{ port: tunnel.selector.port, reason }];
    });
    return { up: this.tunnelsUp.get(name) ?? 0, of: tunnels.length, upAtEnd: tunnels.length - down.length, down };
  }

  /**
   * Why a tunnel does not carry packets both ways now, the first end found wanting; null when it
   * does: each end sends under an SA the other takes. A rekey under way is up: the host may send
   * under the new pair while the gateway still sends under the old, which the host still takes.
   */
  private whyDown({ index, selector }: { readonly index: number; readonly selector: TunnelSelector }): string | null {
    const intermediate = this.system.driver.intermediate;
    const keeper = intermediate.ike.keeper;
    const host = keeper.tunnels.get(selector);
    if (host === undefined) {
      // A pair that ended while current leaves the tunnel at its trap until a Quick Mode brings another.
      const ended = keeper.lastEnded.get(selectorKey(selector));
      return ended ? `the host's pair (outbound SPI ${hexSpi(ended.outboundSpi)}) ${ended.why} at ${round(ended.time / 1e6)} µs, and no Quick Mode since gave it another` : "no Quick Mode gave the host a pair for it";
    }
    const hostSpi = hexSpi(host.outbound.parameters.spi);
    if (!this.espPeer.accepts(host.outbound.parameters.spi)) return `the gateway does not take the host's outbound SPI ${hostSpi}`;
    const gatewaySendsUnder = this.espPeer.outboundSpi(index);
    if (gatewaySendsUnder === null) return "the gateway has no SA to send under";
    if (intermediate.sadb.find("inbound", gatewaySendsUnder) === undefined) return `the host does not take the gateway's outbound SPI ${hexSpi(gatewaySendsUnder)}`;
    return null;
  }

  /**
   * Whether a Quick Mode for a tunnel that is down waits for its reply (the host's or a gateway's):
   * its resend, or its failure, is still to come. A rekey's QM1 lost in the drain while its pair
   * expired left the tunnel down at a quiet end, with nothing to say why (from an outside check).
   * Other exchanges, a rekey of a live pair, hold nothing. From the traffic's end on, a hold is
   * remembered: the drain is longer by an exchange's retransmissions.
   */
  repairing(): boolean {
    for (const exchange of this.awaitingReply()) {
      const tunnel = exchange.port === null ? undefined : this.tunnelOfPort.get(exchange.port);
      if (tunnel === undefined || this.whyDown(tunnel) === null) continue;
      if (this.draining) this.heldForRepair = true;
      return true;
    }
    return false;
  }

  /** A signal's value changes only when its phase commits: readiness is counted here, the signal shows it. */
  private ready(pending: Pending): void {
    if (this.readyCustomers.has(pending)) return;
    this.readyCustomers.add(pending);
    pending.ready.set(1);
    if (this.readyCustomers.size === this.pending.length) this.onAllReady();
  }
  private readonly readyCustomers = new Set<Pending>();
}

/** A tunnel that does not carry packets both ways at the end: its port, and the first end found wanting. */
export interface TunnelDown {
  readonly port: number;
  readonly reason: string;
}

/** A tunnel's traffic: UDP to one port, within the inner subnet. */
function tunnelSelector(port: number): TunnelSelector {
  return { source: subnetSpan(4, INNER_SUBNET), destination: subnetSpan(4, INNER_SUBNET), protocol: PROTOCOL_UDP, port };
}

/** Longest IKE messages by what they follow from (see longestIkeMessageOf). */
const LONGEST_MESSAGES = new Map<string, LongestIkeMessages | null>();

/**
 * A customer's longest IKE message (longestIkeMessage: its phase 1, a Quick Mode from each side,
 * an ESP Delete from each), for the device's fit before the run; null when it makes none. What
 * it follows from is the customer alone: its mode, identities, whether the keys agree, lifetimes.
 * "no identity" when its identity is none of its type (refused at its own place).
 */
export function longestIkeMessageOf(customer: ScenarioCustomer & { readonly ike: NonNullable<ScenarioCustomer["ike"]> }): LongestIkeMessages | null | "no identity" {
  const { ike } = customer;
  const lifetime = { seconds: ike.lifetimeSeconds, kilobytes: ike.lifetimeKilobytes };
  let gatewayIdentity: IdPayload;
  try {
    gatewayIdentity = presentedIdentity(customer);
  } catch (error) {
    if (!(error instanceof IdentityError)) throw error;
    // Its identity's mistake is said at its place; its messages are sized with a valid one as long.
    const standIn = sameSizeIdentity(customer.identity);
    if (standIn === null) return "no identity";
    gatewayIdentity = presentedIdentity({ ...customer, identity: standIn });
  }
  // Every tunnel's selector is the same size (one port of the inner subnet): its first stands for them.
  const selectors = selectorPayloads(tunnelSelector(INNER_PORT_BASE));
  // Not the keys themselves: whether they agree (phase 1 fails where not). Each rehearsal does four Diffie-Hellman computations, and runs of one scenario repeat them.
  const key = JSON.stringify([ike.mode, gatewayIdentity, ike.gatewayPreSharedKey === undefined || ike.gatewayPreSharedKey === ike.preSharedKey, lifetime]);
  const known = LONGEST_MESSAGES.get(key);
  if (known !== undefined) return known;
  const encoder = new TextEncoder();
  // The retransmission schedule sizes nothing: no exchange here waits.
  const end = (identity: IdPayload, preSharedKey: string) => (random: Random, allocateSpi: () => number) =>
    peerNode({ identity, preSharedKey: encoder.encode(preSharedKey), random, allocateSpi, espLifetime: lifetime, retransmit: { intervalPicoseconds: 1, limit: 0 } });
  const longest = longestIkeMessage(end(gatewayIdentity, ike.gatewayPreSharedKey ?? ike.preSharedKey), end(identityToIdPayload(HOST_IDENTITY), ike.preSharedKey), ike.mode, selectors);
  if (LONGEST_MESSAGES.size >= 1000) LONGEST_MESSAGES.clear();
  LONGEST_MESSAGES.set(key, longest);
  return longest;
}

/** The ID payload a gateway presents: its identity's, with names as the scenario spells them (the host compares them without case). */
function presentedIdentity(customer: ScenarioCustomer): IdPayload {
  const { type, value } = customer.identity;
  const payload = identityToIdPayload(identity(type, value));
  return type === "ID_FQDN" || type === "ID_USER_FQDN" ? { ...payload, data: new TextEncoder().encode(value.replace(/\.$/, "")) } : payload;
}
