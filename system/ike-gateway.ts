import type { Kernel } from "../sim/kernel.js";
import type { Random } from "../sim/random.js";
import { DropCounter } from "../sim/stats/drop-counter.js";
import type { IkeDatagram } from "../sim/packet/ike-datagram.js";
import { formatIpv4, type Ipv4Address } from "../sim/packet/ipv4.js";
import { spi as toSpi } from "../sim/ipsec/esp.js";
import type { AwaitingReply, IkeNode } from "../sim/ike/ike-node.js";
import { peerNode, randomSpi, RetransmitTimer } from "../driver/intermediate/ike-peer-node.js";
import type { IdPayload, IkeAction, IkeDropReason, IkeSessionId, IkeStep, QuickModeSelectors } from "../sim/ike/ike-types.js";
import type { RemotePeer } from "../hw/link/peer.js";
import type { IkeCosts } from "../driver/intermediate/ike-costs.js";
import { GatewayCpu } from "./gateway-cpu.js";
import { GatewayIkeLink } from "./gateway-ike-link.js";
import { selectorFromPayloads, selectorKey, selectorPayloads, type TunnelSelector } from "../driver/intermediate/tunnel-selector.js";
import { startedQuickModeId } from "../sim/ike/quick-mode.js";
import { GatewayPairs } from "./gateway-pairs.js";
import { EndedInboundSpis } from "../driver/intermediate/ended-inbound-spis.js";
import type { EspPeer } from "./esp-peer.js";
import type { CapturedSa } from "../sim/ipsec/wireshark-esp-sa.js";

/** A customer's gateway, as the scenario configures it. */
export interface GatewayConfig {
  readonly name: string;
  readonly address: Ipv4Address;
  readonly hostAddress: Ipv4Address;
  /** The ID payload it presents, as configured. */
  readonly identity: IdPayload;
  readonly preSharedKey: Uint8Array;
  readonly mode: "main" | "aggressive";
  /** The class its ESP frames are marked with (its own egress policy's). */
  readonly trafficClass: number;
  readonly lifetime: { readonly seconds: number; readonly kilobytes: number };
  readonly retransmit: { readonly intervalPicoseconds: number; readonly limit: number; readonly backoff: number };
  /** Time after it gave up a Quick Mode it answered past which a packet under its SPI says the host sends under the pair, ps (the daemon's stillSentUnderMicroseconds). */
  readonly stillSentUnder: number;
  /** Share of a pair's kilobyte lifetime after which it rekeys the pair itself (top.peer.softLifetimePercent; 100: never). */
  readonly softLifetimePercent: number;
  /** Its tunnels: the EspPeer tunnel each feeds, and the traffic it selects. */
  readonly tunnels: readonly { readonly index: number; readonly selector: TunnelSelector }[];
}

const espParameters = (side: { spi: number; keyMaterial: Uint8Array }) => ({ spi: toSpi(side.spi), keyMaterial: side.keyMaterial, icvLength: 16 as const, esn: false });

/** The peer its ended SPIs are kept for. */
const HOST = "host";

/**
 * A customer's remote gateway running IKEv1 (the initiator): phase 1 to the host, a Quick Mode per
 * tunnel, answering the host's rekeys and Deletes; its ESP ends live in the EspPeer. It handles
 * one message at a time, each taking its priced CPU time, and loses messages as the faults say.
 */
