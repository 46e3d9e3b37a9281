import { createCipheriv, createDecipheriv } from "node:crypto";
import { type AesGcmBackend, checkKey, type IcvLength } from "./backend.js";

/** AES-GCM through node:crypto (OpenSSL): the fast backend. */
export class NodeCryptoBackend implements AesGcmBackend {
  readonly name = "node:crypto";

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    checkKey(key);
    const cipher = createCipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce, { authTagLength: icvLength });
    cipher.setAAD(aad);
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    const sealed = new Uint8Array(plaintext.length + icvLength);
    sealed.set(head, 0);
    sealed.set(tail, head.length);
    sealed.set(cipher.getAuthTag(), plaintext.length);
    return sealed;
  }

  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, icvLength: IcvLength): Uint8Array | null {
    checkKey(key);
    if (sealed.length < icvLength) return null;
    const length = sealed.length - icvLength;
    const decipher = createDecipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce, { authTagLength: icvLength });
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(length));
    const head = decipher.update(sealed.subarray(0, length));
    try {
      const tail = decipher.final();
      if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
      const plaintext = new Uint8Array(length);
      plaintext.set(head, 0);
      plaintext.set(tail, head.length);
      return plaintext;
    } catch {
      return null;
    }
  }

  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    checkKey(key);
    const cipher = createCipheriv(key.length === 16 ? "aes-128-ecb" : "aes-256-ecb", key, null);
    cipher.setAutoPadding(false);
    const out = cipher.update(blocks);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
}
