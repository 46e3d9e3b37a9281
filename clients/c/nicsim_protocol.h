/*
 * The device protocol of `nicsim serve` (docs/device-protocol.md). Generated from
 * hw/spec/device-protocol.ts by `npm run protocol`: do not edit; a test fails when it is stale.
 *
 * NICSIM_MSG_<NAME> is a message type, NICSIM_MSG_<NAME>_FIXED_BYTES its length without its tail (its whole
 * length when it has none). A field is NICSIM_MSG_<NAME>_<FIELD>_OFFSET and _SIZE from the start of the
 * message, little-endian: read and write it with NICSIM_READ / NICSIM_WRITE (nicsim_device.h). A tail
 * (bytes or text to the end of the message) has _OFFSET, _MIN and _MAX.
 */
#ifndef NICSIM_PROTOCOL_H
#define NICSIM_PROTOCOL_H

#include "nicsim_device.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "NSIM", HELLO.magic */
#define NICSIM_PROTOCOL_MAGIC 0x4D49534Eu
#define NICSIM_PROTOCOL_VERSION_MAJOR 1u
#define NICSIM_PROTOCOL_VERSION_MINOR 0u
#define NICSIM_MSG_HEADER_BYTES 8u
/* Bytes of the whole message, header included */
#define NICSIM_MSG_HEADER_LENGTH_OFFSET 0u
#define NICSIM_MSG_HEADER_LENGTH_SIZE 4u
/* The message type (the tables below) */
#define NICSIM_MSG_HEADER_TYPE_OFFSET 4u
#define NICSIM_MSG_HEADER_TYPE_SIZE 4u
/* The longest message */
#define NICSIM_MSG_MAX_BYTES 65552u
/* The most data bytes in one memory message */
#define NICSIM_MSG_MAX_DATA_BYTES 65536u
/* The longest text field */
#define NICSIM_MSG_MAX_TEXT_BYTES 4096u
/* A WAIT duration or WAIT_INTERRUPT timeout without a limit (nicsim_wait, nicsim_wait_interrupt) */
#define NICSIM_WAIT_FOREVER UINT64_C(0xFFFFFFFFFFFFFFFF)
/* Durations and timeouts from here up (2^53 ps) have no limit either */
#define NICSIM_WAIT_FOREVER_FROM UINT64_C(9007199254740992)

/* HELLO (request): The first message of a connection: the client's protocol version. A major version other than the server's is refused (VERSION). */
#define NICSIM_MSG_HELLO 0x01u
#define NICSIM_MSG_HELLO_FIXED_BYTES 16u
/* 0x4d49534e ("NSIM") */
#define NICSIM_MSG_HELLO_MAGIC_OFFSET 8u
#define NICSIM_MSG_HELLO_MAGIC_SIZE 4u
/* Protocol major version the client speaks */
#define NICSIM_MSG_HELLO_MAJOR_OFFSET 12u
#define NICSIM_MSG_HELLO_MAJOR_SIZE 2u
/* Protocol minor version the client speaks */
#define NICSIM_MSG_HELLO_MINOR_OFFSET 14u
#define NICSIM_MSG_HELLO_MINOR_SIZE 2u
/* The client's name, for the summary (UTF-8, no control characters) (text, to the end of the message) */
#define NICSIM_MSG_HELLO_CLIENT_NAME_OFFSET 16u
#define NICSIM_MSG_HELLO_CLIENT_NAME_MIN 0u
#define NICSIM_MSG_HELLO_CLIENT_NAME_MAX 4096u

