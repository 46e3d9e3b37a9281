/* The test bench's remote peer, driven through the C client: see nicsim.h (PEER_* in docs/device-protocol.md). */
#include <string.h>

#include "nicsim_internal.h"

void nicsim_peer_sa(nicsim *device, uint32_t spi, uint32_t source, uint32_t destination, int direction, uint8_t icv_bytes, const uint8_t *key_material, size_t key_material_bytes) {
  // 20 and 36 (the key of AES-128 or AES-256, then the salt) are the only lengths from _MIN to _MAX.
  if (key_material_bytes != NICSIM_MSG_PEER_SA_KEY_MATERIAL_MIN && key_material_bytes != NICSIM_MSG_PEER_SA_KEY_MATERIAL_MAX) {
    nicsim_fail(device, "nicsim_peer_sa: key_material_bytes %zu; expected %u (AES-128 key and salt) or %u (AES-256 key and salt); nothing was sent", key_material_bytes, NICSIM_MSG_PEER_SA_KEY_MATERIAL_MIN, NICSIM_MSG_PEER_SA_KEY_MATERIAL_MAX);
    return;
  }
  // The field is a byte: a direction beyond it would be cut to another (256 to 0, host to peer) without a word.
  if (direction < 0 || direction > 0xFF) {
    nicsim_fail(device, "nicsim_peer_sa: direction %d does not fit PEER_SA.direction (0 to 255; 0 host to peer, 1 peer to host); nothing was sent", direction);
    return;
  }
  if (!key_material) {
    nicsim_fail(device, "nicsim_peer_sa: key_material is NULL; nothing was sent");
    return;
  }
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_PEER_SA, NICSIM_MSG_PEER_SA_FIXED_BYTES, key_material_bytes);
  if (!message) return;
  NICSIM_WRITE(message, MSG_PEER_SA_SPI, spi);
  NICSIM_WRITE(message, MSG_PEER_SA_SOURCE, source);
  NICSIM_WRITE(message, MSG_PEER_SA_DESTINATION, destination);
  NICSIM_WRITE(message, MSG_PEER_SA_DIRECTION, (uint32_t)direction);
  NICSIM_WRITE(message, MSG_PEER_SA_ICV_BYTES, icv_bytes);
  memcpy(message + NICSIM_MSG_PEER_SA_KEY_MATERIAL_OFFSET, key_material, key_material_bytes);
}

void nicsim_peer_echo(nicsim *device, int enable) {
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_PEER_ECHO, NICSIM_MSG_PEER_ECHO_FIXED_BYTES, 0);
  if (!message) return;
  NICSIM_WRITE(message, MSG_PEER_ECHO_ENABLE, enable ? 1u : 0u);
}

void nicsim_peer_send(nicsim *device, uint32_t count, uint64_t gap_ps, uint16_t bytes, uint8_t traffic_class, int esp) {
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_PEER_SEND, NICSIM_MSG_PEER_SEND_FIXED_BYTES, 0);
  if (!message) return;
  NICSIM_WRITE(message, MSG_PEER_SEND_GAP_PS, gap_ps);
  NICSIM_WRITE(message, MSG_PEER_SEND_COUNT, count);
  NICSIM_WRITE(message, MSG_PEER_SEND_BYTES, bytes);
  NICSIM_WRITE(message, MSG_PEER_SEND_TRAFFIC_CLASS, traffic_class);
  NICSIM_WRITE(message, MSG_PEER_SEND_ESP, esp ? 1u : 0u);
}

int nicsim_peer_status(nicsim *device, nicsim_peer_counts *counts) {
  if (device->failed) return -1;
  if (!nicsim_begin(device, NICSIM_MSG_PEER_STATUS, NICSIM_MSG_PEER_STATUS_FIXED_BYTES, 0)) return -1;
  size_t length;
  const uint8_t *reply = nicsim_exchange(device, NICSIM_MSG_PEER_STATUS_REPLY, &length);
  if (!reply) return -1;
  counts->time_ps = NICSIM_READ(reply, MSG_PEER_STATUS_REPLY_TIME_PS);
  counts->received = (uint32_t)NICSIM_READ(reply, MSG_PEER_STATUS_REPLY_RECEIVED);
  counts->decrypted = (uint32_t)NICSIM_READ(reply, MSG_PEER_STATUS_REPLY_DECRYPTED);
  counts->refused = (uint32_t)NICSIM_READ(reply, MSG_PEER_STATUS_REPLY_REFUSED);
  counts->sent = (uint32_t)NICSIM_READ(reply, MSG_PEER_STATUS_REPLY_SENT);
  return 0;
}
