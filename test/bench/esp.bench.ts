import { performance } from "node:perf_hooks";
import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { EspInbound, EspOutbound, spi, type EspSaParameters } from "../../sim/ipsec/esp.js";

/**
 * ESP encrypt and decrypt throughput beside the raw backend's seal and open on the same inputs,
 * in the same run: the ESP layer's own cost is the difference.
 */
const SIZES = [64, 512, 1400];
const sa: EspSaParameters = { spi: spi(0x1000), keyMaterial: Uint8Array.from({ length: 20 }, (_, index) => index + 1), icvLength: 16, esn: false };
const key = sa.keyMaterial.subarray(0, 16);
const nonce = new Uint8Array(12);
const aad = new Uint8Array(8);

function rate(operation: () => void, minimumSeconds = 0.15): number {
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minimumSeconds * 1000) {
    for (let index = 0; index < 256; index++) operation();
    count += 256;
    elapsed = performance.now() - started;
  }
  return count / (elapsed / 1000);
}

/** Best of several alternating rounds of each operation, so that both see the same machine. */
function compare(a: () => void, b: () => void, rounds = 7): [number, number] {
  let bestA = 0;
  let bestB = 0;
  for (let round = 0; round < rounds; round++) {
    bestA = Math.max(bestA, rate(a));
    bestB = Math.max(bestB, rate(b));
  }
  return [bestA, bestB];
}

console.log(`\nESP benchmark: AES-128-GCM, 16-byte ICV, Node ${process.version}; packets per second (payload bytes)`);
console.log("| backend | bytes | raw seal/s | ESP encapsulate/s | ESP cost | raw open/s | ESP decapsulate/s | ESP cost |");
console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
let worst = 0;
for (const backend of [new NobleBackend(), new NodeCryptoBackend()] as AesGcmBackend[]) {
  for (const size of SIZES) {
    const payload = Uint8Array.from({ length: size }, (_, index) => index & 0xff);
    // The raw backend seals what ESP seals: the payload with its 2-byte trailer (and padding).
    const padded = new Uint8Array(size + ((4 - ((size + 2) % 4)) % 4) + 2);
    const sealed = backend.seal(key, nonce, aad, padded, 16);
    const outbound = new EspOutbound(backend, sa);
    const [rawSeal, espEncapsulate] = compare(() => backend.seal(key, nonce, aad, padded, 16), () => outbound.encapsulate(payload, 4));
    // Decapsulation needs sequence numbers the receiver has not seen: a ring of packets, and a fresh receiver per lap.
    const packets = Array.from({ length: 4096 }, () => outbound.encapsulate(payload, 4));
    let next = 0;
    let inbound = new EspInbound(backend, sa);
    const [rawOpen, espDecapsulate] = compare(
      () => backend.open(key, nonce, aad, sealed, 16),
      () => {
        if (next === packets.length) {
          next = 0;
          inbound = new EspInbound(backend, sa);
        }
        inbound.decapsulate(packets[next++]!);
      },
    );
    const encryptCost = rawSeal / espEncapsulate - 1;
    const decryptCost = rawOpen / espDecapsulate - 1;
    worst = Math.max(worst, encryptCost, decryptCost);
    const format = (value: number) => Math.round(value).toLocaleString("en-US");
    console.log(`| ${backend.name} | ${size} | ${format(rawSeal)} | ${format(espEncapsulate)} | ${(encryptCost * 100).toFixed(1)}% | ${format(rawOpen)} | ${format(espDecapsulate)} | ${(decryptCost * 100).toFixed(1)}% |`);
  }
}
console.log(`goal: the ESP layer costs at most 20% over the raw backend: ${worst <= 0.2 ? "met" : "NOT met"} (worst ${(worst * 100).toFixed(1)}%)`);
