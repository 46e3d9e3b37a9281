import { createCipheriv, createDecipheriv } from "node:crypto";
import { uninitialised } from "../bytes.js";
import { type AesGcmBackend, checkKey, type IcvLength } from "./backend.js";

/** AES-GCM through node:crypto (OpenSSL): the fast backend. */
const EMPTY = new Uint8Array(0);

export class NodeCryptoBackend implements AesGcmBackend {
  readonly name = "node:crypto";

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    const sealed = uninitialised(plaintext.length + icvLength);
    this.sealInto(key, nonce, aad, plaintext, EMPTY, icvLength, sealed, 0);
    return sealed;
  }

  sealInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, head: Uint8Array, tail: Uint8Array, icvLength: IcvLength, output: Uint8Array, offset: number): void {
    checkKey(key);
    const cipher = createCipheriv(key.length === 16 ? "aes-128-gcm" : "aes-256-gcm", key, nonce, { authTagLength: icvLength });
    cipher.setAAD(aad);
    let at = offset;
    for (const part of [cipher.update(head), tail.length > 0 ? cipher.update(tail) : EMPTY, cipher.final()]) {
      output.set(part, at);
      at += part.length;
    }
    output.set(cipher.getAuthTag(), at);
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
      const plaintext = uninitialised(length);
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
