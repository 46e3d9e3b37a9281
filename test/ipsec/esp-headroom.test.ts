import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { EspInbound, EspOutbound, spi, type EspSaParameters } from "../../sim/ipsec/esp.js";
import { tunnelEncapsulate } from "../../sim/ipsec/modes.js";
import { internetChecksum } from "../../sim/packet/checksum.js";
import { ipv4Address, PROTOCOL_ESP, PROTOCOL_IPV4 } from "../../sim/packet/ipv4.js";

const backends: AesGcmBackend[] = [new NobleBackend(), new NodeCryptoBackend()];
const sa = (icvLength: 8 | 12 | 16, esn: boolean): EspSaParameters => ({ spi: spi(0x2000), keyMaterial: Uint8Array.from({ length: 20 }, (_, index) => index * 7), icvLength, esn });
const outer = { source: ipv4Address("192.0.2.1"), destination: ipv4Address("198.51.100.9"), dscp: 46 };

// The driver and the gateway lay an ESP frame out once, with room in front for its outer headers: the ESP bytes must not depend on that room.
describe("ESP with headroom for the outer headers", () => {
  for (const backend of backends) {
    test(`${backend.name}: encapsulate, prepare and seal give the same packet after any headroom, which is zeroed`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 1, max: 100 }), fc.constantFrom(8, 12, 16), fc.boolean(), (length, headroom, icv, esn) => {
          const payload = Uint8Array.from({ length }, (_, index) => (index * 13) & 0xff);
          const parameters = sa(icv as 8 | 12 | 16, esn);
          const [plain, roomy] = [new EspOutbound(backend, parameters), new EspOutbound(backend, parameters)];
          const cases = [
            [plain.encapsulate(payload, 4), roomy.encapsulate(payload, 4, undefined, headroom)],
            [plain.prepare(payload, 17), roomy.prepare(payload, 17, headroom)],
            [plain.seal(payload, 4).finish(), roomy.seal(payload, 4, headroom).finish()],
          ] as const;
          for (const [without, withRoom] of cases) {
            expect(withRoom.length).toBe(without.length + headroom);
            expect(withRoom.subarray(0, headroom).every((byte) => byte === 0)).toBe(true);
            expect(Buffer.from(withRoom.subarray(headroom)).equals(Buffer.from(without))).toBe(true);
          }
          const opened = new EspInbound(backend, parameters).decapsulate(cases[0][1].subarray(headroom));
          expect(opened.kind === "payload" && Buffer.from(opened.payload).equals(Buffer.from(payload))).toBe(true);
        }),
        { numRuns: 60, seed: 4417 },
      );
    });
  }

  test("a headroom that is not a whole number of bytes is refused before a sequence number is spent", () => {
    const outbound = new EspOutbound(new NodeCryptoBackend(), sa(16, false));
    for (const headroom of [-1, 1.5, Number.NaN, Infinity]) {
      expect(() => outbound.encapsulate(new Uint8Array(10), 4, undefined, headroom)).toThrow(`headroom ${String(headroom)}: expected a whole number of bytes, at least 0`);
      expect(() => outbound.prepare(new Uint8Array(10), 4, headroom)).toThrow(/^headroom /);
      expect(() => tunnelEncapsulate(outbound, new Uint8Array(10), outer, headroom)).toThrow(/^headroom /);
    }
    // -20 plus the outer IPv4 header's 20 bytes would be a valid headroom for the ESP layer: the tunnel checks its own.
    expect(() => tunnelEncapsulate(outbound, new Uint8Array(10), outer, -20)).toThrow(/^headroom -20/);
    expect(outbound.nextSequence).toEqual({ high: 0, low: 1 });
  });

  test("tunnel mode: the outer IPv4 header after the headroom is whole and checks, and the ESP packet is the one without headroom", () => {
    const backend = new NodeCryptoBackend();
    const inner = Uint8Array.from({ length: 333 }, (_, index) => index & 0xff);
    const without = tunnelEncapsulate(new EspOutbound(backend, sa(16, false)), inner, outer);
    const withRoom = tunnelEncapsulate(new EspOutbound(backend, sa(16, false)), inner, outer, 14);
    expect(Buffer.from(withRoom.subarray(14)).equals(Buffer.from(without))).toBe(true);
    const header = withRoom.subarray(14, 34);
    expect((header[2]! << 8) | header[3]!).toBe(withRoom.length - 14);
    expect(header[9]).toBe(PROTOCOL_ESP);
    expect(header[1]! >> 2).toBe(46);
    expect(internetChecksum(header)).toBe(0);
    const opened = new EspInbound(backend, sa(16, false)).decapsulate(withRoom.subarray(34));
    expect(opened.kind === "payload" && opened.nextHeader === PROTOCOL_IPV4 && Buffer.from(opened.payload).equals(Buffer.from(inner))).toBe(true);
  });
});
