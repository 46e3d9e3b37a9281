import type { HostMemory } from "../../sim/host/memory.js";
import type { DueQueues } from "./due-queues.js";
import type { Due } from "./request.js";

/**
 * Which of the DMA engine's writes land lazily: those with no reply, while nothing watches what a
 * landing changes (the queue signals, written_bytes, errors, a watcher of landings) as the engine
 * last planned. Such a landing shows only in host memory and in those signals, each brought up to
 * date as it is read; the engine runs on no edge for it. Its next run, a host memory access
 * (HostMemory.landsLazily: asked for while any is to land) or a change to the map
 * (HostMemory.beforeMapChange) lands it, in its place among the edges done since: what a reader
 * sees is what the engine's run on its edge would have left. The RX engine's frame data: one of a
 * 60-byte frame's timesteps received.
 */
export class LazyLandings {
  private shown = false;

  constructor(
    private readonly due: DueQueues,
    private readonly period: number,
    private readonly memory: HostMemory,
    /** Land the writes a reader now sees landed (the engine's catch-up to what is committed). */
    private readonly landSeen: () => void,
  ) {}

  /** The engine plans, `shown` whether anything sees a landing: host memory has it land lazy writes before each access while any is to come. */
  plan(shown: boolean): void {
    this.shown = shown;
    this.askBeforeAccess();
  }

  /** After a catch-up: once none is left, host memory no longer asks. */
  askBeforeAccess(): void {
    this.memory.landsLazily(this.landSeen, this.firstLazy(-Infinity) !== Infinity);
  }

  /** When the first landing the engine runs on is due (Infinity: none). */
  firstRun(): number {
    const writes = this.due.writes;
    for (let index = 0; index < writes.length; index++) {
      const due = writes.at(index)!;
      if (!this.lazily(due)) return due.time;
    }
    return Infinity;
  }

  /** The edge of the first lazy landing after `after` (Infinity: none). */
  firstLazy(after: number): number {
    const writes = this.due.writes;
    for (let index = 0; index < writes.length; index++) {
      const due = writes.at(index)!;
      const edge = Math.max(due.time, due.scheduledEdge + this.period);
      if (edge > after && this.lazily(due)) return edge;
    }
    return Infinity;
  }

  private lazily(due: Due): boolean {
    return !this.shown && due.request.reply === null;
  }
}
