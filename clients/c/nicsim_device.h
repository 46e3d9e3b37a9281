/*
 * The nicsim NIC's device interface: register offsets and fields, descriptor and SA record layouts,
 * error and field codes. Generated from hw/spec by `npm run c-header` (`nicsim c-header`): do not
 * edit; a test fails when this file is not what hw/spec generates.
 *
 * Names: NICSIM_<REGISTER> is an offset in BAR0; a register with one instance per queue (q), vector (v)
 * or word (w) is NICSIM_<REGISTER>(index) with NICSIM_<REGISTER>_STRIDE. A bit field F of a register or
 * of a layout's field has NICSIM_<..>_F_SHIFT, _WIDTH and _MASK (in place), _BIT when one bit wide, and
 * NICSIM_<..>_F_<VALUE> for its named values (field values, not shifted: use NICSIM_FIELD_PREP).
 * A layout field has NICSIM_<LAYOUT>_<FIELD>_OFFSET and _SIZE (bytes, little-endian): read and write it
 * with NICSIM_READ / NICSIM_WRITE. Error codes are NICSIM_ERROR_CODE_<NAME>, field codes
 * NICSIM_FIELD_CODE_<NAME>.
 */
#ifndef NICSIM_DEVICE_H
#define NICSIM_DEVICE_H

#include <stdint.h>