/* HELLO_REPLY (reply): The server's version and the device: its queues, its MSI-X vectors, the CPU cost of a call and the time now. */
#define NICSIM_MSG_HELLO_REPLY 0x81u
#define NICSIM_MSG_HELLO_REPLY_FIXED_BYTES 40u
/* As in HELLO */
#define NICSIM_MSG_HELLO_REPLY_MAGIC_OFFSET 8u
#define NICSIM_MSG_HELLO_REPLY_MAGIC_SIZE 4u
/* Protocol major version of the server */
#define NICSIM_MSG_HELLO_REPLY_MAJOR_OFFSET 12u
#define NICSIM_MSG_HELLO_REPLY_MAJOR_SIZE 2u
/* Protocol minor version of the server */
#define NICSIM_MSG_HELLO_REPLY_MINOR_OFFSET 14u
#define NICSIM_MSG_HELLO_REPLY_MINOR_SIZE 2u
/* Queue pairs of the device (STATUS.QUEUES) */
#define NICSIM_MSG_HELLO_REPLY_QUEUES_OFFSET 16u
#define NICSIM_MSG_HELLO_REPLY_QUEUES_SIZE 2u
/* MSI-X vectors: one per queue, then the error vector */
#define NICSIM_MSG_HELLO_REPLY_VECTORS_OFFSET 18u
#define NICSIM_MSG_HELLO_REPLY_VECTORS_SIZE 2u
/* Most data bytes in one memory message (65536) */
#define NICSIM_MSG_HELLO_REPLY_MAX_DATA_OFFSET 20u
#define NICSIM_MSG_HELLO_REPLY_MAX_DATA_SIZE 4u
/* Simulated CPU time every request costs the client, ps */
#define NICSIM_MSG_HELLO_REPLY_CALL_PS_OFFSET 24u
#define NICSIM_MSG_HELLO_REPLY_CALL_PS_SIZE 8u
/* Simulated time now, ps */
#define NICSIM_MSG_HELLO_REPLY_TIME_PS_OFFSET 32u
#define NICSIM_MSG_HELLO_REPLY_TIME_PS_SIZE 8u

/* GOODBYE (request): The client is done: the run ends here, its files are written, and the server closes the connection after the reply. */
#define NICSIM_MSG_GOODBYE 0x02u
#define NICSIM_MSG_GOODBYE_FIXED_BYTES 8u

/* GOODBYE_REPLY (reply): The run is over at this time. */
#define NICSIM_MSG_GOODBYE_REPLY 0x82u
#define NICSIM_MSG_GOODBYE_REPLY_FIXED_BYTES 16u
/* Simulated time at the end of the run, ps */
#define NICSIM_MSG_GOODBYE_REPLY_TIME_PS_OFFSET 8u
#define NICSIM_MSG_GOODBYE_REPLY_TIME_PS_SIZE 8u

/* MMIO_READ (request): Read a 32-bit device register. The client waits for the read's round trip (the NIC's mmioReadNanoseconds); a read does not pass posted writes. */
#define NICSIM_MSG_MMIO_READ 0x03u
#define NICSIM_MSG_MMIO_READ_FIXED_BYTES 12u
/* Register offset in BAR0 (clients/c/nicsim_device.h) */
#define NICSIM_MSG_MMIO_READ_OFFSET_OFFSET 8u
#define NICSIM_MSG_MMIO_READ_OFFSET_SIZE 4u

/* MMIO_READ_REPLY (reply): The register's value, and the time the read completed (the client's time from then on). */
#define NICSIM_MSG_MMIO_READ_REPLY 0x83u
#define NICSIM_MSG_MMIO_READ_REPLY_FIXED_BYTES 24u
/* As in the request */
#define NICSIM_MSG_MMIO_READ_REPLY_OFFSET_OFFSET 8u
#define NICSIM_MSG_MMIO_READ_REPLY_OFFSET_SIZE 4u
/* The register's value */
#define NICSIM_MSG_MMIO_READ_REPLY_VALUE_OFFSET 12u
#define NICSIM_MSG_MMIO_READ_REPLY_VALUE_SIZE 4u
/* Simulated time the read completed, ps */
#define NICSIM_MSG_MMIO_READ_REPLY_TIME_PS_OFFSET 16u
#define NICSIM_MSG_MMIO_READ_REPLY_TIME_PS_SIZE 8u

