/* The example driver's descriptor rings: one TX and one RX ring of a queue, with a buffer per slot. */
#ifndef RINGS_H
#define RINGS_H

#include <stdint.h>

#include "nicsim.h"

typedef struct {
  nicsim *device;
  uint32_t queue, slots, buffer_bytes;
  uint64_t base, buffers;
  /* The next slot the driver fills, the oldest it has not reaped, and frames posted since the last doorbell. */
  uint32_t next_to_use, next_to_clean, in_use, unrung;
} tx_ring;

typedef struct {
  nicsim *device;
  uint32_t queue, slots, buffer_bytes;
  uint64_t base, buffers;
  /* The next slot the device fills, and the tail: the one slot the device does not own. */
  uint32_t next_to_clean, tail;
} rx_ring;

/* A frame the device wrote back: in the client's copy of the slot's buffer until the next rx_ring_take. */
typedef struct {
  const uint8_t *bytes;
  uint16_t length;
  uint8_t status, error;
  uint32_t spi;
} rx_frame;

/* Allocate the ring and its buffers and give them to the device (base, length, enable). 0 on success. */
int tx_ring_init(tx_ring *ring, nicsim *device, uint32_t queue, uint32_t slots, uint32_t buffer_bytes);
int rx_ring_init(rx_ring *ring, nicsim *device, uint32_t queue, uint32_t slots, uint32_t buffer_bytes);

/* Slots free for frames (one slot always stays empty: head == tail means an empty ring). */
uint32_t tx_ring_free(const tx_ring *ring);
/* Copy a frame into the next slot's buffer and write its descriptor; the doorbell is rung separately. */
void tx_ring_post(tx_ring *ring, const uint8_t *frame, uint16_t length, uint8_t command, uint32_t sa_handle, uint64_t sa_pointer);
/* Ring the doorbell (TDT) for what was posted since the last one: one MMIO write for a batch. */
void tx_ring_doorbell(tx_ring *ring);
/* Tell the device a tail of our choosing (the --bug mode's wrong one). */
void tx_ring_write_tail(tx_ring *ring, uint32_t tail);
/* Reclaim every slot the device wrote back (DD); returns how many, counting those with an error in *errors. */
uint32_t tx_ring_reap(tx_ring *ring, uint32_t *errors);

/* The next written-back frame, if any (1), its slot given back to the device at the next refill. */
int rx_ring_take(rx_ring *ring, rx_frame *frame);
/* Give the device the buffers taken since the last refill: one RDT write. */
void rx_ring_refill(rx_ring *ring);

#endif /* RINGS_H */
