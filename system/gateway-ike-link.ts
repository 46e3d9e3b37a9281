import type { Random } from "../sim/random.js";
import { HOST_MAC, PEER_MAC } from "../sim/packet/ethernet.js";
import { ikeFrame } from "../sim/packet/ike-datagram.js";
import type { Ipv4Address } from "../sim/packet/ipv4.js";
import { classDscp } from "../sim/packet/dscp.js";
import type { IkeMessageName } from "../sim/ike/ike-types.js";
import type { RemotePeer } from "../hw/link/peer.js";

const PHASE1_MESSAGES: ReadonlySet<IkeMessageName> = new Set(["MM1", "MM2", "MM3", "MM4", "MM5", "MM6", "AM1", "AM2", "AM3"]);

/**
 * A gateway's ISAKMP on the link: what it sends, marked with its class once the IKE SA is up at both
 * ends, and what the link loses either way (the scenario's IKE loss fault), counted in the
 * gateway's counts.
 */
export class GatewayIkeLink {
  /** Messages it sent that the link did not lose: the host's received, once none is on its way. */
  delivered = 0;
  /** This gateway sent the phase 1 message that completes the host's end, and the host has not answered under the IKE SA since. */
  private hostPhase1Pending = false;

  constructor(
    private readonly peer: RemotePeer,
    private readonly addresses: { readonly address: Ipv4Address; readonly hostAddress: Ipv4Address; readonly trafficClass: number },
    private readonly loss: { readonly probability: number; readonly random: Random },
    private readonly counts: { sent: number; lost: number },
  ) {}

  /** `phase1Up`: its end of the IKE SA is up. */
  transmit(message: Uint8Array, name: IkeMessageName | null, phase1Up: boolean): void {
    // Counted as the host counts its own: every message sent, the ones the link then loses among them.
    this.counts.sent++;
    if (name === "AM3" || name === "MM6") this.hostPhase1Pending = true;
    // Sent in answer to the host's QM1 or QM2: the host's end of the IKE SA is up.
    else if (name === "QM2" || name === "QM3") this.hostPhase1Pending = false;
    if (this.lost()) return;
    this.delivered++;
    const dscp = this.underIkeSa(name, phase1Up) ? classDscp(this.addresses.trafficClass) : 0;
    this.peer.send(ikeFrame({ destination: HOST_MAC, source: PEER_MAC, sourceIp: this.addresses.address, destinationIp: this.addresses.hostAddress, dscp, message }));
  }

  /** Whether the link loses this message. */
  lost(): boolean {
    if (this.loss.probability === 0 || !this.loss.random.bernoulli(this.loss.probability)) return false;
    this.counts.lost++;
    return true;
  }

  /**
   * Phase 1 goes best effort: the class comes from the identity (seed 001). The IKE SA's own messages, Quick Modes and
   * Informationals once phase 1 is up at both ends, carry its class, as the host's daemon marks its own; they waited behind
   * every class at the host. Until the host has answered under the IKE SA, its end may still wait for the phase 1 message
   * this gateway sent last (AM3, MM6), in the best-effort queue the host polls last: a Quick Mode in the class's queue
   * overtook it there, and was dropped (PHASE1_NOT_UP) and sent again (from an architect's check, with one core).
   */
  private underIkeSa(name: IkeMessageName | null, phase1Up: boolean): boolean {
    return phase1Up && !this.hostPhase1Pending && name !== null && !PHASE1_MESSAGES.has(name);
  }
}