/* MMIO_WRITE (posted): Write a 32-bit device register: posted, it reaches the device mmioWriteNanoseconds later, in order with the other writes. */
#define NICSIM_MSG_MMIO_WRITE 0x04u
#define NICSIM_MSG_MMIO_WRITE_FIXED_BYTES 16u
/* Register offset in BAR0 */
#define NICSIM_MSG_MMIO_WRITE_OFFSET_OFFSET 8u
#define NICSIM_MSG_MMIO_WRITE_OFFSET_SIZE 4u
/* The value written */
#define NICSIM_MSG_MMIO_WRITE_VALUE_OFFSET 12u
#define NICSIM_MSG_MMIO_WRITE_VALUE_SIZE 4u

/* ALLOCATE (request): Allocate a region of host memory the device may reach by DMA (rings, buffers, SA records). Each region is followed by an unmapped red zone. */
#define NICSIM_MSG_ALLOCATE 0x05u
#define NICSIM_MSG_ALLOCATE_FIXED_BYTES 16u
/* Size of the region */
#define NICSIM_MSG_ALLOCATE_BYTES_OFFSET 8u
#define NICSIM_MSG_ALLOCATE_BYTES_SIZE 4u
/* Alignment of its address: a power of two */
#define NICSIM_MSG_ALLOCATE_ALIGNMENT_OFFSET 12u
#define NICSIM_MSG_ALLOCATE_ALIGNMENT_SIZE 4u
/* What the region is, as memory errors name it (UTF-8, no control characters) (text, to the end of the message) */
#define NICSIM_MSG_ALLOCATE_LABEL_OFFSET 16u
#define NICSIM_MSG_ALLOCATE_LABEL_MIN 1u
#define NICSIM_MSG_ALLOCATE_LABEL_MAX 4096u

/* ALLOCATE_REPLY (reply): Where the region is: its host address, the one the device sees. */
#define NICSIM_MSG_ALLOCATE_REPLY 0x85u
#define NICSIM_MSG_ALLOCATE_REPLY_FIXED_BYTES 20u
/* Host address of the region */
#define NICSIM_MSG_ALLOCATE_REPLY_ADDRESS_OFFSET 8u
#define NICSIM_MSG_ALLOCATE_REPLY_ADDRESS_SIZE 8u
/* Its size, as asked */
#define NICSIM_MSG_ALLOCATE_REPLY_BYTES_OFFSET 16u
#define NICSIM_MSG_ALLOCATE_REPLY_BYTES_SIZE 4u

/* MEMORY_WRITE (posted): The client's write of host memory (descriptors, buffers, SA records), applied at the client's time: what the device reads from then on. */
#define NICSIM_MSG_MEMORY_WRITE 0x06u
#define NICSIM_MSG_MEMORY_WRITE_FIXED_BYTES 16u
/* Host address of the first byte */
#define NICSIM_MSG_MEMORY_WRITE_ADDRESS_OFFSET 8u
#define NICSIM_MSG_MEMORY_WRITE_ADDRESS_SIZE 8u
/* The bytes written (bytes, to the end of the message) */
#define NICSIM_MSG_MEMORY_WRITE_DATA_OFFSET 16u
#define NICSIM_MSG_MEMORY_WRITE_DATA_MIN 1u
#define NICSIM_MSG_MEMORY_WRITE_DATA_MAX 65536u

/* MEMORY_READ (request): Read the server's copy of host memory (a client that keeps no copy of its own). */
#define NICSIM_MSG_MEMORY_READ 0x07u
#define NICSIM_MSG_MEMORY_READ_FIXED_BYTES 20u
/* Host address of the first byte */
#define NICSIM_MSG_MEMORY_READ_ADDRESS_OFFSET 8u
#define NICSIM_MSG_MEMORY_READ_ADDRESS_SIZE 8u
/* Bytes to read */
#define NICSIM_MSG_MEMORY_READ_BYTES_OFFSET 16u
#define NICSIM_MSG_MEMORY_READ_BYTES_SIZE 4u

