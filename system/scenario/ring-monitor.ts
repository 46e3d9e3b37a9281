import { DESCRIPTOR_BYTES, RX_WRITE_BACK_OFFSET, TX } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";

type Direction = "tx" | "rx";

/** One ring as the driver programmed it, and how far the device has fetched and written it back. */
class WatchedRing {
  baseLow = 0;
  baseHigh = 0;
  lengthBytes = 0;
  enabled = false;
  base = 0;
  descriptors = 0;
  /** One past the last descriptor the driver posted (its last accepted doorbell). */
  tail = 0;
  /** The next descriptor the device should fetch. */
  fetched = 0;
  /** One past the last descriptor the device wrote back. */
  done = 0;

  constructor(readonly direction: Direction, readonly queue: number) {}

  get name(): string {
    return `${this.direction.toUpperCase()} queue ${this.queue}`;
  }

  /** How far `index` is past `from`, going round the ring. */
  distance(index: number, from: number): number {
    return (index - from + this.descriptors) % this.descriptors;
  }

  holds(address: number): boolean {
    return this.enabled && address >= this.base && address < this.base + this.descriptors * DESCRIPTOR_BYTES;
  }
}

/**
 * Watches every ring from outside the device: the geometry and doorbells from the driver's
 * register writes, the descriptor fetches and write-backs from the device's DMA requests.
 * The driver must never post over descriptors the device still owns; the device must fetch
 * each posted descriptor exactly once and in order, never past the tail, and write back only
 * descriptors it fetched, in ring order, each once.
 */
export class RingMonitor {
  private readonly rings: WatchedRing[] = [];
  /** Fetches and write-backs checked, so a report can show the monitor saw the traffic. */
  readonly checked = { fetches: 0, writeBacks: 0, doorbells: 0 };

  constructor(
    private readonly queues: number,
    private readonly violate: (what: string) => void,
  ) {
    for (let queue = 0; queue < queues; queue++) this.rings.push(new WatchedRing("tx", queue), new WatchedRing("rx", queue));
  }

  /** A register write as it reaches the device. */
  registerWritten(offset: number, value: number): void {
    const found = this.ringRegister(offset);
    if (!found) return;
    const { ring, register } = found;
    switch (register) {
      case R.TDBAL(0): ring.baseLow = value; break;
      case R.TDBAH(0): ring.baseHigh = value; break;
      case R.TDLEN(0): ring.lengthBytes = value; break;
      case R.TXDCTL(0): this.control(ring, value); break;
      case R.TDT(0): this.doorbell(ring, value); break;
    }
  }

  /** A DMA request as the device makes it. */
  dmaRequested(request: { readonly write: boolean; readonly address: number; readonly length: number }): void {
    const ring = this.ringHolding(request.address);
    if (ring === null) return;
    if (request.write) this.writtenBack(ring, request.address, request.length);
    else this.fetchedDescriptors(ring, request.address, request.length);
  }

  /** A loop, not find() with a closure: every DMA request of the run asks, most of them for buffers no ring holds. */
  private ringHolding(address: number): WatchedRing | null {
    const rings = this.rings;
    for (let index = 0; index < rings.length; index++) if (rings[index]!.holds(address)) return rings[index]!;
    return null;
  }

  private ringRegister(offset: number): { ring: WatchedRing; register: number } | undefined {
    const at = R.queueRegisterAt(offset, this.queues);
    return at && { ring: this.rings[2 * at.queue + (at.direction === "tx" ? 0 : 1)]!, register: at.register };
  }

