import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import type { Random } from "../../sim/random.js";
import { us } from "../../sim/time.js";

/**
 * The gateway's faults on one flow's frames (a scenario's `faults`): a corrupted byte, and a copy
 * sent again later. Each draws from a stream of its own, apart from the flow's arrivals, so that
 * neither the traffic nor the other fault changes with a fault's probability (drawn from the
 * arrivals' stream, a corrupt probability of 1e-6 added a packet to a run, and a sweep over the
 * replay probability changed which frames were corrupted; outside checks).
 */
export class GatewayFlowFaults {
  constructor(
    private readonly probabilities: { readonly corruptProbability: number; readonly replayProbability: number },
    private readonly corrupt: Random,
    private readonly replay: Random,
  ) {}

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
}