export class IkeGateway {
  readonly drops = new DropCounter<IkeDropReason>();
  /** The keys of every SA pair a Quick Mode brought up at this gateway, for the capture's esp_sa file. */
  readonly captured: CapturedSa[] = [];
  /**
   * Messages each way (sent: every one, as the host counts; received: those the link delivered), those the link lost either
   * way, the Informational Deletes it sent (a fault, or for an SPI the host still sent under after it had ended it:
   * `deletesStillSentUnder`) and those of the host it took.
   */
  readonly counts = { sent: 0, received: 0, lost: 0, retransmitted: 0, quickModeFailures: 0, deletes: 0, deletesStillSentUnder: 0, deletesReceived: 0, expired: 0, rekeys: 0 };
  /** The port each of its failed Quick Modes negotiated, where its identities named one: the tunnel it left without a pair. */
  readonly quickModeFailurePorts: number[] = [];
  failed: string | null = null;
  /** When its phase 1 came up (ps), as the gateway saw it; null while it has not. */
  phase1UpTime: number | null = null;
  /** Its phase 1 failed for good (the host may never have known: a lost or undecryptable message). */
  onFailed: () => void = () => {};
  /** One of its tunnels' Quick Modes failed for good (the host may never have heard of it). */
  onQuickModeFailed: () => void = () => {};
  private readonly node: IkeNode;
  private readonly pairs = new GatewayPairs();
  private readonly tunnelBySelector = new Map<string, number>();
  /** Quick Modes the host started that this gateway answered, and per tunnel the latest of them. */
  private readonly answered = new Set<number>();
  private readonly latestAnswered = new Map<number, number>();
  /** The inbound SPI each answered Quick Mode took up at its QM2. */
  private readonly inboundOfAnswer = new Map<number, number>();
  private session: IkeSessionId | null = null;
  private readonly timer: RetransmitTimer;
  private readonly cpu: GatewayCpu;
  private readonly link: GatewayIkeLink;
  /** Tunnels with a Quick Mode under way, either end's, and its message ID (null until its CPU starts one it is to start). */
  private readonly negotiating = new Map<number, number | null>();

  get name(): string {
    return this.config.name;
  }

  constructor(
    private readonly kernel: Kernel,
    private readonly path: string,
    peer: RemotePeer,
    private readonly espPeer: EspPeer,
    private readonly config: GatewayConfig,
    random: Random,
    costs: IkeCosts,
    loss: { readonly probability: number; readonly random: Random },
  ) {
    for (const tunnel of config.tunnels) this.tunnelBySelector.set(selectorKey(tunnel.selector), tunnel.index);
    this.cpu = new GatewayCpu(kernel, `${path}.ike`, costs, (step) => this.stepDone(step));
    this.link = new GatewayIkeLink(peer, config, loss, this.counts);
    this.timer = new RetransmitTimer(kernel, `${path}.retransmit`, () => this.cpu.handle((now) => this.node.expire(now)));
    this.node = peerNode({ identity: config.identity, preSharedKey: config.preSharedKey, random, allocateSpi: () => randomSpi(random, () => false), espLifetime: config.lifetime, retransmit: config.retransmit });
  }

  /** Its CPU is still working on a step whose messages it has not yet sent (a Delete, an answer), or an exchange it started waits for the host's reply. */
  get busy(): boolean {
    return this.cpu.busy || this.node.awaitingReply;
  }

  /** The exchanges this gateway started that wait for the host's reply (see IkeNode.exchangesAwaitingReply). */
  exchangesAwaitingReply(): Generator<AwaitingReply> {
    return this.node.exchangesAwaitingReply();
  }

  /** Messages from the host that reached its port, the ones the link then lost among them: the host's sent, once none is on its way. */
  get messagesArrived(): number {
    return this.arrived;
  }
  private arrived = 0;

  /** Messages it sent that the link did not lose: the host's received, once none is on its way. */
  get messagesDelivered(): number {
    return this.link.delivered;
  }

  /** Phase 1 to the host. */
  start(): void {
    this.cpu.handle((now) => this.node.connect(formatIpv4(this.config.hostAddress), this.config.mode, now));
  }

  /** An ISAKMP message from the host (the caller has matched its destination to this gateway). */
  receive(datagram: IkeDatagram): void {
    this.arrived++;
    if (this.link.lost()) return;
    this.counts.received++;
    this.cpu.handle((now) => this.node.receive(formatIpv4(datagram.source), datagram.message, now));
  }

  /**
   * A packet for tunnel `index`, which has no SA (dropped, NO_SA). A tunnel whose pair ended, at its hard lifetime or by a
   * Delete either way, negotiates a new one, as the trap in a gateway's SPD has its IKE daemon do (an acquire): the host
   * acquires only on a packet it sends, and may have counted less than the gateway sent and never rekeyed, so a tunnel
   * carrying traffic towards the host alone (or little from it) stayed without SAs. Should both ends negotiate at once, the
   * host keeps the pair it installed last and deletes the other, losing nothing.
   */
  acquire(index: number): void {
    const tunnel = this.config.tunnels.find((candidate) => candidate.index === index);
    if (tunnel === undefined || this.session === null || !this.trapped.has(index) || this.negotiating.has(index)) return;
    this.trapped.delete(index);
    this.negotiate(tunnel, this.session, "acquire");
  }