  /** Enabling takes the geometry as the device does, when it is valid (the device reports invalid ones itself). */
  private control(ring: WatchedRing, value: number): void {
    if (!(value & R.QUEUE_ENABLE)) {
      ring.enabled = false;
      return;
    }
    if (ring.enabled) return;
    const base = ring.baseHigh * 0x1_0000_0000 + ring.baseLow;
    const descriptors = ring.lengthBytes / DESCRIPTOR_BYTES;
    const valid = base % R.RING_ALIGNMENT === 0 && ring.lengthBytes > 0 && ring.lengthBytes % R.RING_ALIGNMENT === 0 && descriptors <= R.MAX_RING_DESCRIPTORS;
    if (!valid) return;
    Object.assign(ring, { enabled: true, base, descriptors, tail: 0, fetched: 0, done: 0 });
  }

  private doorbell(ring: WatchedRing, value: number): void {
    if (!ring.enabled || value >= ring.descriptors) return;
    this.checked.doorbells++;
    if (ring.distance(value, ring.done) < ring.distance(ring.tail, ring.done)) {
      return this.violate(`${ring.name}: the driver wrote tail ${value} while descriptors ${ring.done} to ${ring.tail - 1} were still the device's (ring overrun)`);
    }
    ring.tail = value;
  }

  private fetchedDescriptors(ring: WatchedRing, address: number, length: number): void {
    this.checked.fetches++;
    const first = (address - ring.base) / DESCRIPTOR_BYTES;
    const count = length / DESCRIPTOR_BYTES;
    const range = `descriptors ${first} to ${first + count - 1}`;
    if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1) return this.violate(`${ring.name}: the device read ${length} bytes at 0x${address.toString(16)}, not whole descriptors`);
    if (first !== ring.fetched) return this.violate(`${ring.name}: the device fetched ${range} but the next unfetched descriptor was ${ring.fetched} (${ring.distance(first, ring.fetched) > ring.distance(ring.tail, ring.fetched) ? "fetched again" : "skipped some"})`);
    if (count > ring.distance(ring.tail, ring.fetched)) return this.violate(`${ring.name}: the device fetched ${range} past the tail ${ring.tail} (descriptors the driver never posted)`);
    ring.fetched = (first + count) % ring.descriptors;
  }

  private writtenBack(ring: WatchedRing, address: number, length: number): void {
    this.checked.writeBacks++;
    const offset = (address - ring.base) % DESCRIPTOR_BYTES;
    const index = (address - ring.base - offset) / DESCRIPTOR_BYTES;
    // With TXDCTL.WTHRESH the device writes done TX descriptors back whole, several at once from byte 0 of the first.
    const burst = ring.direction === "tx" && offset === 0 && length % DESCRIPTOR_BYTES === 0 ? length / DESCRIPTOR_BYTES : 0;
    const expectedOffset = ring.direction === "tx" ? TX.STATUS : RX_WRITE_BACK_OFFSET;
    if (burst === 0 && offset !== expectedOffset) {
      return this.violate(`${ring.name}: the device wrote descriptor ${index} at byte ${offset}, not its write-back fields (byte ${expectedOffset})${ring.direction === "tx" ? " nor whole descriptors" : ""}`);
    }
    const last = index + Math.max(burst, 1) - 1;
    if (burst > 0 && index + burst > ring.descriptors) return this.violate(`${ring.name}: the device wrote descriptors ${index} to ${index + burst - 1} back in one write, past the ring's end (${ring.descriptors} descriptors)`);
    // TX writes back only report-status descriptors (WTHRESH 0), so it may step over some; RX writes back every one.
    const fetched = (at: number) => ring.distance(at, ring.done) < ring.distance(ring.fetched, ring.done);
    const inOrder = ring.direction === "tx" ? fetched(index) && fetched(last) && ring.distance(last, ring.done) >= ring.distance(index, ring.done) : index === ring.done && ring.done !== ring.fetched;
    const which = burst > 1 ? `descriptors ${index} to ${last}` : `descriptor ${index}`;
    if (!inOrder) return this.violate(`${ring.name}: the device wrote back ${which}, but the next one due was ${ring.done} and it had fetched up to ${ring.fetched} (written back twice, out of order, or never fetched)`);
    ring.done = (last + 1) % ring.descriptors;
  }
}
