/* The example's packets: an inner IPv4/UDP packet with a sequence number, carried in tunnel-mode ESP. */
#ifndef ESP_FRAME_H
#define ESP_FRAME_H

#include <stddef.h>
#include <stdint.h>

/* One end of an SA pair as the example keys it: AES-128-GCM, 16-byte ICV. */
typedef struct {
  uint32_t spi;
  uint32_t source, destination; /* tunnel addresses, a << 24 | b << 16 | c << 8 | d */
  uint8_t key_material[20];     /* AES key, then salt */
} esp_sa;

#define ESP_ICV_BYTES 16u
/* Ethernet, outer IPv4, ESP header and IV before the inner packet. */
#define ESP_INNER_OFFSET (14u + 20u + 8u + 8u)

/*
 * An Ethernet frame holding the ESP packet of `inner_bytes` of inner packet (sequence number
 * `sequence` in its UDP payload) as a NIC that encrypts inline wants it: header, IV, payload and
 * trailer in plaintext, the ICV left zero. Returns the frame's length.
 */
size_t esp_frame_outbound(uint8_t *frame, const esp_sa *sa, uint32_t esp_sequence, uint32_t sequence, uint16_t inner_bytes);

/*
 * The sequence number of the inner packet in a received frame the NIC decrypted in place (payload
 * and trailer in plaintext, ICV still at the end); -1 when it is not such a frame of our SA.
 */
long esp_frame_inbound_sequence(const uint8_t *frame, size_t length, uint32_t spi);

/* The same inner packet in a plain Ethernet frame (no ESP), and its sequence number back (-1: not one of ours). */
size_t plain_frame(uint8_t *frame, uint32_t sequence, uint16_t inner_bytes);
long plain_frame_sequence(const uint8_t *frame, size_t length);

#endif /* ESP_FRAME_H */
