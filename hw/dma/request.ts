import type { ErrorCodeName } from "../spec/errors.js";

export interface DmaCompletion<Tag> {
  readonly tag: Tag;
  readonly address: number;
  readonly length: number;
  /** Bytes read, for a read that succeeded. */
  readonly data: Uint8Array | null;
  readonly error: ErrorCodeName | null;
}

/** Where a request's completion goes, pushed on the engine's edge it is handled on: a channel its requester takes it from, or one that handles it for the requester's next edge (TxWriteBackLandings). */
export interface DmaReply<Tag> {
  push(completion: DmaCompletion<Tag>): void;
}

interface RequestCommon {
  readonly address: number;
  readonly length: number;
  readonly reply: DmaReply<unknown> | null;
  readonly tag: unknown;
  /** The first error among its pieces, in the order their completions are handled. */
  error: ErrorCodeName | null;
  /** The edge the engine takes it on (TAKEN_ON_NEXT_RUN: the next edge the engine runs). */
  takenOn: number;
  /** The latest edge the engine must run on for it: its take, or the soonest its completion can be handled. */
  runBy: number;
}

/** A request asked for between runs is taken on the engine's next run, as a channel's item is. */
export const TAKEN_ON_NEXT_RUN = -1;

export interface ReadRequest extends RequestCommon {
  readonly kind: "read";
  /**
   * Issued before every waiting read of less urgency, after those of as much or more, so in arrival
   * order within one urgency (read-urgency.ts gives the levels). Two
   * strict classes over a DMA link slower than the line shared it first come, first served, 0.237
   * each where the higher, offering 0.4 within its 40 %, should have had all of it.
   */
  readonly urgency: number;
  /** Read requests (pieces of at most maxReadRequest bytes) issued so far. */
  issued: number;
  /** Pieces whose completion has not been handled yet, issued or not. */
  chunksLeft: number;
  /** The planner's scratch: which look-ahead last counted this read's completions, and how many. */
  plannedBy: number;
  plannedCompletions: number;
}

export interface WriteRequest extends RequestCommon {
  readonly kind: "write";
  readonly bytes: Uint8Array;
}

export type DmaRequest = ReadRequest | WriteRequest;

/**
 * What may happen in one cycle, in this order: requests taken (an unmapped one's error is due a
 * cycle later), one read request issued, one write piece started. Completions due at the same
 * time are handled in the order they were scheduled, which is this order within a cycle.
 */
export const DueSource = { unmapped: 0, read: 1, write: 2 } as const;
export type DueSource = (typeof DueSource)[keyof typeof DueSource];

/** A completion the engine will handle: a read piece's (it frees a tag), a write's landing, an unmapped access's error. */
export interface Due {
  /** When it is due: handled on the first edge at or after it that follows the edge that scheduled it (a zero timeout is due on its own issue edge). */
  readonly time: number;
  /** The edge whose work scheduled it: the request taken, the read piece issued, the write's last piece started. */
  readonly scheduledEdge: number;
  readonly source: DueSource;
  readonly request: DmaRequest;
  readonly error: ErrorCodeName | null;
}

/** Order of handling among completions ready on one edge: by time, then by when they were scheduled. */
export function handledBefore(first: Due, second: Due): boolean {
  if (first.time !== second.time) return first.time < second.time;
  if (first.scheduledEdge !== second.scheduledEdge) return first.scheduledEdge < second.scheduledEdge;
  return first.source < second.source;
}
