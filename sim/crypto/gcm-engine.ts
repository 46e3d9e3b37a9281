import { type AesGcmBackend, checkKey, type IcvLength } from "./backend.js";
import { GhashKey, wordsToBytes } from "./ghash.js";

export const BLOCK_BYTES = 16;

/**
 * Where a GCM operation stands after some whole blocks: the intermediate state a crypto engine
 * saves when it suspends a packet, and restores to resume it. Copying it is saving it.
 */
export interface GcmContext {
  /** Counter block for the next block of data (J0 + 1 + blocks done). */
  readonly counter: Uint8Array;
  /** GHASH accumulator after the AAD and the ciphertext so far. */
  readonly ghash: Uint32Array;
  /** Data bytes processed so far; a multiple of 16 until the last, partial block. */
  readonly offset: number;
  readonly aadLength: number;
  readonly j0: Uint8Array;
  readonly encrypt: boolean;
}

/**
 * AES-GCM one block at a time, with the state kept in a GcmContext that can be saved after any
 * block and resumed later, giving output byte-identical to a one-shot operation. The keystream
 * comes from the backend's AES block encryption; GHASH is computed here.
 */
export class GcmEngine {
  private readonly ghashKey: GhashKey;

  constructor(private readonly backend: AesGcmBackend, private readonly key: Uint8Array) {
    checkKey(key);
    this.ghashKey = new GhashKey(backend.encryptBlocks(key, new Uint8Array(BLOCK_BYTES)));
  }

  /** Begin: J0 = nonce || 1, and GHASH over the zero-padded AAD. */
  start(nonce: Uint8Array, aad: Uint8Array, encrypt: boolean): GcmContext {
    if (nonce.length !== 12) throw new RangeError(`GCM nonce of ${nonce.length} bytes: expected 12`);
    const j0 = new Uint8Array(BLOCK_BYTES);
    j0.set(nonce);
    j0[15] = 1;
    const ghash = new Uint32Array(4);
    for (let offset = 0; offset < aad.length; offset += BLOCK_BYTES) this.ghashKey.absorb(ghash, aad, offset, aad.length - offset);
    return { counter: increment(j0), ghash, offset: 0, aadLength: aad.length, j0, encrypt };
  }

  /**
   * Process up to `blocks` blocks of `input` from the context's offset into `output` (same
   * offsets); returns the new context. The last block of the data may be partial.
   */
  step(context: GcmContext, input: Uint8Array, output: Uint8Array, blocks: number): GcmContext {
    const start = context.offset;
    const end = Math.min(input.length, start + blocks * BLOCK_BYTES);
    if (end <= start) return context;
    if (start % BLOCK_BYTES !== 0) throw new RangeError(`GCM context at offset ${start}: the data already ended with a partial block`);
    const count = Math.ceil((end - start) / BLOCK_BYTES);
    const counters = new Uint8Array(count * BLOCK_BYTES);
    let counter = context.counter;
    for (let block = 0; block < count; block++) {
      counters.set(counter, block * BLOCK_BYTES);
      counter = increment(counter);
    }
    const keystream = this.backend.encryptBlocks(this.key, counters);
    for (let index = start; index < end; index++) output[index] = input[index]! ^ keystream[index - start]!;
    const ghash = context.ghash.slice();
    const ciphertext = context.encrypt ? output : input;
    for (let offset = start; offset < end; offset += BLOCK_BYTES) this.ghashKey.absorb(ghash, ciphertext, offset, end - offset);
    return { ...context, counter, ghash, offset: end };
  }

  /** The tag: E(K, J0) xor GHASH(... || len(A) || len(C)), cut to the ICV length. */
  finish(context: GcmContext, icvLength: IcvLength): Uint8Array {
    const lengths = new Uint8Array(BLOCK_BYTES);
    const view = new DataView(lengths.buffer);
    view.setUint32(4, context.aadLength * 8);
    view.setUint32(8, Math.floor((context.offset * 8) / 0x1_0000_0000));
    view.setUint32(12, (context.offset * 8) >>> 0);
    const ghash = context.ghash.slice();
    this.ghashKey.absorb(ghash, lengths, 0);
    const mask = this.backend.encryptBlocks(this.key, context.j0);
    const tag = wordsToBytes(ghash);
    for (let index = 0; index < BLOCK_BYTES; index++) tag[index] = tag[index]! ^ mask[index]!;
    return tag.subarray(0, icvLength);
  }
}

/** The counter block with its last 32 bits incremented modulo 2^32 (GCM's inc32). */
function increment(block: Uint8Array): Uint8Array {
  const next = block.slice();
  for (let index = 15; index >= 12; index--) {
    next[index] = (next[index]! + 1) & 0xff;
    if (next[index] !== 0) break;
  }
  return next;
}