  /** Its end of a pair reached its soft lifetime: it rekeys the tunnel, unless a Quick Mode for it is under way (the host's rekey). */
  private rekey(index: number): void {
    const tunnel = this.config.tunnels.find((candidate) => candidate.index === index);
    if (tunnel !== undefined && this.session !== null && !this.negotiating.has(index)) this.negotiate(tunnel, this.session, "rekey");
  }

  /** Tunnels left with no pair (its hard lifetime, a Delete either way, or a Quick Mode that failed): the next packet for one negotiates it. */
  private readonly trapped = new Set<number>();

  /**
   * A Quick Mode for one of its tunnels, started when its CPU takes it: unless, for an acquire or a rekey, the host's Quick
   * Mode for the tunnel came first (it answered that), or, for an acquire, the tunnel is up again.
   */
  private negotiate(tunnel: GatewayConfig["tunnels"][number], session: IkeSessionId, kind: "first" | "acquire" | "rekey" = "first"): void {
    this.negotiating.set(tunnel.index, null);
    this.cpu.handle((now) => {
      const answered = this.negotiating.get(tunnel.index) !== null;
      if ((kind === "acquire" && (answered || this.espPeer.isOpen(tunnel.index))) || (kind === "rekey" && answered)) {
        if (answered && kind === "acquire") this.trapped.add(tunnel.index);
        else if (!answered) this.negotiating.delete(tunnel.index);
        return null;
      }
      const step = this.node.quickMode(session, now, selectorPayloads(tunnel.selector));
      const messageId = startedQuickModeId(step);
      this.negotiating.set(tunnel.index, messageId);
      if (kind === "rekey" && messageId !== null) this.counts.rekeys++;
      return step;
    });
  }

  /**
   * A Quick Mode came up or failed: its tunnel negotiates no more; one that failed (its first, an acquire or a rekey) and
   * left the tunnel without a pair leaves it at its trap, for its next packet to negotiate again. Only a failed acquire
   * did: a tunnel whose first Quick Mode failed stayed down for the rest of the run (from an architect's check).
   */
  private negotiated(messageId: number, failed: boolean): void {
    for (const [index, negotiating] of this.negotiating) {
      if (negotiating !== messageId) continue;
      this.negotiating.delete(index);
      if (failed && !this.espPeer.isOpen(index)) this.trapped.add(index);
    }
  }

  /** Delete one of its tunnels' SA pairs with an Informational Delete (a fault): false when it has none. */
  deleteTunnel(random: Random): boolean {
    const open = this.openPairs();
    if (open.length === 0 || this.session === null) return false;
    const [spi, pair] = random.pick(open);
    this.pairs.remove(spi);
    this.espPeer.closeTunnel(pair.tunnel);
    this.espPeer.forgetOutbound(spi);
    this.trapped.add(pair.tunnel);
    this.espPeer.removeInbound(pair.inboundSpi);
    this.sendDelete(this.session, pair.inboundSpi);
    return true;
  }

  /** Inbound SPIs it ended that the host may still send under. */
  private readonly ended = new EndedInboundSpis();

  /** An ESP packet from the host under an SPI it has no SA for: one it ended, still in use at the host past what was on its way, has the host told (again). */
  unknownSpi(spi: number): void {
    const { intervalPicoseconds, limit, backoff } = this.config.retransmit;
    const ended = this.ended.due(spi, HOST, this.kernel.now, { untold: this.config.stillSentUnder, told: intervalPicoseconds, backoff }, limit);
    if (ended === undefined || !this.node.sessionInfo(ended.session)?.phase1Up) return;
    ended.sending = true;
    this.counts.deletesStillSentUnder++;
    this.sendDelete(ended.session, spi);
  }

