import { type Cipher, createCipheriv, createDecipheriv } from "node:crypto";
import { equalConstantTime, uninitialised } from "../bytes.js";
import { type AesGcmBackend, checkBlocks, checkIcvLength, checkKey, checkRegion, type IcvLength } from "./backend.js";

function algorithm(key: Uint8Array): "aes-128-gcm" | "aes-256-gcm" {
  checkKey(key);
  return key.length === 16 ? "aes-128-gcm" : "aes-256-gcm";
}

/**
 * AES-GCM through node:crypto (OpenSSL): the default backend, for every job that runs whole.
 * OpenSSL cannot hand its state out between blocks, so the suspendable engine takes only its
 * AES blocks from here (see GcmEngine).
 */
export class NodeCryptoBackend implements AesGcmBackend {
  readonly name = "node:crypto";

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    const sealed = uninitialised(plaintext.length + icvLength);
    encrypt(key, nonce, aad, plaintext, sealed, 0, icvLength);
    return sealed;
  }

  sealInPlace(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, start: number, end: number, icvLength: IcvLength): void {
    checkRegion(buffer, start, end, icvLength);
    encrypt(key, nonce, aad, buffer.subarray(start, end), buffer, start, icvLength);
  }

  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, icv: Uint8Array): Uint8Array | null {
    checkIcvLength(icv.length);
    const decipher = createDecipheriv(algorithm(key), key, nonce, OPTIONS[icv.length]);
    decipher.setAAD(aad);
    decipher.setAuthTag(icv);
    const body = decipher.update(ciphertext);
    let rest: Buffer;
    try {
      rest = decipher.final();
    } catch {
      return null;
    }
    // GCM is a stream mode: OpenSSL gives every byte from update, and final only checks the tag.
    if (rest.length === 0) return new Uint8Array(body.buffer, body.byteOffset, body.length);
    const plaintext = uninitialised(body.length + rest.length);
    plaintext.set(body);
    plaintext.set(rest, body.length);
    return plaintext;
  }

  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    checkBlocks(blocks);
    const out = this.blockCipher(key).update(blocks);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /**
   * An ECB cipher per key, made once: ECB on whole blocks keeps no state between calls, and making
   * a cipher costs more than a suspended GCM step's few blocks. The key's bytes are compared on
   * each use, so a key changed in place gets a new cipher.
   */
  private readonly blockCiphers = new WeakMap<Uint8Array, { readonly bytes: Uint8Array; readonly cipher: Cipher }>();

  private blockCipher(key: Uint8Array): Cipher {
    const cached = this.blockCiphers.get(key);
    if (cached !== undefined && equalConstantTime(cached.bytes, key)) return cached.cipher;
    checkKey(key);
    const cipher = createCipheriv(key.length === 16 ? "aes-128-ecb" : "aes-256-ecb", key, null);
    cipher.setAutoPadding(false);
    this.blockCiphers.set(key, { bytes: key.slice(), cipher });
    return cipher;
  }
}

/** The options of a cipher, one per ICV length: made once. */
const OPTIONS: Record<IcvLength, { authTagLength: IcvLength }> = { 8: { authTagLength: 8 }, 12: { authTagLength: 12 }, 16: { authTagLength: 16 } };

/**
 * One update() over the whole plaintext, its output copied into `output` at `offset` (where the
 * plaintext itself may lie: node:crypto has no update into a given buffer), then the ICV after it.
 */
function encrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, output: Uint8Array, offset: number, icvLength: IcvLength): void {
  checkIcvLength(icvLength);
  const cipher = createCipheriv(algorithm(key), key, nonce, OPTIONS[icvLength]);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  output.set(body, offset);
  // GCM is a stream mode: OpenSSL gives every byte from update and none from final.
  const rest = cipher.final();
  if (rest.length > 0) output.set(rest, offset + body.length);
  output.set(cipher.getAuthTag(), offset + plaintext.length);
}
