import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AesGcmBackend, IcvLength } from "../../sim/crypto/backend.js";
import { GcmEngine } from "../../sim/crypto/gcm-engine.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ""), "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

const backends: AesGcmBackend[] = [new NobleBackend(), new NodeCryptoBackend()];

/** Open a sealed message (ciphertext then ICV) through the backend, the two parts given where they lie. */
function openSealed(backend: AesGcmBackend, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, icvLength: IcvLength): Uint8Array | null {
  return backend.open(key, nonce, aad, sealed.subarray(0, sealed.length - icvLength), sealed.subarray(sealed.length - icvLength));
}

/** Test cases of "The Galois/Counter Mode of Operation (GCM)", McGrew and Viega, Appendix B (96-bit IVs). */
const P64 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
const P60 = P64.slice(0, 120);
const K3 = "feffe9928665731c6d6a8f9467308308";
const IV3 = "cafebabefacedbaddecaf888";
const A4 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const C3 = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985";
const C15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
const gcmSpecCases = [
  { name: "test case 1", key: "00".repeat(16), iv: "00".repeat(12), aad: "", plaintext: "", ciphertext: "", tag: "58e2fccefa7e3061367f1d57a4e7455a" },
  { name: "test case 2", key: "00".repeat(16), iv: "00".repeat(12), aad: "", plaintext: "00".repeat(16), ciphertext: "0388dace60b6a392f328c2b971b2fe78", tag: "ab6e47d42cec13bdf53a67b21257bddf" },
  { name: "test case 3", key: K3, iv: IV3, aad: "", plaintext: P64, ciphertext: C3, tag: "4d5c2af327cd64a62cf35abd2ba6fab4" },
  { name: "test case 4", key: K3, iv: IV3, aad: A4, plaintext: P60, ciphertext: C3.slice(0, 120), tag: "5bc94fbc3221a5db94fae95ae7121a47" },
  { name: "test case 13", key: "00".repeat(32), iv: "00".repeat(12), aad: "", plaintext: "", ciphertext: "", tag: "530f8afbc74536b9a963b4f1c4cb738b" },
  { name: "test case 14", key: "00".repeat(32), iv: "00".repeat(12), aad: "", plaintext: "00".repeat(16), ciphertext: "cea7403d4d606b6e074ec5d3baf39d18", tag: "d0d1c8a799996bf0265b98b5d48ab919" },
  { name: "test case 15", key: K3 + K3, iv: IV3, aad: "", plaintext: P64, ciphertext: C15, tag: "b094dac5d93471bdec1a502270e3cc6c" },
  { name: "test case 16", key: K3 + K3, iv: IV3, aad: A4, plaintext: P60, ciphertext: C15.slice(0, 120), tag: "76fc6ece0f4e1768cddf8853bb2d551b" },
];

