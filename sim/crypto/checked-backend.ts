import type { AesGcmBackend } from "./backend.js";

/**
 * A backend registered under AesGcmBackendToken, what it returns checked against what each call
 * promises: an open() of the wrong length stopped the run as "Offset is outside the bounds of the
 * DataView" (from a driver developer's check). Now the run stops naming the backend and the call.
 */
export function checkedBackend(inner: AesGcmBackend): AesGcmBackend {
  const refuse = (call: string, got: unknown, expected: string): never => {
    const shown = got instanceof Uint8Array ? `${got.length} bytes` : got === null ? "null" : typeof got;
    throw new Error(`the crypto backend '${String(inner.name)}' (AesGcmBackendToken): ${call} returned ${shown}: expected ${expected}`);
  };
  return {
    name: inner.name,
    seal(key, nonce, aad, plaintext, icvLength) {
      const sealed = inner.seal(key, nonce, aad, plaintext, icvLength);
      if (!(sealed instanceof Uint8Array) || sealed.length !== plaintext.length + icvLength) refuse("seal()", sealed, `a Uint8Array of ${plaintext.length + icvLength} bytes (the ciphertext and a ${icvLength}-byte ICV)`);
      return sealed;
    },
    sealInPlace: (key, nonce, aad, buffer, start, end, icvLength) => inner.sealInPlace(key, nonce, aad, buffer, start, end, icvLength),
    open(key, nonce, aad, ciphertext, icv) {
      const opened = inner.open(key, nonce, aad, ciphertext, icv);
      if (opened !== null && (!(opened instanceof Uint8Array) || opened.length !== ciphertext.length)) refuse("open()", opened, `null (the ICV does not verify) or a Uint8Array of ${ciphertext.length} bytes (the plaintext)`);
      return opened;
    },
    encryptBlocks(key, blocks) {
      const encrypted = inner.encryptBlocks(key, blocks);
      if (!(encrypted instanceof Uint8Array) || encrypted.length !== blocks.length) refuse("encryptBlocks()", encrypted, `a Uint8Array of ${blocks.length} bytes`);
      return encrypted;
    },
  };
}