/* C++ includes this header too: its static_assert is C11's _Static_assert, and the functions keep C linkage. */
#ifdef __cplusplus
#define NICSIM_STATIC_ASSERT(condition, message) static_assert(condition, message)
extern "C" {
#else
#define NICSIM_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

/* The value of bit field FIELD (a name without NICSIM_ and _SHIFT/_MASK) in a register or field value. */
#define NICSIM_FIELD_GET(FIELD, value) ((((uint32_t)(value)) & NICSIM_##FIELD##_MASK) >> NICSIM_##FIELD##_SHIFT)
/* A field value put in place for FIELD (bits beyond its width are dropped). */
#define NICSIM_FIELD_PREP(FIELD, value) ((((uint32_t)(value)) << NICSIM_##FIELD##_SHIFT) & NICSIM_##FIELD##_MASK)
/* Read or write layout field FIELD (a name without NICSIM_ and _OFFSET/_SIZE) of an image in memory. */
#define NICSIM_READ(image, FIELD) nicsim_read_le((image), NICSIM_##FIELD##_OFFSET, NICSIM_##FIELD##_SIZE)
#define NICSIM_WRITE(image, FIELD, value) nicsim_write_le((image), NICSIM_##FIELD##_OFFSET, NICSIM_##FIELD##_SIZE, (value))

/* The little-endian value of `size` bytes (at most 8) at `offset` of an image. */
static inline uint64_t nicsim_read_le(const uint8_t *image, uint32_t offset, uint32_t size) {
  uint64_t value = 0;
  for (uint32_t index = size; index > 0; index--) value = (value << 8) | image[offset + index - 1];
  return value;
}

/* Write `value` little-endian into `size` bytes (at most 8) at `offset` of an image. */
static inline void nicsim_write_le(uint8_t *image, uint32_t offset, uint32_t size, uint64_t value) {
  for (uint32_t index = 0; index < size; index++) image[offset + index] = (uint8_t)(value >> (8 * index));
}

/* Limits of the register map and rings */
#define NICSIM_MAX_QUEUES 8u
#define NICSIM_RING_ALIGNMENT 128u
#define NICSIM_MAX_RING_DESCRIPTORS 32768u
#define NICSIM_REGISTER_MAP_END 0x6000u
#define NICSIM_MAX_RECEIVE_BUFFER 16384u
#define NICSIM_SA_STAGE_WORDS 32u
#define NICSIM_SA_QOS_MAP_WORDS 32u
#define NICSIM_DROP_REASON_COUNT 14u

/* Register map (32-bit registers, little-endian), in offset order */

/* CTRL (RW, reset 0x0): Device control */
#define NICSIM_CTRL 0x0000u
/* CTRL.TX_ENABLE: MAC transmit enabled; frames wait in the TX buffer while clear */
#define NICSIM_CTRL_TX_ENABLE_SHIFT 0u
#define NICSIM_CTRL_TX_ENABLE_WIDTH 1u
#define NICSIM_CTRL_TX_ENABLE_MASK 0x00000001u
#define NICSIM_CTRL_TX_ENABLE_BIT 0x00000001u
/* CTRL.RX_ENABLE: MAC receive enabled; frames arriving while clear are dropped (RX_DISABLED) */
#define NICSIM_CTRL_RX_ENABLE_SHIFT 1u
#define NICSIM_CTRL_RX_ENABLE_WIDTH 1u
#define NICSIM_CTRL_RX_ENABLE_MASK 0x00000002u
#define NICSIM_CTRL_RX_ENABLE_BIT 0x00000002u

/* STATUS (RO, reset 0x801): Device status */
#define NICSIM_STATUS 0x0004u
/* STATUS.LINK_UP: Link to the peer is up */
#define NICSIM_STATUS_LINK_UP_SHIFT 0u
#define NICSIM_STATUS_LINK_UP_WIDTH 1u
#define NICSIM_STATUS_LINK_UP_MASK 0x00000001u
#define NICSIM_STATUS_LINK_UP_BIT 0x00000001u
/* STATUS.ERROR: The error log holds at least one entry */
#define NICSIM_STATUS_ERROR_SHIFT 1u
#define NICSIM_STATUS_ERROR_WIDTH 1u
#define NICSIM_STATUS_ERROR_MASK 0x00000002u
#define NICSIM_STATUS_ERROR_BIT 0x00000002u
/* STATUS.QUEUES: Queue pairs this device was built with */
#define NICSIM_STATUS_QUEUES_SHIFT 8u
#define NICSIM_STATUS_QUEUES_WIDTH 8u
#define NICSIM_STATUS_QUEUES_MASK 0x0000FF00u

/* ERROR_COUNT (RO, reset 0x0): Errors logged since power-on (saturates at 2^32-1) */
#define NICSIM_ERROR_COUNT 0x0008u

/* MAXFRS (RO, reset 0x2400): The longest frame the device sends and accepts, bytes without FCS (the NIC's maxFrameBytes) */
#define NICSIM_MAXFRS 0x0010u

/* QUEUE_FAULTS (RO, reset 0x0): Queues the device disabled after a failed descriptor fetch (their FAULT bits); the fault is also logged, raising the ERROR cause */
#define NICSIM_QUEUE_FAULTS 0x0014u
/* QUEUE_FAULTS.TX: Bit q: TXDCTL[q].FAULT */
#define NICSIM_QUEUE_FAULTS_TX_SHIFT 0u
#define NICSIM_QUEUE_FAULTS_TX_WIDTH 8u
#define NICSIM_QUEUE_FAULTS_TX_MASK 0x000000FFu
/* QUEUE_FAULTS.RX: Bit q: RXDCTL[q].FAULT */
#define NICSIM_QUEUE_FAULTS_RX_SHIFT 8u
#define NICSIM_QUEUE_FAULTS_RX_WIDTH 8u
#define NICSIM_QUEUE_FAULTS_RX_MASK 0x0000FF00u

/* TXDMAX (RO, reset 0x40): The most descriptors a TX frame may take: those the device caches per TX queue (the NIC's tx.descriptorCache); in a ring, also at most its descriptors less one. A frame of more is refused (OVER_LENGTH_BUFFER) */
#define NICSIM_TXDMAX 0x0018u

/* ICR (R/W1C, reset 0x0): Interrupt cause; write 1 to clear a bit */
#define NICSIM_ICR 0x0100u
/* ICR.TX_DONE: Bit q: queue q wrote back a TX descriptor */
#define NICSIM_ICR_TX_DONE_SHIFT 0u
#define NICSIM_ICR_TX_DONE_WIDTH 8u
#define NICSIM_ICR_TX_DONE_MASK 0x000000FFu
/* ICR.RX_DONE: Bit q: queue q wrote back an RX descriptor */
#define NICSIM_ICR_RX_DONE_SHIFT 8u
#define NICSIM_ICR_RX_DONE_WIDTH 8u
#define NICSIM_ICR_RX_DONE_MASK 0x0000FF00u
/* ICR.ERROR: An error was logged (see ERRLOG_*) */
#define NICSIM_ICR_ERROR_SHIFT 31u
#define NICSIM_ICR_ERROR_WIDTH 1u
#define NICSIM_ICR_ERROR_MASK 0x80000000u
#define NICSIM_ICR_ERROR_BIT 0x80000000u

/* ICS (WO, reset 0x0): Interrupt cause set: write 1s to raise causes from software (fields as ICR; bits of queues the device does not have, and bits no cause holds, are ignored) */
#define NICSIM_ICS 0x0104u

/* IMS (RW, reset 0x0): Interrupt mask: read the enabled causes; write 1s to enable (bits of queues the device does not have, and bits no cause holds, stay 0). A vector that fires clears its causes here (auto-mask) until the driver sets them again */
#define NICSIM_IMS 0x0108u

/* IMC (WO, reset 0x0): Interrupt mask clear: write 1s to disable causes */
#define NICSIM_IMC 0x010Cu

/* EITR[v] (RW, reset 0x0): Moderation interval of vector v, ns: below the packet threshold, the vector fires no sooner than this after its previous interrupt (0: at once) */
#define NICSIM_EITR_STRIDE 0x04u
#define NICSIM_EITR(v) (0x0200u + 0x04u * (uint32_t)(v))

/* EITR_PACKETS[v] (RW, reset 0x0): Packet threshold of vector v: once this many frames were written back (each counted with the last of its descriptors written back) since its previous interrupt, it fires regardless of EITR (0: no threshold) */
#define NICSIM_EITR_PACKETS_STRIDE 0x04u
#define NICSIM_EITR_PACKETS(v) (0x0280u + 0x04u * (uint32_t)(v))

/* ERRLOG_COUNT (RO, reset 0x0): Entries waiting in the error log (oldest first; the log keeps the 64 most recent) */
#define NICSIM_ERRLOG_COUNT 0x0400u

/* ERRLOG_CODE (RO, reset 0x0): Error code of the oldest entry (see Error codes) */
#define NICSIM_ERRLOG_CODE 0x0404u

/* ERRLOG_LOCATION (RO, reset 0xFF): Where the oldest entry happened (QUEUE 0xFF alone while the log is empty) */
#define NICSIM_ERRLOG_LOCATION 0x0408u
/* ERRLOG_LOCATION.QUEUE: Queue, or 0xFF when no queue is involved */
#define NICSIM_ERRLOG_LOCATION_QUEUE_SHIFT 0u
#define NICSIM_ERRLOG_LOCATION_QUEUE_WIDTH 8u
#define NICSIM_ERRLOG_LOCATION_QUEUE_MASK 0x000000FFu
/* ERRLOG_LOCATION.DIRECTION: 0: transmit, 1: receive (the queue's; for an SA_COMMAND error, the table the command named) */
#define NICSIM_ERRLOG_LOCATION_DIRECTION_SHIFT 8u
#define NICSIM_ERRLOG_LOCATION_DIRECTION_WIDTH 1u
#define NICSIM_ERRLOG_LOCATION_DIRECTION_MASK 0x00000100u
#define NICSIM_ERRLOG_LOCATION_DIRECTION_BIT 0x00000100u
/* ERRLOG_LOCATION.FIELD: Field or register at fault (see Field codes) */
#define NICSIM_ERRLOG_LOCATION_FIELD_SHIFT 16u
#define NICSIM_ERRLOG_LOCATION_FIELD_WIDTH 8u
#define NICSIM_ERRLOG_LOCATION_FIELD_MASK 0x00FF0000u
/* ERRLOG_LOCATION.WITHHELD: 1: the value is not logged (ERRLOG_VALUE reads 0): a driver-written value that may be key words an SA record misdirected (a descriptor's CLASS or SA_HANDLE, an address far from host memory, a refused SA_COMMAND's value but SA_DUPLICATE's, which logs the entry holding the SA, and SA_RECORD_INVALID's for a record staged in SA_STAGE, which logs the byte offset of the field found wrong; one read through a pointer logs the pointer) */
#define NICSIM_ERRLOG_LOCATION_WITHHELD_SHIFT 24u
#define NICSIM_ERRLOG_LOCATION_WITHHELD_WIDTH 1u
#define NICSIM_ERRLOG_LOCATION_WITHHELD_MASK 0x01000000u
#define NICSIM_ERRLOG_LOCATION_WITHHELD_BIT 0x01000000u

/* ERRLOG_INDEX (RO, reset 0xFFFFFFFF): Descriptor index of the oldest entry: the descriptor whose field is at fault (a frame longer than MAXFRS: its last descriptor, where its length is known), or 0xFFFFFFFF where no descriptor is involved (SA commands, register accesses) and while the log is empty */
#define NICSIM_ERRLOG_INDEX 0x040Cu

/* ERRLOG_VALUE_LO (RO, reset 0x0): Offending value of the oldest entry, bits 31:0 */
#define NICSIM_ERRLOG_VALUE_LO 0x0410u

/* ERRLOG_VALUE_HI (RO, reset 0x0): Offending value of the oldest entry, bits 63:32 */
#define NICSIM_ERRLOG_VALUE_HI 0x0414u

/* ERRLOG_POP (WO, reset 0x0): Write any value to drop the oldest entry */
#define NICSIM_ERRLOG_POP 0x0418u

/* TDBAL[q] (RW, reset 0x0): TX ring base, bits 31:0; 128-byte aligned (one per queue) */
#define NICSIM_TDBAL_STRIDE 0x40u
#define NICSIM_TDBAL(q) (0x1000u + 0x40u * (uint32_t)(q))

/* TDBAH[q] (RW, reset 0x0): TX ring base, bits 63:32 */
#define NICSIM_TDBAH_STRIDE 0x40u
#define NICSIM_TDBAH(q) (0x1004u + 0x40u * (uint32_t)(q))

/* TDLEN[q] (RW, reset 0x0): TX ring length in bytes: a multiple of 128, at most 32768 descriptors */
#define NICSIM_TDLEN_STRIDE 0x40u
#define NICSIM_TDLEN(q) (0x1008u + 0x40u * (uint32_t)(q))

/* TDH[q] (RO, reset 0x0): TX head: the first descriptor of the oldest frame the device has not yet finished with, that is read into its TX packet buffer (and encrypted, for inline IPsec) or dropped; as on the 82599, a frame is finished with before it is on the wire (with TXDCTL.WTHRESH, the write-backs of those before it may still wait) */
#define NICSIM_TDH_STRIDE 0x40u
#define NICSIM_TDH(q) (0x1010u + 0x40u * (uint32_t)(q))

/* TDT[q] (RW, reset 0x0): TX tail (the doorbell): one past the last descriptor the driver has posted */
#define NICSIM_TDT_STRIDE 0x40u
#define NICSIM_TDT(q) (0x1018u + 0x40u * (uint32_t)(q))

/* TXDCTL[q] (RW, reset 0x0): TX queue control and state, and descriptor write-back coalescing (WTHRESH) */
#define NICSIM_TXDCTL_STRIDE 0x40u
#define NICSIM_TXDCTL(q) (0x1028u + 0x40u * (uint32_t)(q))
/* TXDCTL.ENABLE: Queue enabled; setting it on a disabled queue checks the ring's base and length (RX: and SRRCTL), logging every problem found (in that order) and refusing the enable if there is any, resets head and tail to 0 and clears FAULT (on a queue enabled already, a write with it set resets nothing: its frames go on, and only WTHRESH is taken). Clearing it stops the queue: the device fetches no more descriptors and lets go of those it holds, unsent and not written back (the driver's to reclaim; no drop is counted, as no frame was taken); frames it already started finish and are written back (BUSY) */
#define NICSIM_TXDCTL_ENABLE_SHIFT 0u
#define NICSIM_TXDCTL_ENABLE_WIDTH 1u
#define NICSIM_TXDCTL_ENABLE_MASK 0x00000001u
#define NICSIM_TXDCTL_ENABLE_BIT 0x00000001u
/* TXDCTL.FAULT: Read only: the device disabled the queue itself because a descriptor fetch failed (DMA_READ_ERROR, DMA_COMPLETION_TIMEOUT, DMA_UNMAPPED), logged as an error; TDFAULT/RDFAULT say which fetch. Cleared by setting ENABLE */
#define NICSIM_TXDCTL_FAULT_SHIFT 1u
#define NICSIM_TXDCTL_FAULT_WIDTH 1u
#define NICSIM_TXDCTL_FAULT_MASK 0x00000002u
#define NICSIM_TXDCTL_FAULT_BIT 0x00000002u
/* TXDCTL.BUSY: Read only: frames of the queue are still in the device: TX, frames taken off the ring whose write-backs are not yet in host memory; RX, write-backs not yet in host memory. After the queue is disabled, the driver waits for BUSY to clear before it cleans and resets the ring */
#define NICSIM_TXDCTL_BUSY_SHIFT 2u
#define NICSIM_TXDCTL_BUSY_WIDTH 1u
#define NICSIM_TXDCTL_BUSY_MASK 0x00000004u
#define NICSIM_TXDCTL_BUSY_BIT 0x00000004u
/* TXDCTL.WTHRESH: Write-back threshold (as the 82599's): 0 writes each RS descriptor's STATUS and ERROR back as its frame leaves; n > 0 keeps done descriptors, RS or not, until n wait (or the oldest has waited nic.tx.writeBackDelay, or the queue is disabled), then writes them back whole in one burst. A write that sets ENABLE on a disabled queue whose ring the device refuses (a bad base or length) is ignored whole, WTHRESH with it: write WTHRESH again once the ring is right */
#define NICSIM_TXDCTL_WTHRESH_SHIFT 16u
#define NICSIM_TXDCTL_WTHRESH_WIDTH 7u
#define NICSIM_TXDCTL_WTHRESH_MASK 0x007F0000u

/* TDFAULT[q] (RO, reset 0x0): The failed descriptor fetch that disabled TX queue q (TXDCTL.FAULT); 0 when none. To recover: clear TXDCTL.ENABLE, wait for TXDCTL.BUSY to clear, reap the descriptors written back (the others will never be sent), clear the ring, write TDBAL/TDBAH/TDLEN and set TXDCTL.ENABLE */
#define NICSIM_TDFAULT_STRIDE 0x40u
#define NICSIM_TDFAULT(q) (0x1030u + 0x40u * (uint32_t)(q))
/* TDFAULT.CODE: The fetch's error code (DMA_READ_ERROR, DMA_COMPLETION_TIMEOUT or DMA_UNMAPPED) */
#define NICSIM_TDFAULT_CODE_SHIFT 0u
#define NICSIM_TDFAULT_CODE_WIDTH 8u
#define NICSIM_TDFAULT_CODE_MASK 0x000000FFu
/* TDFAULT.INDEX: The first descriptor the failed fetch read: the frame it belongs to is the one the fault took. On TX the frames whose descriptors came before it are sent first (the fault takes its turn in ring order, after the fetches before it); on RX the buffers fetched before it are given up */
#define NICSIM_TDFAULT_INDEX_SHIFT 16u
#define NICSIM_TDFAULT_INDEX_WIDTH 16u
#define NICSIM_TDFAULT_INDEX_MASK 0xFFFF0000u

/* RDBAL[q] (RW, reset 0x0): RX ring base, bits 31:0; 128-byte aligned */
#define NICSIM_RDBAL_STRIDE 0x40u
#define NICSIM_RDBAL(q) (0x2000u + 0x40u * (uint32_t)(q))

/* RDBAH[q] (RW, reset 0x0): RX ring base, bits 63:32 */
#define NICSIM_RDBAH_STRIDE 0x40u
#define NICSIM_RDBAH(q) (0x2004u + 0x40u * (uint32_t)(q))

/* RDLEN[q] (RW, reset 0x0): RX ring length in bytes: a multiple of 128, at most 32768 descriptors */
#define NICSIM_RDLEN_STRIDE 0x40u
#define NICSIM_RDLEN(q) (0x2008u + 0x40u * (uint32_t)(q))

/* SRRCTL[q] (RW, reset 0x800): RX buffer size in bytes (1 to 16384); longer frames span several descriptors. A frame needing more buffers than the ring has descriptors less one is dropped (RX_RING_TOO_SHORT), as it could never be handed over */
#define NICSIM_SRRCTL_STRIDE 0x40u
#define NICSIM_SRRCTL(q) (0x200Cu + 0x40u * (uint32_t)(q))

/* RDH[q] (RO, reset 0x0): RX head: the next descriptor the device will fill. It moves as the device takes a frame's buffers, before its data and write-back are in host memory: reap by DD, not by RDH */
#define NICSIM_RDH_STRIDE 0x40u
#define NICSIM_RDH(q) (0x2010u + 0x40u * (uint32_t)(q))

/* RDT[q] (RW, reset 0x0): RX tail (the doorbell): one past the last buffer the driver has posted */
#define NICSIM_RDT_STRIDE 0x40u
#define NICSIM_RDT(q) (0x2018u + 0x40u * (uint32_t)(q))

/* RXDCTL[q] (RW, reset 0x0): RX queue control and state (ENABLE, FAULT and BUSY as TXDCTL). No prefetch thresholds to program: the queue fetches once half of its descriptor cache or of RDLEN's ring less one, whichever is smaller (all of it with one DMA read tag; at most a batch), is free and RDT gives that many to fetch (a fixed host threshold, where the 82599 has RXDCTL.HTHRESH); with 16 read tags or more also an eighth of the cache while 8 tags are spare and RDT gives that many; and at once for a frame waiting for more. So on a small ring up to that many posted buffers stay in host memory while the queue is idle */
#define NICSIM_RXDCTL_STRIDE 0x40u
#define NICSIM_RXDCTL(q) (0x2028u + 0x40u * (uint32_t)(q))
/* RXDCTL.ENABLE: Queue enabled; setting it on a disabled queue checks the ring's base and length (RX: and SRRCTL), logging every problem found (in that order) and refusing the enable if there is any, resets head and tail to 0 and clears FAULT (on a queue enabled already, a write with it set resets nothing: its frames go on, and only WTHRESH is taken). Clearing it stops the queue: the device fetches no more descriptors and lets go of those it holds, unsent and not written back (the driver's to reclaim; no drop is counted, as no frame was taken); frames it already started finish and are written back (BUSY) */
#define NICSIM_RXDCTL_ENABLE_SHIFT 0u
#define NICSIM_RXDCTL_ENABLE_WIDTH 1u
#define NICSIM_RXDCTL_ENABLE_MASK 0x00000001u
#define NICSIM_RXDCTL_ENABLE_BIT 0x00000001u
/* RXDCTL.FAULT: Read only: the device disabled the queue itself because a descriptor fetch failed (DMA_READ_ERROR, DMA_COMPLETION_TIMEOUT, DMA_UNMAPPED), logged as an error; TDFAULT/RDFAULT say which fetch. Cleared by setting ENABLE */
#define NICSIM_RXDCTL_FAULT_SHIFT 1u
#define NICSIM_RXDCTL_FAULT_WIDTH 1u
#define NICSIM_RXDCTL_FAULT_MASK 0x00000002u
#define NICSIM_RXDCTL_FAULT_BIT 0x00000002u
/* RXDCTL.BUSY: Read only: frames of the queue are still in the device: TX, frames taken off the ring whose write-backs are not yet in host memory; RX, write-backs not yet in host memory. After the queue is disabled, the driver waits for BUSY to clear before it cleans and resets the ring */
#define NICSIM_RXDCTL_BUSY_SHIFT 2u
#define NICSIM_RXDCTL_BUSY_WIDTH 1u
#define NICSIM_RXDCTL_BUSY_MASK 0x00000004u
#define NICSIM_RXDCTL_BUSY_BIT 0x00000004u

/* RDFAULT[q] (RO, reset 0x0): The failed descriptor fetch that disabled RX queue q (RXDCTL.FAULT); 0 when none. Frames for the queue that the device already holds wait for it in the RX packet buffer; frames arriving while it is disabled are dropped (RX_QUEUE_DISABLED). To recover: clear RXDCTL.ENABLE, wait for RXDCTL.BUSY to clear, take the descriptors written back, clear the ring, write RDBAL/RDBAH/RDLEN, set RXDCTL.ENABLE and give the buffers (RDT) */
#define NICSIM_RDFAULT_STRIDE 0x40u
#define NICSIM_RDFAULT(q) (0x2030u + 0x40u * (uint32_t)(q))
/* RDFAULT.CODE: The fetch's error code (DMA_READ_ERROR, DMA_COMPLETION_TIMEOUT or DMA_UNMAPPED) */
#define NICSIM_RDFAULT_CODE_SHIFT 0u
#define NICSIM_RDFAULT_CODE_WIDTH 8u
#define NICSIM_RDFAULT_CODE_MASK 0x000000FFu
/* RDFAULT.INDEX: The first descriptor the failed fetch read: the frame it belongs to is the one the fault took. On TX the frames whose descriptors came before it are sent first (the fault takes its turn in ring order, after the fetches before it); on RX the buffers fetched before it are given up */
#define NICSIM_RDFAULT_INDEX_SHIFT 16u
#define NICSIM_RDFAULT_INDEX_WIDTH 16u
#define NICSIM_RDFAULT_INDEX_MASK 0xFFFF0000u

/* TQPC[q] (RO, reset 0x0): Frames transmitted from queue q (wraps at 2^32) */
#define NICSIM_TQPC_STRIDE 0x20u
#define NICSIM_TQPC(q) (0x3000u + 0x20u * (uint32_t)(q))

/* TQBC[q] (RO, reset 0x0): Bytes transmitted from queue q as the line carried them, a short frame padded to 60, without FCS (wraps) */
#define NICSIM_TQBC_STRIDE 0x20u
#define NICSIM_TQBC(q) (0x3004u + 0x20u * (uint32_t)(q))

/* RQPC[q] (RO, reset 0x0): Frames delivered to queue q (wraps); not one whose buffers could not all be written or one of whose descriptor write-backs failed (a drop: RX_DMA_ERROR). A buffer freed while its posted write was on its way is not known to the device: its frame is counted, and only the DMA errors show it */
#define NICSIM_RQPC_STRIDE 0x20u
#define NICSIM_RQPC(q) (0x3008u + 0x20u * (uint32_t)(q))

/* RQBC[q] (RO, reset 0x0): Bytes of the frames RQPC counts, without FCS (wraps) */
#define NICSIM_RQBC_STRIDE 0x20u
#define NICSIM_RQBC(q) (0x300Cu + 0x20u * (uint32_t)(q))

/* RQDPC[q] (RO, reset 0x0): Frames for queue q dropped because the RX buffer was full (wraps) */
#define NICSIM_RQDPC_STRIDE 0x20u
#define NICSIM_RQDPC(q) (0x3010u + 0x20u * (uint32_t)(q))

/* DROP_COUNT[r] (RO, reset 0x0): Frames the device dropped for drop reason r, 0 to 13 (see Drop reasons), every queue and both directions (wraps) */
#define NICSIM_DROP_COUNT_STRIDE 0x04u
#define NICSIM_DROP_COUNT(r) (0x3200u + 0x04u * (uint32_t)(r))

/* SA_STAGE[w] (WO, reset 0x0): SA record image (128 bytes, hw/spec SA record layout) for the next SA_COMMAND install; write-only, as it holds key and salt bytes (a read returns 0 and logs WRITE_ONLY_REGISTER) */
#define NICSIM_SA_STAGE_STRIDE 0x04u
#define NICSIM_SA_STAGE(w) (0x5000u + 0x04u * (uint32_t)(w))

/* SA_COMMAND (WO, reset 0x0): Act on an SA table entry; the result is in SA_STATUS */
#define NICSIM_SA_COMMAND 0x5080u
/* SA_COMMAND.INDEX: Entry index; a TX descriptor names the SA in entry i by SA_HANDLE GENERATION << 16 | (i + 1), GENERATION from SA_STATUS after its install */
#define NICSIM_SA_COMMAND_INDEX_SHIFT 0u
#define NICSIM_SA_COMMAND_INDEX_WIDTH 16u
#define NICSIM_SA_COMMAND_INDEX_MASK 0x0000FFFFu
/* SA_COMMAND.DIRECTION: 0: TX table, 1: RX table */
#define NICSIM_SA_COMMAND_DIRECTION_SHIFT 16u
#define NICSIM_SA_COMMAND_DIRECTION_WIDTH 1u
#define NICSIM_SA_COMMAND_DIRECTION_MASK 0x00010000u
#define NICSIM_SA_COMMAND_DIRECTION_BIT 0x00010000u
/* SA_COMMAND.OPERATION: 1: install the staged record, 2: invalidate the entry, 3: invalidate the TX entry fetched through the pointer staged in SA_STAGE[0..1] (the pointer names the entry: INDEX and DIRECTION are not read), 4: install the record the device reads through the pointer staged in SA_STAGE[0..1] */
#define NICSIM_SA_COMMAND_OPERATION_SHIFT 24u
#define NICSIM_SA_COMMAND_OPERATION_WIDTH 3u
#define NICSIM_SA_COMMAND_OPERATION_MASK 0x07000000u
#define NICSIM_SA_COMMAND_OPERATION_INSTALL 1u
#define NICSIM_SA_COMMAND_OPERATION_INVALIDATE 2u
#define NICSIM_SA_COMMAND_OPERATION_INVALIDATE_POINTER 3u
#define NICSIM_SA_COMMAND_OPERATION_INSTALL_POINTER 4u
/* SA_COMMAND.REPLACE: With 1 or 4: the entry may hold an SA, which the new one replaces (work in progress keeps the old one). Without it an occupied entry refuses the install with SA_ENTRY_OCCUPIED. Either way an SA already in another entry is refused with SA_DUPLICATE */
#define NICSIM_SA_COMMAND_REPLACE_SHIFT 28u
#define NICSIM_SA_COMMAND_REPLACE_WIDTH 1u
#define NICSIM_SA_COMMAND_REPLACE_MASK 0x10000000u
#define NICSIM_SA_COMMAND_REPLACE_BIT 0x10000000u

/* SA_STATUS (RO, reset 0x0): Result of the last SA_COMMAND: 0, or an error code */
#define NICSIM_SA_STATUS 0x5084u
/* SA_STATUS.CODE: 0, or the error code of the last command (SA_COMMAND_BUSY for one refused while an INSTALL_POINTER read its record: ERRLOG has the install's own code if it failed) */
#define NICSIM_SA_STATUS_CODE_SHIFT 0u
#define NICSIM_SA_STATUS_CODE_WIDTH 16u
#define NICSIM_SA_STATUS_CODE_MASK 0x0000FFFFu
/* SA_STATUS.GENERATION: After an install (an INSTALL_POINTER's too when a command refused meanwhile holds CODE; 0 when it failed): the entry's new generation (1 to 32767, counting every fill of the entry, and wrapping from 32767 to 1: a handle held across 32767 fills of its entry would name it again). A handle names its SA until the entry is filled again or invalidated. The SA's handle, for TX descriptors' SA_HANDLE, is GENERATION << 16 | (entry + 1); a descriptor whose handle's generation is no longer the entry's is refused with STALE_SA_HANDLE */
#define NICSIM_SA_STATUS_GENERATION_SHIFT 16u
#define NICSIM_SA_STATUS_GENERATION_WIDTH 15u
#define NICSIM_SA_STATUS_GENERATION_MASK 0x7FFF0000u
/* SA_STATUS.BUSY: An INSTALL_POINTER is reading its record; a command written meanwhile is refused, and CODE says SA_COMMAND_BUSY at once (GENERATION reads 0 until the install is done) */
#define NICSIM_SA_STATUS_BUSY_SHIFT 31u
#define NICSIM_SA_STATUS_BUSY_WIDTH 1u
#define NICSIM_SA_STATUS_BUSY_MASK 0x80000000u
#define NICSIM_SA_STATUS_BUSY_BIT 0x80000000u

/* SA_TABLE_SIZE (RO, reset 0x4000400): Entries in each SA table */
#define NICSIM_SA_TABLE_SIZE 0x5088u
/* SA_TABLE_SIZE.TX: TX entries */
#define NICSIM_SA_TABLE_SIZE_TX_SHIFT 0u
#define NICSIM_SA_TABLE_SIZE_TX_WIDTH 16u
#define NICSIM_SA_TABLE_SIZE_TX_MASK 0x0000FFFFu
/* SA_TABLE_SIZE.RX: RX entries */
#define NICSIM_SA_TABLE_SIZE_RX_SHIFT 16u
#define NICSIM_SA_TABLE_SIZE_RX_WIDTH 16u
#define NICSIM_SA_TABLE_SIZE_RX_MASK 0xFFFF0000u

/* SA_CTRL (RW, reset 0x0): SA table control */
#define NICSIM_SA_CTRL 0x508Cu
/* SA_CTRL.POINTER_FETCH: TX misses are filled by reading the SA record through the descriptor's SA_POINTER (DMA) */
#define NICSIM_SA_CTRL_POINTER_FETCH_SHIFT 0u
#define NICSIM_SA_CTRL_POINTER_FETCH_WIDTH 1u
#define NICSIM_SA_CTRL_POINTER_FETCH_MASK 0x00000001u
#define NICSIM_SA_CTRL_POINTER_FETCH_BIT 0x00000001u

/* SA_TX_HITS (RO, reset 0x0): TX packets whose SA was in the table */
#define NICSIM_SA_TX_HITS 0x5090u

/* SA_TX_MISSES (RO, reset 0x0): TX packets whose SA was not in the table: an SA_HANDLE stale (its SA invalidated or replaced), 0 or naming an entry never filled (the packet dropped), or with pointer fetch an SA_POINTER not in the table (its record fetched; packets of one SA may wait for one fetch, so misses may exceed SA_FETCHES) */
#define NICSIM_SA_TX_MISSES 0x5094u

/* SA_RX_HITS (RO, reset 0x0): RX table lookups that found the ESP packet's SA, made as each packet arrives: packets then dropped (RX_QUEUE_DISABLED, RX_BUFFER_FULL, …) are counted, and a packet whose entry is invalidated before it is decrypted is counted here and delivered with SA_MISS */
#define NICSIM_SA_RX_HITS 0x5098u

/* SA_RX_MISSES (RO, reset 0x0): RX table lookups that did not find the ESP packet's SA, made as each packet arrives (packets then dropped are counted) */
#define NICSIM_SA_RX_MISSES 0x509Cu

/* SA_FETCHES (RO, reset 0x0): SA records read by DMA through a pointer */
#define NICSIM_SA_FETCHES 0x50A0u

/* SA_STALE_HANDLES (RO, reset 0x0): TX descriptors refused with STALE_SA_HANDLE: their handle's generation was no longer their entry's */
#define NICSIM_SA_STALE_HANDLES 0x50A4u

/* SA_QOS_MAP[w] (RW, reset 0x0): RX classification of ESP packets by their SA's ipsec_qos_group tag (seed 001): 32 words (w 0 to 31, tags 0 to 255), nibble t of word w is tag 8w + t, bit 3 valid, bits 2:0 traffic class; untagged SAs, SAs whose tag's nibble is not valid, and misses use the outer DSCP. A nibble without its valid bit is kept as 0: it reads back 0 whatever class bits were written */
#define NICSIM_SA_QOS_MAP_STRIDE 0x04u
#define NICSIM_SA_QOS_MAP(w) (0x5100u + 0x04u * (uint32_t)(w))

/* TX_SCHED[q] (RW, reset 0x0): How queue q (the traffic classes it carries) is served at frame start, at the wire and in both directions' crypto engines (LLQ and CBWFQ): strict classes first, highest q first; then each bandwidth class up to its guaranteed minimum; then the excess by REMAINING weights. Frames to the host are written from the RX packet buffer by the same policy */
#define NICSIM_TX_SCHED_STRIDE 0x04u
#define NICSIM_TX_SCHED(q) (0x5200u + 0x04u * (uint32_t)(q))
/* TX_SCHED.PERCENT: priority percent (STRICT) or bandwidth percent: the policed rate, or the guaranteed minimum, in percent of the line (0 to 100) */
#define NICSIM_TX_SCHED_PERCENT_SHIFT 0u
#define NICSIM_TX_SCHED_PERCENT_WIDTH 7u
#define NICSIM_TX_SCHED_PERCENT_MASK 0x0000007Fu
/* TX_SCHED.STRICT: A priority class: served before the others, policed to PERCENT under congestion (0: unpoliced), and its crypto jobs preempt other classes' */
#define NICSIM_TX_SCHED_STRICT_SHIFT 8u
#define NICSIM_TX_SCHED_STRICT_WIDTH 1u
#define NICSIM_TX_SCHED_STRICT_MASK 0x00000100u
#define NICSIM_TX_SCHED_STRICT_BIT 0x00000100u
/* TX_SCHED.REMAINING: bandwidth remaining percent: the weight in sharing the excess, what priority classes and minimums leave (a weight below 1 counts as 1); the driver gives classes without one an equal split of what the others leave of 100 */
#define NICSIM_TX_SCHED_REMAINING_SHIFT 16u
#define NICSIM_TX_SCHED_REMAINING_WIDTH 7u
#define NICSIM_TX_SCHED_REMAINING_MASK 0x007F0000u

/* TXPBSIZE[q] (RW, reset 0x14): Queue q's part of the TX packet buffer in KB, when the buffer is partitioned per class (the 82599's TXPBSIZE): frames of a queue wait for room in their own part, so no class's frames can take another's room. Reset: the buffer split equally over the queues (20 KB each of 160 KB over 8 queues; 40 KB over 4), at most the field's 1023 KB (a shared buffer, whose parts no frame waits on, may be larger than eight of them). A part below one longest frame, or parts adding up to more than the buffer, are refused with VALUE_OUT_OF_RANGE and the nearest valid size is used */
#define NICSIM_TXPBSIZE_STRIDE 0x04u
#define NICSIM_TXPBSIZE(q) (0x5240u + 0x04u * (uint32_t)(q))
/* TXPBSIZE.SIZE: KB of the TX packet buffer for queue q's frames: at least one longest frame (MAXFRS), all parts together at most the buffer */
#define NICSIM_TXPBSIZE_SIZE_SHIFT 0u
#define NICSIM_TXPBSIZE_SIZE_WIDTH 10u
#define NICSIM_TXPBSIZE_SIZE_MASK 0x000003FFu

#define NICSIM_DESCRIPTOR_BYTES 32u

/* TX descriptor (32 bytes), as the driver writes it; the device writes STATUS and ERROR back */
/* TX_DESCRIPTOR.BUFFER_ADDRESS, bytes 0..7: Host address of the buffer */
#define NICSIM_TX_DESCRIPTOR_BUFFER_ADDRESS_OFFSET 0u
#define NICSIM_TX_DESCRIPTOR_BUFFER_ADDRESS_SIZE 8u
/* TX_DESCRIPTOR.LENGTH, bytes 8..9: Bytes in the buffer (1 or more; a frame's buffers add up to at most the maximum frame) */
#define NICSIM_TX_DESCRIPTOR_LENGTH_OFFSET 8u
#define NICSIM_TX_DESCRIPTOR_LENGTH_SIZE 2u
/* TX_DESCRIPTOR.COMMAND, bytes 10..10: bit 0 EOP (last buffer of the frame), bit 1 RS (report status), bit 2 IPSEC (encrypt the frame's ESP packet: its payload and trailer are plaintext, its ICV is filled in). IPSEC, SA_HANDLE and SA_POINTER are the same on every descriptor of a frame (IPSEC_FIELDS_DIFFER otherwise). Bits 7:3 are reserved: the device ignores them (drivers write 0) */
#define NICSIM_TX_DESCRIPTOR_COMMAND_OFFSET 10u
#define NICSIM_TX_DESCRIPTOR_COMMAND_SIZE 1u
/* TX_DESCRIPTOR_COMMAND.EOP: Last buffer of the frame */
#define NICSIM_TX_DESCRIPTOR_COMMAND_EOP_SHIFT 0u
#define NICSIM_TX_DESCRIPTOR_COMMAND_EOP_WIDTH 1u
#define NICSIM_TX_DESCRIPTOR_COMMAND_EOP_MASK 0x00000001u
#define NICSIM_TX_DESCRIPTOR_COMMAND_EOP_BIT 0x00000001u
/* TX_DESCRIPTOR_COMMAND.RS: Report status: write the descriptor back with DD once the device has read its buffer */
#define NICSIM_TX_DESCRIPTOR_COMMAND_RS_SHIFT 1u
#define NICSIM_TX_DESCRIPTOR_COMMAND_RS_WIDTH 1u
#define NICSIM_TX_DESCRIPTOR_COMMAND_RS_MASK 0x00000002u
#define NICSIM_TX_DESCRIPTOR_COMMAND_RS_BIT 0x00000002u
/* TX_DESCRIPTOR_COMMAND.IPSEC: Encrypt the frame's ESP packet with the SA of SA_HANDLE (or SA_POINTER) */
#define NICSIM_TX_DESCRIPTOR_COMMAND_IPSEC_SHIFT 2u
#define NICSIM_TX_DESCRIPTOR_COMMAND_IPSEC_WIDTH 1u
#define NICSIM_TX_DESCRIPTOR_COMMAND_IPSEC_MASK 0x00000004u
#define NICSIM_TX_DESCRIPTOR_COMMAND_IPSEC_BIT 0x00000004u
/* TX_DESCRIPTOR.CLASS, bytes 11..11: Traffic class of the frame (0-7) */
#define NICSIM_TX_DESCRIPTOR_CLASS_OFFSET 11u
#define NICSIM_TX_DESCRIPTOR_CLASS_SIZE 1u
/* TX_DESCRIPTOR.SA_HANDLE, bytes 12..15: With IPSEC: the SA's handle, as SA_STATUS gave it at the install: bits 15:0 the TX SA table entry + 1, bits 30:16 the entry's generation (0: none; with SA_CTRL.POINTER_FETCH, look up by SA_POINTER instead) */
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_OFFSET 12u
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_SIZE 4u
/* TX_DESCRIPTOR_SA_HANDLE.ENTRY: SA table entry + 1 (0: no handle) */
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_ENTRY_SHIFT 0u
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_ENTRY_WIDTH 16u
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_ENTRY_MASK 0x0000FFFFu
/* TX_DESCRIPTOR_SA_HANDLE.GENERATION: The entry's generation when the handle was issued */
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_GENERATION_SHIFT 16u
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_GENERATION_WIDTH 15u
#define NICSIM_TX_DESCRIPTOR_SA_HANDLE_GENERATION_MASK 0x7FFF0000u
/* TX_DESCRIPTOR.SA_POINTER, bytes 16..23: Host address of the SA record (hw/spec SA record layout) */
#define NICSIM_TX_DESCRIPTOR_SA_POINTER_OFFSET 16u
#define NICSIM_TX_DESCRIPTOR_SA_POINTER_SIZE 8u
/* TX_DESCRIPTOR.OFFLOAD, bytes 24..25: Reserved: no flags are defined, the device does not read these bytes, and the drivers write 0 (offload is asked for by COMMAND bit 2, IPSEC) */
#define NICSIM_TX_DESCRIPTOR_OFFLOAD_OFFSET 24u
#define NICSIM_TX_DESCRIPTOR_OFFLOAD_SIZE 2u
/* TX_DESCRIPTOR.STATUS, bytes 28..28: Written back: bit 0 DD */
#define NICSIM_TX_DESCRIPTOR_STATUS_OFFSET 28u
#define NICSIM_TX_DESCRIPTOR_STATUS_SIZE 1u
/* TX_DESCRIPTOR_STATUS.DD: Descriptor done: the driver owns the descriptor again */
#define NICSIM_TX_DESCRIPTOR_STATUS_DD_SHIFT 0u
#define NICSIM_TX_DESCRIPTOR_STATUS_DD_WIDTH 1u
#define NICSIM_TX_DESCRIPTOR_STATUS_DD_MASK 0x00000001u
#define NICSIM_TX_DESCRIPTOR_STATUS_DD_BIT 0x00000001u
/* TX_DESCRIPTOR.ERROR, bytes 29..29: Written back: error code, 0 if none (see Error codes) */
#define NICSIM_TX_DESCRIPTOR_ERROR_OFFSET 29u
#define NICSIM_TX_DESCRIPTOR_ERROR_SIZE 1u
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_BUFFER_ADDRESS_OFFSET + NICSIM_TX_DESCRIPTOR_BUFFER_ADDRESS_SIZE <= NICSIM_TX_DESCRIPTOR_LENGTH_OFFSET, "TX_DESCRIPTOR.BUFFER_ADDRESS overlaps LENGTH");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_LENGTH_OFFSET + NICSIM_TX_DESCRIPTOR_LENGTH_SIZE <= NICSIM_TX_DESCRIPTOR_COMMAND_OFFSET, "TX_DESCRIPTOR.LENGTH overlaps COMMAND");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_COMMAND_OFFSET + NICSIM_TX_DESCRIPTOR_COMMAND_SIZE <= NICSIM_TX_DESCRIPTOR_CLASS_OFFSET, "TX_DESCRIPTOR.COMMAND overlaps CLASS");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_CLASS_OFFSET + NICSIM_TX_DESCRIPTOR_CLASS_SIZE <= NICSIM_TX_DESCRIPTOR_SA_HANDLE_OFFSET, "TX_DESCRIPTOR.CLASS overlaps SA_HANDLE");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_SA_HANDLE_OFFSET + NICSIM_TX_DESCRIPTOR_SA_HANDLE_SIZE <= NICSIM_TX_DESCRIPTOR_SA_POINTER_OFFSET, "TX_DESCRIPTOR.SA_HANDLE overlaps SA_POINTER");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_SA_POINTER_OFFSET + NICSIM_TX_DESCRIPTOR_SA_POINTER_SIZE <= NICSIM_TX_DESCRIPTOR_OFFLOAD_OFFSET, "TX_DESCRIPTOR.SA_POINTER overlaps OFFLOAD");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_OFFLOAD_OFFSET + NICSIM_TX_DESCRIPTOR_OFFLOAD_SIZE <= NICSIM_TX_DESCRIPTOR_STATUS_OFFSET, "TX_DESCRIPTOR.OFFLOAD overlaps STATUS");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_STATUS_OFFSET + NICSIM_TX_DESCRIPTOR_STATUS_SIZE <= NICSIM_TX_DESCRIPTOR_ERROR_OFFSET, "TX_DESCRIPTOR.STATUS overlaps ERROR");
NICSIM_STATIC_ASSERT(NICSIM_TX_DESCRIPTOR_ERROR_OFFSET + NICSIM_TX_DESCRIPTOR_ERROR_SIZE <= NICSIM_DESCRIPTOR_BYTES, "TX_DESCRIPTOR.ERROR ends past the layout");

