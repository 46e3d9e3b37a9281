/*
 * An example NIC driver in C against `nicsim serve` (README: "Testing your C driver against the
 * model"). It probes the device, brings up queue 0's TX and RX rings with a buffer per slot,
 * installs one SA each way through SA_STAGE and SA_COMMAND, and has the NIC encrypt every frame it
 * sends and decrypt every frame the peer echoes back, inline. Posting is batched (one doorbell per
 * DOORBELL_BATCH frames); receiving is interrupt driven (MSI-X vector 0, moderated by EITR), with
 * RX refill of one RDT write per poll; errors come on the error vector, read from ERRLOG.
 *
 *   c-driver [--frames N] [--bug] [--plain]     (connects to NICSIM_SOCKET; see `nicsim serve -- c-driver`)
 *
 * --plain sends the same inner packets without ESP (the peer echoes them as they are).
 * --bug rings the TX doorbell with a tail past the end of the ring first: the device refuses it
 * and says so (ERRLOG, the error interrupt, and its diagnostic), then the driver goes on correctly.
 * Exits 0 when every frame went out and came back (and, with --bug, the device reported the bug).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esp_frame.h"
#include "nicsim.h"
#include "rings.h"
#include "sa_install.h"

enum { QUEUE = 0, SLOTS = 64, BUFFER_BYTES = 2048, DOORBELL_BATCH = 8, INNER_BYTES = 200 };
#define NANOSECONDS 1000ull
#define MAX_RUN_PS (20000ull * 1000 * NANOSECONDS) /* give up after 20 ms of simulated time */

static const esp_sa TO_PEER = {0x1001, 0xc0000201u, 0xc0000202u, {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0xa0, 0xa1, 0xa2, 0xa3}};
static const esp_sa TO_HOST = {0x2001, 0xc0000202u, 0xc0000201u, {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0xb0, 0xb1, 0xb2, 0xb3}};

typedef struct {
  nicsim *device;
  tx_ring tx;
  rx_ring rx;
  uint32_t vector_mask, error_vector;
  uint32_t tx_handle;
  uint64_t tx_record;
  int plain;
  uint32_t sent, reaped, tx_errors, received, received_inline, out_of_order, error_entries, tail_beyond_ring, interrupts, timeouts;
} driver;

static void print_diagnostic(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)context, (void)code;
  printf("c-driver: the device says, at %llu ns: %s\n", (unsigned long long)(time_ps / NANOSECONDS), message);
}

/* The error interrupt's handler: every entry of the device's error log, oldest first, then popped. */
static void read_error_log(driver *d) {
  uint32_t waiting = nicsim_mmio_read(d->device, NICSIM_ERRLOG_COUNT);
  for (uint32_t entry = 0; entry < waiting; entry++) {
    uint32_t code = nicsim_mmio_read(d->device, NICSIM_ERRLOG_CODE);
    uint32_t location = nicsim_mmio_read(d->device, NICSIM_ERRLOG_LOCATION);
    uint32_t index = nicsim_mmio_read(d->device, NICSIM_ERRLOG_INDEX);
    uint32_t value = nicsim_mmio_read(d->device, NICSIM_ERRLOG_VALUE_LO);
    nicsim_mmio_write(d->device, NICSIM_ERRLOG_POP, 1);
    printf("c-driver: ERRLOG entry: code %u, queue %u, field %u, index 0x%x, value %u\n", code, NICSIM_FIELD_GET(ERRLOG_LOCATION_QUEUE, location), NICSIM_FIELD_GET(ERRLOG_LOCATION_FIELD, location), index, value);
    if (code == NICSIM_ERROR_CODE_TAIL_BEYOND_RING) d->tail_beyond_ring++;
    d->error_entries++;
  }
  nicsim_mmio_write(d->device, NICSIM_IMS, NICSIM_ICR_ERROR_MASK);
}

