import { Fifo } from "../../sim/fifo.js";
import type { HostMemory } from "../../sim/host/memory.js";
import { type DmaRequest, TAKEN_ON_NEXT_RUN } from "./request.js";
import type { PostedWriteLink } from "./write-link.js";

/**
 * The requests asked of the DMA engine and not taken yet, in the order asked, each with the edge
 * it is taken on: by the engine's run on that edge, or by its catch-up, lazily. Those asked
 * between runs are taken on the engine's next run, with every one asked before them.
 */
export class AskedRequests {
  private readonly requests = new Fifo<DmaRequest>();
  /** Of those, the ones asked between runs. */
  private forNextRun = 0;

  get length(): number {
    return this.requests.length;
  }

  /** Whether one asked between runs waits: the engine has work on its next edge. */
  get waitForNextRun(): boolean {
    return this.forNextRun > 0;
  }

  /** Asked now: taken on the edge at `takenOn` (TAKEN_ON_NEXT_RUN: the engine's next run), the engine running by `runBy`. */
  add(request: DmaRequest, takenOn: number, runBy: number): void {
    request.takenOn = takenOn;
    request.runBy = runBy;
    if (takenOn === TAKEN_ON_NEXT_RUN) this.forNextRun++;
    this.requests.push(request);
  }

  /** The first edge after `after` on which the catch-up takes one (none asked between runs is): Infinity when none is to take. */
  nextTakeEdge(after: number, period: number): number {
    const first = this.requests.at(0);
    return first === undefined || first.takenOn === TAKEN_ON_NEXT_RUN ? Infinity : Math.max(first.takenOn, after + period);
  }

  /**
   * Hand `take` the requests whose take edge is `edge` or earlier, to take on that edge, in the order asked; `byRun`, for
   * the engine's run on that edge: those asked between runs too, and every one asked before them.
   */
  takeThrough(edge: number, byRun: boolean, take: (request: DmaRequest, edge: number) => void): void {
    const requests = this.requests;
    for (let request = requests.at(0); request !== undefined; request = requests.at(0)) {
      if (request.takenOn === TAKEN_ON_NEXT_RUN) {
        if (!byRun) return;
        this.forNextRun--;
      } else if (request.takenOn > edge && !(byRun && this.forNextRun > 0)) return;
      requests.shift();
      take(request, edge);
    }
  }

  /**
   * When the link frees once the writes asked for are taken, as their takes will book it (those
   * asked between runs on `nextEdge`; those to unmapped memory fail and book none): what a block
   * asks between edges, of the next edge on, so that one idle for lack of room until then asks for
   * no empty edge before the take.
   */
  linkFreeOnceTaken(link: PostedWriteLink, nextEdge: number, memory: HostMemory): number {
    let free = link.freeAt;
    for (let index = 0; index < this.requests.length; index++) {
      const request = this.requests.at(index)!;
      if (request.kind !== "write" || !memory.isMapped(request.address, request.length)) continue;
      free = link.freeAfter(free, request.length, request.takenOn === TAKEN_ON_NEXT_RUN ? nextEdge : request.takenOn);
    }
    return free;
  }

  /** The first edge one needs the engine to run on. */
  runBy(): number {
    let runBy = Infinity;
    for (let index = 0; index < this.requests.length; index++) runBy = Math.min(runBy, this.requests.at(index)!.runBy);
    return runBy;
  }

  /** Each still to take is taken by the engine's run on its take edge, not lazily: the first such edge, or null where the first waits for the next run (which takes them all). */
  runOnTakeEdges(): number | null {
    const first = this.requests.at(0);
    if (first === undefined || first.takenOn === TAKEN_ON_NEXT_RUN) return null;
    for (let index = 0; index < this.requests.length; index++) {
      const request = this.requests.at(index)!;
      request.runBy = request.takenOn;
    }
    return first.takenOn;
  }
}