/* MEMORY_READ_REPLY (reply): The bytes read. */
#define NICSIM_MSG_MEMORY_READ_REPLY 0x87u
#define NICSIM_MSG_MEMORY_READ_REPLY_FIXED_BYTES 16u
/* As in the request */
#define NICSIM_MSG_MEMORY_READ_REPLY_ADDRESS_OFFSET 8u
#define NICSIM_MSG_MEMORY_READ_REPLY_ADDRESS_SIZE 8u
/* The bytes (bytes, to the end of the message) */
#define NICSIM_MSG_MEMORY_READ_REPLY_DATA_OFFSET 16u
#define NICSIM_MSG_MEMORY_READ_REPLY_DATA_MIN 1u
#define NICSIM_MSG_MEMORY_READ_REPLY_DATA_MAX 65536u

/* WAIT (request): Let simulated time pass: the client's time moves on by the duration. Without a limit (WAIT_FOREVER), the model runs until nothing is left to happen in it (no event pending), and the reply says when that was. */
#define NICSIM_MSG_WAIT 0x08u
#define NICSIM_MSG_WAIT_FIXED_BYTES 16u
/* How long, ps; from 2^53 (WAIT_FOREVER = 2^64 - 1), or past the last time the model can represent: no limit */
#define NICSIM_MSG_WAIT_DURATION_PS_OFFSET 8u
#define NICSIM_MSG_WAIT_DURATION_PS_SIZE 8u

/* WAIT_INTERRUPT (request): Wait for an interrupt message of a vector in the mask, at most the timeout: returns at once if one is already latched, else at the first one or when the timeout has passed. Without a limit (WAIT_FOREVER), it returns at the first one, or with vectors 0 once nothing is left to happen in the model (no event pending: no interrupt can come any more). */
#define NICSIM_MSG_WAIT_INTERRUPT 0x09u
#define NICSIM_MSG_WAIT_INTERRUPT_FIXED_BYTES 20u
/* The longest wait, ps (0: only look); from 2^53 (WAIT_FOREVER = 2^64 - 1), or past the last time the model can represent: no limit */
#define NICSIM_MSG_WAIT_INTERRUPT_TIMEOUT_PS_OFFSET 8u
#define NICSIM_MSG_WAIT_INTERRUPT_TIMEOUT_PS_SIZE 8u
/* Bit v: vector v (bits beyond the device's vectors are refused) */
#define NICSIM_MSG_WAIT_INTERRUPT_MASK_OFFSET 16u
#define NICSIM_MSG_WAIT_INTERRUPT_MASK_SIZE 4u

/* WAIT_REPLY (reply): The wait is over: the time, the vectors delivered (cleared from the latch) and those still latched. */
#define NICSIM_MSG_WAIT_REPLY 0x88u
#define NICSIM_MSG_WAIT_REPLY_FIXED_BYTES 24u
/* Simulated time now, ps */
#define NICSIM_MSG_WAIT_REPLY_TIME_PS_OFFSET 8u
#define NICSIM_MSG_WAIT_REPLY_TIME_PS_SIZE 8u
/* WAIT_INTERRUPT: the latched vectors in its mask, delivered now (0: the timeout passed); WAIT: 0 */
#define NICSIM_MSG_WAIT_REPLY_VECTORS_OFFSET 16u
#define NICSIM_MSG_WAIT_REPLY_VECTORS_SIZE 4u
/* Vectors still latched, not delivered */
#define NICSIM_MSG_WAIT_REPLY_PENDING_OFFSET 20u
#define NICSIM_MSG_WAIT_REPLY_PENDING_SIZE 4u