/* Probe, rings, interrupts, and the SA pair: 0 on success. */
static int bring_up(driver *d) {
  nicsim *device = d->device;
  uint32_t status = nicsim_mmio_read(device, NICSIM_STATUS);
  uint32_t queues = NICSIM_FIELD_GET(STATUS_QUEUES, status);
  uint32_t tables = nicsim_mmio_read(device, NICSIM_SA_TABLE_SIZE);
  printf("c-driver: probe: link %s, %u queues, SA tables of %u (TX) and %u (RX) entries\n", status & NICSIM_STATUS_LINK_UP_BIT ? "up" : "down", queues, NICSIM_FIELD_GET(SA_TABLE_SIZE_TX, tables), NICSIM_FIELD_GET(SA_TABLE_SIZE_RX, tables));
  if (queues == 0 || NICSIM_FIELD_GET(SA_TABLE_SIZE_TX, tables) == 0) return -1;
  d->error_vector = queues; /* the vector after the queues' */
  d->vector_mask = 1u << QUEUE | 1u << d->error_vector;
  if (tx_ring_init(&d->tx, device, QUEUE, SLOTS, BUFFER_BYTES) != 0 || rx_ring_init(&d->rx, device, QUEUE, SLOTS, BUFFER_BYTES) != 0) return -1;
  nicsim_mmio_write(device, NICSIM_EITR(QUEUE), 2000); /* at most one interrupt per 2 µs */
  nicsim_mmio_write(device, NICSIM_IMS, NICSIM_FIELD_PREP(ICR_TX_DONE, 1u << QUEUE) | NICSIM_FIELD_PREP(ICR_RX_DONE, 1u << QUEUE) | NICSIM_ICR_ERROR_MASK);
  nicsim_mmio_write(device, NICSIM_CTRL, NICSIM_CTRL_TX_ENABLE_BIT | NICSIM_CTRL_RX_ENABLE_BIT);
  uint8_t record[NICSIM_SA_RECORD_BYTES];
  uint32_t rx_handle, code;
  sa_record(record, &TO_PEER, NICSIM_SA_RECORD_DIRECTION_OUTBOUND, 1);
  d->tx_record = nicsim_alloc(device, NICSIM_SA_RECORD_BYTES, NICSIM_SA_RECORD_ALIGNMENT, "c-driver SA record to-peer");
  nicsim_memory_write(device, d->tx_record, record, sizeof record);
  if ((code = sa_install(device, record, 0, 0, &d->tx_handle)) != 0) return printf("c-driver: TX SA install refused: code %u\n", code), -1;
  sa_record(record, &TO_HOST, NICSIM_SA_RECORD_DIRECTION_INBOUND, 2);
  if ((code = sa_install(device, record, 1, 0, &rx_handle)) != 0) return printf("c-driver: RX SA install refused: code %u\n", code), -1;
  printf("c-driver: SAs installed: TX spi 0x%x handle 0x%x, RX spi 0x%x handle 0x%x\n", TO_PEER.spi, d->tx_handle, TO_HOST.spi, rx_handle);
  // The peer gets the other end of each SA, and sends back what it decrypts.
  nicsim_peer_sa(device, TO_PEER.spi, TO_PEER.source, TO_PEER.destination, NICSIM_PEER_DECRYPTS, ESP_ICV_BYTES, TO_PEER.key_material, sizeof TO_PEER.key_material);
  nicsim_peer_sa(device, TO_HOST.spi, TO_HOST.source, TO_HOST.destination, NICSIM_PEER_ENCRYPTS, ESP_ICV_BYTES, TO_HOST.key_material, sizeof TO_HOST.key_material);
  nicsim_peer_echo(device, 1);
  return nicsim_error(device) ? -1 : 0;
}

/* Post frames while the ring has room, ringing the doorbell once per batch. */
static void transmit(driver *d, uint32_t frames) {
  uint8_t frame[BUFFER_BYTES];
  while (d->sent < frames && tx_ring_free(&d->tx) > 0) {
    uint32_t sequence = d->sent++;
    size_t length = d->plain ? plain_frame(frame, sequence, INNER_BYTES) : esp_frame_outbound(frame, &TO_PEER, sequence + 1, sequence, INNER_BYTES);
    uint8_t command = NICSIM_TX_DESCRIPTOR_COMMAND_EOP_BIT | NICSIM_TX_DESCRIPTOR_COMMAND_RS_BIT | (d->plain ? 0 : NICSIM_TX_DESCRIPTOR_COMMAND_IPSEC_BIT);
    tx_ring_post(&d->tx, frame, (uint16_t)length, command, d->tx_handle, d->tx_record);
    if (d->tx.unrung == DOORBELL_BATCH) tx_ring_doorbell(&d->tx);
  }
  tx_ring_doorbell(&d->tx);
}

/* One poll of queue 0: reap TX, take every RX frame, refill with one RDT write, unmask the vector. */
static void poll(driver *d) {
  d->reaped += tx_ring_reap(&d->tx, &d->tx_errors);
  rx_frame frame;
  uint32_t taken = 0;
  while (rx_ring_take(&d->rx, &frame)) {
    taken++;
    long sequence = d->plain ? plain_frame_sequence(frame.bytes, frame.length) : esp_frame_inbound_sequence(frame.bytes, frame.length, TO_HOST.spi);
    if (frame.error != 0 || sequence < 0) continue;
    if ((uint32_t)sequence != d->received) d->out_of_order++;
    d->received++;
    if (frame.status & NICSIM_RX_DESCRIPTOR_STATUS_IPSEC_BIT) d->received_inline++;
  }
  if (taken > 0) rx_ring_refill(&d->rx);
  nicsim_mmio_write(d->device, NICSIM_IMS, NICSIM_FIELD_PREP(ICR_TX_DONE, 1u << QUEUE) | NICSIM_FIELD_PREP(ICR_RX_DONE, 1u << QUEUE));
}

