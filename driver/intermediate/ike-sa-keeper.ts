import type { Kernel } from "../../sim/kernel.js";
import { type Command, delay, type ProcessBody, until } from "../../sim/process.js";
import type { Signal } from "../../sim/signal.js";
import { us } from "../../sim/time.js";
import { spi as toSpi } from "../../sim/ipsec/esp.js";
import type { Ipv4Address } from "../../sim/packet/ipv4.js";
import type { CapturedSa } from "../../sim/ipsec/wireshark-esp-sa.js";
import type { EspKeys, IkeSessionId, IkeStep, Lifetime } from "../../sim/ike/ike-types.js";
import { startedQuickModeId } from "../../sim/ike/quick-mode.js";
import type { IkeTimelineEvent, Negotiation } from "./ike-timeline.js";
import { IkeTunnels, type IkeTunnel } from "./ike-tunnels.js";
import { EndedInboundSpis } from "./ended-inbound-spis.js";
import { selectorKey, spdSelectors, type TunnelSelector } from "./tunnel-selector.js";
import { newestSentUnder, RetiringPairs } from "./retiring-pairs.js";
import type { IntermediateDriver } from "./driver.js";
import type { IkeSa } from "./isadb.js";
import type { IpsecSa } from "./sadb.js";

/** What the keeper asks of the daemon: its settings, the timeline, rekeys and Deletes on a gateway's IKE SA. */
export interface SaKeeperHooks {
  readonly settings: () => { readonly softLifetimePercent: number; readonly switchWaitMicroseconds: number; readonly rekeyGraceMicroseconds: number; readonly stillSentUnderMicroseconds: number };
  record(gateway: string, event: IkeTimelineEvent): void;
  rekey(tunnel: IkeTunnel, trigger: "seconds" | "kilobytes"): void;
  /** Send an Informational Delete of these inbound SPIs on the tunnel's IKE SA. */
  sendDelete(tunnel: DeleteTarget, spis: readonly number[]): Generator<Command, void, unknown>;
  /** Whether an IKE SA of the gateway's is still past phase 1 (a Delete can go on it). */
  sessionUp(gateway: string, session: IkeSessionId): boolean;
  process(name: string, body: () => ProcessBody): void;
}

/** A Quick Mode's outcome, as the daemon hands it over. */
export interface NegotiatedPair {
  readonly gateway: string;
  readonly session: IkeSessionId;
  readonly ikeSa: IkeSa;
  readonly local: Ipv4Address;
  readonly remote: Ipv4Address;
  readonly selector: TunnelSelector;
  readonly inbound: EspKeys;
  readonly outbound: EspKeys;
  readonly lifetime: Lifetime;
  /** Its message ID: an inbound SA this host took up as the Quick Mode's responder is found by it. */
  readonly messageId: number;
  /** Which end started it: the gateway starts a tunnel's first, and one after its own end of a pair's hard lifetime. */
  readonly initiator: "host" | "gateway";
  /** Whether the host started it at the tunnel's trap (an acquire). */
  readonly acquire: boolean;
}

/** Where a Delete goes: the gateway, on the IKE SA its SAs were negotiated under. */
type DeleteTarget = Pick<IkeTunnel, "gateway" | "session">;

const espParameters = (side: EspKeys) => ({ spi: toSpi(side.spi), keyMaterial: side.keyMaterial, icvLength: 16 as const, esn: false });

/**
 * The IPsec SAs IKE negotiated, through their lives: installed with their tunnel's policy,
 * counted against their lifetimes (each SA its own bytes, RFC 2407 4.5), rekeyed at the soft
 * limit, and at the hard limit expired without a successor. A rekey's old outbound SA goes at
 * once; its old inbound one only once the gateway sends under the new one (or it expires), so
 * that nothing the gateway sends meanwhile is lost.
 */