/* PEER_SA (posted): Give the remote peer one end of an ESP SA (AES-GCM, tunnel mode): direction 0, the peer decrypts what the host sends under it; 1, the peer encrypts what it sends to the host. The SA goes into the run's esp_sa file, the one place keys are written. */
#define NICSIM_MSG_PEER_SA 0x0Au
#define NICSIM_MSG_PEER_SA_FIXED_BYTES 22u
/* The SA's SPI */
#define NICSIM_MSG_PEER_SA_SPI_OFFSET 8u
#define NICSIM_MSG_PEER_SA_SPI_SIZE 4u
/* Tunnel source IPv4 address (a.b.c.d as a << 24 | b << 16 | c << 8 | d) */
#define NICSIM_MSG_PEER_SA_SOURCE_OFFSET 12u
#define NICSIM_MSG_PEER_SA_SOURCE_SIZE 4u
/* Tunnel destination IPv4 address */
#define NICSIM_MSG_PEER_SA_DESTINATION_OFFSET 16u
#define NICSIM_MSG_PEER_SA_DESTINATION_SIZE 4u
/* 0: host to peer (the peer decrypts), 1: peer to host (the peer encrypts) */
#define NICSIM_MSG_PEER_SA_DIRECTION_OFFSET 20u
#define NICSIM_MSG_PEER_SA_DIRECTION_SIZE 1u
/* ICV length: 8, 12 or 16 */
#define NICSIM_MSG_PEER_SA_ICV_BYTES_OFFSET 21u
#define NICSIM_MSG_PEER_SA_ICV_BYTES_SIZE 1u
/* AES key (16 or 32 bytes) followed by the 4-byte salt: 20 or 36 bytes (bytes, to the end of the message) */
#define NICSIM_MSG_PEER_SA_KEY_MATERIAL_OFFSET 22u
#define NICSIM_MSG_PEER_SA_KEY_MATERIAL_MIN 20u
#define NICSIM_MSG_PEER_SA_KEY_MATERIAL_MAX 36u

/* PEER_ECHO (posted): Whether the peer sends back what it receives: an ESP frame it decrypts goes back under its peer-to-host SA (or plain without one), a plain frame with its MAC addresses swapped. */
#define NICSIM_MSG_PEER_ECHO 0x0Bu
#define NICSIM_MSG_PEER_ECHO_FIXED_BYTES 9u
/* 1: echo, 0: only count */
#define NICSIM_MSG_PEER_ECHO_ENABLE_OFFSET 8u
#define NICSIM_MSG_PEER_ECHO_ENABLE_SIZE 1u

/* PEER_SEND (posted): The peer sends sequenced UDP frames to the host (the test frames of plain-traffic), from now, one every gap: plain, or through its peer-to-host SA. */
#define NICSIM_MSG_PEER_SEND 0x0Cu
#define NICSIM_MSG_PEER_SEND_FIXED_BYTES 24u
/* Time between two frames' starts, ps (the line may make it longer) */
#define NICSIM_MSG_PEER_SEND_GAP_PS_OFFSET 8u
#define NICSIM_MSG_PEER_SEND_GAP_PS_SIZE 8u
/* Frames to send */
#define NICSIM_MSG_PEER_SEND_COUNT_OFFSET 16u
#define NICSIM_MSG_PEER_SEND_COUNT_SIZE 4u
/* Frame length without FCS (plain) or inner packet length (ESP) */
#define NICSIM_MSG_PEER_SEND_BYTES_OFFSET 20u
#define NICSIM_MSG_PEER_SEND_BYTES_SIZE 2u
/* The frames' DSCP class and tag */
#define NICSIM_MSG_PEER_SEND_TRAFFIC_CLASS_OFFSET 22u
#define NICSIM_MSG_PEER_SEND_TRAFFIC_CLASS_SIZE 1u
/* 1: encrypt under the peer-to-host SA */
#define NICSIM_MSG_PEER_SEND_ESP_OFFSET 23u
#define NICSIM_MSG_PEER_SEND_ESP_SIZE 1u

