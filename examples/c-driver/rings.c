/* Descriptor rings in host memory, written through the client's copy and synced to the device. */
#include "rings.h"

#include <string.h>

static uint64_t descriptor_address(uint64_t base, uint32_t slot) { return base + (uint64_t)slot * NICSIM_DESCRIPTOR_BYTES; }

static uint32_t next_slot(uint32_t slot, uint32_t slots) { return slot + 1 == slots ? 0 : slot + 1; }

static void program_base(nicsim *device, uint32_t low, uint32_t high, uint32_t length_register, uint64_t base, uint32_t length) {
  nicsim_mmio_write(device, low, (uint32_t)base);
  nicsim_mmio_write(device, high, (uint32_t)(base >> 32));
  nicsim_mmio_write(device, length_register, length);
}

int tx_ring_init(tx_ring *ring, nicsim *device, uint32_t queue, uint32_t slots, uint32_t buffer_bytes) {
  memset(ring, 0, sizeof *ring);
  ring->device = device, ring->queue = queue, ring->slots = slots, ring->buffer_bytes = buffer_bytes;
  ring->base = nicsim_alloc(device, slots * NICSIM_DESCRIPTOR_BYTES, NICSIM_RING_ALIGNMENT, "c-driver TX ring");
  ring->buffers = nicsim_alloc(device, slots * buffer_bytes, 64, "c-driver TX buffers");
  if (!ring->base || !ring->buffers) return -1;
  program_base(device, NICSIM_TDBAL(queue), NICSIM_TDBAH(queue), NICSIM_TDLEN(queue), ring->base, slots * NICSIM_DESCRIPTOR_BYTES);
  nicsim_mmio_write(device, NICSIM_TXDCTL(queue), NICSIM_TXDCTL_ENABLE_BIT);
  return 0;
}

uint32_t tx_ring_free(const tx_ring *ring) { return ring->slots - 1 - ring->in_use; }

void tx_ring_post(tx_ring *ring, const uint8_t *frame, uint16_t length, uint8_t command, uint32_t sa_handle, uint64_t sa_pointer) {
  uint32_t slot = ring->next_to_use;
  uint64_t buffer = ring->buffers + (uint64_t)slot * ring->buffer_bytes;
  nicsim_memory_write(ring->device, buffer, frame, length);
  uint64_t address = descriptor_address(ring->base, slot);
  uint8_t *descriptor = nicsim_host(ring->device, address, NICSIM_DESCRIPTOR_BYTES);
  memset(descriptor, 0, NICSIM_DESCRIPTOR_BYTES);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_BUFFER_ADDRESS, buffer);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_LENGTH, length);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_COMMAND, command);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_CLASS, 0);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_SA_HANDLE, sa_handle);
  NICSIM_WRITE(descriptor, TX_DESCRIPTOR_SA_POINTER, sa_pointer);
  nicsim_memory_sync(ring->device, address, NICSIM_DESCRIPTOR_BYTES);
  ring->next_to_use = next_slot(slot, ring->slots);
  ring->in_use++;
  ring->unrung++;
}

void tx_ring_doorbell(tx_ring *ring) {
  if (ring->unrung == 0) return;
  nicsim_mmio_write(ring->device, NICSIM_TDT(ring->queue), ring->next_to_use);
  ring->unrung = 0;
}

void tx_ring_write_tail(tx_ring *ring, uint32_t tail) { nicsim_mmio_write(ring->device, NICSIM_TDT(ring->queue), tail); }

