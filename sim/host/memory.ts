import { uninitialised, zeroed } from "../bytes.js";
import { SimulationError } from "../errors.js";
import { RegionBounds } from "./region-bounds.js";

/** A byte address in simulated host memory. */
export type HostAddress = number & { readonly __brand: "HostAddress" };

export function hostAddress(value: number | bigint): HostAddress {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new RangeError(`host address ${value} is not a non-negative integer below 2^53`);
  return number as HostAddress;
}

export function formatAddress(address: number): string {
  return `0x${address.toString(16).padStart(9, "0")}`;
}

export class HostMemoryError extends SimulationError {}

export interface Region {
  readonly start: HostAddress;
  readonly size: number;
  readonly label: string;
}

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
/** How many recently touched pages are found without the page map (a power of two). */
const RECENT_PAGES = 64;
/** An address's offset in its page. Addresses pass 2^32, so `%` would be a floating-point remainder (a call out of V8's compiled code). */
function offsetInPage(address: number): number {
  return address - Math.floor(address / PAGE_SIZE) * PAGE_SIZE;
}
/** Allocations start above 4 GiB so that every 64-bit address register needs its high half. */
const FIRST_ADDRESS = 0x1_0000_0000;
/**
 * Unmapped bytes after every allocation, so that running off its end (slot N of an N-slot ring,
 * buffer N of N) reaches no one's data: the CPU guard and the device's DMA both refuse it. A whole
 * page keeps every allocation's offset within its page what it would be without red zones.
 */
export const RED_ZONE_BYTES = PAGE_SIZE;

/**
 * Simulated host memory: sparse and byte-addressable, with an allocator for the driver's rings,
 * buffers and SA records. Allocated regions are what the device may reach by DMA (as through an
 * IOMMU): `isMapped` tells the DMA engine whether an access is legal. With `guard`, a CPU access
 * outside every region throws, which catches driver bugs in tests at the line that made them.
 * Allocations are separated by red zones (RED_ZONE_BYTES), mapped to no one.
 */
export class HostMemory {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly regions: Region[] = [];
  /** The regions' starts and ends, in the same order: what regionOf searches. */
  private readonly bounds = new RegionBounds();
  /** Freed regions, reused first-fit: freed memory comes back, as it does in a real allocator. */
  private readonly freed: Region[] = [];
  /**
   * Pages touched lately, by page number modulo RECENT_PAGES: accesses cluster on a few pages at
   * a time (a ring's descriptors, the buffers in use), so most lookups end here, not in the map.
   */
  private readonly recentNumbers = new Float64Array(RECENT_PAGES).fill(-1);
  private readonly recentPages = new Array<Uint8Array | undefined>(RECENT_PAGES).fill(undefined);
  /** The last region touched. */
  private lastRegion: Region | undefined = undefined;
  private nextFree = FIRST_ADDRESS;

  constructor(readonly options: { guard?: boolean } = {}) {}

  allocate(size: number, label: string, alignment = 64): HostAddress {
    if (!Number.isInteger(size) || size <= 0) throw new RangeError(`allocate '${label}': size ${size} must be a positive integer`);
    if (!Number.isSafeInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw new RangeError(`allocate '${label}': alignment ${alignment} must be a power of two`);
    }
    const reuse = this.freed.findIndex((region) => region.size >= size && region.start % alignment === 0);
    if (reuse >= 0) {
      const start = this.freed.splice(reuse, 1)[0]!.start;
      this.insert({ start, size, label });
      return start;
    }
    const start = hostAddress(Math.ceil(this.nextFree / alignment) * alignment);
    // Addresses are exact integers up to 2^53: a region past that could not be named byte by byte.
    if (start + size + RED_ZONE_BYTES > Number.MAX_SAFE_INTEGER) throw new RangeError(`allocate '${label}': size ${size} is too large: it would end past 2^53, where host addresses end (the region would start at ${formatAddress(start)})`);
    this.nextFree = start + size + RED_ZONE_BYTES;
    this.bounds.insert(this.regions.length, start, start + size);
    this.regions.push({ start, size, label });
    return start;
  }