describe.each(backends)("AES-GCM through $name", (backend) => {
  test("a region to seal in place that, with its ICV, overruns the buffer, or an ICV of another length, is refused and nothing is written", () => {
    const key = new Uint8Array(16);
    const nonce = new Uint8Array(12);
    const buffer = new Uint8Array(40).fill(7);
    expect(() => backend.sealInPlace(key, nonce, new Uint8Array(0), buffer, 8, 30, 16)).toThrow(/from 8 to 30 and a 16-byte ICV after it: outside the 40-byte buffer/);
    expect(() => backend.sealInPlace(key, nonce, new Uint8Array(0), buffer, 20, 10, 8)).toThrow(RangeError);
    expect(() => backend.sealInPlace(key, nonce, new Uint8Array(0), buffer, 0, 8, 10 as IcvLength)).toThrow(/ICV of 10 bytes: expected 8, 12 or 16/);
    expect(buffer.every((byte) => byte === 7)).toBe(true);
    expect(() => backend.open(key, nonce, new Uint8Array(0), buffer.subarray(0, 16), buffer.subarray(16, 26))).toThrow(/ICV of 10 bytes/);
  });

  test.each(gcmSpecCases)("the GCM specification's $name", (vector) => {
    const sealed = backend.seal(hex(vector.key), hex(vector.iv), hex(vector.aad), hex(vector.plaintext), 16);
    expect(toHex(sealed)).toBe(vector.ciphertext + vector.tag);
    expect(toHex(openSealed(backend, hex(vector.key), hex(vector.iv), hex(vector.aad), sealed, 16)!)).toBe(vector.plaintext);
    // Ciphertext and ICV apart (not side by side in one array) open the same.
    expect(toHex(backend.open(hex(vector.key), hex(vector.iv), hex(vector.aad), hex(vector.ciphertext), hex(vector.tag))!)).toBe(vector.plaintext);
    // Sealed in place: the plaintext's own bytes become the ciphertext, the ICV goes where it is asked.
    const inPlace = new Uint8Array(8 + vector.plaintext.length / 2 + 16 + 8).fill(0xee);
    inPlace.set(hex(vector.plaintext), 8);
    backend.sealInPlace(hex(vector.key), hex(vector.iv), hex(vector.aad), inPlace, 8, inPlace.length - 24, 16);
    expect(toHex(inPlace)).toBe("ee".repeat(8) + vector.ciphertext + vector.tag + "ee".repeat(8));
    const engine = new GcmEngine(backend, hex(vector.key));
    const plaintext = hex(vector.plaintext);
    const output = new Uint8Array(plaintext.length);
    const context = engine.step(engine.start(hex(vector.iv), hex(vector.aad), true), plaintext, output, Infinity);
    expect(toHex(output) + toHex(engine.finish(context, 16))).toBe(vector.ciphertext + vector.tag);
  });

  test("8 and 12-byte ICVs are the leftmost bytes of the tag; a wrong one is refused", () => {
    const vector = gcmSpecCases[3]!;
    for (const icv of [8, 12] as IcvLength[]) {
      const sealed = backend.seal(hex(vector.key), hex(vector.iv), hex(vector.aad), hex(vector.plaintext), icv);
      expect(toHex(sealed)).toBe(vector.ciphertext + vector.tag.slice(0, icv * 2));
      expect(toHex(openSealed(backend, hex(vector.key), hex(vector.iv), hex(vector.aad), sealed, icv)!)).toBe(vector.plaintext);
      const inPlace = new Uint8Array(vector.plaintext.length / 2 + icv + 3).fill(0xee);
      inPlace.set(hex(vector.plaintext));
      backend.sealInPlace(hex(vector.key), hex(vector.iv), hex(vector.aad), inPlace, 0, vector.plaintext.length / 2, icv);
      expect(toHex(inPlace)).toBe(vector.ciphertext + vector.tag.slice(0, icv * 2) + "eeeeee");
      // Apart (not side by side in one array), ciphertext and ICV open the same.
      const apart = { ciphertext: hex(vector.ciphertext), icv: hex(vector.tag.slice(0, icv * 2)) };
      expect(toHex(backend.open(hex(vector.key), hex(vector.iv), hex(vector.aad), apart.ciphertext, apart.icv)!)).toBe(vector.plaintext);
      sealed[sealed.length - 1]! ^= 1;
      expect(openSealed(backend, hex(vector.key), hex(vector.iv), hex(vector.aad), sealed, icv)).toBeNull();
    }
  });
});

const arbitraryInput = fc.record({
  key: fc.uint8Array({ minLength: 16, maxLength: 16 }).chain((k) => fc.oneof(fc.constant(k), fc.uint8Array({ minLength: 32, maxLength: 32 }))),
  nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  aad: fc.uint8Array({ maxLength: 40 }),
  plaintext: fc.uint8Array({ maxLength: 300 }),
  icv: fc.constantFrom<IcvLength>(8, 12, 16),
});

