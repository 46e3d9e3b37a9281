/**
 * A host whose driver work takes no time: experiments that measure the NIC use it, so that what
 * they see is the device's timing, not the CPU's.
 */
export const INSTANT_HOST = {
  "top.driver.base.postNanoseconds": 0,
  "top.driver.base.cleanNanoseconds": 0,
  "top.driver.base.interruptNanoseconds": 0,
  "top.driver.base.mmioWriteNanoseconds": 0,
  "top.driver.base.copyBytesPerNanosecond": 1_000_000,
} as const;