  /** Told before a region is freed: a DMA engine that takes its requests lazily takes those it has taken by now while the region is still mapped. */
  readonly beforeFree: (() => void)[] = [];

  free(address: HostAddress): void {
    if (typeof address !== "number") throw new HostMemoryError(`free(${String(address)}): expected an address an allocate() returned`);
    const index = this.regions.findIndex((region) => region.start === address);
    if (index < 0) throw new HostMemoryError(`free(${formatAddress(address)}): ${this.notARegionStart(address)}`);
    for (const listener of this.beforeFree) listener();
    this.bounds.remove(index);
    this.freed.push(this.regions.splice(index, 1)[0]!);
    this.lastRegion = undefined;
  }

  /** Why free() was given an address no live region starts at: one freed already is named (a double free read "no region starts there"; from a driver developer's check). */
  private notARegionStart(address: number): string {
    const freed = this.freed.find((region) => region.start === address);
    if (freed !== undefined && this.regionOf(address) === undefined) return `'${freed.label}' (${freed.size} bytes) starts there, and was freed already`;
    const inside = this.regionOf(address);
    if (inside !== undefined) return `inside '${inside.label}' (${formatAddress(inside.start)}, ${inside.size} bytes), ${address - inside.start} bytes past its start; free takes the address allocate() returned`;
    const insideFreed = this.freedRegionOf(address);
    if (insideFreed !== undefined) return `inside '${insideFreed.label}' (${formatAddress(insideFreed.start)}, ${insideFreed.size} bytes), which was freed already`;
    return "no region starts there";
  }

  private insert(region: Region): void {
    let index = this.regions.length;
    while (index > 0 && this.regions[index - 1]!.start > region.start) index--;
    this.bounds.insert(index, region.start, region.start + region.size);
    this.regions.splice(index, 0, region);
  }

  /** The region holding [address, address + length) (for a length of 0, the one holding `address`), or undefined. */
  regionOf(address: number, length = 1): Region | undefined {
    const last = this.lastRegion;
    // At a region's end a length of 0 is in none, as the search has it (it was in the last one looked up, and only that one).
    if (last !== undefined && address >= last.start && address < last.start + last.size && address + length <= last.start + last.size) return last;
    const index = this.bounds.find(address, length);
    return index < 0 ? undefined : (this.lastRegion = this.regions[index]!);
  }

  /** The freed region (not allocated again) holding `address`, if any: for naming a use after free. */
  freedRegionOf(address: number): Region | undefined {
    return this.freed.find((region) => address >= region.start && address < region.start + region.size);
  }

  /** The region whose red zone holds `address`, if any: for naming what a stray access ran off. */
  regionBefore(address: number): Region | undefined {
    let region: Region | undefined;
    for (const candidate of this.regions) if (candidate.start <= address) region = candidate;
    return region !== undefined && address >= region.start + region.size && address < region.start + region.size + RED_ZONE_BYTES ? region : undefined;
  }

  /**
   * Where an address lies against the span the allocations have taken (a page either side counts
   * as near): one far from it may be misdirected data (an SA record's key words in a pointer).
   */
  placeOf(address: number): "near" | "below" | "above" {
    if (address < FIRST_ADDRESS - RED_ZONE_BYTES) return "below";
    return address < this.nextFree + RED_ZONE_BYTES ? "near" : "above";
  }

  isMapped(address: number, length: number): boolean {
    return length > 0 && this.regionOf(address, length) !== undefined;
  }

  read(address: number, length: number): Uint8Array {
    this.check(address, length, "read");
    const pageOffset = offsetInPage(address);
    if (pageOffset + length <= PAGE_SIZE) {
      const page = this.page(address, false);
      if (!page) return zeroed(length);
      // A pooled copy: a fresh ArrayBuffer per read is costly in Node.
      const bytes = uninitialised(length);
      copy(page, pageOffset, bytes, 0, length);
      return bytes;
    }
    const bytes = zeroed(length);
    this.copyOut(address, bytes);
    return bytes;
  }

