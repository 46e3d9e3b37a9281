import { createCipheriv } from "node:crypto";
import { performance } from "node:perf_hooks";

/**
 * This machine's raw node:crypto AES-128-GCM seal rate (seals per second) of `bytes` bytes with an
 * 8-byte AAD and a 16-byte tag, looped for about `seconds`: the yardstick the benchmark's figures
 * are divided by, so that runs on different or busy machines compare.
 */
export function sealRate(bytes = 1400, seconds = 1): number {
  // Benchmark inputs only: no secret is protected by this key.
  const key = Buffer.alloc(16, 0x42);
  const nonce = Buffer.alloc(12);
  const aad = Buffer.alloc(8, 0x01);
  const plaintext = Buffer.alloc(bytes, 0x5a);
  let seals = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    for (let index = 0; index < 256; index++) {
      nonce.writeUInt32BE((seals + index) >>> 0, 8);
      const cipher = createCipheriv("aes-128-gcm", key, nonce, { authTagLength: 16 });
      cipher.setAAD(aad);
      cipher.update(plaintext);
      cipher.final();
      cipher.getAuthTag();
    }
    seals += 256;
    elapsed = performance.now() - started;
  }
  return seals / (elapsed / 1000);
}