/* RX descriptor (32 bytes): the driver writes BUFFER_ADDRESS, the device writes the rest back in one write */
/* RX_DESCRIPTOR.BUFFER_ADDRESS, bytes 0..7: Host address of a buffer of SRRCTL bytes (written by the driver) */
#define NICSIM_RX_DESCRIPTOR_BUFFER_ADDRESS_OFFSET 0u
#define NICSIM_RX_DESCRIPTOR_BUFFER_ADDRESS_SIZE 8u
/* RX_DESCRIPTOR.LENGTH, bytes 8..9: Written back: bytes placed in this buffer */
#define NICSIM_RX_DESCRIPTOR_LENGTH_OFFSET 8u
#define NICSIM_RX_DESCRIPTOR_LENGTH_SIZE 2u
/* RX_DESCRIPTOR.STATUS, bytes 10..10: Written back: bit 0 DD, bit 1 EOP, bit 2 IPSEC, bit 3 SA_MISS */
#define NICSIM_RX_DESCRIPTOR_STATUS_OFFSET 10u
#define NICSIM_RX_DESCRIPTOR_STATUS_SIZE 1u
/* RX_DESCRIPTOR_STATUS.DD: Descriptor done: the driver owns the descriptor again */
#define NICSIM_RX_DESCRIPTOR_STATUS_DD_SHIFT 0u
#define NICSIM_RX_DESCRIPTOR_STATUS_DD_WIDTH 1u
#define NICSIM_RX_DESCRIPTOR_STATUS_DD_MASK 0x00000001u
#define NICSIM_RX_DESCRIPTOR_STATUS_DD_BIT 0x00000001u
/* RX_DESCRIPTOR_STATUS.EOP: Last buffer of the frame */
#define NICSIM_RX_DESCRIPTOR_STATUS_EOP_SHIFT 1u
#define NICSIM_RX_DESCRIPTOR_STATUS_EOP_WIDTH 1u
#define NICSIM_RX_DESCRIPTOR_STATUS_EOP_MASK 0x00000002u
#define NICSIM_RX_DESCRIPTOR_STATUS_EOP_BIT 0x00000002u
/* RX_DESCRIPTOR_STATUS.IPSEC: The device decrypted and authenticated the packet */
#define NICSIM_RX_DESCRIPTOR_STATUS_IPSEC_SHIFT 2u
#define NICSIM_RX_DESCRIPTOR_STATUS_IPSEC_WIDTH 1u
#define NICSIM_RX_DESCRIPTOR_STATUS_IPSEC_MASK 0x00000004u
#define NICSIM_RX_DESCRIPTOR_STATUS_IPSEC_BIT 0x00000004u
/* RX_DESCRIPTOR_STATUS.SA_MISS: ESP packet whose SA is not in the device's table, or whose entry was invalidated before it was decrypted, delivered encrypted */
#define NICSIM_RX_DESCRIPTOR_STATUS_SA_MISS_SHIFT 3u
#define NICSIM_RX_DESCRIPTOR_STATUS_SA_MISS_WIDTH 1u
#define NICSIM_RX_DESCRIPTOR_STATUS_SA_MISS_MASK 0x00000008u
#define NICSIM_RX_DESCRIPTOR_STATUS_SA_MISS_BIT 0x00000008u
/* RX_DESCRIPTOR.ERROR, bytes 11..11: Written back: error code, 0 if none */
#define NICSIM_RX_DESCRIPTOR_ERROR_OFFSET 11u
#define NICSIM_RX_DESCRIPTOR_ERROR_SIZE 1u
/* RX_DESCRIPTOR.CLASS, bytes 12..12: Written back: traffic class the frame was queued by */
#define NICSIM_RX_DESCRIPTOR_CLASS_OFFSET 12u
#define NICSIM_RX_DESCRIPTOR_CLASS_SIZE 1u
/* RX_DESCRIPTOR.SPI, bytes 16..19: Written back: SPI of an ESP packet whose IP and ESP headers the device could read and trust; 0 for other frames, and for one flagged ESP_MALFORMED before its SPI was looked up (an IP length past the frame, a header cut short) */
#define NICSIM_RX_DESCRIPTOR_SPI_OFFSET 16u
#define NICSIM_RX_DESCRIPTOR_SPI_SIZE 4u
/* RX_DESCRIPTOR.SA_HANDLE, bytes 20..23: Written back: the handle of the RX SA table entry used (bits 15:0 entry + 1, bits 30:16 its generation); 0 with SA_MISS */
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_OFFSET 20u
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_SIZE 4u
/* RX_DESCRIPTOR_SA_HANDLE.ENTRY: SA table entry + 1 (0: no handle) */
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_ENTRY_SHIFT 0u
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_ENTRY_WIDTH 16u
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_ENTRY_MASK 0x0000FFFFu
/* RX_DESCRIPTOR_SA_HANDLE.GENERATION: The entry's generation when the handle was issued */
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_GENERATION_SHIFT 16u
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_GENERATION_WIDTH 15u
#define NICSIM_RX_DESCRIPTOR_SA_HANDLE_GENERATION_MASK 0x7FFF0000u
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_BUFFER_ADDRESS_OFFSET + NICSIM_RX_DESCRIPTOR_BUFFER_ADDRESS_SIZE <= NICSIM_RX_DESCRIPTOR_LENGTH_OFFSET, "RX_DESCRIPTOR.BUFFER_ADDRESS overlaps LENGTH");
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_LENGTH_OFFSET + NICSIM_RX_DESCRIPTOR_LENGTH_SIZE <= NICSIM_RX_DESCRIPTOR_STATUS_OFFSET, "RX_DESCRIPTOR.LENGTH overlaps STATUS");
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_STATUS_OFFSET + NICSIM_RX_DESCRIPTOR_STATUS_SIZE <= NICSIM_RX_DESCRIPTOR_ERROR_OFFSET, "RX_DESCRIPTOR.STATUS overlaps ERROR");
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_ERROR_OFFSET + NICSIM_RX_DESCRIPTOR_ERROR_SIZE <= NICSIM_RX_DESCRIPTOR_CLASS_OFFSET, "RX_DESCRIPTOR.ERROR overlaps CLASS");
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_CLASS_OFFSET + NICSIM_RX_DESCRIPTOR_CLASS_SIZE <= NICSIM_RX_DESCRIPTOR_SPI_OFFSET, "RX_DESCRIPTOR.CLASS overlaps SPI");
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_SPI_OFFSET + NICSIM_RX_DESCRIPTOR_SPI_SIZE <= NICSIM_RX_DESCRIPTOR_SA_HANDLE_OFFSET, "RX_DESCRIPTOR.SPI overlaps SA_HANDLE");
NICSIM_STATIC_ASSERT(NICSIM_RX_DESCRIPTOR_SA_HANDLE_OFFSET + NICSIM_RX_DESCRIPTOR_SA_HANDLE_SIZE <= NICSIM_DESCRIPTOR_BYTES, "RX_DESCRIPTOR.SA_HANDLE ends past the layout");
/* The write-backs: the device writes these bytes of a descriptor in one write (TX: STATUS, ERROR and zeros; RX: all after BUFFER_ADDRESS) */
#define NICSIM_TX_WRITE_BACK_OFFSET 28u
#define NICSIM_TX_WRITE_BACK_BYTES 4u
#define NICSIM_RX_WRITE_BACK_OFFSET 8u
#define NICSIM_RX_WRITE_BACK_BYTES 24u