/* The deliberate bug: frames posted, then a tail one past the end of the ring. The device ignores it and says why. */
static void ring_wrong_doorbell(driver *d) {
  printf("c-driver: --bug: writing TDT = %u on a ring of %u descriptors\n", SLOTS + 1, SLOTS);
  tx_ring_write_tail(&d->tx, SLOTS + 1);
  while (d->error_entries == 0 && !nicsim_error(d->device)) {
    uint32_t vectors = nicsim_wait_interrupt(d->device, 1u << d->error_vector, 100 * NANOSECONDS * 1000);
    if (vectors == 0) break;
    read_error_log(d);
  }
}

int main(int argc, char **argv) {
  uint32_t frames = 128;
  int bug = 0, plain = 0;
  for (int index = 1; index < argc; index++) {
    if (strcmp(argv[index], "--bug") == 0) bug = 1;
    else if (strcmp(argv[index], "--plain") == 0) plain = 1;
    else if (strcmp(argv[index], "--frames") == 0 && index + 1 < argc) {
      /* A whole number of 1 to 1000000: strtoul would take "-1" as 4294967295. */
      const char *text = argv[++index];
      char *end = NULL;
      unsigned long value = text[0] >= '0' && text[0] <= '9' ? strtoul(text, &end, 10) : 0;
      if (end == NULL || *end != '\0' || value < 1 || value > 1000000) return fprintf(stderr, "%s: --frames '%s': expected a whole number from 1 to 1000000\n", argv[0], text), 2;
      frames = (uint32_t)value;
    }
    else return fprintf(stderr, "usage: %s [--frames N] [--bug] [--plain]\n", argv[0]), 2;
  }
  char reason[512];
  driver d;
  memset(&d, 0, sizeof d);
  d.plain = plain;
  d.device = nicsim_connect_env(bug ? "c-driver --bug" : "c-driver", reason, sizeof reason);
  if (!d.device) return fprintf(stderr, "c-driver: %s\n", reason), 1;
  nicsim_on_diagnostic(d.device, print_diagnostic, NULL);
  if (bring_up(&d) != 0) {
    fprintf(stderr, "c-driver: bring-up failed%s%s\n", nicsim_error(d.device) ? ": " : "", nicsim_error(d.device) ? nicsim_error(d.device) : "");
    nicsim_goodbye(d.device);
    return 1;
  }
  if (bug) ring_wrong_doorbell(&d);
  uint64_t start = nicsim_now_ps(d.device);
  while ((d.reaped < frames || d.received < frames) && !nicsim_error(d.device) && nicsim_now_ps(d.device) - start < MAX_RUN_PS) {
    transmit(&d, frames);
    uint32_t vectors = nicsim_wait_interrupt(d.device, d.vector_mask, 200 * NANOSECONDS * 1000);
    if (vectors == 0) d.timeouts++;
    else d.interrupts++;
    if (vectors & 1u << d.error_vector) read_error_log(&d);
    poll(&d);
  }
  nicsim_peer_counts peer = {0};
  nicsim_peer_status(d.device, &peer);
  printf("c-driver: sent %u frames (%u written back with an error), the peer received %u and decrypted %u; received %u (%u decrypted inline by the NIC, %u out of order); %u device error log entries; %u interrupts, %u waits timed out; %.3f µs simulated\n",
         d.reaped, d.tx_errors, peer.received, peer.decrypted, d.received, d.received_inline, d.out_of_order, d.error_entries, d.interrupts, d.timeouts, (double)nicsim_now_ps(d.device) / 1e6);
  int traffic_arrived = d.reaped == frames && d.tx_errors == 0 && (plain ? peer.received : peer.decrypted) >= frames && d.received == frames && d.received_inline == (plain ? 0 : frames) && d.out_of_order == 0 && d.timeouts == 0;
  int bug_reported = !bug || d.tail_beyond_ring == 1;
  int clean = nicsim_goodbye(d.device) == 0;
  if (!traffic_arrived) fprintf(stderr, "c-driver: not every frame arrived both ways\n");
  if (!bug_reported) fprintf(stderr, "c-driver: --bug: the device did not report TAIL_BEYOND_RING\n");
  return traffic_arrived && bug_reported && clean ? 0 : 1;
}
