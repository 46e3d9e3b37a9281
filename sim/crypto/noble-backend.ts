import { ecb, gcm } from "@noble/ciphers/aes.js";
import { type AesGcmBackend, checkKey, equalConstantTime, type IcvLength } from "./backend.js";

const TAG_BYTES = 16;

/** AES-GCM through @noble/ciphers (audited, pure JavaScript): the default backend. */
export class NobleBackend implements AesGcmBackend {
  readonly name = "@noble/ciphers";

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    checkKey(key);
    const sealed = gcm(key, nonce, aad).encrypt(plaintext);
    // A shorter ICV is the leftmost bytes of the full tag (NIST SP 800-38D, 5.2.1.2).
    return icvLength === TAG_BYTES ? sealed : sealed.subarray(0, plaintext.length + icvLength);
  }

  sealInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, head: Uint8Array, tail: Uint8Array, icvLength: IcvLength, output: Uint8Array, offset: number): void {
    // noble takes the plaintext whole: join the parts where the ciphertext will go, and encrypt that.
    const plaintext = new Uint8Array(head.length + tail.length);
    plaintext.set(head);
    plaintext.set(tail, head.length);
    output.set(this.seal(key, nonce, aad, plaintext, icvLength), offset);
  }

  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, icvLength: IcvLength): Uint8Array | null {
    checkKey(key);
    if (sealed.length < icvLength) return null;
    if (icvLength === TAG_BYTES) {
      try {
        return gcm(key, nonce, aad).decrypt(sealed);
      } catch {
        return null;
      }
    }
    // noble verifies only full tags: decrypt by re-encrypting (GCM is a stream cipher) and compare the ICV.
    const length = sealed.length - icvLength;
    const stream = gcm(key, nonce, aad).encrypt(sealed.subarray(0, length));
    const plaintext = stream.slice(0, length);
    const again = gcm(key, nonce, aad).encrypt(plaintext);
    return equalConstantTime(again.subarray(length, length + icvLength), sealed.subarray(length)) ? plaintext : null;
  }

  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    checkKey(key);
    return ecb(key, { disablePadding: true }).encrypt(blocks);
  }
}
