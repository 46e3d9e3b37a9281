import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import type { Random } from "../../sim/random.js";
import { us } from "../../sim/time.js";

/** A scenario's `faults` on the gateway's frames. */
export interface GatewayFaultProbabilities {
  readonly corruptProbability: number;
  readonly replayProbability: number;
  readonly cleartextProbability: number;
  readonly crossTunnelProbability: number;
}

/** Copies the gateway sent on purpose, by fault; and copies under another tunnel's SA that found none open to go under. */
export interface InjectedCopies {
  replays: number;
  cleartext: number;
  crossTunnel: number;
  crossTunnelUnsent: number;
}

/** The forged copies of one packet the draws call for: in the clear, and under another tunnel's SA. */
export interface ForgedCopies {
  readonly cleartext: boolean;
  /** A copy under another tunnel's SA: that tunnel (null: none was open to forge under). Null for no copy. */
  readonly crossTunnel: { readonly under: number | null } | null;
}

/**
 * The gateway's faults on one flow's frames (a scenario's `faults`): a corrupted byte, a copy
 * sent again later, and forged copies. Each draws from a stream of its own, apart from the flow's
 * arrivals, so that neither the traffic nor the other faults change with a fault's probability
 * (drawn from the arrivals' stream, a corrupt probability of 1e-6 added a packet to a run, and a
 * sweep over the replay probability changed which frames were corrupted; outside checks).
 */
export class GatewayFlowFaults {
  private readonly corrupt: Random;
  private readonly replay: Random;
  private readonly cleartext: Random;
  private readonly crossTunnel: Random;

  constructor(
    private readonly probabilities: GatewayFaultProbabilities,
    /** The flow's streams, by the fault's name. */
    random: (fault: "corrupt" | "replay" | "cleartext" | "crossTunnel") => Random,
  ) {
    this.corrupt = random("corrupt");
    this.replay = random("replay");
    this.cleartext = random("cleartext");
    this.crossTunnel = random("crossTunnel");
  }

  /** Flip a byte of the ciphertext (past the outer headers, the SPI, sequence and IV) when the draw says so: the ICV fails. */
  corrupts(frame: Uint8Array): void {
    const { corruptProbability } = this.probabilities;
    if (corruptProbability > 0 && this.corrupt.bernoulli(corruptProbability)) frame[ETHERNET_HEADER_BYTES + 20 + 16 + this.corrupt.integer(0, 15)]! ^= 0x40;
  }

  /** When the draw says the frame is sent again, after how long (1 to 20 µs); null when it is not. */
  replayAfter(): number | null {
    const { replayProbability } = this.probabilities;
    return replayProbability > 0 && this.replay.bernoulli(replayProbability) ? us(this.replay.integer(1, 20)) : null;
  }

  /** Which forged copies of a packet go out beside it; `others` gives the tunnels open to forge under, asked only when a copy under one goes. */
  forges(others: () => readonly number[]): ForgedCopies {
    const { cleartextProbability, crossTunnelProbability } = this.probabilities;
    const cleartext = cleartextProbability > 0 && this.cleartext.bernoulli(cleartextProbability);
    if (!(crossTunnelProbability > 0 && this.crossTunnel.bernoulli(crossTunnelProbability))) return { cleartext, crossTunnel: null };
    const open = others();
    return { cleartext, crossTunnel: { under: open.length > 0 ? this.crossTunnel.pick(open) : null } };
  }
}
