import type { Kernel } from "../../sim/kernel.js";
import { Mailbox } from "../../sim/mailbox.js";
import type { Command, Process, ProcessBody } from "../../sim/process.js";
import type { IpsecSa } from "./sadb.js";

/** What a lane is handed after its SA's last packet: its process ends once it takes it. */
const CLOSED = Symbol("closed");

/** A packet in a lane, and the process that handed it in its turn and waits for it to be taken up (null: none waits). */
interface Queued<P> {
  readonly packet: P;
  waiter: Process | null;
  done: boolean;
}

/**
 * Per inbound SA, its received packets in order, each lane taken up one packet at a time by a
 * process of its own, on whichever core is free (as pcrypt spreads IPsec over CPUs). A lane ends
 * with its SA, so that a long run of rekeys keeps no lane and process per SA it ever had.
 */
export class ReceiveLanes<P> {
  private readonly lanes = new Map<IpsecSa, Mailbox<Queued<P> | typeof CLOSED>>();
  /** SAs whose packet is being taken up now, by their lane or by a process in its turn. */
  private readonly takingUp = new Set<IpsecSa>();

  constructor(
    private readonly kernel: Kernel,
    /** Starts a lane's process (named for its SA). */
    private readonly start: (name: string, body: () => ProcessBody) => void,
    /** Takes up one packet of the SA. */
    private readonly takeUp: (sa: IpsecSa, packet: P) => Generator<Command, void, unknown>,
  ) {}

  /** Queue a packet on its SA's lane; false (and not queued) when the lane already holds `backlog`. */
  push(sa: IpsecSa, packet: P, backlog: number): boolean {
    const lane = this.laneOf(sa);
    if (lane.length >= backlog) return false;
    lane.push({ packet, waiter: null, done: false });
    return true;
  }

  /**
   * Take up a packet in the calling process's time, as NAPI's poll takes up what the NIC decrypted:
   * at once when its SA's lane holds none and takes none up, else after them (its order kept), the
   * caller waiting for it to be done.
   */
  *takeUpInTurn(sa: IpsecSa, packet: P): Generator<Command, void, unknown> {
    const lane = this.lanes.get(sa);
    if (lane === undefined || (lane.length === 0 && !this.takingUp.has(sa))) {
      yield* this.takeUpMarked(sa, packet);
      return;
    }
    const queued: Queued<P> = { packet, waiter: null, done: false };
    lane.push(queued);
    if (queued.done) return;
    yield {
      arm: (_scheduler, process) => {
        queued.waiter = process;
      },
      describe: () => `SA ${sa.uniqueId}: its lane to take up the packets before this one, and this one`,
    };
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

  private laneOf(sa: IpsecSa): Mailbox<Queued<P> | typeof CLOSED> {
    let lane = this.lanes.get(sa);
    if (!lane) {
      const created = new Mailbox<Queued<P> | typeof CLOSED>(this.kernel, `SA ${sa.uniqueId}: the next received packet`);
      this.lanes.set(sa, (lane = created));
      this.start(`receive_sa${sa.uniqueId}`, () => this.run(sa, created));
    }
    return lane;
  }

  private *takeUpMarked(sa: IpsecSa, packet: P): Generator<Command, void, unknown> {
    this.takingUp.add(sa);
    try {
      yield* this.takeUp(sa, packet);
    } finally {
      this.takingUp.delete(sa);
    }
  }

  private *run(sa: IpsecSa, lane: Mailbox<Queued<P> | typeof CLOSED>) {
    for (let queued = yield* lane.take(); queued !== CLOSED; queued = yield* lane.take()) {
      try {
        yield* this.takeUpMarked(sa, queued.packet);
      } finally {
        queued.done = true;
        if (queued.waiter !== null) this.kernel.resumeAt(queued.waiter, this.kernel.now);
      }
    }
  }
}
