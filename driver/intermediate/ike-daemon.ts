import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { param } from "../../sim/parameters.js";
import { Mailbox } from "../../sim/mailbox.js";
import type { Command } from "../../sim/process.js";
import { DropCounter } from "../../sim/stats/drop-counter.js";
import { classDscp } from "../../sim/packet/dscp.js";
import { ikeFrame, type IkeDatagram } from "../../sim/packet/ike-datagram.js";
import { formatIpv4, type Ipv4Address, ipv4Address } from "../../sim/packet/ipv4.js";
import { us } from "../../sim/time.js";
import type { AwaitingReply } from "../../sim/ike/ike-node.js";
import type { Random } from "../../sim/random.js";
import { ikeRetransmitParameters, MAXIMUM_RETRANSMIT_SPAN, peerNode, randomSpi, RetransmitTimer } from "./ike-peer-node.js";
import { type IkeAction, type IkeDropReason, type IkeStep, type QuickModeSelectors, retransmitSpan } from "../../sim/ike/ike-types.js";
import { ikeCostParameters, ikeWorkCycles } from "./ike-costs.js";
import { IkeMessageEnum, type IkeMessageEnumName, type IkeStateName, IkeStateEnum, type IkeTimelineEntry, type IkeTimelineEvent } from "./ike-timeline.js";
import type { IkeTunnel } from "./ike-tunnels.js";
import { IkeSaKeeper, quickModeKey, startedKey } from "./ike-sa-keeper.js";
import type { IkeIdentity } from "./identity.js";
import { describeAsReceived, identityFromIdPayload, identityToIdPayload } from "./identity-payload.js";
import { SelectorError, selectorFromPayloads, selectorPayloads, type TunnelSelector } from "./tunnel-selector.js";
import type { IntermediateDriver } from "./driver.js";
import type { IpsecSa } from "./sadb.js";
import type { IkePeerConfig, Peer, Trapped, Work } from "./ike-peer.js";


/**
 * The IKE daemon of the intermediate driver (IKEv1: Main, Aggressive and Quick Mode, Informational
 * Delete). It answers the gateways' phase 1, takes each one's identity from its ID payload and
 * stores the ISAKMP profile's tag with the IKE SA (ISADB); Quick Mode SAs inherit it (SADB). Its
 * messages are UDP 500 frames through the base driver, classified by the tag once it is known
 * (seed 001: control and data alike), and its work is CPU jobs. Lifetimes drive rekeys.
 */