/* PEER_STATUS (request): What the peer has seen and sent so far. */
#define NICSIM_MSG_PEER_STATUS 0x0Du
#define NICSIM_MSG_PEER_STATUS_FIXED_BYTES 8u

/* PEER_STATUS_REPLY (reply): The peer's counts. */
#define NICSIM_MSG_PEER_STATUS_REPLY 0x8Du
#define NICSIM_MSG_PEER_STATUS_REPLY_FIXED_BYTES 32u
/* Simulated time now, ps */
#define NICSIM_MSG_PEER_STATUS_REPLY_TIME_PS_OFFSET 8u
#define NICSIM_MSG_PEER_STATUS_REPLY_TIME_PS_SIZE 8u
/* Frames that reached the peer */
#define NICSIM_MSG_PEER_STATUS_REPLY_RECEIVED_OFFSET 16u
#define NICSIM_MSG_PEER_STATUS_REPLY_RECEIVED_SIZE 4u
/* ESP frames it decrypted and authenticated */
#define NICSIM_MSG_PEER_STATUS_REPLY_DECRYPTED_OFFSET 20u
#define NICSIM_MSG_PEER_STATUS_REPLY_DECRYPTED_SIZE 4u
/* ESP frames it refused (unknown SPI, ICV, replay, padding) */
#define NICSIM_MSG_PEER_STATUS_REPLY_REFUSED_OFFSET 24u
#define NICSIM_MSG_PEER_STATUS_REPLY_REFUSED_SIZE 4u
/* Frames it queued for the host (echoes and PEER_SEND) */
#define NICSIM_MSG_PEER_STATUS_REPLY_SENT_OFFSET 28u
#define NICSIM_MSG_PEER_STATUS_REPLY_SENT_SIZE 4u

/* MEMORY_UPDATE (notification): Host memory the device wrote (DMA) since the last reply: sent before that reply, with the bytes as they are when it is sent, so that the client's copy equals the server's whenever a reply arrives. */
#define NICSIM_MSG_MEMORY_UPDATE 0xC1u
#define NICSIM_MSG_MEMORY_UPDATE_FIXED_BYTES 16u
/* Host address of the first byte */
#define NICSIM_MSG_MEMORY_UPDATE_ADDRESS_OFFSET 8u
#define NICSIM_MSG_MEMORY_UPDATE_ADDRESS_SIZE 8u
/* The bytes now in host memory (bytes, to the end of the message) */
#define NICSIM_MSG_MEMORY_UPDATE_DATA_OFFSET 16u
#define NICSIM_MSG_MEMORY_UPDATE_DATA_MIN 1u
#define NICSIM_MSG_MEMORY_UPDATE_DATA_MAX 65536u

/* DIAGNOSTIC (notification): The device reported a driver mistake or a fault (the same text as in-process: top.nic.diagnostics); sent before the next reply. The device also logs it in ERRLOG and raises its ERROR cause, as in-process. */
#define NICSIM_MSG_DIAGNOSTIC 0xC2u
#define NICSIM_MSG_DIAGNOSTIC_FIXED_BYTES 20u
/* When the device reported it, ps */
#define NICSIM_MSG_DIAGNOSTIC_TIME_PS_OFFSET 8u
#define NICSIM_MSG_DIAGNOSTIC_TIME_PS_SIZE 8u
/* The error code (ERRLOG_CODE) */
#define NICSIM_MSG_DIAGNOSTIC_CODE_OFFSET 16u
#define NICSIM_MSG_DIAGNOSTIC_CODE_SIZE 4u
/* The diagnostic, in words (UTF-8, no control characters) (text, to the end of the message) */
#define NICSIM_MSG_DIAGNOSTIC_MESSAGE_OFFSET 20u
#define NICSIM_MSG_DIAGNOSTIC_MESSAGE_MIN 0u
#define NICSIM_MSG_DIAGNOSTIC_MESSAGE_MAX 4096u