/* SA record: 128 bytes in host memory, 64-byte aligned; also the image staged in SA_STAGE */
#define NICSIM_SA_RECORD_BYTES 128u
#define NICSIM_SA_RECORD_ALIGNMENT 64u
#define NICSIM_SA_RECORD_MAGIC 0x31524153u

/* SA record fields */
/* SA_RECORD.MAGIC, bytes 0..3: 0x31524153 ("SAR1"); cleared when the record is freed */
#define NICSIM_SA_RECORD_MAGIC_OFFSET 0u
#define NICSIM_SA_RECORD_MAGIC_SIZE 4u
/* SA_RECORD.RECORD_LENGTH, bytes 4..5: 128 */
#define NICSIM_SA_RECORD_RECORD_LENGTH_OFFSET 4u
#define NICSIM_SA_RECORD_RECORD_LENGTH_SIZE 2u
/* SA_RECORD.PROTOCOL, bytes 6..6: IP protocol: 50 (ESP) */
#define NICSIM_SA_RECORD_PROTOCOL_OFFSET 6u
#define NICSIM_SA_RECORD_PROTOCOL_SIZE 1u
#define NICSIM_SA_RECORD_PROTOCOL_ESP 50u
/* SA_RECORD.DIRECTION, bytes 7..7: 0 outbound, 1 inbound */
#define NICSIM_SA_RECORD_DIRECTION_OFFSET 7u
#define NICSIM_SA_RECORD_DIRECTION_SIZE 1u
#define NICSIM_SA_RECORD_DIRECTION_OUTBOUND 0u
#define NICSIM_SA_RECORD_DIRECTION_INBOUND 1u
/* SA_RECORD.UNIQUE_ID, bytes 8..11: The SA's unique id in the SADB */
#define NICSIM_SA_RECORD_UNIQUE_ID_OFFSET 8u
#define NICSIM_SA_RECORD_UNIQUE_ID_SIZE 4u
/* SA_RECORD.SPI, bytes 12..15: Security Parameter Index; 0 to 255 are reserved (RFC 4303 2.1) and refused */
#define NICSIM_SA_RECORD_SPI_OFFSET 12u
#define NICSIM_SA_RECORD_SPI_SIZE 4u
/* SA_RECORD.FLAGS, bytes 16..16: bit 0 ESN, bit 1 HAS_TAG, bit 2 IPv6 addresses; bits 3 to 7 reserved, 0 */
#define NICSIM_SA_RECORD_FLAGS_OFFSET 16u
#define NICSIM_SA_RECORD_FLAGS_SIZE 1u
/* SA_RECORD_FLAGS.ESN: Extended sequence numbers: the device refuses such a record (SA_RECORD_INVALID); the drivers keep ESN SAs in software */
#define NICSIM_SA_RECORD_FLAGS_ESN_SHIFT 0u
#define NICSIM_SA_RECORD_FLAGS_ESN_WIDTH 1u
#define NICSIM_SA_RECORD_FLAGS_ESN_MASK 0x00000001u
#define NICSIM_SA_RECORD_FLAGS_ESN_BIT 0x00000001u
/* SA_RECORD_FLAGS.HAS_TAG: QOS_GROUP holds an ipsec_qos_group tag; without it, classify by the inner DSCP */
#define NICSIM_SA_RECORD_FLAGS_HAS_TAG_SHIFT 1u
#define NICSIM_SA_RECORD_FLAGS_HAS_TAG_WIDTH 1u
#define NICSIM_SA_RECORD_FLAGS_HAS_TAG_MASK 0x00000002u
#define NICSIM_SA_RECORD_FLAGS_HAS_TAG_BIT 0x00000002u
/* SA_RECORD_FLAGS.IPV6: SOURCE and DESTINATION are IPv6 addresses: the device refuses such a record (SA_RECORD_INVALID), as it processes IPv4 ESP only */
#define NICSIM_SA_RECORD_FLAGS_IPV6_SHIFT 2u
#define NICSIM_SA_RECORD_FLAGS_IPV6_WIDTH 1u
#define NICSIM_SA_RECORD_FLAGS_IPV6_MASK 0x00000004u
#define NICSIM_SA_RECORD_FLAGS_IPV6_BIT 0x00000004u
/* SA_RECORD.QOS_GROUP, bytes 17..17: ipsec_qos_group tag inherited from the IKE SA (valid with HAS_TAG) */
#define NICSIM_SA_RECORD_QOS_GROUP_OFFSET 17u
#define NICSIM_SA_RECORD_QOS_GROUP_SIZE 1u
/* SA_RECORD.KEY_LENGTH, bytes 18..18: AES key bytes: 16 or 32 */
#define NICSIM_SA_RECORD_KEY_LENGTH_OFFSET 18u
#define NICSIM_SA_RECORD_KEY_LENGTH_SIZE 1u
/* SA_RECORD.ICV_LENGTH, bytes 19..19: ICV bytes: 8, 12 or 16 */
#define NICSIM_SA_RECORD_ICV_LENGTH_OFFSET 19u
#define NICSIM_SA_RECORD_ICV_LENGTH_SIZE 1u
/* SA_RECORD.SALT, bytes 20..23: GCM salt (RFC 4106) */
#define NICSIM_SA_RECORD_SALT_OFFSET 20u
#define NICSIM_SA_RECORD_SALT_SIZE 4u
/* SA_RECORD.KEY, bytes 32..63: AES key (first KEY_LENGTH bytes) */
#define NICSIM_SA_RECORD_KEY_OFFSET 32u
#define NICSIM_SA_RECORD_KEY_SIZE 32u
/* SA_RECORD.SOURCE, bytes 64..79: Tunnel source address (IPv4 in the first 4 bytes) */
#define NICSIM_SA_RECORD_SOURCE_OFFSET 64u
#define NICSIM_SA_RECORD_SOURCE_SIZE 16u
/* SA_RECORD.DESTINATION, bytes 80..95: Tunnel destination address */
#define NICSIM_SA_RECORD_DESTINATION_OFFSET 80u
#define NICSIM_SA_RECORD_DESTINATION_SIZE 16u
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_MAGIC_OFFSET + NICSIM_SA_RECORD_MAGIC_SIZE <= NICSIM_SA_RECORD_RECORD_LENGTH_OFFSET, "SA_RECORD.MAGIC overlaps RECORD_LENGTH");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_RECORD_LENGTH_OFFSET + NICSIM_SA_RECORD_RECORD_LENGTH_SIZE <= NICSIM_SA_RECORD_PROTOCOL_OFFSET, "SA_RECORD.RECORD_LENGTH overlaps PROTOCOL");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_PROTOCOL_OFFSET + NICSIM_SA_RECORD_PROTOCOL_SIZE <= NICSIM_SA_RECORD_DIRECTION_OFFSET, "SA_RECORD.PROTOCOL overlaps DIRECTION");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_DIRECTION_OFFSET + NICSIM_SA_RECORD_DIRECTION_SIZE <= NICSIM_SA_RECORD_UNIQUE_ID_OFFSET, "SA_RECORD.DIRECTION overlaps UNIQUE_ID");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_UNIQUE_ID_OFFSET + NICSIM_SA_RECORD_UNIQUE_ID_SIZE <= NICSIM_SA_RECORD_SPI_OFFSET, "SA_RECORD.UNIQUE_ID overlaps SPI");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_SPI_OFFSET + NICSIM_SA_RECORD_SPI_SIZE <= NICSIM_SA_RECORD_FLAGS_OFFSET, "SA_RECORD.SPI overlaps FLAGS");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_FLAGS_OFFSET + NICSIM_SA_RECORD_FLAGS_SIZE <= NICSIM_SA_RECORD_QOS_GROUP_OFFSET, "SA_RECORD.FLAGS overlaps QOS_GROUP");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_QOS_GROUP_OFFSET + NICSIM_SA_RECORD_QOS_GROUP_SIZE <= NICSIM_SA_RECORD_KEY_LENGTH_OFFSET, "SA_RECORD.QOS_GROUP overlaps KEY_LENGTH");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_KEY_LENGTH_OFFSET + NICSIM_SA_RECORD_KEY_LENGTH_SIZE <= NICSIM_SA_RECORD_ICV_LENGTH_OFFSET, "SA_RECORD.KEY_LENGTH overlaps ICV_LENGTH");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_ICV_LENGTH_OFFSET + NICSIM_SA_RECORD_ICV_LENGTH_SIZE <= NICSIM_SA_RECORD_SALT_OFFSET, "SA_RECORD.ICV_LENGTH overlaps SALT");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_SALT_OFFSET + NICSIM_SA_RECORD_SALT_SIZE <= NICSIM_SA_RECORD_KEY_OFFSET, "SA_RECORD.SALT overlaps KEY");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_KEY_OFFSET + NICSIM_SA_RECORD_KEY_SIZE <= NICSIM_SA_RECORD_SOURCE_OFFSET, "SA_RECORD.KEY overlaps SOURCE");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_SOURCE_OFFSET + NICSIM_SA_RECORD_SOURCE_SIZE <= NICSIM_SA_RECORD_DESTINATION_OFFSET, "SA_RECORD.SOURCE overlaps DESTINATION");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_DESTINATION_OFFSET + NICSIM_SA_RECORD_DESTINATION_SIZE <= NICSIM_SA_RECORD_BYTES, "SA_RECORD.DESTINATION ends past the layout");
NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_BYTES == 4u * NICSIM_SA_STAGE_WORDS, "an SA record fills SA_STAGE");

