import { GHASH } from "@noble/ciphers/_polyval.js";
import { type AesGcmBackend, checkKey, type IcvLength } from "./backend.js";
import { read32, uninitialised, write32 } from "../bytes.js";

/**
 * @noble/ciphers' GHASH with its accumulator in the open: loaded from a context before each
 * step and read back after it, which is what lets the engine suspend and resume.
 */
class OpenGhash extends GHASH {
  load(state: Uint32Array): void {
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
  }

  save(): Uint32Array {
    return Uint32Array.of(this.s0, this.s1, this.s2, this.s3);
  }
}

/** The accumulator as bytes (noble keeps the block's bytes in little-endian words). */
function stateBytes(state: Uint32Array): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let index = 0; index < 16; index++) bytes[index] = (state[index >> 2]! >>> (8 * (index & 3))) & 0xff;
  return bytes;
}

export const BLOCK_BYTES = 16;

/** noble's GHASH sizes its table by the length it is told to expect: this one gives 4-bit windows. */
const FOUR_BIT_WINDOWS = 2 * 1024;

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
 * comes from the backend's AES block encryption; GHASH is @noble/ciphers' with its accumulator saved in the context.
 */
export class GcmEngine {
  /** GHASH's key H = E(K, 0), taken as the engine is made. */
  private readonly hashKey: Uint8Array;
  private ghash: OpenGhash | null = null;

  constructor(private readonly backend: AesGcmBackend, private readonly key: Uint8Array) {
    checkKey(key);
    this.hashKey = backend.encryptBlocks(key, new Uint8Array(BLOCK_BYTES)).slice();
  }

  /**
   * The key's GHASH, its table made at its first suspended job (an engine whose jobs all run whole
   * needs none; building one took 18 µs, for every SA and every SA cache fill) with 4-bit windows.
   * noble's default, 2-bit windows, took 40 µs for 1400 bytes in a loop, 4-bit ones 26 and 8-bit
   * ones 12; in the default scenario the 8-bit table (4,096 entries) lost to the 4-bit one, and
   * the GHASH's share of a frame went from 17 to 14 µs in a profile with 4-bit windows.
   */
  private get keyGhash(): OpenGhash {
    return (this.ghash ??= new OpenGhash(this.hashKey, FOUR_BIT_WINDOWS));
  }

  /** The GHASH accumulator `state` goes on to after `bytes` (zero-padded to whole blocks). */
  private hashOn(state: Uint32Array, bytes: Uint8Array): Uint32Array {
    const ghash = this.keyGhash;
    ghash.load(state);
    if (bytes.length > 0) ghash.update(bytes);
    return ghash.save();
  }

  /** Begin: J0 = nonce || 1, and GHASH over the zero-padded AAD. */
  start(nonce: Uint8Array, aad: Uint8Array, encrypt: boolean): GcmContext {
    if (nonce.length !== 12) throw new RangeError(`GCM nonce of ${nonce.length} bytes: expected 12`);
    const j0 = new Uint8Array(BLOCK_BYTES);
    j0.set(nonce);
    j0[15] = 1;
    return { counter: increment(j0), ghash: this.hashOn(new Uint32Array(4), aad), offset: 0, aadLength: aad.length, j0, encrypt };
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
    // The counter blocks share the first 12 bytes and count on in the last 4 (inc32), written byte by byte into a pooled buffer: a subarray per block and a backing store of their own cost a 1400-byte packet's steps more than its GHASH.
    const counters = uninitialised(count * BLOCK_BYTES);
    const prefix = context.counter;
    const first = read32(prefix, 12);
    for (let block = 0; block < count; block++) writeCounter(counters, block * BLOCK_BYTES, prefix, first + block);
    const counter = new Uint8Array(BLOCK_BYTES);
    writeCounter(counter, 0, prefix, first + count);
    const keystream = this.backend.encryptBlocks(this.key, counters);
    for (let index = start; index < end; index++) output[index] = input[index]! ^ keystream[index - start]!;
    const ciphertext = context.encrypt ? output : input;
    return { ...context, counter, ghash: this.hashOn(context.ghash, ciphertext.subarray(start, end)), offset: end };
  }

  /**
   * A whole operation that will not be suspended, through the backend's one-shot AES-GCM: the same
   * bytes as start, step to the end and finish (a property test checks it), at the backend's speed.
   */
  sealWhole(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    return this.backend.seal(this.key, nonce, aad, plaintext, icvLength);
  }

  /** The plaintext of a whole message, or null when its ICV does not verify. */
  openWhole(nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, icv: Uint8Array): Uint8Array | null {
    return this.backend.open(this.key, nonce, aad, ciphertext, icv);
  }

  /** The tag: E(K, J0) xor GHASH(... || len(A) || len(C)), cut to the ICV length. */
  finish(context: GcmContext, icvLength: IcvLength): Uint8Array {
    const lengths = new Uint8Array(BLOCK_BYTES);
    const view = new DataView(lengths.buffer);
    view.setUint32(4, context.aadLength * 8);
    view.setUint32(8, Math.floor((context.offset * 8) / 0x1_0000_0000));
    view.setUint32(12, (context.offset * 8) >>> 0);
    const mask = this.backend.encryptBlocks(this.key, context.j0);
    const tag = stateBytes(this.hashOn(context.ghash, lengths));
    for (let index = 0; index < BLOCK_BYTES; index++) tag[index] = tag[index]! ^ mask[index]!;
    return tag.subarray(0, icvLength);
  }
}

/** A counter block at `at`: the first 12 bytes of `prefix`, then `value` modulo 2^32, big-endian. */
function writeCounter(into: Uint8Array, at: number, prefix: Uint8Array, value: number): void {
  for (let index = 0; index < 12; index++) into[at + index] = prefix[index]!;
  write32(into, at + 12, value >>> 0);
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