export class IkeSaKeeper {
  readonly tunnels = new IkeTunnels();
  /** Every SA's keys, for the capture's esp_sa file: each Quick Mode adds its pair. */
  readonly captured: CapturedSa[] = [];
  /** Quick Modes up, and of them the host's rekeys, those the gateway started while the host had the tunnel's pair, and those negotiated again after a Delete or an expiry. */
  readonly counts = { quickModes: 0, rekeys: 0, gatewayStarted: 0, renegotiations: 0, expired: 0 };
  /** Replaced pairs not yet Deleted, and each selector's pairs in the order they were installed. */
  readonly retiring = new RetiringPairs();
  /** How each tunnel's last pair to end while current ended (an expiry, the gateway's Delete), and when: why a tunnel left without one has none. */
  readonly lastEnded = new Map<string, { readonly outboundSpi: number; readonly why: string; readonly time: number }>();
  /** Selectors that had SAs before: a Quick Mode for one is a rekey, or a renegotiation once an expiry or a Delete left it none. */
  private readonly everHad = new Set<string>();

  constructor(
    private readonly kernel: Kernel,
    private readonly intermediate: IntermediateDriver,
    private readonly hooks: SaKeeperHooks,
    /** Counts the first packets new inbound SAs take: a retiring pair waits on it. */
    private readonly switches: Signal,
  ) {}

  /** A Quick Mode's SA pair: installed under the IKE SA (so with its tag), and the SPD's entry for its selectors protected by it. */
  install(pair: NegotiatedPair): IkeTunnel {
    const { sadb, spd } = this.intermediate;
    const selectors = spdSelectors(pair.selector);
    const outbound = sadb.negotiate(pair.ikeSa, { direction: "outbound", parameters: espParameters(pair.outbound), source: pair.local, destination: pair.remote, selectors });
    const key = quickModeKey(pair.gateway, pair.messageId);
    const takenUp = this.takenUp.get(key);
    this.takenUp.delete(key);
    const inbound = takenUp?.sa ?? sadb.negotiate(pair.ikeSa, { direction: "inbound", parameters: espParameters(pair.inbound), source: pair.remote, destination: pair.local, selectors });
    this.captured.push({ sa: outbound.parameters, source: pair.local, destination: pair.remote }, { sa: inbound.parameters, source: pair.remote, destination: pair.local });
    const { selector } = pair;
    // The host's acquire for the selector came up: it is done (a rekey of the gateway's pair meanwhile is not it).
    if (pair.acquire) this.acquiring.delete(selectorKey(selector));
    const old = this.tunnels.get(selector);
    const again = this.everHad.has(selectorKey(selector));
    this.everHad.add(selectorKey(selector));
    this.trapped.delete(selectorKey(selector));
    this.rekeyingEnded.delete(selectorKey(selector));
    const tunnel: IkeTunnel = { gateway: pair.gateway, session: pair.session, selector, outbound, inbound, outboundBytes: 0, inboundBytes: takenUp?.bytes ?? 0, lastInbound: takenUp?.bytes ? this.kernel.now : -Infinity, lifetime: pair.lifetime, rekeying: false, rekeyUnderWay: false, expired: false, successor: null };
    this.retiring.installed(tunnel);
    this.tunnels.set(tunnel);
    spd.protect(selectors, outbound);
    this.counts.quickModes++;
    // A rekey is one the host started at a lifetime's soft limit; the host's acquire negotiates the tunnel again (both ends' traps after a Delete made every such crossing a rekey).
    // One the gateway started while the host had the pair was counted as negotiated again after a Delete or an expiry, where there had been neither (from an outside check).
    const negotiation: Negotiation = old === undefined ? (again ? "again" : "first") : pair.initiator === "gateway" ? "gateway" : pair.acquire ? "again" : "rekey";
    if (negotiation === "rekey") this.counts.rekeys++;
    if (negotiation === "gateway") this.counts.gatewayStarted++;
    if (negotiation === "again") this.counts.renegotiations++;
    this.hooks.record(pair.gateway, { kind: "quick-mode-up", inboundSpi: inbound.parameters.spi, outboundSpi: outbound.parameters.spi, negotiation, selector: `UDP port ${selector.port}`, initiator: pair.initiator });
    const { seconds } = pair.lifetime;
    if (seconds > 0) {
      const at = (percent: number) => Math.round((seconds * 1e12 * percent) / 100);
      // A lifetime of a day ends past the last time the kernel holds (2^53 ps, about 2.5 hours): it is never reached.
      this.kernel.schedule(at(this.hooks.settings().softLifetimePercent), "ike.soft_lifetime", () => this.soft(tunnel, "seconds"));
      this.kernel.schedule(at(100), "ike.hard_lifetime", () => this.expire(tunnel, "seconds"));
    }
    if (old) this.hooks.process(`rekey_${old.outbound.parameters.spi.toString(16)}`, () => this.retire(old));
    // What the gateway sent under the pair before its QM3 came counts as it came: it may have reached a lifetime already.
    if (tunnel.inboundBytes > 0) {
      this.counted(tunnel, tunnel.inboundBytes);
      // What it took before its QM3 came is under a newer pair for those retiring: they look again (they slept through it, and waited 16 ms; an outside check).
      this.switches.set(this.switches.value + 1);
    }
    return tunnel;
  }