/* Error codes (ERRLOG_CODE, descriptor ERROR, SA_STATUS.CODE) */
/* No error */
#define NICSIM_ERROR_CODE_NONE 0u
/* A tail write (doorbell) named a descriptor index at or past the ring length; the write is ignored (value: the ring's length in descriptors; the tail written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_TAIL_BEYOND_RING 1u
/* A TX descriptor with LENGTH 0, or an RX queue enabled with SRRCTL 0; the frame is dropped / the queue stays disabled */
#define NICSIM_ERROR_CODE_ZERO_LENGTH_BUFFER 2u
/* A TX frame longer than the maximum frame (MAXFRS), or descriptors without EOP that can never become one (already longer, or filling the device's cache, TXDMAX descriptors a queue, or the ring but one slot), or (RX) SRRCTL above the maximum; the frame is dropped, one drop / the queue stays disabled. A frame refused without its EOP leaves in pieces as its descriptors are fetched, each piece's last descriptor written back with this error: logged are its first piece (value: its bytes so far), the first piece of its rest, and its rest whole as its EOP comes (value: the rest's bytes) (value: for SRRCTL, the most it may be; what was written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_OVER_LENGTH_BUFFER 3u
/* A queue enabled with a ring base that is not 128-byte aligned; the queue stays disabled (value: TDBAL's or RDBAL's offset; the base is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_UNALIGNED_RING_BASE 4u
/* A queue enabled with a ring length of 0, not a multiple of 128 bytes, or too long (which of them is said); the queue stays disabled (value: TDLEN's or RDLEN's offset; the length is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_INVALID_RING_LENGTH 5u
/* A DMA address outside mapped host memory; the access is not made (value: the address; 0 where it is far from every allocation, and where it lies is said instead) */
#define NICSIM_ERROR_CODE_DMA_UNMAPPED 6u
/* A DMA read completed with an error (completer abort). A descriptor fetch's disables the queue (TXDCTL/RXDCTL.FAULT, TDFAULT/RDFAULT) until the driver resets it; a TX buffer's or SA record's drops the frame, written back with this code */
#define NICSIM_ERROR_CODE_DMA_READ_ERROR 7u
/* A DMA read got no completion in time; what it does is as for DMA_READ_ERROR */
#define NICSIM_ERROR_CODE_DMA_COMPLETION_TIMEOUT 8u
/* A tail write to a queue that is not enabled; the write is ignored (value: the tail as it stands; the tail written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes); not logged for a queue the device disabled for a failed descriptor fetch until the driver next writes its TXDCTL or RXDCTL, as those doorbells race the error interrupt */
#define NICSIM_ERROR_CODE_DOORBELL_ON_DISABLED_QUEUE 9u
/* An MMIO access to an offset with no register: a read returns 0xFFFFFFFF, a write is ignored (value: the offset; an offset at or past the register map's end is not logged, WITHHELD, as one that far off may be a key word written as an offset) */
#define NICSIM_ERROR_CODE_UNKNOWN_REGISTER 10u
/* A write to a read-only register; it is ignored (value: the register's offset; what was written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_READ_ONLY_REGISTER 11u
/* A TX descriptor CLASS above 7 (value: 0; the class is not logged, as an SA record written over a ring puts key bytes there) */
#define NICSIM_ERROR_CODE_INVALID_CLASS 12u
/* An IPsec TX descriptor names an SA table entry that is out of range or empty (the frame is dropped), or an SA_COMMAND sets reserved bits, names an index out of range or an operation that is not defined (the command is ignored); value: 0, as a key word staged one word past SA_STAGE lands in SA_COMMAND and an SA record written over a ring in a descriptor's SA_HANDLE */
#define NICSIM_ERROR_CODE_INVALID_SA_HANDLE 13u
/* An SA record (staged, or read through SA_POINTER) has a bad magic, length, protocol, key or ICV length, an SPI of 0 to 255, is of the other direction, asks for ESN (FLAGS.ESN: the device does not process extended sequence numbers) or IPv6 (FLAGS.IPV6: it processes IPv4 ESP only), or sets a reserved FLAGS bit; it is not used */
#define NICSIM_ERROR_CODE_SA_RECORD_INVALID 14u
/* An ESP packet too short for its SA's header, IV and ICV, whose SPI is not its SA's, whose IP header is not version 4 or is a fragment's (ESP is applied to whole IP packets: RFC 4303 3.3.4, 3.4.1), whose IP total length runs past its frame, or (TX) followed in its frame by bytes outside its IP total length (beyond a minimum frame's padding: they would leave unencrypted; RX ignores such bytes, as IP does); TX drops it, RX flags it */
#define NICSIM_ERROR_CODE_ESP_MALFORMED 15u
/* RX: the ICV did not verify; the packet is delivered flagged, undecrypted */
#define NICSIM_ERROR_CODE_ESP_ICV_FAILED 16u
/* TX: the SA table entry was invalidated while the packet was in the NIC (its SA already looked up); the packet is dropped. A descriptor looked up after the invalidation is refused as STALE_SA_HANDLE. RX has no such error: a packet whose entry is invalidated before the crypto engine has decrypted it is delivered as a miss (SA_MISS, SA_HANDLE 0, untouched); one already decrypted is delivered decrypted, with the handle it was decrypted under (it was authenticated before the invalidation). Not logged in ERRLOG nor counted in ERROR_COUNT: the driver's own invalidation caused it, no misuse; DROP_COUNT counts it */
#define NICSIM_ERROR_CODE_SA_INVALIDATED 17u
/* A tail write that moves the tail back over descriptors the device still owns, or around the ring past the head (an overrun); the write is ignored (value: the tail as it stands; the tail written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_TAIL_OVERRUN 18u
/* A read of a write-only register (ICS, IMC, ERRLOG_POP, SA_COMMAND, SA_STAGE); it returns 0 */
#define NICSIM_ERROR_CODE_WRITE_ONLY_REGISTER 19u
/* A write to a queue's ring base, ring length or receive buffer size while the queue is enabled; the write is ignored (disable the queue first; value: the register's offset; what was written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_QUEUE_REGISTER_WHILE_ENABLED 20u
/* A register field written beyond its range (a TX_SCHED percentage above 100, a TXPBSIZE part too small or too large); the nearest valid value is used (value: that value; for bits set outside every field, none, WITHHELD set, as the fields read are bits as written; what was written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes) */
#define NICSIM_ERROR_CODE_VALUE_OUT_OF_RANGE 21u
/* An SA_COMMAND written while an INSTALL_POINTER is still reading its record (SA_STATUS.BUSY); the command is ignored */
#define NICSIM_ERROR_CODE_SA_COMMAND_BUSY 22u
/* An IPsec TX descriptor's SA_HANDLE names an entry that has been filled or emptied since the handle was issued (its GENERATION is not the entry's): the SA it was issued for is gone; the frame is dropped and counted (SA_STALE_HANDLES); value: 0, the handle not logged (an SA record written over a ring puts key words there) */
#define NICSIM_ERROR_CODE_STALE_SA_HANDLE 23u
/* SA_COMMAND installs into an entry that holds an SA without REPLACE; the command is ignored and the entry keeps its SA */
#define NICSIM_ERROR_CODE_SA_ENTRY_OCCUPIED 24u
/* SA_COMMAND installs an SA (SPI and destination) that another entry of the same table already holds; the command is ignored (value: the other entry's index) */
#define NICSIM_ERROR_CODE_SA_DUPLICATE 25u
/* A TX frame whose descriptors disagree on COMMAND.IPSEC, SA_HANDLE or SA_POINTER: each of a frame's descriptors carries its first's (the SA is the first's), so the frame is dropped rather than sent in the clear or under one of two SAs (value: COMMAND.IPSEC's bit, or the SA_POINTER as an address is logged; 0 for SA_HANDLE, not logged as an SA record written over a ring puts key words there) */
#define NICSIM_ERROR_CODE_IPSEC_FIELDS_DIFFER 26u
/* TXDCTL/RXDCTL.ENABLE written while the queue is still BUSY with what the device took before it was disabled: the write is ignored (the queue stays disabled), since that work would complete into the new ring and move its head; wait for BUSY to clear (value: the frames or write-backs still in the device) */
#define NICSIM_ERROR_CODE_ENABLE_WHILE_BUSY 27u