describe("backends and the block engine agree", () => {
  test("node:crypto and @noble/ciphers seal and open alike on random inputs", () => {
    const [noble, node] = backends as [AesGcmBackend, AesGcmBackend];
    fc.assert(
      fc.property(arbitraryInput, ({ key, nonce, aad, plaintext, icv }) => {
        const sealed = noble.seal(key, nonce, aad, plaintext, icv);
        expect(toHex(node.seal(key, nonce, aad, plaintext, icv))).toBe(toHex(sealed));
        expect(toHex(openSealed(node, key, nonce, aad, sealed, icv)!)).toBe(toHex(plaintext));
        expect(toHex(openSealed(noble, key, nonce, aad, sealed, icv)!)).toBe(toHex(plaintext));
      }),
      { numRuns: 200, seed: 1 },
    );
  });

  test("suspended after any block and resumed from a saved copy, the engine gives the one-shot output, and decrypts back", () => {
    const backend = backends[0]!;
    fc.assert(
      fc.property(arbitraryInput, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }), ({ key, nonce, aad, plaintext, icv }, slices) => {
        const engine = new GcmEngine(backend, key);
        const output = new Uint8Array(plaintext.length);
        let context = engine.start(nonce, aad, true);
        for (const blocks of slices) {
          // Save the context (a structured copy, as a crypto engine would store it) and resume from the copy.
          context = structuredClone(engine.step(context, plaintext, output, blocks));
        }
        context = engine.step(context, plaintext, output, Infinity);
        const sealed = new Uint8Array([...output, ...engine.finish(context, icv)]);
        expect(toHex(sealed)).toBe(toHex(backend.seal(key, nonce, aad, plaintext, icv)));
        const back = new Uint8Array(plaintext.length);
        const decrypting = engine.step(engine.start(nonce, aad, false), output, back, Infinity);
        expect(toHex(back)).toBe(toHex(plaintext));
        expect(toHex(engine.finish(decrypting, icv))).toBe(toHex(sealed.subarray(plaintext.length)));
        // The one-shot path a never-suspended job takes gives the same bytes.
        expect(toHex(engine.sealWhole(nonce, aad, plaintext, icv))).toBe(toHex(sealed));
        expect(toHex(engine.openWhole(nonce, aad, output, sealed.subarray(plaintext.length))!)).toBe(toHex(plaintext));
      }),
      { numRuns: 200, seed: 2 },
    );
  });

  test("one key's engine over many suspended jobs, two at a time, gives the one-shot output, its GHASH table made at its first suspended job and kept", () => {
    const backend = backends[1]!;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(fc.record({ length: fc.integer({ min: 0, max: 9000 }), first: fc.integer({ min: 1, max: 300 }), nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }) }), { minLength: 40, maxLength: 40 }), (key, jobs) => {
        const engine = new GcmEngine(backend, key);
        const aad = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
        // Each job is started and stepped part way, then the next one is started and stepped whole, then the first finished: one table serves jobs in between each other's steps.
        type Begun = { plaintext: Uint8Array; nonce: Uint8Array; output: Uint8Array; context: ReturnType<GcmEngine["start"]> };
        const begin = (index: number): Begun => {
          const job = jobs[index]!;
          const plaintext = Uint8Array.from({ length: job.length }, (_, at) => (at * 7 + index) & 0xff);
          const output = new Uint8Array(job.length);
          return { plaintext, nonce: job.nonce, output, context: structuredClone(engine.step(engine.start(job.nonce, aad, true), plaintext, output, job.first)) };
        };
        const end = (job: Begun) => {
          const context = engine.step(job.context, job.plaintext, job.output, Infinity);
          const sealed = new Uint8Array([...job.output, ...engine.finish(context, 16)]);
          expect(toHex(sealed)).toBe(toHex(backend.seal(key, job.nonce, aad, job.plaintext, 16)));
        };
        for (let index = 0; index + 1 < jobs.length; index += 2) {
          const first = begin(index);
          end(begin(index + 1));
          end(first);
        }
      }),
      { numRuns: 4, seed: 3 },
    );
  });
});

describe("raw AES block encryption (the suspendable engine's keystream)", () => {
  // FIPS 197 Appendix C.1 (AES-128) and C.3 (AES-256).
  const plaintext = hex("00112233445566778899aabbccddeeff");
  const fips = [
    { key: hex("000102030405060708090a0b0c0d0e0f"), ciphertext: "69c4e0d86a7b0430d8cdb78070b4c55a" },
    { key: hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), ciphertext: "8ea2b7ca516745bfeafc49904b496089" },
  ];

  for (const backend of backends) {
    test(`${backend.name}: FIPS 197 vectors, repeated calls with one key, and a key changed in place`, () => {
      for (const { key, ciphertext } of fips) {
        expect(toHex(backend.encryptBlocks(key, plaintext))).toBe(ciphertext);
        // A second call with the same key object gives the same block (a cached cipher keeps no state).
        expect(toHex(backend.encryptBlocks(key, Uint8Array.from([...plaintext, ...plaintext])))).toBe(ciphertext + ciphertext);
      }
      const key = fips[0]!.key.slice();
      expect(toHex(backend.encryptBlocks(key, plaintext))).toBe(fips[0]!.ciphertext);
      key.fill(0);
      // AES-128 with the all-zero key (FIPS 197 is silent; this is GCM's H for test case 1's key, E(K, 0^128), on the zero block).
      expect(toHex(backend.encryptBlocks(key, new Uint8Array(16)))).toBe("66e94bd4ef8a2c3b884cfa59ca342b2e");
      expect(() => backend.encryptBlocks(key, new Uint8Array(15))).toThrow(RangeError);
    });
  }
});