  /**
   * Inbound SAs this host took up as a Quick Mode's responder, as its QM2 left, and the bytes they took before the pair was
   * installed at QM3. The gateway, the initiator, sends under the pair once it has sent QM3: its first packets came before
   * the host had taken QM3, and were dropped (UNKNOWN_SPI), 13 of them a Quick Mode at 90 % of the line.
   */
  private readonly takenUp = new Map<string, { readonly sa: IpsecSa; readonly session: IkeSessionId; bytes: number }>();

  takeUpInbound(gateway: string, session: IkeSessionId, messageId: number, ikeSa: IkeSa, keys: EspKeys, local: Ipv4Address, remote: Ipv4Address, selector: TunnelSelector | null): void {
    const sa = this.intermediate.sadb.negotiate(ikeSa, { direction: "inbound", parameters: espParameters(keys), source: remote, destination: local, selectors: selector && spdSelectors(selector) });
    this.takenUp.set(quickModeKey(gateway, messageId), { sa, session, bytes: 0 });
  }

  /**
   * Whether what the gateway sent under a Quick Mode's pair before its QM3 came here (QM3 lost and resent) used the pair's
   * kilobytes up: then it is over before it is installed, as at the gateway, and its inbound SA goes with a Delete, so that
   * the gateway drops its ends. Installed, it expired at once and retired the tunnel's live pair for nothing (from a re-check:
   * a rekey up 9 µs was deleted, and the tunnel stayed down). A tunnel with no pair is left at its trap, which its next packet
   * negotiates (an acquire), as when the pair expired installed: a tunnel's first pair so refused was negotiated by nobody.
   */
  usedUpBeforeInstalled(gateway: string, messageId: number, kilobytes: number, selector: TunnelSelector): boolean {
    const key = quickModeKey(gateway, messageId);
    const takenUp = this.takenUp.get(key);
    if (kilobytes === 0 || takenUp === undefined || takenUp.bytes < kilobytes * 1024) return false;
    this.takenUp.delete(key);
    this.counts.expired++;
    const { sa, session } = takenUp;
    if (!this.tunnels.get(selector) && !this.acquiring.has(selectorKey(selector))) this.trapped.set(selectorKey(selector), { gateway, session, selector });
    this.hooks.process(`delete_${sa.parameters.spi.toString(16)}`, function* (this: IkeSaKeeper) {
      yield* this.intermediate.deleteSa(sa);
      yield* this.delete({ gateway, session }, [sa.parameters.spi]);
    }.bind(this));
    return true;
  }

  /** A Quick Mode this host answered failed: the inbound SA it took up goes with it. */
  dropTakenUp(gateway: string, messageId: number): void {
    const key = quickModeKey(gateway, messageId);
    const takenUp = this.takenUp.get(key);
    if (takenUp === undefined) return;
    this.takenUp.delete(key);
    this.ended.endedUntold(takenUp.sa.parameters.spi, gateway, takenUp.session, this.kernel.now);
    this.hooks.process(`delete_${takenUp.sa.parameters.spi.toString(16)}`, () => this.intermediate.deleteSa(takenUp.sa));
  }

  /** Inbound SPIs ended here that the gateway may still send under. */
  private readonly ended = new EndedInboundSpis();

  /** A packet from the gateway under an inbound SPI the SADB lacks: one this host ended, still in use there past what was on its way, has the gateway told (again). */
  stillSentUnder(gateway: string, spi: number, retransmit: { readonly intervalPicoseconds: number; readonly limit: number; readonly backoff: number }): void {
    const waits = { untold: us(this.hooks.settings().stillSentUnderMicroseconds), told: retransmit.intervalPicoseconds, backoff: retransmit.backoff };
    const ended = this.ended.due(spi, gateway, this.kernel.now, waits, retransmit.limit);
    if (ended === undefined || !this.hooks.sessionUp(gateway, ended.session)) return;
    ended.sending = true;
    this.hooks.process(`delete_again_${spi.toString(16)}`, () => this.delete({ gateway, session: ended.session }, [spi], true));
  }

