import { ecb, gcm } from "@noble/ciphers/aes.js";
import { type AesGcmBackend, checkBlocks, checkIcvLength, checkKey, checkRegion, type IcvLength } from "./backend.js";
import { equalConstantTime } from "../bytes.js";

const TAG_BYTES = 16;

/**
 * AES-GCM through @noble/ciphers (audited, pure JavaScript): the backend a scenario chooses with
 * `cryptoBackend: noble`, for a run that needs no native code. Its GHASH, with the accumulator
 * opened, is also what the suspendable engine runs on (GcmEngine), whichever backend is chosen.
 */
export class NobleBackend implements AesGcmBackend {
  readonly name = "@noble/ciphers";

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    checkKey(key);
    checkIcvLength(icvLength);
    const sealed = gcm(key, nonce, aad).encrypt(plaintext);
    return icvLength === TAG_BYTES ? sealed : sealed.subarray(0, plaintext.length + icvLength);
  }

  sealInPlace(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, start: number, end: number, icvLength: IcvLength): void {
    checkKey(key);
    checkRegion(buffer, start, end, icvLength);
    // noble writes into an array of its own: its ciphertext and ICV copied back over the plaintext in one piece.
    const sealed = gcm(key, nonce, aad).encrypt(buffer.subarray(start, end));
    buffer.set(icvLength === TAG_BYTES ? sealed : sealed.subarray(0, end - start + icvLength), start);
  }

  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, icv: Uint8Array): Uint8Array | null {
    checkKey(key);
    checkIcvLength(icv.length);
    if (icv.length === TAG_BYTES) {
      try {
        return gcm(key, nonce, aad).decrypt(adjoined(ciphertext, icv));
      } catch {
        return null;
      }
    }
    // noble verifies only full tags: decrypt by encrypting (GCM is a stream cipher), then seal the plaintext again and compare the ICV.
    const length = ciphertext.length;
    const plaintext = gcm(key, nonce, aad).encrypt(ciphertext).subarray(0, length);
    const again = gcm(key, nonce, aad).encrypt(plaintext);
    return equalConstantTime(again.subarray(length, length + icv.length), icv) ? plaintext : null;
  }

  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    checkKey(key);
    checkBlocks(blocks);
    return ecb(key, { disablePadding: true }).encrypt(blocks);
  }
}

/** Ciphertext and ICV as one array, as noble's decrypt takes them: a view when they lie side by side (as in an ESP packet), else a join. */
function adjoined(ciphertext: Uint8Array, icv: Uint8Array): Uint8Array {
  if (icv.buffer === ciphertext.buffer && icv.byteOffset === ciphertext.byteOffset + ciphertext.length) return new Uint8Array(ciphertext.buffer, ciphertext.byteOffset, ciphertext.length + icv.length);
  const joined = new Uint8Array(ciphertext.length + icv.length);
  joined.set(ciphertext);
  joined.set(icv, ciphertext.length);
  return joined;
}