  private sendDelete(session: IkeSessionId, spi: number): void {
    this.counts.deletes++;
    this.cpu.handle((now) => this.node.deleteEsp(session, [spi], now), () => this.ended.told(spi, HOST, session, this.kernel.now));
  }

  /** The SA pairs its tunnels send under now: an older pair of a tunnel is gone already, or going. */
  private openPairs(): [number, { tunnel: number; inboundSpi: number }][] {
    return this.pairs.entries().filter(([spi, pair]) => this.espPeer.outboundSpi(pair.tunnel) === spi);
  }

  /** Send bytes to the host's port 500 as if they were ISAKMP (a malformed-message fault); returns whether the link lost them. */
  sendRaw(message: Uint8Array): boolean {
    const lostBefore = this.counts.lost;
    this.link.transmit(message, null, this.phase1UpTime !== null);
    return this.counts.lost > lostBefore;
  }

  /** A step its CPU is done with: its messages leave, its actions happen (work they add waits its turn: a Quick Mode per tunnel once phase 1 is up), its timers start. */
  private stepDone(step: IkeStep): void {
    this.node.sent(step, this.kernel.now);
    for (const action of step.actions) this.perform(action);
    this.timer.arm(this.node);
  }

  private perform(action: IkeAction): void {
    switch (action.kind) {
      case "send":
        this.session = action.session;
        if (action.retransmission) this.counts.retransmitted++;
        this.link.transmit(action.bytes, action.message, this.phase1UpTime !== null);
        break;
      case "phase1-up":
        this.session = action.session;
        this.phase1UpTime = this.kernel.now;
        // A Quick Mode per tunnel, each its own exchange under the IKE SA.
        for (const tunnel of this.config.tunnels) this.negotiate(tunnel, action.session);
        break;
      case "phase1-failed":
        this.failed = action.reason;
        this.onFailed();
        break;
      case "quick-mode-failed": {
        this.counts.quickModeFailures++;
        if (action.port !== null) this.quickModeFailurePorts.push(action.port);
        this.negotiated(action.messageId, true);
        // A Quick Mode it answered and never saw finish leaves no SA behind: what the host sends under it is dropped (UNKNOWN_SPI).
        const inbound = this.inboundOfAnswer.get(action.messageId);
        if (inbound !== undefined) {
          this.espPeer.removeInbound(inbound);
          // The host, which sent QM3, may have the pair up: what it sends under it is dropped (UNKNOWN_SPI) until it hears.
          this.ended.endedUntold(inbound, HOST, action.session, this.kernel.now);
        }
        this.onQuickModeFailed();
        break;
      }
      case "quick-mode-inbound": {
        // Its new inbound SA takes packets from the moment QM2 leaves: the host switches to it on QM2.
        this.espPeer.addInbound(espParameters(action.inbound));
        this.inboundOfAnswer.set(action.messageId, action.inbound.spi);
        const index = this.tunnelOf(action.selectors);
        this.answered.add(action.messageId);
        if (index !== undefined) {
          this.latestAnswered.set(index, action.messageId);
          this.negotiating.set(index, action.messageId);
        }
        break;
      }
      case "quick-mode-up":
        this.negotiated(action.messageId, false);
        this.quickModeUp(action);
        break;
      case "delete-received":
        this.counts.deletesReceived++;
        if (action.protocol === "ESP") for (const spi of action.spis) this.deleted(spi);
        break;
      case "dropped":
        this.drops.count(action.reason, null);
        break;
      default:
        break;
    }
  }

  /** The tunnel a Quick Mode's client identities name, if they name one of its own. */
  private tunnelOf(selectors: QuickModeSelectors | undefined): number | undefined {
    if (!selectors) return undefined;
    try {
      return this.tunnelBySelector.get(selectorKey(selectorFromPayloads(selectors)));
    } catch {
      return undefined;
    }
  }