  /** Bytes a packet under an SA carried: each SA counts its own against its kilobyte lifetime. */
  used(sa: IpsecSa, bytes: number): void {
    const tunnel = this.tunnels.of(sa);
    if (!tunnel) return this.usedBeforeInstall(sa, bytes);
    const carried = sa === tunnel.outbound ? (tunnel.outboundBytes += bytes) : sa === tunnel.inbound ? (tunnel.inboundBytes += bytes) : 0;
    if (sa === tunnel.inbound) {
      tunnel.lastInbound = this.kernel.now;
      if (tunnel.inboundBytes === bytes) this.switches.set(this.switches.value + 1);
    }
    this.counted(tunnel, carried);
  }

  /** One of a tunnel's SAs has carried this many bytes: at its soft kilobyte lifetime the pair is rekeyed, at its hard one it ends. */
  private counted(tunnel: IkeTunnel, carried: number): void {
    const limit = tunnel.lifetime.kilobytes * 1024;
    if (limit === 0) return;
    if (carried >= limit) this.expire(tunnel, "kilobytes");
    else if (carried >= (limit * this.hooks.settings().softLifetimePercent) / 100) this.soft(tunnel, "kilobytes");
  }

  /** A packet under an inbound SA taken up and not yet installed: counted toward its lifetime once it is. */
  private usedBeforeInstall(sa: IpsecSa, bytes: number): void {
    for (const takenUp of this.takenUp.values()) {
      if (takenUp.sa !== sa) continue;
      if (takenUp.bytes === 0) this.switches.set(this.switches.value + 1);
      takenUp.bytes += bytes;
    }
  }

  /** Tunnels whose SAs ended with none after them, by selector: a packet that hits their trap has IKE negotiate them again (an acquire). */
  private readonly trapped = new Map<string, { readonly gateway: string; readonly session: IkeSessionId; readonly selector: TunnelSelector }>();

  /** The tunnel a trap's selector belongs to, if its SAs ended; taken once (the Quick Mode it starts puts it back when it fails). */
  takeTrapped(selector: TunnelSelector): { readonly gateway: string; readonly session: IkeSessionId; readonly selector: TunnelSelector } | undefined {
    const key = selectorKey(selector);
    const found = this.trapped.get(key);
    this.trapped.delete(key);
    if (found) this.acquiring.add(key);
    return found;
  }

  /** Selectors whose acquire's Quick Mode is under way: should the tunnel's pair (the gateway's, meanwhile) end before it is done, that Quick Mode negotiates it, and no packet at the trap starts a second. */
  private readonly acquiring = new Set<string>();

  /** Tunnels whose pair ended while their rekey was under way: the rekey's Quick Mode negotiates them, and if it fails their trap takes packets again. */
  private readonly rekeyingEnded = new Map<string, { readonly gateway: string; readonly session: IkeSessionId; readonly selector: TunnelSelector }>();

  /** An acquire's Quick Mode failed, or was not started (the tunnel had a pair by then): the next packet may try again if the tunnel has none. */
  untake(trapped: { readonly gateway: string; readonly session: IkeSessionId; readonly selector: TunnelSelector }): void {
    this.acquiring.delete(selectorKey(trapped.selector));
    if (!this.tunnels.get(trapped.selector)) this.trapped.set(selectorKey(trapped.selector), trapped);
  }

  /**
   * A Quick Mode the gateway started failed: a tunnel it left with no pair, and none being
   * negotiated, waits at its trap, so that its next packet has IKE negotiate it (RFC 4301's
   * acquire). A tunnel whose first Quick Mode failed stayed down for the rest of a run, its packets
   * dropped (NO_SA) both ways (from an architect's check).
   */
  gatewayQuickModeFailed(trapped: { readonly gateway: string; readonly session: IkeSessionId; readonly selector: TunnelSelector }): void {
    const key = selectorKey(trapped.selector);
    if (this.acquiring.has(key) || this.trapped.has(key) || this.rekeyingEnded.has(key) || this.tunnels.get(trapped.selector)) return;
    this.trapped.set(key, trapped);
  }

