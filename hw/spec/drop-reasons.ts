/**
 * Why the device drops a frame: each reason with where a driver sees it. The model counts every
 * drop by reason (the library's diagnostics().drops, the summary); the device's registers show
 * only those named here.
 */
export const DEVICE_DROP_REASONS = {
  RX_DISABLED: "RX: the frame arrived while CTRL.RX_ENABLE was clear (the MAC drops it)",
  FCS_ERROR: "RX: the frame's FCS was bad (the MAC drops it)",
  RUNT: "RX: the frame was shorter than 60 bytes without FCS (the MAC drops it)",
  OVERSIZE: "RX: the frame was longer than nic.maxFrameBytes (the MAC drops it)",
  RX_QUEUE_DISABLED: "RX: the frame's queue was not enabled as it arrived",
  RX_RING_TOO_SHORT: "RX: the frame needs more buffers (SRRCTL bytes each) than its ring has descriptors less one, as it arrived or when its queue was enabled again",
  RX_BUFFER_FULL: "RX: the RX packet buffer (or the queue's part of it) was full as the frame arrived, or, shared with nic.rx.sharedThreshold set, the queue held its share of it; RQDPC counts these",
  RX_DMA_ERROR: "RX: a buffer of the frame could not be written, or a write-back of its descriptors failed; the descriptor or ERRLOG says which",
  ESP_MALFORMED: "RX: not dropped by the device but delivered (RQPC counts it), flagged with this ERROR in its descriptor, for the driver to drop; the library's diagnostics() lists it under flagged, not drops",
  ESP_ICV_FAILED: "RX: not dropped by the device but delivered (RQPC counts it), flagged with this ERROR in its descriptor, for the driver to drop; the library's diagnostics() lists it under flagged, not drops",
  TX_DESCRIPTOR_ERROR: "TX: a descriptor or SA fault; its last descriptor is written back with the fault's ERROR (a frame refused without its EOP, each piece's last: OVER_LENGTH_BUFFER)",
  DMA_READ_ERROR: "TX: a buffer read completed with an error; written back with this ERROR",
  DMA_COMPLETION_TIMEOUT: "TX: a buffer read never completed; written back with this ERROR",
  SA_INVALIDATED: "TX: its SA table entry was invalidated while the packet was in the NIC; written back with this ERROR",
} as const;

export type DeviceDropReason = keyof typeof DEVICE_DROP_REASONS;

/** Each reason's code, its place in the table above: DROP_COUNT[code] counts its drops (new reasons are added at the end). */
export const DROP_REASON_NAMES = Object.keys(DEVICE_DROP_REASONS) as readonly DeviceDropReason[];
export const DROP_REASON_CODE = Object.fromEntries(DROP_REASON_NAMES.map((name, code) => [name, code])) as Readonly<Record<DeviceDropReason, number>>;
export const DROP_REASON_COUNT = DROP_REASON_NAMES.length;

/** Reasons whose frames are delivered, flagged in their descriptor, and counted as drops for the driver will drop them. */
export const FLAGGED_DROP_REASONS = ["ESP_MALFORMED", "ESP_ICV_FAILED"] as const satisfies readonly DeviceDropReason[];
