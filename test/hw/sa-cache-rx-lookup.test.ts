import { describe, expect, test } from "vitest";
import { PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { buildNicSystem } from "../../system/build.js";

// 192.0.2.2, as the RX engine reads it from the packet: unsigned.
const DESTINATION = 192 * 2 ** 24 + 2 * 2 ** 8 + 2;

function record(spi: number, key: number) {
  return { uniqueId: spi, protocol: PROTOCOL_ESP, direction: 0, spi, esn: false, qosGroup: null, icvLength: 16 as const, keyMaterial: new Uint8Array(20).fill(key), source: Uint8Array.of(192, 0, 2, 1), destination: Uint8Array.of(192, 0, 2, 2) };
}

describe("the NIC's RX SA lookup by SPI and destination", () => {
  // SA_COMMAND refuses a second entry for one SA; installed directly (the library's SaCache.install), two may hold it, and emptying either must leave the other found.
  test("two entries holding one SA, installed directly: vacating either leaves the other found, vacating both finds none", () => {
    for (const first of [0, 1]) {
      const { top } = buildNicSystem({ seed: 1 });
      const cache = top.nic.saCache;
      cache.install("rx", 3, record(0x2000, 1));
      cache.install("rx", 5, record(0x2000, 2));
      cache.install("rx", 6, record(0x2001, 3));
      expect(cache.rxLookup(0x2000, DESTINATION)?.index).toBe(5);
      const [gone, kept] = first === 0 ? [5, 3] : [3, 5];
      expect(cache.invalidate("rx", gone)).toBe(true);
      expect(cache.rxLookup(0x2000, DESTINATION)?.index).toBe(kept);
      expect(cache.invalidate("rx", kept)).toBe(true);
      expect(cache.rxLookup(0x2000, DESTINATION)).toBeNull();
      // Another SPI is untouched throughout.
      expect(cache.rxLookup(0x2001, DESTINATION)?.index).toBe(6);
    }
  });

  test("an entry replaced by another SA stops being found by its old SPI, and the new SA is", () => {
    const { top } = buildNicSystem({ seed: 1 });
    const cache = top.nic.saCache;
    cache.install("rx", 2, record(0x3000, 1));
    cache.install("rx", 2, record(0x3001, 2));
    expect(cache.rxLookup(0x3000, DESTINATION)).toBeNull();
    expect(cache.rxLookup(0x3001, DESTINATION)?.index).toBe(2);
  });
});