/* ERROR (error): The server refused a message: the run ends, its files are written, and the connection is closed. */
#define NICSIM_MSG_ERROR 0xFFu
#define NICSIM_MSG_ERROR_FIXED_BYTES 16u
/* Protocol error code (below) */
#define NICSIM_MSG_ERROR_CODE_OFFSET 8u
#define NICSIM_MSG_ERROR_CODE_SIZE 4u
/* Type of the message refused (0 when its header could not be read) */
#define NICSIM_MSG_ERROR_MESSAGE_TYPE_OFFSET 12u
#define NICSIM_MSG_ERROR_MESSAGE_TYPE_SIZE 4u
/* What was wrong, naming the message and the field (UTF-8, no control characters) (text, to the end of the message) */
#define NICSIM_MSG_ERROR_MESSAGE_OFFSET 16u
#define NICSIM_MSG_ERROR_MESSAGE_MIN 0u
#define NICSIM_MSG_ERROR_MESSAGE_MAX 4096u

/* Protocol error codes (ERROR.code) */
/* The header cannot be a message's: a length below the header or above the largest message */
#define NICSIM_PROTOCOL_ERROR_MALFORMED 1u
/* No message has this type, or it is one only the server sends */
#define NICSIM_PROTOCOL_ERROR_UNKNOWN_TYPE 2u
/* The length is not the message's (fixed fields, and a tail within its bounds) */
#define NICSIM_PROTOCOL_ERROR_WRONG_LENGTH 3u
/* A field holds a value the message does not allow (named: message.field) */
#define NICSIM_PROTOCOL_ERROR_BAD_VALUE 4u
/* HELLO's major version is not the server's */
#define NICSIM_PROTOCOL_ERROR_VERSION 5u
/* A message out of order: anything before HELLO, a second HELLO, or a second client while one is served */
#define NICSIM_PROTOCOL_ERROR_ORDER 6u
/* A host memory access outside every region allocated (the same words as the in-process memory guard) */
#define NICSIM_PROTOCOL_ERROR_MEMORY 7u
/* The model failed while serving the message */
#define NICSIM_PROTOCOL_ERROR_SIMULATION 8u

/* The fixed length of a message type (header and fixed fields: its whole length without a tail), or 0 for a type no message has. */
static inline uint32_t nicsim_msg_fixed_bytes(uint32_t type) {
  switch (type) {
  case NICSIM_MSG_HELLO: return NICSIM_MSG_HELLO_FIXED_BYTES;
  case NICSIM_MSG_HELLO_REPLY: return NICSIM_MSG_HELLO_REPLY_FIXED_BYTES;
  case NICSIM_MSG_GOODBYE: return NICSIM_MSG_GOODBYE_FIXED_BYTES;
  case NICSIM_MSG_GOODBYE_REPLY: return NICSIM_MSG_GOODBYE_REPLY_FIXED_BYTES;
  case NICSIM_MSG_MMIO_READ: return NICSIM_MSG_MMIO_READ_FIXED_BYTES;
  case NICSIM_MSG_MMIO_READ_REPLY: return NICSIM_MSG_MMIO_READ_REPLY_FIXED_BYTES;
  case NICSIM_MSG_MMIO_WRITE: return NICSIM_MSG_MMIO_WRITE_FIXED_BYTES;
  case NICSIM_MSG_ALLOCATE: return NICSIM_MSG_ALLOCATE_FIXED_BYTES;
  case NICSIM_MSG_ALLOCATE_REPLY: return NICSIM_MSG_ALLOCATE_REPLY_FIXED_BYTES;
  case NICSIM_MSG_MEMORY_WRITE: return NICSIM_MSG_MEMORY_WRITE_FIXED_BYTES;
  case NICSIM_MSG_MEMORY_READ: return NICSIM_MSG_MEMORY_READ_FIXED_BYTES;
  case NICSIM_MSG_MEMORY_READ_REPLY: return NICSIM_MSG_MEMORY_READ_REPLY_FIXED_BYTES;
  case NICSIM_MSG_WAIT: return NICSIM_MSG_WAIT_FIXED_BYTES;
  case NICSIM_MSG_WAIT_INTERRUPT: return NICSIM_MSG_WAIT_INTERRUPT_FIXED_BYTES;
  case NICSIM_MSG_WAIT_REPLY: return NICSIM_MSG_WAIT_REPLY_FIXED_BYTES;
  case NICSIM_MSG_PEER_SA: return NICSIM_MSG_PEER_SA_FIXED_BYTES;
  case NICSIM_MSG_PEER_ECHO: return NICSIM_MSG_PEER_ECHO_FIXED_BYTES;
  case NICSIM_MSG_PEER_SEND: return NICSIM_MSG_PEER_SEND_FIXED_BYTES;
  case NICSIM_MSG_PEER_STATUS: return NICSIM_MSG_PEER_STATUS_FIXED_BYTES;
  case NICSIM_MSG_PEER_STATUS_REPLY: return NICSIM_MSG_PEER_STATUS_REPLY_FIXED_BYTES;
  case NICSIM_MSG_MEMORY_UPDATE: return NICSIM_MSG_MEMORY_UPDATE_FIXED_BYTES;
  case NICSIM_MSG_DIAGNOSTIC: return NICSIM_MSG_DIAGNOSTIC_FIXED_BYTES;
  case NICSIM_MSG_ERROR: return NICSIM_MSG_ERROR_FIXED_BYTES;
  default: return 0u;
  }
}