/* Drop reasons (DROP_COUNT(r)) */
/* RX: the frame arrived while CTRL.RX_ENABLE was clear (the MAC drops it) */
#define NICSIM_DROP_REASON_RX_DISABLED 0u
/* RX: the frame's FCS was bad (the MAC drops it) */
#define NICSIM_DROP_REASON_FCS_ERROR 1u
/* RX: the frame was shorter than 60 bytes without FCS (the MAC drops it) */
#define NICSIM_DROP_REASON_RUNT 2u
/* RX: the frame was longer than nic.maxFrameBytes (the MAC drops it) */
#define NICSIM_DROP_REASON_OVERSIZE 3u
/* RX: the frame's queue was not enabled as it arrived */
#define NICSIM_DROP_REASON_RX_QUEUE_DISABLED 4u
/* RX: the frame needs more buffers (SRRCTL bytes each) than its ring has descriptors less one, as it arrived or when its queue was enabled again */
#define NICSIM_DROP_REASON_RX_RING_TOO_SHORT 5u
/* RX: the RX packet buffer (or the queue's part of it) was full as the frame arrived, or, shared with nic.rx.sharedThreshold set, the queue held its share of it; RQDPC counts these */
#define NICSIM_DROP_REASON_RX_BUFFER_FULL 6u
/* RX: a buffer of the frame could not be written, or a write-back of its descriptors failed; the descriptor or ERRLOG says which */
#define NICSIM_DROP_REASON_RX_DMA_ERROR 7u
/* RX: not dropped by the device but delivered (RQPC counts it), flagged with this ERROR in its descriptor, for the driver to drop; the library's diagnostics() lists it under flagged, not drops */
#define NICSIM_DROP_REASON_ESP_MALFORMED 8u
/* RX: not dropped by the device but delivered (RQPC counts it), flagged with this ERROR in its descriptor, for the driver to drop; the library's diagnostics() lists it under flagged, not drops */
#define NICSIM_DROP_REASON_ESP_ICV_FAILED 9u
/* TX: a descriptor or SA fault; its last descriptor is written back with the fault's ERROR (a frame refused without its EOP, each piece's last: OVER_LENGTH_BUFFER) */
#define NICSIM_DROP_REASON_TX_DESCRIPTOR_ERROR 10u
/* TX: a buffer read completed with an error; written back with this ERROR */
#define NICSIM_DROP_REASON_DMA_READ_ERROR 11u
/* TX: a buffer read never completed; written back with this ERROR */
#define NICSIM_DROP_REASON_DMA_COMPLETION_TIMEOUT 12u
/* TX: its SA table entry was invalidated while the packet was in the NIC; written back with this ERROR */
#define NICSIM_DROP_REASON_SA_INVALIDATED 13u

