/* Building and reading the example's tunnel-mode ESP frames (RFC 4303, AES-GCM per RFC 4106). */
#include "esp_frame.h"

#include <string.h>

static void put16(uint8_t *at, uint32_t value) { at[0] = (uint8_t)(value >> 8), at[1] = (uint8_t)value; }
static void put32(uint8_t *at, uint32_t value) { put16(at, value >> 16), put16(at + 2, value); }
static uint32_t get16(const uint8_t *at) { return (uint32_t)at[0] << 8 | at[1]; }
static uint32_t get32(const uint8_t *at) { return get16(at) << 16 | get16(at + 2); }

/* A 20-byte IPv4 header with its checksum. */
static void ipv4_header(uint8_t *header, uint32_t total_length, uint8_t protocol, uint32_t source, uint32_t destination, uint16_t identification) {
  memset(header, 0, 20);
  header[0] = 0x45;
  put16(header + 2, total_length);
  put16(header + 4, identification);
  header[6] = 0x40; /* don't fragment */
  header[8] = 64;
  header[9] = protocol;
  put32(header + 12, source);
  put32(header + 16, destination);
  uint32_t sum = 0;
  for (int index = 0; index < 20; index += 2) sum += get16(header + index);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  put16(header + 10, ~sum & 0xffff);
}

/* The inner IPv4/UDP packet: 10.0.0.1 to 10.0.0.2, the sequence number first in its payload, then filler. */
static void inner_packet(uint8_t *inner, uint32_t sequence, uint16_t inner_bytes) {
  ipv4_header(inner, inner_bytes, 17, 0x0a000001u, 0x0a000002u, (uint16_t)sequence);
  put16(inner + 20, 49152);
  put16(inner + 22, 49200);
  put16(inner + 24, inner_bytes - 20u);
  put16(inner + 26, 0); /* no UDP checksum */
  put32(inner + 28, sequence);
  for (size_t index = 32; index < inner_bytes; index++) inner[index] = (uint8_t)(index * 31 + sequence * 7);
}

static const uint8_t host_mac[6] = {2, 0, 0, 0, 0, 1}, peer_mac[6] = {2, 0, 0, 0, 0, 2};

static void ethernet_header(uint8_t *frame) {
  memcpy(frame, peer_mac, 6);
  memcpy(frame + 6, host_mac, 6);
  put16(frame + 12, 0x0800);
}

size_t esp_frame_outbound(uint8_t *frame, const esp_sa *sa, uint32_t esp_sequence, uint32_t sequence, uint16_t inner_bytes) {
  size_t padding = (4 - (inner_bytes + 2u) % 4) % 4;
  size_t esp_bytes = 8 + 8 + inner_bytes + padding + 2 + ESP_ICV_BYTES;
  ethernet_header(frame);
  ipv4_header(frame + 14, (uint32_t)(20 + esp_bytes), 50, sa->source, sa->destination, (uint16_t)esp_sequence);
  uint8_t *esp = frame + 34;
  put32(esp, sa->spi);
  put32(esp + 4, esp_sequence);
  // The IV: the 64-bit sequence number, unique under the key as RFC 4106 asks.
  put32(esp + 8, 0);
  put32(esp + 12, esp_sequence);
  uint8_t *inner = frame + ESP_INNER_OFFSET;
  inner_packet(inner, sequence, inner_bytes);
  uint8_t *trailer = inner + inner_bytes;
  for (size_t index = 0; index < padding; index++) trailer[index] = (uint8_t)(index + 1);
  trailer[padding] = (uint8_t)padding;
  trailer[padding + 1] = 4; /* next header: IPv4 (tunnel mode) */
  memset(trailer + padding + 2, 0, ESP_ICV_BYTES);
  return 34 + esp_bytes;
}

long esp_frame_inbound_sequence(const uint8_t *frame, size_t length, uint32_t spi) {
  if (length < ESP_INNER_OFFSET + 32 + 2 + ESP_ICV_BYTES || get16(frame + 12) != 0x0800 || frame[14 + 9] != 50) return -1;
  if (get32(frame + 34) != spi) return -1;
  const uint8_t *trailer_end = frame + length - ESP_ICV_BYTES;
  if (trailer_end[-1] != 4) return -1;
  const uint8_t *inner = frame + ESP_INNER_OFFSET;
  size_t inner_bytes = (size_t)(trailer_end - 2 - trailer_end[-2] - inner);
  if (inner_bytes < 32 || get16(inner + 2) != inner_bytes || inner[9] != 17) return -1;
  return (long)get32(inner + 28);
}

size_t plain_frame(uint8_t *frame, uint32_t sequence, uint16_t inner_bytes) {
  ethernet_header(frame);
  inner_packet(frame + 14, sequence, inner_bytes);
  return 14u + inner_bytes;
}

long plain_frame_sequence(const uint8_t *frame, size_t length) {
  if (length < 14 + 32 || get16(frame + 12) != 0x0800 || frame[14 + 9] != 17 || get16(frame + 14 + 2) != length - 14) return -1;
  return (long)get32(frame + 14 + 28);
}
