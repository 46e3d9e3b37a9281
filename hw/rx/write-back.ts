import { Fifo, itsOwnEdge } from "../../sim/fifo.js";
import type { DmaCompletion, DmaReply } from "../dma/request.js";
import type { NicShared } from "../config.js";
import type { RingRegisters } from "../ring.js";
import type { RxPacketBuffer } from "./rx-packet-buffer.js";
import type { Tag } from "./rx-queue-state.js";

export type WriteBackTag = Extract<Tag, { kind: "write-back" }>;

/** Frames whose writes are on their way, until their last write-back lands: still in the RX packet buffer. */
export class FramesWriting {
  private count = 0;
  /** Edges on which frames told landed leave, once committed for a reader (RxWriteBackLandings). */
  private readonly leaving = new Fifo<number>();

  constructor(private readonly time: { readonly committedThrough: number }) {}

  get held(): number {
    this.count -= this.leaving.takeThrough(this.time.committedThrough, itsOwnEdge);
    return this.count;
  }

  start(): void {
    this.count++;
  }

  leave(): void {
    this.count--;
  }

  leaveOn(edge: number): void {
    this.leaving.push(edge);
  }
}

/** What the RX engine's run would have done with a write-back landed; the engine names its edge after a time and says whether anything sees the signals it draws. */
export interface LandingEngine {
  ring(queue: number): RingRegisters;
  edgeAfter(time: number): number;
  drawn(): boolean;
}

/**
 * Where the RX engine's descriptor write-backs land. Its run on its edge after a landing, where it
 * took the completion from its channel, did nothing else there at 60 bytes: counted the write-back
 * out of RXDCTL.BUSY, and for a frame's last freed its room in the packet buffer, counted it in
 * RQPC and RQBC and raised RX_DONE (one of a 60-byte frame's four timesteps). A write-back that
 * lands is done for that edge here, as it lands, with no run there: each count changes for a reader
 * once that edge is committed, the room is freed for a frame admitted after it on that edge, and
 * the interrupt block takes RX_DONE as raised on it (InterruptController.rxDoneOn). The frame's
 * descriptor-done stage is told now, timed at that edge. The engine still takes from its channel,
 * and its run hands back here (handleTaken):
 * - a write-back that failed, and every later one of its frame, in order (the failure decides
 *   whether they count);
 * - any while the engine is watched (its signals in a waveform, or waited on), where its run on
 *   that edge draws them.
 */
export class RxWriteBackLandings implements DmaReply<WriteBackTag> {
  constructor(
    private readonly engine: LandingEngine,
    /** The engine's completion channel. */
    private readonly engineChannel: DmaReply<WriteBackTag>,
    private readonly packetBuffer: RxPacketBuffer,
    private readonly writing: FramesWriting,
    private readonly shared: Pick<NicShared, "statistics" | "stages" | "interrupts">,
    private readonly time: { readonly now: number },
  ) {}

  push(completion: DmaCompletion<WriteBackTag>): void {
    const tag = completion.tag;
    const frame = tag.frame;
    if (completion.error) frame.writeBackFailing = true;
    if (frame.writeBackFailing || this.engine.drawn()) return this.engineChannel.push(completion);
    const edge = this.engine.edgeAfter(this.time.now);
    this.engine.ring(tag.queue).leaveOn(edge);
    if (!tag.eop) return;
    this.packetBuffer.freeOn(edge, tag.queue, tag.frameLength);
    this.shared.stages.record("rx", "descriptor-done", edge, frame, frame.bytes);
    // No write-back of its failed (those go to the engine): it is received unless its buffers could not all be written, a drop counted as they were.
    if (tag.placed) {
      this.writing.leaveOn(edge);
      this.shared.statistics.receivedOn(edge, tag.queue, tag.frameLength);
    }
    this.shared.interrupts.rxDoneOn(edge, tag.queue, 1);
  }

  /** A write-back the engine's run took from its channel (one that failed, a later one of its frame, one landed while the engine was watched): handled on this edge. */
  handleTaken(completion: DmaCompletion<WriteBackTag>): void {
    const tag = completion.tag;
    const ring = this.engine.ring(tag.queue);
    ring.inDevice--;
    // The frame's bytes leave the buffer once its writes are done, the last descriptor's write-back behind them: a PCIe link slower
    // than the line fills the buffer, and frames are then dropped (RX_BUFFER_FULL). They left as the writes were queued, and the buffer's size meant nothing.
    if (tag.eop) this.packetBuffer.free(tag.queue, tag.frameLength);
    const frame = tag.frame;
    // Held while its writes are on their way, until it is received or its first failed write-back makes it a drop (counted both ways, from a re-check).
    const held = tag.placed && !frame.writeBackFailed;
    if (held && (tag.eop || completion.error)) this.writing.leave();
    if (completion.error) {
      ring.report(completion.error, "DESCRIPTOR", "descriptor write-back", completion.address, tag.index);
      // Counted once, unless its descriptor already counted it as a drop (a buffer it could not write, or flagged).
      if (held && !frame.flagged) this.shared.statistics.drop("RX_DMA_ERROR", { frame: frame.bytes });
      frame.writeBackFailed = true;
    } else if (tag.eop) {
      this.shared.stages.record("rx", "descriptor-done", this.time.now, frame, frame.bytes);
      // A frame some of whose buffers could not be written, or one of whose write-backs failed, is a drop (RX_DMA_ERROR), not a packet received.
      if (tag.placed && !frame.writeBackFailed) this.shared.statistics.received(tag.queue, tag.frameLength);
      this.shared.interrupts.rxDone(tag.queue, 1);
    }
  }
}
