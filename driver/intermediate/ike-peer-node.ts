import { param } from "../../sim/parameters.js";
import { IkeNode } from "../../sim/ike/ike-node.js";
import type { IdPayload, IkeNodeConfig, Lifetime } from "../../sim/ike/ike-types.js";
import type { Kernel } from "../../sim/kernel.js";
import type { Random } from "../../sim/random.js";

/** The wait for an IKE reply before a request is sent again, µs (the host's and the gateways'). */
export const DEFAULT_RETRANSMIT_MICROSECONDS = 2000;

/** How an IKE request is sent again (the host's and the gateways'): the daemon's parameters, and what a scenario's warnings weigh the host's work against. */
export const ikeRetransmitParameters = {
  retransmitMicroseconds: param.microseconds(DEFAULT_RETRANSMIT_MICROSECONDS, "Time an IKE request waits for its reply before it is sent again (the host's and the gateways'): longer than a Diffie-Hellman exchange's work on a busy core", { minimum: 1, maximum: 1_000_000 }),
  retransmitLimit: param.integer(3, "Retransmissions of an IKE request before the exchange fails", { minimum: 0, maximum: 100 }),
  retransmitBackoff: param.number(1.8, "Factor each wait for a reply grows by, retransmission after retransmission (strongSwan's retransmit_base)", { minimum: 1, maximum: 4 }),
};

/** The longest an exchange may go on retransmitting, ps: 1 s (a run steps through a bring-up a µs at a time). */
export const MAXIMUM_RETRANSMIT_SPAN = 1e12;

/** A phase-1 SA's lifetime, proposed and accepted: a day, as strongSwan's and Cisco's defaults are. */
const PHASE1_LIFETIME_SECONDS = 86_400;

/**
 * The IKE node of one end of one gateway's IKE: the host's daemon has one per gateway, each
 * gateway one of its own. One pre-shared key: Main Mode asks by address, Aggressive Mode by the
 * identity in AM1, and both find the same entry.
 */
export function peerNode(options: { identity: IdPayload; preSharedKey: Uint8Array; random: Random; allocateSpi: () => number; espLifetime: Lifetime; retransmit: IkeNodeConfig["retransmit"] }): IkeNode {
  return new IkeNode({
    localIdentity: options.identity,
    preSharedKey: () => options.preSharedKey,
    random: options.random,
    allocateSpi: options.allocateSpi,
    phase1LifetimeSeconds: PHASE1_LIFETIME_SECONDS,
    espLifetime: options.espLifetime,
    retransmit: options.retransmit,
  });
}

/** An inbound SPI: random, above the reserved range (RFC 4303: 1 to 255), and not in use. */
export function randomSpi(random: Random, inUse: (spi: number) => boolean): number {
  for (;;) {
    const value = random.nextUint32();
    if (value >= 0x1000 && !inUse(value)) return value;
  }
}

/** One kernel timer for a node's next retransmission: armed after each step, never twice for a time already covered. */
export class RetransmitTimer {
  private at: number | null = null;

  constructor(
    private readonly kernel: Kernel,
    private readonly label: string,
    /** What to do when it is due: hand the node `expire(now)`, as the caller handles work. */
    private readonly due: () => void,
  ) {}

  arm(node: IkeNode): void {
    const deadline = node.nextDeadline();
    if (deadline === null || (this.at !== null && this.at <= deadline)) return;
    this.at = deadline;
    this.kernel.schedule(Math.max(0, deadline - this.kernel.now), this.label, () => {
      this.at = null;
      this.due();
    });
  }
}