/* The longest tail (bytes or text to the end of the message) a message type has: 0 for one without a tail. */
static inline uint32_t nicsim_msg_tail_max(uint32_t type) {
  switch (type) {
  case NICSIM_MSG_HELLO: return NICSIM_MSG_HELLO_CLIENT_NAME_MAX;
  case NICSIM_MSG_HELLO_REPLY: return 0u;
  case NICSIM_MSG_GOODBYE: return 0u;
  case NICSIM_MSG_GOODBYE_REPLY: return 0u;
  case NICSIM_MSG_MMIO_READ: return 0u;
  case NICSIM_MSG_MMIO_READ_REPLY: return 0u;
  case NICSIM_MSG_MMIO_WRITE: return 0u;
  case NICSIM_MSG_ALLOCATE: return NICSIM_MSG_ALLOCATE_LABEL_MAX;
  case NICSIM_MSG_ALLOCATE_REPLY: return 0u;
  case NICSIM_MSG_MEMORY_WRITE: return NICSIM_MSG_MEMORY_WRITE_DATA_MAX;
  case NICSIM_MSG_MEMORY_READ: return 0u;
  case NICSIM_MSG_MEMORY_READ_REPLY: return NICSIM_MSG_MEMORY_READ_REPLY_DATA_MAX;
  case NICSIM_MSG_WAIT: return 0u;
  case NICSIM_MSG_WAIT_INTERRUPT: return 0u;
  case NICSIM_MSG_WAIT_REPLY: return 0u;
  case NICSIM_MSG_PEER_SA: return NICSIM_MSG_PEER_SA_KEY_MATERIAL_MAX;
  case NICSIM_MSG_PEER_ECHO: return 0u;
  case NICSIM_MSG_PEER_SEND: return 0u;
  case NICSIM_MSG_PEER_STATUS: return 0u;
  case NICSIM_MSG_PEER_STATUS_REPLY: return 0u;
  case NICSIM_MSG_MEMORY_UPDATE: return NICSIM_MSG_MEMORY_UPDATE_DATA_MAX;
  case NICSIM_MSG_DIAGNOSTIC: return NICSIM_MSG_DIAGNOSTIC_MESSAGE_MAX;
  case NICSIM_MSG_ERROR: return NICSIM_MSG_ERROR_MESSAGE_MAX;
  default: return 0u;
  }
}

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_PROTOCOL_H */