@injectable()
export class IkeDaemon extends Component {
  readonly params = this.parameters({
    ...ikeCostParameters,
    ...ikeRetransmitParameters,
    softLifetimePercent: param.integer(80, "Share of an SA's lifetime (seconds or kilobytes) after which the daemon rekeys it", { minimum: 1, maximum: 100, unit: "%" }),
    rekeyGraceMicroseconds: param.microseconds(100, "Time the old inbound SA of a rekey keeps taking the gateway's packets already on their way once the gateway sends under the new one", { maximum: 1_000_000 }),
    stillSentUnderMicroseconds: param.microseconds(100, "Time after an end gave up a Quick Mode it answered (its inbound SA gone, the other end's QM3s all lost) past which a packet still coming under its SPI says the other end sends under a pair it never installed: that end is sent a Delete, then again while packets still come, each after as long as an unanswered request waits before it is resent, up to retransmitLimit more (a Delete with no effect by then is taken as lost); the host's and the gateways'", { minimum: 1, maximum: 1_000_000 }),
  });
  readonly drops = new DropCounter<IkeDropReason | "UNKNOWN_PEER">();
  readonly timeline: IkeTimelineEntry[] = [];
  /** Who hears of each timeline entry as it happens (the scenario starts a customer's traffic on its last Quick Mode). */
  readonly observers: ((entry: IkeTimelineEntry) => void)[] = [];
  /** Every IKE SA's initiator cookie and phase-1 encryption key: only for Wireshark's ikev1_decryption_table beside the capture. */
  readonly decryptionTable: { initiatorCookie: Uint8Array; encryptionKey: Uint8Array }[] = [];
  readonly counts = { sent: 0, received: 0, retransmitted: 0, phase1Failures: 0, quickModeFailures: 0 };
  /** The IPsec SAs IKE negotiated, through their lifetimes, rekeys, expiries and Deletes. */
  keeper!: IkeSaKeeper;
  private intermediate!: IntermediateDriver;
  private localAddress: Ipv4Address = ipv4Address("0.0.0.0");
  /** Per gateway: its own IKE node (its key, its lifetimes), its work in order on whichever core is free, and its waveform. */
  private readonly peers = new Map<string, Peer>();
  /** Inbound SPIs handed out and not yet in the SADB. */
  private readonly spis = new Set<number>();

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    // The scenario gives a bring-up three times an exchange's whole retransmission time, which a run steps through a µs at a time: beyond 1 s it takes minutes.
    const span = retransmitSpan(this.retransmit);
    if (!(span <= MAXIMUM_RETRANSMIT_SPAN)) {
      this.misfitParameter("retransmitLimit", `with ${this.path}.retransmitMicroseconds ${this.params.retransmitMicroseconds} and retransmitBackoff ${this.params.retransmitBackoff}, an exchange would retransmit for ${Number.isFinite(span) ? `${(span / 1e12).toPrecision(3)} s` : "longer than any time a run holds"} in all: at most 1 s`, ["retransmitMicroseconds", "retransmitBackoff"]);
    }
  }

  /** The daemon's own address and identity, and the gateways it answers; before the run (it makes their waveform signals). */
  configure(intermediate: IntermediateDriver, local: { address: Ipv4Address; identity: IkeIdentity }, peers: readonly IkePeerConfig[]): void {
    this.intermediate = intermediate;
    this.localAddress = local.address;
    const params = this.params;
    this.keeper = new IkeSaKeeper(
      this.kernel,
      intermediate,
      {
        // A rekey's old inbound SA waits for the gateway at most as long as QM3 could take to reach it through retransmissions.
        settings: () => ({ softLifetimePercent: params.softLifetimePercent, rekeyGraceMicroseconds: params.rekeyGraceMicroseconds, stillSentUnderMicroseconds: params.stillSentUnderMicroseconds, switchWaitMicroseconds: retransmitSpan(this.retransmit) / 1e6 }),
        record: (gateway, event) => this.record(this.peerOf(gateway)!, event),
        rekey: (tunnel, trigger) => this.peerOf(tunnel.gateway)?.work.push({ kind: "rekey", tunnel, trigger }),
        sendDelete: (tunnel, spis) => this.sendDelete(tunnel, spis),
        sessionUp: (gateway, session) => this.peerOf(gateway)?.node.sessionInfo(session)?.phase1Up === true,
        process: (name, body) => this.process(name, body),
      },
      this.signal("inbound_switches", 32, { kind: "integer", lastWriteWins: true }),
    );
    for (const config of peers) {
      const name = config.name.replace(/[^A-Za-z0-9_]/g, "_");
      const random = this.kernel.random(`${this.path}.${name}`);
      const node = peerNode({ identity: identityToIdPayload(local.identity), preSharedKey: config.preSharedKey, random, allocateSpi: () => this.allocateSpi(random), espLifetime: config.lifetime, retransmit: this.retransmit });
      const work = new Mailbox<Work>(this.kernel, `IKE with ${config.name}: the next message or timer`);
      const timer = new RetransmitTimer(this.kernel, `${this.path}.retransmit`, () => work.push({ kind: "expire" }));
      const peer: Peer = { config, node, work, timer, state: this.enumSignal(`${name}_state`, IkeStateEnum, { lastWriteWins: true }), exchange: this.enumSignal(`${name}_exchange`, IkeMessageEnum, { lastWriteWins: true }), message: this.event(`${name}_message`), taken: this.event(`${name}_taken`), ikeSa: null, established: false };
      this.peers.set(formatIpv4(config.address), peer);
      this.process(name, () => this.serve(peer));
    }
  }

  /** A gateway's IKE state now, as its waveform signal shows it (an IkeStateEnum code). */
  stateOf(name: string): number {
    const peer = this.peerOf(name);
    if (!peer) throw new RangeError(`no IKE gateway '${name}'`);
    return peer.state.value;
  }

  /** The host's and the gateways' retransmission schedule. */
  get retransmit() {
    return { intervalPicoseconds: us(this.params.retransmitMicroseconds), limit: this.params.retransmitLimit, backoff: this.params.retransmitBackoff };
  }

  /** Whether a message or timer is waiting for a gateway's lane, or being handled. */
  get busy(): boolean {
    return this.handling > 0 || [...this.peers.values()].some((peer) => peer.work.length > 0);
  }

  /** The exchanges the host started (a rekey, an acquire) that wait for a gateway's reply (see IkeNode.exchangesAwaitingReply). */
  *exchangesAwaitingReply(): Generator<AwaitingReply> {
    for (const peer of this.peers.values()) yield* peer.node.exchangesAwaitingReply();
  }
  private handling = 0;

  /** Whether a scenario gave the daemon gateways to answer. */
  get configured(): boolean {
    return this.peers.size > 0;
  }

  /** A UDP 500 frame from the base driver's poll, in the class the NIC gave it; from an address with no keyring entry it is dropped. */
  receive(datagram: IkeDatagram, trafficClass: number): void {
    const peer = this.peers.get(formatIpv4(datagram.source));
    if (!peer) return this.drops.count("UNKNOWN_PEER", null);
    peer.work.push({ kind: "datagram", datagram, trafficClass });
  }

  /** A packet hit a trap (RFC 4301's acquire): if its tunnel's SAs ended (expired, or deleted by the gateway) under an IKE SA still up, the host negotiates the tunnel again with a Quick Mode. */
  acquire(selector: TunnelSelector): void {
    const trapped = this.configured ? this.keeper.takeTrapped(selector) : undefined;
    if (trapped) this.peerOf(trapped.gateway)?.work.push({ kind: "acquire", trapped });
  }
  /** The Quick Modes this host started (acquires and rekeys), by gateway and message ID: what to do if one fails. */
  private readonly started = new Map<string, { readonly kind: "acquire"; readonly trapped: Trapped } | { readonly kind: "rekey"; readonly tunnel: IkeTunnel }>();

  /** ESP from `source` under an SPI the SADB lacks: one this host ended may still be in use at that gateway (its Delete lost). */
  unknownSpi(source: string, spi: number): void {
    const peer = this.peers.get(source);
    if (peer?.established) this.keeper.stillSentUnder(peer.config.name, spi, this.retransmit);
  }

  /** Bytes a packet under an SA carried: its kilobyte lifetime counts them. */
  used(sa: IpsecSa, bytes: number): void {
    this.keeper?.used(sa, bytes);
  }

  /** One gateway's messages, timers and rekeys, in order: each a CPU job of the class its traffic has (seed 001: control traffic too). */
  private *serve(peer: Peer): Generator<Command, void, unknown> {
    for (;;) {
      const work = yield* peer.work.take();
      this.handling++;
      yield* this.handle(peer, work);
      this.handling--;
    }
  }

  private *handle(peer: Peer, work: Work): Generator<Command, void, unknown> {
    const now = this.kernel.now;
    let step: IkeStep;
    // Before the tag is known, a reply takes the class its request came in with (its own DSCP's): seed 001's fallback.
    const trafficClass = this.classOf(peer, work.kind === "datagram" ? work.trafficClass : 0);
    if (work.kind === "datagram") {
      this.counts.received++;
      step = peer.node.receive(formatIpv4(work.datagram.source), work.datagram.message, now);
    } else if (work.kind === "expire") {
      step = peer.node.expire(now);
    } else if (work.kind === "acquire") {
      // The IKE SA may have gone meanwhile: then there is nothing to negotiate under.
      // So may the trap: the gateway's own Quick Mode for the tunnel came up while this waited (a second pair, and a Delete of one of them, followed).
      if (!peer.established || peer.node.sessionInfo(work.trapped.session)?.state === undefined || this.keeper.tunnels.get(work.trapped.selector) !== undefined) return this.keeper.untake(work.trapped);
      this.record(peer, { kind: "acquire", selector: `UDP port ${work.trapped.selector.port}` });
      step = peer.node.quickMode(work.trapped.session, now, selectorPayloads(work.trapped.selector));
      this.started.set(startedKey(peer.config.name, step), { kind: "acquire", trapped: work.trapped });
    } else {
      const tunnel = work.tunnel;
      if (this.keeper.tunnels.get(tunnel.selector) !== tunnel) return;
      this.record(peer, { kind: "rekey-started", trigger: work.trigger, outboundSpi: tunnel.outbound.parameters.spi });
      step = peer.node.quickMode(tunnel.session, now, selectorPayloads(tunnel.selector));
      this.started.set(startedKey(peer.config.name, step), { kind: "rekey", tunnel });
      this.keeper.rekeyStarted(tunnel);
    }
    // Every message taken shows when it is taken, before the work it costs: a copy, a Delete or one dropped too (only those that moved an exchange on did).
    if (work.kind === "datagram") {
      peer.taken.fire();
      const taken = step.actions.find((action) => action.kind === "state");
      this.showMessage(peer, taken?.kind === "state" ? taken.state : step.actions.some((action) => action.kind === "delete-received") ? "INFO_DELETE" : "");
      if (taken?.kind === "state" && (taken.state === "MM1" || taken.state === "AM1")) this.record(peer, { kind: "phase1-started", mode: taken.state === "MM1" ? "main" : "aggressive" });
    }
    yield* this.intermediate.cpu.run("IKE", trafficClass, this.intermediate.cpu.picoseconds(ikeWorkCycles(step.work, this.params)));
    // Its messages leave now, its work done: their timers run from here, not from when a core was first asked for.
    peer.node.sent(step, this.kernel.now);
    yield* this.perform(peer, step.actions, trafficClass);
    peer.timer.arm(peer.node);
  }

  /** A step's outcomes: the identity and its tag first, so that the replies of the same step already take the tag's class. */
  private *perform(peer: Peer, actions: readonly IkeAction[], requestClass: number): Generator<Command, void, unknown> {
    for (const action of actions) {
      if (action.kind === "identity-received") this.identityReceived(peer, action);
      else if (action.kind === "phase1-up") this.phase1Up(peer, action);
    }
    const trafficClass = this.classOf(peer, requestClass);
    for (const action of actions) {
      switch (action.kind) {
        case "send":
          yield* this.send(peer, action.bytes, trafficClass);
          this.counts.sent++;
          if (action.retransmission) {
            this.counts.retransmitted++;
            this.record(peer, { kind: "retransmitted", message: action.message });
          }
          this.showMessage(peer, action.message);
          break;
        case "state":
          this.showState(peer, action.state);
          break;
        case "phase1-failed":
          this.phase1Failed(peer, action);
          break;
        case "quick-mode-inbound":
          if (peer.ikeSa) this.keeper.takeUpInbound(peer.config.name, action.session, action.messageId, peer.ikeSa, action.inbound, this.localAddress, peer.config.address, this.selectorOf(action.selectors));
          break;
        case "quick-mode-up":
          this.quickModeUp(peer, action);
          break;
        case "quick-mode-failed":
          this.counts.quickModeFailures++;
          this.record(peer, { kind: "quick-mode-failed", reason: action.reason, ...(action.port === null ? {} : { selector: `UDP port ${action.port}` }) });
          this.quickModeFailed(peer, action.messageId, action);
          break;
        case "delete-received":
          this.record(peer, { kind: "delete-received", protocol: action.protocol, spis: action.spis });
          if (action.protocol === "ESP") for (const spi of action.spis) this.keeper.deleteTunnelOf(peer.config.name, spi);
          break;
        case "dropped":
          this.drops.count(action.reason, null);
      }
    }
  }

  /**
   * The identity from the received ID payload (Main Mode 5, Aggressive Mode 1) picks the ISAKMP
   * profile, and with it the tag, stored with the IKE SA (seed 001): from then on, before phase 1
   * is even done, the gateway's messages take the tag's class. A phase 1 that then fails takes its
   * ISADB entry with it.
   */
  private identityReceived(peer: Peer, action: Extract<IkeAction, { kind: "identity-received" }>): void {
    const decoded = identityFromIdPayload(action.peerIdentity);
    // An identity whose data does not fit its type matches no profile: the IKE SA is untagged.
    const identity: IkeIdentity = decoded.kind === "ok" ? decoded.identity : { type: "ID_KEY_ID", bytes: action.peerIdentity.data, text: `invalid identity (${decoded.reason})` };
    if (peer.ikeSa && !peer.established) this.intermediate.isadb.delete(peer.ikeSa.id);
    peer.ikeSa = this.intermediate.isadb.establish(formatIpv4(peer.config.address), identity);
    peer.established = false;
  }

  private phase1Up(peer: Peer, action: Extract<IkeAction, { kind: "phase1-up" }>): void {
    if (!peer.ikeSa) this.identityReceived(peer, { kind: "identity-received", session: action.session, peerAddress: action.peerAddress, peerIdentity: action.peerIdentity });
    const ikeSa = peer.ikeSa!;
    peer.established = true;
    this.decryptionTable.push({ initiatorCookie: action.initiatorCookie, encryptionKey: action.encryptionKey });
    this.record(peer, { kind: "phase1-up", identity: describeAsReceived(action.peerIdentity, ikeSa.identity), profile: ikeSa.profile, qosGroup: ikeSa.qosGroup });
  }

  private phase1Failed(peer: Peer, action: Extract<IkeAction, { kind: "phase1-failed" }>): void {
    this.counts.phase1Failures++;
    if (peer.ikeSa && !peer.established) {
      this.intermediate.isadb.delete(peer.ikeSa.id);
      peer.ikeSa = null;
    }
    this.record(peer, { kind: "phase1-failed", reason: action.reason });
    this.showState(peer, "FAILED");
  }

  /** A Quick Mode failed: an acquire's tunnel waits at its trap again; a rekey's, if its pair ended meanwhile; one the gateway started, if it left its tunnel (named by `failed`'s selectors) with no pair. */
  private quickModeFailed(peer: Peer, messageId: number, failed?: Extract<IkeAction, { kind: "quick-mode-failed" }>): void {
    this.keeper.dropTakenUp(peer.config.name, messageId);
    const key = quickModeKey(peer.config.name, messageId);
    const started = this.started.get(key);
    this.started.delete(key);
    if (started?.kind === "acquire") this.keeper.untake(started.trapped);
    else if (started?.kind === "rekey") this.keeper.rekeyFailed(started.tunnel);
    else if (failed?.selectors) {
      let selector: TunnelSelector;
      try {
        selector = selectorFromPayloads(failed.selectors);
      } catch {
        // Identities the SPD could not select by name no tunnel of ours.
        return;
      }
      this.keeper.gatewayQuickModeFailed({ gateway: peer.config.name, session: failed.session, selector });
    }
  }

  /** The selector a responder's QM1 named, for the inbound SA it takes up at QM2; null if none could be read (the pair is refused when it comes up). */
  private selectorOf(selectors: QuickModeSelectors | undefined): TunnelSelector | null {
    try {
      return selectors ? selectorFromPayloads(selectors) : null;
    } catch (error) {
      if (error instanceof SelectorError) return null;
      throw error;
    }
  }

  /** A Quick Mode's SA pair, handed to the keeper with its tunnel's selector. */
  private quickModeUp(peer: Peer, action: Extract<IkeAction, { kind: "quick-mode-up" }>): void {
    let selector: TunnelSelector;
    try {
      if (!peer.ikeSa || !action.selectors) throw new SelectorError("no client identities");
      selector = selectorFromPayloads(action.selectors);
    } catch (error) {
      // Nothing the SPD could select by: the SAs are not installed (INVALID_ID_INFORMATION, RFC 2407 4.6.3).
      this.record(peer, { kind: "quick-mode-failed", reason: `INVALID_ID_INFORMATION: ${(error as Error).message}` });
      this.quickModeFailed(peer, action.messageId);
      return;
    }
    this.spis.delete(action.inbound.spi);
    if (this.keeper.deletedAlready(peer.config.name, action.outbound)) {
      this.counts.quickModeFailures++;
      this.record(peer, { kind: "quick-mode-failed", reason: "the gateway deleted its pair before it was up here", selector: `UDP port ${selector.port}` });
      return this.quickModeFailed(peer, action.messageId);
    }
    if (this.keeper.usedUpBeforeInstalled(peer.config.name, action.messageId, action.lifetime.kilobytes, selector)) {
      this.record(peer, { kind: "expired", trigger: "kilobytes", outboundSpi: action.outbound.spi, inboundSpi: action.inbound.spi, successor: this.keeper.tunnels.get(selector) !== undefined, rekeying: false, beforeInstalled: `UDP port ${selector.port}` });
      return this.quickModeFailed(peer, action.messageId);
    }
    const key = quickModeKey(peer.config.name, action.messageId);
    const started = this.started.get(key);
    this.started.delete(key);
    this.keeper.install({ gateway: peer.config.name, session: action.session, ikeSa: peer.ikeSa!, local: this.localAddress, remote: peer.config.address, selector, inbound: action.inbound, outbound: action.outbound, lifetime: action.lifetime, messageId: action.messageId, initiator: started === undefined ? "gateway" : "host", acquire: started?.kind === "acquire" });
    this.showState(peer, "ESTABLISHED");
  }

  /** An Informational Delete on the tunnel's IKE SA, in the class of its tag. */
  private *sendDelete(tunnel: Pick<IkeTunnel, "gateway" | "session">, spis: readonly number[]): Generator<Command, void, unknown> {
    const peer = this.peerOf(tunnel.gateway)!;
    const step = peer.node.deleteEsp(tunnel.session, spis, this.kernel.now);
    yield* this.perform(peer, step.actions, this.classOf(peer, 0));
  }

  private *send(peer: Peer, message: Uint8Array, trafficClass: number): Generator<Command, void, unknown> {
    const base = this.intermediate.base;
    const frame = ikeFrame({ destination: this.intermediate.gatewayMac, source: this.intermediate.localMac, sourceIp: this.localAddress, destinationIp: peer.config.address, dscp: classDscp(trafficClass), message });
    yield* base.transmit(base.queueOfClass(trafficClass), frame, { trafficClass });
    // When its post is done (it fired before the wait for a core); its descriptors are written as the post starts (README: `_message`).
    peer.message.fire();
  }

  private showMessage(peer: Peer, message: string): void {
    if ((IkeMessageEnum.names as readonly string[]).includes(message)) peer.exchange.set(IkeMessageEnum.code(message as IkeMessageEnumName));
  }

  private showState(peer: Peer, state: string): void {
    if ((IkeStateEnum.names as readonly string[]).includes(state)) peer.state.set(IkeStateEnum.code(state as IkeStateName));
  }

  /** The class of a gateway's IKE: its tag's once the identity is known, else the fallback. */
  private classOf(peer: Peer, fallback: number): number {
    const tag = peer.ikeSa?.qosGroup ?? null;
    return tag !== null ? this.intermediate.classOfGroup(tag) : fallback;
  }

  private peerOf(name: string): Peer | undefined {
    return [...this.peers.values()].find((peer) => peer.config.name === name);
  }

  private record(peer: Peer, event: IkeTimelineEvent): void {
    const entry = { time: this.kernel.now, gateway: peer.config.name, event };
    this.timeline.push(entry);
    for (const observer of this.observers) observer(entry);
  }

  /** An inbound SPI neither handed out yet nor in the SADB: it is handed out. */
  private allocateSpi(random: Random): number {
    const spi = randomSpi(random, (value) => this.spis.has(value) || this.intermediate.sadb.find("inbound", value) !== undefined);
    this.spis.add(spi);
    return spi;
  }
}