  write(address: number, bytes: Uint8Array): void {
    // A string or a plain array would be written as zeros, or its numbers cut to bytes, without a word.
    if (!(bytes instanceof Uint8Array)) throw new HostMemoryError(`write at ${typeof address === "number" ? formatAddress(address) : String(address)}: expected the bytes as a Uint8Array (or Buffer), not ${Array.isArray(bytes) ? "an array" : typeof bytes}`);
    this.check(address, bytes.length, "write");
    const pageOffset = offsetInPage(address);
    if (pageOffset + bytes.length <= PAGE_SIZE) {
      copy(bytes, 0, this.page(address, true)!, pageOffset, bytes.length);
      return;
    }
    let offset = 0;
    while (offset < bytes.length) {
      const at = address + offset;
      const pageOffset = offsetInPage(at);
      const count = Math.min(PAGE_SIZE - pageOffset, bytes.length - offset);
      this.page(at, true)!.set(bytes.subarray(offset, offset + count), pageOffset);
      offset += count;
    }
  }

  readU32(address: number): number {
    const bytes = this.read(address, 4);
    return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  }

  private copyOut(address: number, into: Uint8Array): void {
    let offset = 0;
    while (offset < into.length) {
      const at = address + offset;
      const pageOffset = offsetInPage(at);
      const count = Math.min(PAGE_SIZE - pageOffset, into.length - offset);
      const page = this.page(at, false);
      if (page) into.set(page.subarray(pageOffset, pageOffset + count), offset);
      offset += count;
    }
  }

  private page(address: number, create: boolean): Uint8Array | undefined {
    const number = Math.floor(address / PAGE_SIZE);
    const slot = number & (RECENT_PAGES - 1);
    if (this.recentNumbers[slot] === number) return this.recentPages[slot];
    let page = this.pages.get(number);
    if (!page && create) this.pages.set(number, (page = new Uint8Array(PAGE_SIZE)));
    if (page) {
      this.recentNumbers[slot] = number;
      this.recentPages[slot] = page;
    }
    return page;
  }

  private check(address: number, length: number, access: string): void {
    if (!(address >= 0 && address <= Number.MAX_SAFE_INTEGER && Math.floor(address) === address)) throw new HostMemoryError(`${access} at ${address}: not a host address`);
    if (!(length >= 0 && Math.floor(length) === length)) throw new HostMemoryError(`${access} of ${length} bytes at ${formatAddress(address)}: a length is a whole number of bytes, 0 or more`);
    if (!this.options.guard || length === 0 || this.regionOf(address, length)) return;
    const inside = this.regionOf(address);
    const before = inside ? undefined : this.regionBefore(address);
    // A use after free is named as the DMA engine names it (it was "outside every allocated region"; from a driver developer's check).
    const freed = inside || before ? undefined : this.freedRegionOf(address);
    const where = inside
      ? `runs past the end of '${inside.label}' (${formatAddress(inside.start)}, ${inside.size} bytes)`
      : before
        ? `is in the red zone ${address - (before.start + before.size)} bytes after the end of '${before.label}' (${formatAddress(before.start)}, ${before.size} bytes)`
        : freed
          ? `is in '${freed.label}', which the host freed (${formatAddress(freed.start)}, ${freed.size} bytes)`
          : "is outside every allocated region";
    throw new HostMemoryError(`${access} of ${length} bytes at ${formatAddress(address)} ${where}`);
  }
}

/** Up to this many bytes, a copy loop beats making a subarray for TypedArray.set. */
const SHORT_COPY_BYTES = 64;

/** Copy `length` bytes; short ones (descriptors, write-backs, small frames) byte by byte. */
function copy(source: Uint8Array, sourceOffset: number, target: Uint8Array, targetOffset: number, length: number): void {
  if (length <= SHORT_COPY_BYTES) for (let index = 0; index < length; index++) target[targetOffset + index] = source[sourceOffset + index]!;
  else target.set(sourceOffset === 0 && length === source.length ? source : source.subarray(sourceOffset, sourceOffset + length), targetOffset);
}