  private quickModeUp(action: Extract<IkeAction, { kind: "quick-mode-up" }>): void {
    const index = this.tunnelOf(action.selectors);
    if (index === undefined) return;
    // A late QM3 of an earlier rekey must not take the tunnel back to SAs the host has moved on from.
    if (this.answered.has(action.messageId) && this.latestAnswered.get(index) !== action.messageId) return;
    // Its Delete came before its QM3 (the gateway's CPU took both late): the host has ended the pair, and taken up here it was sent under past its lifetime (from a re-check).
    if (this.pairs.deletedAlready(action.outbound.spi)) return this.espPeer.removeInbound(action.inbound.spi);
    const inbound = espParameters(action.inbound);
    const outbound = espParameters(action.outbound);
    // Its inbound is the host's outbound; the old pair still takes what is on its way until the host's Delete.
    const { seconds, kilobytes } = action.lifetime;
    // What the host sent under the pair since QM2 may have used its lifetime up before QM3 came (its CPU busy): the pair is over, as at the host.
    if (kilobytes > 0 && this.espPeer.arrivedUnder(inbound.spi) >= kilobytes * 1024) {
      this.counts.expired++;
      this.espPeer.removeInbound(inbound.spi);
      return this.pairs.over(outbound.spi);
    }
    this.trapped.delete(index);
    const soft = this.config.softLifetimePercent < 100 ? { softLifetime: { bytes: Math.floor((kilobytes * 1024 * this.config.softLifetimePercent) / 100), reached: () => this.rekey(index) } } : {};
    this.espPeer.setTunnel(index, { inbound, outbound, peerAddress: this.config.address, hostAddress: this.config.hostAddress, trafficClass: this.config.trafficClass, ...(kilobytes > 0 ? { hardLifetime: { bytes: kilobytes * 1024, reached: () => this.expired(index) }, ...soft } : {}) });
    // Its own end of the lifetime: it stops sending under the SA then, not when the host's Delete comes (the host dropped what came between, UNKNOWN_SPI).
    if (seconds > 0) {
      this.kernel.schedule(seconds * 1e12, `${this.path}.hard_lifetime`, () => {
        if (this.espPeer.outboundSpi(index) === outbound.spi) this.expired(index);
      });
    }
    // The capture's keys from this side too: a Quick Mode the host gave up on (its QM3 lost) is up here, and the gateway sends under it.
    this.captured.push({ sa: outbound, source: this.config.address, destination: this.config.hostAddress }, { sa: inbound, source: this.config.hostAddress, destination: this.config.address });
    this.pairs.add(action.outbound.spi, { tunnel: index, inboundSpi: action.inbound.spi, hardDeadline: seconds > 0 ? this.kernel.now + seconds * 1e12 : Infinity });
  }

  /**
   * Its end of a pair reached its hard lifetime: it sends under it no more, and its next packet for the tunnel negotiates a new
   * pair (acquire), which the host takes as the old pair's rekey: it deletes the old once the gateway sends under the new. Its
   * inbound SA still takes what the host sends until then. The host may have counted less than the gateway sent (frames lost
   * on the way, or dropped by its NIC), and then never rekeyed: the tunnel stayed without SAs for the rest of the run.
   */
  private expired(index: number): void {
    this.counts.expired++;
    this.espPeer.closeTunnel(index);
    this.trapped.add(index);
  }

  /**
   * The host deleted the SA it received under: that is this gateway's outbound; its pair's inbound goes too. A tunnel still
   * sending under it stops (RFC 2408 5.15): it went on, and the host dropped all of it (UNKNOWN_SPI), past the SA's lifetime.
   */
  private deleted(spi: number): void {
    const pair = this.pairs.deleted(spi);
    if (!pair) return;
    this.espPeer.forgetOutbound(spi);
    this.espPeer.removeInbound(pair.inboundSpi);
    if (this.espPeer.outboundSpi(pair.tunnel) !== spi) return;
    this.espPeer.closeTunnel(pair.tunnel);
    // Both ends negotiated a pair at once (each at its own trap): the host keeps one and deletes the other, and the gateway goes on under the one it keeps, if that still lives.
    const others = this.pairs.entries().filter(([, other]) => other.tunnel === pair.tunnel);
    for (const [other, { hardDeadline }] of others.reverse()) if (this.kernel.now < hardDeadline && this.espPeer.resume(pair.tunnel, other)) return;
    // None left to send under: its next packet negotiates a new one.
    this.trapped.add(pair.tunnel);
  }
}
