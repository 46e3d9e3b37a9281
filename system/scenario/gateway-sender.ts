import type { Kernel } from "../../sim/kernel.js";
import { ethernetFrame, HOST_MAC, PEER_MAC } from "../../sim/packet/ethernet.js";
import type { RemotePeer } from "../../hw/link/peer.js";
import type { EspPeer } from "../esp-peer.js";
import type { PacketIdentity } from "./drop-attribution.js";
import type { ForgedCopies, GatewayFlowFaults, InjectedCopies } from "./gateway-flow-faults.js";
import type { Scoreboard } from "./scoreboard.js";

/**
 * The gateway's side of the link as the scenario's flows use it: each packet encrypted in its
 * tunnel and sent, and the faults on it, a corrupted frame, the same frame again later (a
 * replay), and forged copies after it (a scenario's `faults.cleartextProbability` and
 * `crossTunnelProbability`): in the clear, and under another tunnel's SA, which the host's
 * inbound checks (RFC 4301 5.2) must drop.
 */
export class GatewaySender {
  private readonly counts: InjectedCopies = { replays: 0, cleartext: 0, crossTunnel: 0, crossTunnelUnsent: 0 };

  constructor(
    private readonly kernel: Kernel,
    private readonly path: string,
    private readonly espPeer: EspPeer,
    private readonly peer: RemotePeer,
    /** Each customer's tunnels. */
    private readonly customerTunnels: readonly (readonly number[])[],
    private readonly scoreboard: () => Scoreboard | null,
    /** A copy injected leaves the gateway at this time: the run goes on past it. */
    private readonly injectedUntil: (time: number) => void,
  ) {}

  /** Copies sent on purpose, by fault; and copies under another tunnel's SA that found none open to go under. */
  get injected(): Readonly<InjectedCopies> {
    return this.counts;
  }

  /** Copies sent on purpose: replays and forgeries. Each is delivered (a replay of a packet whose original was dropped) or dropped. */
  get injectedCopies(): number {
    return this.counts.replays + this.counts.cleartext + this.counts.crossTunnel;
  }

  /** Send a packet through `tunnel` (one of its customer's `own`), and the faults strike. Its output queue's limit and policers hold the packet, not the copies (faults) nor IKE. */
  send(tunnel: number, own: readonly number[], packet: Uint8Array, faults: GatewayFlowFaults, identity: PacketIdentity): void {
    const espPeer = this.espPeer;
    if (!espPeer.isOpen(tunnel)) return espPeer.dropUnsent(tunnel, packet);
    if (!espPeer.admits(tunnel, packet)) return;
    const frame = espPeer.frame(tunnel, packet);
    const scoreboard = this.scoreboard();
    scoreboard?.drops.sentToHost(frame, identity);
    faults.corrupts(frame);
    const after = faults.replayAfter();
    if (after !== null) {
      const replay = frame.slice();
      scoreboard?.injected.add(replay);
      scoreboard?.drops.copySent(identity);
      this.counts.replays++;
      this.injectedUntil(this.kernel.now + after);
      this.kernel.schedule(after, `${this.path}.replay`, () => {
        // It leaves when the gateway's line is free: wait for that, not for when it was queued.
        this.injectedUntil(this.peer.send(replay));
      });
    }
    this.peer.send(frame);
    this.forge(packet, faults.forges(() => this.tunnelsBeside(tunnel, own)), identity);
  }

  /** Send the forged copies the draws called for, each after the packet on the line. */
  private forge(packet: Uint8Array, forged: ForgedCopies, identity: PacketIdentity): void {
    if (forged.cleartext) {
      this.counts.cleartext++;
      this.sendCopy(ethernetFrame(HOST_MAC, PEER_MAC, packet), identity);
    }
    if (forged.crossTunnel === null) return;
    if (forged.crossTunnel.under === null) {
      this.counts.crossTunnelUnsent++;
      return;
    }
    this.counts.crossTunnel++;
    this.sendCopy(this.espPeer.frame(forged.crossTunnel.under, packet), identity);
  }

  private sendCopy(copy: Uint8Array, identity: PacketIdentity): void {
    this.scoreboard()?.drops.copySent(identity, copy);
    this.injectedUntil(this.peer.send(copy));
  }

  /** The open tunnels a copy of a packet sent through `tunnel` (one of its customer's `own`) may be forged under: another customer's, or else another of its own. */
  private tunnelsBeside(tunnel: number, own: readonly number[]): number[] {
    const open = (tunnels: readonly number[]) => tunnels.filter((candidate) => candidate !== tunnel && this.espPeer.isOpen(candidate));
    const others = open(this.customerTunnels.filter((tunnels) => tunnels !== own).flat());
    return others.length > 0 ? others : open(own);
  }
}
