import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { Channel } from "../../sim/channel.js";
import { HostMemory, HostMemoryError, hostAddress, RED_ZONE_BYTES } from "../../sim/host/memory.js";
import { Kernel } from "../../sim/kernel.js";
import { internetChecksum } from "../../sim/packet/checksum.js";

describe("host memory", () => {
  test("allocations are aligned, above 4 GiB, and reads of never-written bytes are zero", () => {
    const memory = new HostMemory();
    const ring = memory.allocate(4096, "ring", 128);
    const buffer = memory.allocate(100, "buffer", 4096);
    expect(ring % 128).toBe(0);
    expect(buffer % 4096).toBe(0);
    expect(ring).toBeGreaterThanOrEqual(2 ** 32);
    expect(memory.read(buffer, 4)).toEqual(new Uint8Array(4));
  });

  // From a driver developer's check: 2^53 bytes was refused as not "a positive integer", which it is.
  test("a size past what host addresses hold is refused as too large; a size that is no positive integer as such", () => {
    const memory = new HostMemory();
    expect(() => memory.allocate(2 ** 53, "huge")).toThrow(/allocate 'huge': size 9007199254740992 is too large: it would end past 2\^53/);
    expect(() => memory.allocate(2 ** 52, "big")).not.toThrow();
    expect(() => memory.allocate(2 ** 52, "second big")).toThrow(/is too large/);
    expect(() => memory.allocate(1.5, "half")).toThrow("allocate 'half': size 1.5 must be a positive integer");
    expect(() => memory.allocate(0, "none")).toThrow("must be a positive integer");
  });

  test("writes and reads cross page boundaries", () => {
    const memory = new HostMemory();
    const base = memory.allocate(3 * 4096, "span", 4096);
    const bytes = Uint8Array.from({ length: 6000 }, (_, index) => index & 0xff);
    memory.write(base + 4000, bytes);
    expect(memory.read(base + 4000, 6000)).toEqual(bytes);
    expect(memory.readU32(base + 4096)).toBe((96 | (97 << 8) | (98 << 16) | (99 << 24)) >>> 0);
  });

  test("mapping follows allocation and freeing; the guard names the region a stray access ran past", () => {
    const memory = new HostMemory({ guard: true });
    const buffer = memory.allocate(64, "rx buffer 3");
    expect(memory.isMapped(buffer, 64)).toBe(true);
    expect(memory.isMapped(buffer + 60, 8)).toBe(false);
    expect(() => memory.write(buffer + 60, new Uint8Array(8))).toThrow(HostMemoryError);
    expect(() => memory.write(buffer + 60, new Uint8Array(8))).toThrow(/runs past the end of 'rx buffer 3'/);
    expect(() => memory.read(0x1000, 4)).toThrow(/outside every allocated region/);
    memory.free(buffer);
    expect(memory.isMapped(buffer, 1)).toBe(false);
    // A use after free is named as such, as the DMA engine names it (it was "outside every allocated region").
    expect(() => memory.read(buffer + 8, 4)).toThrow(`read of 4 bytes at 0x${(buffer + 8).toString(16)} is in 'rx buffer 3', which the host freed (0x${buffer.toString(16)}, 64 bytes)`);
  });

  // From a driver developer's check: both read "no region starts there".
  test("a double free, or a free of an address inside a region, says which", () => {
    const memory = new HostMemory({ guard: true });
    const record = memory.allocate(128, "SA record A");
    expect(() => memory.free(hostAddress(record + 64))).toThrow(`free(0x${(record + 64).toString(16)}): inside 'SA record A' (0x${record.toString(16)}, 128 bytes), 64 bytes past its start; free takes the address allocate() returned`);
    memory.free(record);
    expect(() => memory.free(record)).toThrow(`free(0x${record.toString(16)}): 'SA record A' (128 bytes) starts there, and was freed already`);
    expect(() => memory.free(hostAddress(record + 64))).toThrow(`free(0x${(record + 64).toString(16)}): inside 'SA record A' (0x${record.toString(16)}, 128 bytes), which was freed already`);
    expect(() => memory.free(hostAddress(0x1000))).toThrow("no region starts there");
  });

  test("freed memory is handed out again, so a stale pointer may land in someone else's data", () => {
    const memory = new HostMemory({ guard: true });
    const first = memory.allocate(128, "SA record A");
    memory.allocate(64, "other");
    memory.free(first);
    const second = memory.allocate(128, "SA record C");
    expect(second).toBe(first);
    expect(memory.regionOf(second)?.label).toBe("SA record C");
  });
});

describe("channel", () => {
  test("an item pushed in a phase is taken from the next phase on, whatever the order within the phase", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 1000);
    const channel = new Channel<number>(kernel, clock);
    const seen: Array<[number, number | undefined]> = [];
    // The consumer is registered before the producer, so it evaluates first in each phase.
    kernel.clocked(clock, { path: "top.consumer", evaluate: () => seen.push([kernel.now, channel.take()]), isIdle: () => false });
    kernel.clocked(clock, { path: "top.producer", evaluate: () => kernel.now === 2000 && channel.push(42), isIdle: () => false });
    kernel.run({ until: 4000 });
    expect(seen).toEqual([[1000, undefined], [2000, undefined], [3000, 42], [4000, undefined]]);
  });
});