  /** A rekey's Quick Mode has started: should the pair end before it is done, it negotiates the tunnel. */
  rekeyStarted(tunnel: IkeTunnel): void {
    tunnel.rekeyUnderWay = true;
  }

  /** A rekey's Quick Mode failed: a tunnel whose pair ended meanwhile waits at its trap again (a pair still current ends at its trap). */
  rekeyFailed(tunnel: IkeTunnel): void {
    tunnel.rekeyUnderWay = false;
    const key = selectorKey(tunnel.selector);
    const ended = this.rekeyingEnded.get(key);
    if (ended === undefined) return;
    this.rekeyingEnded.delete(key);
    this.untake(ended);
  }

  /** The gateway deleted the SA it received under (our outbound): the pair goes, and its policy waits for IKE again. */
  deleteTunnelOf(gateway: string, spi: number): void {
    this.deletedByGateway.add(`${gateway} ${spi}`);
    const tunnel = this.tunnels.byOutboundSpi(spi);
    if (tunnel) this.end(tunnel, null, "deleted by the gateway (its Delete)");
  }

  /**
   * Outbound SPIs the gateway deleted, by gateway: a Quick Mode whose pair it deleted before the pair was up here (its last
   * message lost, and resent after the Delete) is not installed. It was, as a rekey, and the tunnel's live pair deleted for
   * it (from an outside check).
   */
  private readonly deletedByGateway = new Set<string>();

  /** Whether the gateway deleted the pair a Quick Mode would install here. */
  deletedAlready(gateway: string, outbound: EspKeys): boolean {
    return this.deletedByGateway.has(`${gateway} ${toSpi(outbound.spi)}`);
  }

  private soft(tunnel: IkeTunnel, trigger: "seconds" | "kilobytes"): void {
    if (this.tunnels.get(tunnel.selector) !== tunnel || tunnel.rekeying || tunnel.expired) return;
    tunnel.rekeying = true;
    this.hooks.rekey(tunnel, trigger);
  }

  /** An SA's hard lifetime is reached: its pair ends whether a successor exists or not, with a Delete to the gateway. */
  private expire(tunnel: IkeTunnel, trigger: "seconds" | "kilobytes"): void {
    if (tunnel.expired) return;
    this.counts.expired++;
    const successor = this.tunnels.get(tunnel.selector) !== tunnel;
    this.hooks.record(tunnel.gateway, { kind: "expired", trigger, outboundSpi: tunnel.outbound.parameters.spi, inboundSpi: tunnel.inbound.parameters.spi, successor, rekeying: !successor && tunnel.rekeyUnderWay });
    this.end(tunnel, tunnel, `expired (hard ${trigger} lifetime)`);
  }

  /** The pair is deleted through the SA lifecycle; when it was still the tunnel's, its policy goes back to a trap, and `why` is kept for the tunnel. `notify` sends the gateway a Delete. */
  private end(tunnel: IkeTunnel, notify: IkeTunnel | null, why: string): void {
    tunnel.expired = true;
    // Ended here, with this end's own Delete or the gateway's: its retirement after a rekey has nothing left to send.
    this.retiring.done(tunnel);
    if (this.tunnels.get(tunnel.selector) === tunnel) {
      this.tunnels.remove(tunnel);
      this.lastEnded.set(selectorKey(tunnel.selector), { outboundSpi: tunnel.outbound.parameters.spi, why, time: this.kernel.now });
      this.intermediate.spd.trap(tunnel.outbound);
      // A rekey or an acquire under way already negotiates the tunnel: a packet at its trap starts no second Quick Mode (it made two pairs for one tunnel).
      const trapped = { gateway: tunnel.gateway, session: tunnel.session, selector: tunnel.selector };
      if (!this.acquiring.has(selectorKey(tunnel.selector))) (tunnel.rekeyUnderWay ? this.rekeyingEnded : this.trapped).set(selectorKey(tunnel.selector), trapped);
    }
    // Packets holding either SA go no further under it: 29 waiting for a core left 380 µs after its hard lifetime, and one received was delivered 2.4 µs after the gateway's Delete (outside checks).
    this.intermediate.lifecycle.revoke(tunnel.outbound);
    this.intermediate.lifecycle.revoke(tunnel.inbound);
    // Both ends die now: the inbound's deletion does not wait for the outbound's packets to be written back (it decrypted 23 frames that came 30 to 40 µs after its pair's hard lifetime).
    this.hooks.process(`delete_${tunnel.inbound.parameters.spi.toString(16)}`, () => this.intermediate.deleteSa(tunnel.inbound));
    this.hooks.process(`delete_${tunnel.outbound.parameters.spi.toString(16)}`, function* (this: IkeSaKeeper) {
      yield* this.intermediate.deleteSa(tunnel.outbound);
      // Begun beside the outbound's above: this waits for it to be done.
      yield* this.intermediate.deleteSa(tunnel.inbound);
      this.tunnels.forget(tunnel.outbound);
      this.tunnels.forget(tunnel.inbound);
      if (notify) yield* this.delete(notify, [tunnel.inbound.parameters.spi]);
    }.bind(this));
  }

