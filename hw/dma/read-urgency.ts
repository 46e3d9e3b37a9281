/**
 * The order in which the DMA engine issues waiting reads (ReadRequest.urgency), most urgent first:
 * - a strict (priority) queue's reads, a higher queue's ahead, and of one queue its RX descriptor
 *   fetches ahead of its TX descriptor fetches and buffer reads;
 * - the other RX queues' descriptor fetches;
 * - the other reads (TX descriptor fetches and buffer reads, SA records), in the order they were
 *   asked for.
 *
 * RX fetches go ahead of TX's reads because the RX buffer drops what overflows it, where TX's
 * reads only wait. Behind TX's reads, with one read tag, an RX queue's fetches waited 50 µs behind
 * two 9000-byte TX frames' pieces and a strict class's reads, and its frames overflowed the RX
 * buffer (from an architect's check); a strict class's RX fetches waited behind its own 9000-byte
 * TX frames' pieces (gold's p99 to the host 2.3 to 111 µs; an outside check). TX's own fetches stay
 * in order with its buffer reads: the frame start reads the DMA's tags as the congestion that
 * polices a priority class, and with TX fetches ahead the tags emptied between fetches while bulk
 * waited for its frames in flight, and a priority class of 10 % took 22 % (`nicsim validate`'s
 * row "DMA reads of 1,000 cycles' latency, a descriptor per fetch").
 */
export const PAYLOAD_URGENCY = 0;
export const RX_FETCH_URGENCY = 1;

/** The urgency of a strict queue's TX reads: above every RX fetch of a queue that is not strict, a higher queue's above a lower one's and its RX fetches. */
export function strictUrgency(queue: number): number {
  return RX_FETCH_URGENCY + 1 + 2 * queue;
}

/** The urgency of a strict queue's RX descriptor fetches: just above its own TX reads. */
export function strictRxFetchUrgency(queue: number): number {
  return strictUrgency(queue) + 1;
}