uint32_t tx_ring_reap(tx_ring *ring, uint32_t *errors) {
  uint32_t reaped = 0;
  while (ring->in_use > 0) {
    // The client's copy is the device's memory after every reply: DD is read here, without a round trip.
    const uint8_t *descriptor = nicsim_host(ring->device, descriptor_address(ring->base, ring->next_to_clean), NICSIM_DESCRIPTOR_BYTES);
    if (!(NICSIM_READ(descriptor, TX_DESCRIPTOR_STATUS) & NICSIM_TX_DESCRIPTOR_STATUS_DD_BIT)) break;
    if (NICSIM_READ(descriptor, TX_DESCRIPTOR_ERROR) != 0) (*errors)++;
    ring->next_to_clean = next_slot(ring->next_to_clean, ring->slots);
    ring->in_use--;
    reaped++;
  }
  return reaped;
}

/* Write a slot's descriptor in read format: its buffer's address, the write-back area cleared. */
static void give(rx_ring *ring, uint32_t slot) {
  uint64_t address = descriptor_address(ring->base, slot);
  uint8_t *descriptor = nicsim_host(ring->device, address, NICSIM_DESCRIPTOR_BYTES);
  memset(descriptor, 0, NICSIM_DESCRIPTOR_BYTES);
  NICSIM_WRITE(descriptor, RX_DESCRIPTOR_BUFFER_ADDRESS, ring->buffers + (uint64_t)slot * ring->buffer_bytes);
  nicsim_memory_sync(ring->device, address, NICSIM_DESCRIPTOR_BYTES);
}

int rx_ring_init(rx_ring *ring, nicsim *device, uint32_t queue, uint32_t slots, uint32_t buffer_bytes) {
  memset(ring, 0, sizeof *ring);
  ring->device = device, ring->queue = queue, ring->slots = slots, ring->buffer_bytes = buffer_bytes;
  ring->base = nicsim_alloc(device, slots * NICSIM_DESCRIPTOR_BYTES, NICSIM_RING_ALIGNMENT, "c-driver RX ring");
  ring->buffers = nicsim_alloc(device, slots * buffer_bytes, 64, "c-driver RX buffers");
  if (!ring->base || !ring->buffers) return -1;
  for (uint32_t slot = 0; slot + 1 < slots; slot++) give(ring, slot);
  ring->tail = slots - 1;
  program_base(device, NICSIM_RDBAL(queue), NICSIM_RDBAH(queue), NICSIM_RDLEN(queue), ring->base, slots * NICSIM_DESCRIPTOR_BYTES);
  nicsim_mmio_write(device, NICSIM_SRRCTL(queue), buffer_bytes);
  nicsim_mmio_write(device, NICSIM_RXDCTL(queue), NICSIM_RXDCTL_ENABLE_BIT);
  nicsim_mmio_write(device, NICSIM_RDT(queue), ring->tail);
  return 0;
}

int rx_ring_take(rx_ring *ring, rx_frame *frame) {
  uint32_t slot = ring->next_to_clean;
  const uint8_t *descriptor = nicsim_host(ring->device, descriptor_address(ring->base, slot), NICSIM_DESCRIPTOR_BYTES);
  uint8_t status = (uint8_t)NICSIM_READ(descriptor, RX_DESCRIPTOR_STATUS);
  if (!(status & NICSIM_RX_DESCRIPTOR_STATUS_DD_BIT)) return 0;
  frame->length = (uint16_t)NICSIM_READ(descriptor, RX_DESCRIPTOR_LENGTH);
  frame->status = status;
  frame->error = (uint8_t)NICSIM_READ(descriptor, RX_DESCRIPTOR_ERROR);
  frame->spi = (uint32_t)NICSIM_READ(descriptor, RX_DESCRIPTOR_SPI);
  frame->bytes = nicsim_host(ring->device, ring->buffers + (uint64_t)slot * ring->buffer_bytes, frame->length);
  // The slot at the tail goes back to the device; the one just taken becomes the one it does not own.
  give(ring, ring->tail);
  ring->tail = next_slot(ring->tail, ring->slots);
  ring->next_to_clean = next_slot(slot, ring->slots);
  return 1;
}

void rx_ring_refill(rx_ring *ring) { nicsim_mmio_write(ring->device, NICSIM_RDT(ring->queue), ring->tail); }
