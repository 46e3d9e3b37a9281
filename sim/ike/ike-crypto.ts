/**
 * The primitives IKEv1 uses here, through node:crypto: HMAC as the PRF, the negotiated hash,
 * MODP group 14 Diffie-Hellman (RFC 3526) with the private exponent from the seeded Random, and
 * AES-CBC with the padding of RFC 2409 5.3. Every call is counted so the caller can charge CPU time.
 */
import { createCipheriv, createDecipheriv, createDiffieHellman, createHash, createHmac, type DiffieHellman } from "node:crypto";
import type { Random } from "../random.js";

export type IkeHashAlgorithm = "sha1" | "sha256";

/** Work done for one call into the IKE node. */
export interface IkeWork {
  modularExponentiations: number;
  hashes: number;
  cipherBytes: number;
}

export function noWork(): IkeWork {
  return { modularExponentiations: 0, hashes: 0, cipherBytes: 0 };
}

export function prf(work: IkeWork, hash: IkeHashAlgorithm, key: Uint8Array, ...parts: readonly Uint8Array[]): Uint8Array {
  work.hashes++;
  const hmac = createHmac(hash, key);
  for (const part of parts) hmac.update(part);
  return new Uint8Array(hmac.digest());
}

export function digest(work: IkeWork, hash: IkeHashAlgorithm, ...parts: readonly Uint8Array[]): Uint8Array {
  work.hashes++;
  const hasher = createHash(hash);
  for (const part of parts) hasher.update(part);
  return new Uint8Array(hasher.digest());
}

/** The 2048-bit MODP prime of RFC 3526 section 3 (group 14), generator 2. */
export const MODP_GROUP_14_PRIME = Uint8Array.from(
  Buffer.from(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
      "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
      "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
      "15728E5A8AACAA68FFFFFFFFFFFFFFFF",
    "hex",
  ),
);
export const MODP_GROUP_14_BYTES = 256;
const PRIVATE_EXPONENT_BYTES = 32;

/** One side's Diffie-Hellman key pair: `public` is g^x, 256 bytes. The private part never leaves this object. */
export class DiffieHellmanKeyPair {
  private readonly dh: DiffieHellman;
  readonly public: Uint8Array;

  constructor(work: IkeWork, random: Random) {
    const exponent = random.bytes(PRIVATE_EXPONENT_BYTES);
    exponent[0]! |= 0x80; // a full-length exponent, never zero
    this.dh = createDiffieHellman(Buffer.from(MODP_GROUP_14_PRIME), 2);
    this.dh.setPrivateKey(Buffer.from(exponent));
    this.dh.generateKeys();
    work.modularExponentiations++;
    this.public = leftPad(new Uint8Array(this.dh.getPublicKey()), MODP_GROUP_14_BYTES);
  }

  /** g^xy left-padded to 256 bytes, or null for a peer value outside 2..p-2 (RFC 2631 2.1.5 style check). */
  sharedSecret(work: IkeWork, peerPublic: Uint8Array): Uint8Array | null {
    if (!isValidPublicValue(peerPublic)) return null;
    work.modularExponentiations++;
    return leftPad(new Uint8Array(this.dh.computeSecret(Buffer.from(peerPublic))), MODP_GROUP_14_BYTES);
  }

  toString(): string {
    return "DiffieHellmanKeyPair(MODP group 14)";
  }
}

function isValidPublicValue(value: Uint8Array): boolean {
  if (value.length !== MODP_GROUP_14_BYTES) return false;
  const number = BigInt(`0x${Buffer.from(value).toString("hex")}`);
  const prime = BigInt(`0x${Buffer.from(MODP_GROUP_14_PRIME).toString("hex")}`);
  return number > 1n && number < prime - 1n;
}

export function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length >= length) return bytes;
  const padded = new Uint8Array(length);
  padded.set(bytes, length - bytes.length);
  return padded;
}

export const AES_BLOCK_BYTES = 16;

/** RFC 2409 5.3: zero bytes, the last one holding the count of padding bytes before it. At least one byte is added. */
export function padForCipher(plaintext: Uint8Array): Uint8Array {
  const padding = AES_BLOCK_BYTES - (plaintext.length % AES_BLOCK_BYTES);
  const padded = new Uint8Array(plaintext.length + padding);
  padded.set(plaintext);
  padded[padded.length - 1] = padding - 1;
  return padded;
}

export function aesCbcEncrypt(work: IkeWork, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  work.cipherBytes += plaintext.length;
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final()]));
}

/** Null when the ciphertext is not whole blocks (the caller drops the message). */
export function aesCbcDecrypt(work: IkeWork, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  if (ciphertext.length === 0 || ciphertext.length % AES_BLOCK_BYTES !== 0) return null;
  work.cipherBytes += ciphertext.length;
  const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

export function lastBlock(ciphertext: Uint8Array): Uint8Array {
  return ciphertext.slice(ciphertext.length - AES_BLOCK_BYTES);
}

export function uint32Bytes(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}