/* Field codes (ERRLOG_LOCATION.FIELD) */
#define NICSIM_FIELD_CODE_NONE 0u
#define NICSIM_FIELD_CODE_RING_BASE 1u
#define NICSIM_FIELD_CODE_RING_LENGTH 2u
#define NICSIM_FIELD_CODE_TAIL 3u
#define NICSIM_FIELD_CODE_BUFFER_SIZE 4u
#define NICSIM_FIELD_CODE_BUFFER_ADDRESS 5u
#define NICSIM_FIELD_CODE_LENGTH 6u
#define NICSIM_FIELD_CODE_DESCRIPTOR 7u
#define NICSIM_FIELD_CODE_REGISTER 8u
#define NICSIM_FIELD_CODE_CLASS 9u
#define NICSIM_FIELD_CODE_SA_HANDLE 10u
#define NICSIM_FIELD_CODE_SA_POINTER 11u
#define NICSIM_FIELD_CODE_SA_COMMAND 12u
/* ERRLOG_LOCATION.QUEUE and ERRLOG_INDEX when no queue or descriptor is involved */
#define NICSIM_NO_QUEUE 0xFFu
#define NICSIM_NO_INDEX 0xFFFFFFFFu

/* The name of an error code (ERRLOG_CODE, a descriptor's ERROR byte, SA_STATUS.CODE), or 0 for an unknown code. */
static inline const char *nicsim_error_name(uint32_t code) {
  switch (code) {
  case 0u: return "NONE";
  case 1u: return "TAIL_BEYOND_RING";
  case 2u: return "ZERO_LENGTH_BUFFER";
  case 3u: return "OVER_LENGTH_BUFFER";
  case 4u: return "UNALIGNED_RING_BASE";
  case 5u: return "INVALID_RING_LENGTH";
  case 6u: return "DMA_UNMAPPED";
  case 7u: return "DMA_READ_ERROR";
  case 8u: return "DMA_COMPLETION_TIMEOUT";
  case 9u: return "DOORBELL_ON_DISABLED_QUEUE";
  case 10u: return "UNKNOWN_REGISTER";
  case 11u: return "READ_ONLY_REGISTER";
  case 12u: return "INVALID_CLASS";
  case 13u: return "INVALID_SA_HANDLE";
  case 14u: return "SA_RECORD_INVALID";
  case 15u: return "ESP_MALFORMED";
  case 16u: return "ESP_ICV_FAILED";
  case 17u: return "SA_INVALIDATED";
  case 18u: return "TAIL_OVERRUN";
  case 19u: return "WRITE_ONLY_REGISTER";
  case 20u: return "QUEUE_REGISTER_WHILE_ENABLED";
  case 21u: return "VALUE_OUT_OF_RANGE";
  case 22u: return "SA_COMMAND_BUSY";
  case 23u: return "STALE_SA_HANDLE";
  case 24u: return "SA_ENTRY_OCCUPIED";
  case 25u: return "SA_DUPLICATE";
  case 26u: return "IPSEC_FIELDS_DIFFER";
  case 27u: return "ENABLE_WHILE_BUSY";
  default: return (const char *)0;
  }
}

/* The name of a drop reason (DROP_COUNT's index), or 0 for an unknown code. */
static inline const char *nicsim_drop_reason_name(uint32_t code) {
  switch (code) {
  case 0u: return "RX_DISABLED";
  case 1u: return "FCS_ERROR";
  case 2u: return "RUNT";
  case 3u: return "OVERSIZE";
  case 4u: return "RX_QUEUE_DISABLED";
  case 5u: return "RX_RING_TOO_SHORT";
  case 6u: return "RX_BUFFER_FULL";
  case 7u: return "RX_DMA_ERROR";
  case 8u: return "ESP_MALFORMED";
  case 9u: return "ESP_ICV_FAILED";
  case 10u: return "TX_DESCRIPTOR_ERROR";
  case 11u: return "DMA_READ_ERROR";
  case 12u: return "DMA_COMPLETION_TIMEOUT";
  case 13u: return "SA_INVALIDATED";
  default: return (const char *)0;
  }
}

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_DEVICE_H */
