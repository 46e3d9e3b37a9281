/**
 * The order in which the DMA engine issues waiting reads (ReadRequest.urgency): a strict
 * (priority) queue's descriptor fetches and buffer reads first, a higher queue's ahead; then the
 * other RX queues' descriptor fetches; then the other reads (TX descriptor fetches, buffer reads,
 * SA records), in the order they were asked for.
 *
 * RX fetches go ahead because a frame that finds no descriptor waits in the RX buffer, which
 * drops what overflows it, where TX's reads only wait. Behind TX's reads, with one read tag, an RX
 * queue's fetches waited 50 µs behind two 9000-byte TX frames' pieces and a strict class's reads,
 * and its frames overflowed the RX buffer (from an architect's check). TX's own fetches stay in
 * order with its buffer reads: the frame start reads the DMA's tags as the congestion that
 * polices a priority class, and with TX fetches ahead the tags emptied between fetches while bulk
 * waited for its frames in flight, and a priority class of 10 % took 22 % (`nicsim validate`'s
 * row "DMA reads of 1,000 cycles' latency, a descriptor per fetch").
 */
export const PAYLOAD_URGENCY = 0;
export const RX_FETCH_URGENCY = 1;

/** The urgency of a strict queue's reads: above every RX fetch of another queue, a higher queue's above a lower one's. */
export function strictUrgency(queue: number): number {
  return RX_FETCH_URGENCY + 1 + queue;
}