describe("packet checksum", () => {
  test("the Internet checksum gives RFC 1071's value", () => {
    // RFC 1071's example: 0x0001 f203 f4f5 f6f7 sums to 0xddf2, complemented 0x220d.
    expect(internetChecksum(Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
  });
});

describe("finding an address's region", () => {
  // regionOf searches typed arrays of the regions' bounds kept beside the region objects: any
  // sequence of allocations (fresh or reusing freed regions, some larger than a page) and frees
  // must leave it answering as a search of the live regions themselves does, at every edge of each.
  test("after any allocations and frees, regionOf and isMapped agree with a search of the live regions", () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant("allocate" as const), size: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 4000, max: 9000 })), alignment: fc.constantFrom(1, 64, 4096) }),
      fc.record({ kind: fc.constant("free" as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (steps, probes) => {
        const memory = new HostMemory();
        const live: { start: number; size: number; label: string }[] = [];
        steps.forEach((action, index) => {
          if (action.kind === "allocate") {
            const label = `region ${index}`;
            live.push({ start: memory.allocate(action.size, label, action.alignment), size: action.size, label });
          } else if (live.length > 0) {
            const [freed] = live.splice(action.pick % live.length, 1);
            memory.free(hostAddress(freed!.start));
          }
        });
        const expected = (address: number, length: number) => live.find((region) => address >= region.start && address < region.start + region.size && address + length <= region.start + region.size)?.label;
        for (const region of live) {
          // A length of 0 at a region's end as well: it was found in the region last looked up, whichever that was (from an outside check).
          for (const [address, length] of [[region.start, 1], [region.start, region.size], [region.start + region.size - 1, 1], [region.start + region.size - 1, 2], [region.start - 1, 1], [region.start + region.size, 1], [region.start - 1, 2], [region.start, 0], [region.start + region.size, 0]] as const) {
            expect(memory.regionOf(address, length)?.label, `${address} +${length}`).toBe(expected(address, length));
            expect(memory.isMapped(address, length)).toBe(length > 0 && expected(address, length) !== undefined);
          }
        }
        // Addresses anywhere in the span the allocations took, and lengths that run past a region's end.
        const span = Math.max(1, ...live.map((region) => region.start + region.size - 2 ** 32));
        for (const probe of probes) {
          const address = 2 ** 32 + (probe % span);
          const length = 1 + (probe % 5000);
          expect(memory.regionOf(address, length)?.label, `${address} +${length}`).toBe(expected(address, length));
        }
      }),
      { numRuns: 300, seed: 6571 },
    );
  });

  test("thousands of regions, every third freed and some of those taken again: each found at its ends, none past them", () => {
    const memory = new HostMemory();
    const regions = Array.from({ length: 3000 }, (_, index) => ({ start: memory.allocate(64 + (index % 7) * 100, `buffer ${index}`) as number, size: 64 + (index % 7) * 100, label: `buffer ${index}` }));
    const freed = regions.filter((_, index) => index % 3 === 0);
    for (const region of freed) memory.free(hostAddress(region.start));
    const again = freed.slice(0, 200).map((region, index) => ({ start: memory.allocate(region.size, `again ${index}`) as number, size: region.size, label: `again ${index}` }));
    const live = [...regions.filter((_, index) => index % 3 !== 0), ...again];
    for (const region of live) {
      expect(memory.regionOf(region.start)?.label).toBe(region.label);
      expect(memory.regionOf(region.start, region.size)?.label).toBe(region.label);
      expect(memory.regionOf(region.start + region.size - 1)?.label).toBe(region.label);
      expect(memory.regionOf(region.start, region.size + 1)).toBeUndefined();
      expect(memory.isMapped(region.start + region.size, 1)).toBe(false);
    }
    for (const region of freed.slice(200)) expect(memory.isMapped(region.start, 1)).toBe(false);
  });
});

describe("red zones between allocations", () => {
  test("slot N of an N-slot ring is in no allocation: the device may not reach it, and the guard names the ring", () => {
    const memory = new HostMemory({ guard: true });
    const slots = 8;
    const ring = memory.allocate(slots * 16, "tx ring 0", 128);
    const next = memory.allocate(4096, "tx buffers", 64);
    expect(memory.isMapped(ring + (slots - 1) * 16, 16)).toBe(true);
    expect(memory.isMapped(ring + slots * 16, 16)).toBe(false);
    expect(next).toBeGreaterThanOrEqual(ring + slots * 16 + RED_ZONE_BYTES);
    expect(() => memory.write(ring + slots * 16, new Uint8Array(16))).toThrow(/red zone 0 bytes after the end of 'tx ring 0'/);
  });

  test("buffer N of an N-buffer pool is in the red zone too", () => {
    const memory = new HostMemory();
    const pool = memory.allocate(4 * 2048, "rx buffers", 4096);
    memory.allocate(64, "neighbour");
    expect(memory.isMapped(pool + 4 * 2048, 2048)).toBe(false);
  });

  test("red zones keep an allocation's offset within its page", () => {
    const memory = new HostMemory();
    const first = memory.allocate(100, "a", 64);
    const second = memory.allocate(100, "b", 64);
    expect((second - first) % 4096).toBe(128);
  });
});
