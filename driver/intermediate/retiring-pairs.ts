import type { IkeTunnel } from "./ike-tunnels.js";
import { selectorKey } from "./tunnel-selector.js";

/** What a replaced pair's retirement waits for: a packet under a newer pair ("gateway"), or the last packets under it (its outbound SA's, then those on their way and received). */
export type RetirementWait = "gateway" | "last-packets";

/**
 * The pairs a newer one replaced (a rekey, or crossing Quick Modes) whose retirement has not sent
 * their Delete, nor seen them end otherwise, and what each waits for; and each selector's pairs in
 * the order they were installed. A run that ends first leaves them without a Delete, which the
 * summary says rather than leave a reader to count rekeys against Deletes (13 rekeys and 3 Deletes
 * on a host whose RX had fallen behind).
 */
export class RetiringPairs {
  private readonly waiting = new Map<IkeTunnel, RetirementWait>();
  /** Per selector, the pair installed last: the next one installed follows it. */
  private readonly lastInstalled = new Map<string, IkeTunnel>();

  /**
   * A pair installed: linked to the one installed before it for the selector, the tunnel's current one or not. A pair still
   * retiring waits for any newer one, and the one that replaced it may have ended since (expired, or deleted by the gateway)
   * before this one came up again (it waited for the switch wait's end: an outside check).
   */
  installed(tunnel: IkeTunnel): void {
    const key = selectorKey(tunnel.selector);
    const previous = this.lastInstalled.get(key);
    if (previous) previous.successor = tunnel;
    this.lastInstalled.set(key, tunnel);
  }

  begin(tunnel: IkeTunnel): void {
    this.waiting.set(tunnel, "last-packets");
  }

  /** Now waiting for this; a pair that ended meanwhile (or whose Delete went) stays out. */
  waitsFor(tunnel: IkeTunnel, wait: RetirementWait): void {
    if (this.waiting.has(tunnel)) this.waiting.set(tunnel, wait);
  }

  /** Its Delete goes, or it ended otherwise: no longer counted. */
  done(tunnel: IkeTunnel): void {
    this.waiting.delete(tunnel);
  }

  /** The gateway's replaced pairs not yet Deleted, by what their retirement waits for. */
  of(gateway: string): { readonly waitingForGateway: number; readonly lastPackets: number } {
    let waitingForGateway = 0;
    let lastPackets = 0;
    for (const [tunnel, wait] of this.waiting) {
      if (tunnel.gateway !== gateway) continue;
      if (wait === "gateway") waitingForGateway++;
      else lastPackets++;
    }
    return { waitingForGateway, lastPackets };
  }
}

/**
 * When the host last took a packet under a pair installed for the tunnel after this one; -Infinity
 * if none yet. Not the next pair alone: a later one, the host's rekey of it or the gateway's, may
 * replace it before the host takes a packet under it (the gateway's frames under it all dropped at
 * a full RX buffer), and the old pair then waited for it to the switch wait's end, 18 ms past the
 * gateway's sending under the newest (from an outside check).
 */
export function newestSentUnder(tunnel: IkeTunnel): number {
  let newest = -Infinity;
  for (let newer = tunnel.successor; newer !== null; newer = newer.successor) newest = Math.max(newest, newer.lastInbound);
  return newest;
}
