import type { AesGcmBackend } from "./backend.js";
import { NobleBackend } from "./noble-backend.js";
import { NodeCryptoBackend } from "./node-backend.js";

/**
 * The AES-GCM backends a scenario chooses between (`cryptoBackend`, the parameter
 * `top.cryptoBackend`): node (node:crypto, OpenSSL: the default, and the faster) or noble
 * (@noble/ciphers, pure JavaScript). Both give the same bytes.
 */
export const CRYPTO_BACKENDS = ["node", "noble"] as const;
export type CryptoBackendName = (typeof CRYPTO_BACKENDS)[number];
export const DEFAULT_CRYPTO_BACKEND: CryptoBackendName = "node";

export function cryptoBackend(name: CryptoBackendName = DEFAULT_CRYPTO_BACKEND): AesGcmBackend {
  switch (name) {
    case "node":
      return new NodeCryptoBackend();
    case "noble":
      return new NobleBackend();
  }
}
