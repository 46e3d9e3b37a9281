import type { Kernel } from "../../sim/kernel.js";
import { Mailbox } from "../../sim/mailbox.js";
import type { Command, ProcessBody } from "../../sim/process.js";
import type { IpsecSa } from "./sadb.js";

/** What a lane is handed after its SA's last packet: its process ends once it takes it. */
const CLOSED = Symbol("closed");

/**
 * Per inbound SA, its received packets in order, each lane taken up one packet at a time by a
 * process of its own, on whichever core is free (as pcrypt spreads IPsec over CPUs). A lane ends
 * with its SA, so that a long run of rekeys keeps no lane and process per SA it ever had.
 */
export class ReceiveLanes<P> {
  private readonly lanes = new Map<IpsecSa, Mailbox<P | typeof CLOSED>>();

  constructor(
    private readonly kernel: Kernel,
    /** Starts a lane's process (named for its SA). */
    private readonly start: (name: string, body: () => ProcessBody) => void,
    /** Takes up one packet of the SA. */
    private readonly takeUp: (sa: IpsecSa, packet: P) => Generator<Command, void, unknown>,
  ) {}

  /** Queue a packet on its SA's lane; false (and not queued) when the lane already holds `backlog`. */
  push(sa: IpsecSa, packet: P, backlog: number): boolean {
    let lane = this.lanes.get(sa);
    if (!lane) {
      const created = new Mailbox<P | typeof CLOSED>(this.kernel, `SA ${sa.uniqueId}: the next received packet`);
      this.lanes.set(sa, (lane = created));
      this.start(`receive_sa${sa.uniqueId}`, () => this.run(sa, created));
    }
    if (lane.length >= backlog) return false;
    lane.push(packet);
    return true;
  }

  /** Until the SA's lane has handed on every packet it held: each then holds the SA, and its deletion waits for it. */
  *receivedUnder(sa: IpsecSa): Generator<Command, void, unknown> {
    const lane = this.lanes.get(sa);
    if (lane) yield* lane.drained();
  }

  /** The SA is out of the SADB, so no packet comes to its lane again: the lane hands on what it holds, then ends. */
  close(sa: IpsecSa): void {
    const lane = this.lanes.get(sa);
    if (!lane) return;
    this.lanes.delete(sa);
    lane.push(CLOSED);
  }

  private *run(sa: IpsecSa, lane: Mailbox<P | typeof CLOSED>) {
    for (let packet = yield* lane.take(); packet !== CLOSED; packet = yield* lane.take()) yield* this.takeUp(sa, packet);
  }
}
