import type { IkeSessionId } from "../../sim/ike/ike-types.js";
import { selectorKey, type TunnelSelector } from "./tunnel-selector.js";
import type { IpsecSa } from "./sadb.js";

/** One negotiated tunnel: its current SA pair, how much it has carried, and whether a rekey of it is under way. */
export interface IkeTunnel {
  readonly gateway: string;
  readonly session: IkeSessionId;
  readonly selector: TunnelSelector;
  outbound: IpsecSa;
  inbound: IpsecSa;
  /** Bytes each SA of the pair protected: each has its own kilobyte lifetime. */
  outboundBytes: number;
  inboundBytes: number;
  /** When the host last took a packet under its inbound SA (-Infinity: none yet): which pair the gateway sends under now. */
  lastInbound: number;
  readonly lifetime: { readonly seconds: number; readonly kilobytes: number };
  /** A rekey was asked for (its lifetime's soft limit came). */
  rekeying: boolean;
  /** The rekey's Quick Mode has started and not failed: it, not a packet at the trap, negotiates the tunnel should the pair end first. */
  rekeyUnderWay: boolean;
  /** Ended: expired, deleted by the gateway, or retired after a rekey. */
  expired: boolean;
  /** The pair installed for the tunnel after this one (a rekey's, the gateway's, or a crossing Quick Mode's), once there is one. */
  successor: IkeTunnel | null;
}

/** The tunnels IKE negotiated, found by selector or by either SA. */
export class IkeTunnels {
  private readonly bySelector = new Map<string, IkeTunnel>();
  private readonly bySa = new Map<IpsecSa, IkeTunnel>();

  get(selector: TunnelSelector): IkeTunnel | undefined {
    return this.bySelector.get(selectorKey(selector));
  }

  of(sa: IpsecSa): IkeTunnel | undefined {
    return this.bySa.get(sa);
  }

  /** A tunnel's first pair, or its new pair after a rekey (the old SAs stay found until forgotten). */
  set(tunnel: IkeTunnel): void {
    this.bySelector.set(selectorKey(tunnel.selector), tunnel);
    this.bySa.set(tunnel.outbound, tunnel);
    this.bySa.set(tunnel.inbound, tunnel);
  }

  forget(sa: IpsecSa): void {
    this.bySa.delete(sa);
  }

  /** The tunnel is gone (its SAs deleted without successor). */
  remove(tunnel: IkeTunnel): void {
    if (this.bySelector.get(selectorKey(tunnel.selector)) === tunnel) this.bySelector.delete(selectorKey(tunnel.selector));
  }

  /** The pair whose outbound SA has this SPI (a Delete names the SPI its sender received under): a tunnel's current one, or one a rekey is retiring. */
  byOutboundSpi(spi: number): IkeTunnel | undefined {
    for (const tunnel of this.bySa.values()) if (tunnel.outbound.parameters.spi === spi && !tunnel.expired) return tunnel;
    return undefined;
  }
}
