import type { Due, ReadRequest } from "./request.js";

export interface ReadTiming {
  readonly period: number;
  readonly maxOutstandingReads: number;
  readonly maxReadRequest: number;
  /** Fewest cycles from a read piece's issue to the edge its completion is handled. */
  readonly fewestTurnaroundCycles: number;
}

/** The read pieces' completions scheduled, in handling order. */
export interface ReadDues {
  readonly length: number;
  at(index: number): Due | undefined;
}

/** Read requests (pieces) a read of `length` bytes is issued as: an empty read still takes one. */
export function piecesOf(length: number, maxReadRequest: number): number {
  return Math.max(1, Math.ceil(length / maxReadRequest));
}

/**
 * Finds the next edge on which the read side changes what it shows: a read completes (its data
 * is taken from memory and handed over) and, while the pieces are shown (reads_in_flight and
 * reads_waiting are traced or waited on), the tags in use change or the first waiting read has
 * its last piece issued. Edges between change nothing visible: a tag freed and taken again on the
 * same edge, as happens while every tag is busy. The look-ahead issues nothing and draws no
 * random numbers; the engine issues for real when it next runs, in the same order.
 */
export class ReadLookahead {
  private pass = 0;

  constructor(private readonly timing: ReadTiming) {}

  /**
   * The first edge after `now` (at most `limit`) on which the read side may change what it shows
   * if no request arrives meanwhile. A piece issued during the look-ahead has a completion time
   * not known yet (it comes with its random draws), so the look-ahead stops where the first such
   * completion could be handled.
   */
  nextChange(now: number, tagsInUse: number, waiting: ReadRequest | undefined, dues: ReadDues, limit: number, piecesShown: boolean): number {
    const { period, maxOutstandingReads, maxReadRequest, fewestTurnaroundCycles } = this.timing;
    const pass = ++this.pass;
    let tags = tagsInUse;
    let piecesToIssue = waiting ? piecesOf(waiting.length, maxReadRequest) - waiting.issued : 0;
    let firstIssued = Infinity;
    let next = 0;
    let edge = now;
    for (;;) {
      const due = dues.at(next);
      const dueEdge = due ? Math.max(due.time, edge + period) : Infinity;
      const issueEdge = piecesToIssue > 0 && tags < maxOutstandingReads ? edge + period : Infinity;
      edge = Math.min(dueEdge, issueEdge);
      const horizon = Math.min(limit, firstIssued + fewestTurnaroundCycles * period);
      if (edge >= horizon) return horizon;
      const tagsBefore = tags;
      for (let ready = dues.at(next); ready && ready.time <= edge; ready = dues.at(++next)) {
        tags--;
        const request = ready.request as ReadRequest;
        if (request.plannedBy !== pass) {
          request.plannedBy = pass;
          request.plannedCompletions = 0;
        }
        if (request.chunksLeft - ++request.plannedCompletions <= 0) return edge;
      }
      if (piecesToIssue > 0 && tags < maxOutstandingReads) {
        tags++;
        if (firstIssued === Infinity) firstIssued = edge;
        if (--piecesToIssue === 0 && piecesShown) return edge;
      }
      if (tags !== tagsBefore && piecesShown) return edge;
    }
  }
}