  /**
   * A rekeyed pair goes: the outbound SA at once (its packets finish first); the inbound one once
   * a packet comes under a newer pair (its QM3 may have been lost and resent), or at the switch
   * wait's end, then a Delete so the gateway drops its ends.
   */
  private *retire(old: IkeTunnel): Generator<Command, void, unknown> {
    this.retiring.begin(old);
    try {
      yield* this.retireUnderWay(old);
    } finally {
      this.retiring.done(old);
    }
  }

  private *retireUnderWay(old: IkeTunnel): Generator<Command, void, unknown> {
    yield* this.intermediate.deleteSa(old.outbound);
    this.tunnels.forget(old.outbound);
    this.retiring.waitsFor(old, "gateway");
    let waited = false;
    this.kernel.schedule(us(this.hooks.settings().switchWaitMicroseconds), "ike.switch_wait", () => {
      waited = true;
      this.switches.set(this.switches.value + 1);
    });
    while (!old.expired && !waited && newestSentUnder(old) === -Infinity) {
      const seen = this.switches.value;
      yield until(this.switches, (value) => value !== seen);
    }
    this.retiring.waitsFor(old, "last-packets");
    // Frames already on their way under the old SA still arrive a little after the first under the new.
    if (!old.expired) yield delay(us(this.hooks.settings().rekeyGraceMicroseconds));
    if (old.expired) return;
    old.expired = true;
    // Crossed Quick Modes, one from each end: the gateway took the two pairs up in the other order, and went back to the old one. It hears of the Delete first, and what it sends until then still lands (it was dropped, UNKNOWN_SPI; from an outside check).
    const gatewayOnOld = old.lastInbound > newestSentUnder(old);
    if (gatewayOnOld) {
      this.retiring.done(old);
      yield* this.delete(old, [old.inbound.parameters.spi]);
      yield delay(us(this.hooks.settings().rekeyGraceMicroseconds));
    }
    // Packets the host took off its rings under the old SA wait in its receive lane behind the new SA's, on a busy host for longer than the grace: they are not lost (from an outside check: 256 of a silver flow's were, UNKNOWN_SPI).
    yield* this.intermediate.receivedUnder(old.inbound);
    yield* this.intermediate.deleteSa(old.inbound);
    this.tunnels.forget(old.inbound);
    if (gatewayOnOld) return;
    this.retiring.done(old);
    yield* this.delete(old, [old.inbound.parameters.spi]);
  }

  private *delete(target: DeleteTarget, spis: readonly number[], stillSentUnder = false): Generator<Command, void, unknown> {
    this.hooks.record(target.gateway, { kind: "delete-sent", spis, ...(stillSentUnder ? { stillSentUnder } : {}) });
    yield* this.hooks.sendDelete(target, spis);
    for (const spi of spis) this.ended.told(spi, target.gateway, target.session, this.kernel.now);
  }
}

/** A Quick Mode, by its gateway and its message ID (which its failure and its SAs name it by). */
export const quickModeKey = (gateway: string, messageId: number) => `${gateway} ${messageId}`;

/** The Quick Mode a step started with a gateway, by its QM1's message ID. */
export function startedKey(gateway: string, step: IkeStep): string {
  const messageId = startedQuickModeId(step);
  if (messageId === null) throw new Error(`the Quick Mode started with ${gateway} sent no QM1 it could read`);
  return quickModeKey(gateway, messageId);
}
