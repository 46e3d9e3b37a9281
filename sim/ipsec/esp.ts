import { read32, uninitialised, write32 } from "../bytes.js";
import type { AesGcmBackend, IcvLength } from "../crypto/backend.js";
import { GcmEngine } from "../crypto/gcm-engine.js";
import { GcmOperation } from "../crypto/gcm-operation.js";
import { PROTOCOL_NONE } from "../packet/ipv4.js";
import { inferHighHalf, ReplayWindow } from "./replay-window.js";

/** A Security Parameter Index: 32 bits; 0 to 255 are reserved (RFC 4303 2.1). */
export type Spi = number & { readonly __brand: "Spi" };

export class EspSaError extends Error {}

/** The sender ran out of sequence numbers: the SA must be rekeyed (RFC 4303 3.3.3). */
export class RekeyRequiredError extends EspSaError {}

export function spi(value: number): Spi {
  if (!Number.isInteger(value) || value < 256 || value > 0xffffffff) throw new EspSaError(`SPI ${value}: expected an integer from 256 to 2^32-1 (0 to 255 are reserved)`);
  return value as Spi;
}

export const ESP_HEADER_BYTES = 8;
export const ESP_IV_BYTES = 8;
/** Where the encrypted data (payload, padding, pad length, next header) starts: after the header and the IV. */
const DATA_START = ESP_HEADER_BYTES + ESP_IV_BYTES;
const SALT_BYTES = 4;
const NONCE_BYTES = SALT_BYTES + ESP_IV_BYTES;

/** What both ends of an ESP SA with AES-GCM (RFC 4106) know. */
export interface EspSaParameters {
  readonly spi: Spi;
  /** Key material: the AES key (16 or 32 bytes) followed by the 4-byte salt. */
  readonly keyMaterial: Uint8Array;
  readonly icvLength: IcvLength;
  /** Extended (64-bit) sequence numbers. */
  readonly esn: boolean;
}

export function checkSaParameters(sa: EspSaParameters): void {
  spi(sa.spi);
  if (sa.keyMaterial.length !== 20 && sa.keyMaterial.length !== 36) {
    throw new EspSaError(`SA ${hexSpi(sa.spi)}: key material of ${sa.keyMaterial.length} bytes; AES-GCM wants 20 (AES-128 key + salt) or 36 (AES-256 key + salt)`);
  }
  if (![8, 12, 16].includes(sa.icvLength)) throw new EspSaError(`SA ${hexSpi(sa.spi)}: ICV of ${sa.icvLength} bytes; expected 8, 12 or 16`);
}

export function hexSpi(value: number): string {
  return `0x${value.toString(16).padStart(8, "0")}`;
}

/** What either end of an SA holds of its keys: the AES key and the salt, checked, and its GCM engine, made when first needed. */
abstract class SaKeys {
  protected readonly key: Uint8Array;
  protected readonly salt: Uint8Array;
  private engine: GcmEngine | null = null;
  /** Nonce and AAD of a job that runs whole, written over for each: the backends keep neither once they return. */
  private readonly scratchNonce = new Uint8Array(NONCE_BYTES);
  private readonly scratchAad: Uint8Array;

  constructor(protected readonly backend: AesGcmBackend, readonly sa: EspSaParameters) {
    checkSaParameters(sa);
    const keyLength = sa.keyMaterial.length - SALT_BYTES;
    this.key = sa.keyMaterial.subarray(0, keyLength);
    this.salt = sa.keyMaterial.subarray(keyLength);
    this.scratchAad = new Uint8Array(sa.esn ? 12 : 8);
  }

  protected gcm(): GcmEngine {
    return (this.engine ??= new GcmEngine(this.backend, this.key));
  }

  /** The nonce of the packet's whole job: salt and the packet's IV. */
  protected wholeNonce(packet: Uint8Array): Uint8Array {
    return writeNonce(this.scratchNonce, this.salt, packet);
  }

  protected wholeAad(high: number, low: number): Uint8Array {
    return writeAdditionalData(this.scratchAad, this.sa, high, low);
  }
}

/** AAD: SPI and sequence number, or SPI and both halves of an extended one (RFC 4106 5). */
function writeAdditionalData(aad: Uint8Array, sa: EspSaParameters, high: number, low: number): Uint8Array {
  write32(aad, 0, sa.spi);
  if (sa.esn) {
    write32(aad, 4, high);
    write32(aad, 8, low);
  } else {
    write32(aad, 4, low);
  }
  return aad;
}

/** A job that may be suspended keeps its AAD: an array of its own. */
function additionalData(sa: EspSaParameters, high: number, low: number): Uint8Array {
  return writeAdditionalData(uninitialised(sa.esn ? 12 : 8), sa, high, low);
}

/** Nonce = salt ‖ the IV the packet carries (RFC 4106 4). */
function writeNonce(bytes: Uint8Array, salt: Uint8Array, packet: Uint8Array): Uint8Array {
  for (let index = 0; index < SALT_BYTES; index++) bytes[index] = salt[index]!;
  for (let index = 0; index < ESP_IV_BYTES; index++) bytes[SALT_BYTES + index] = packet[ESP_HEADER_BYTES + index]!;
  return bytes;
}

function nonce(salt: Uint8Array, packet: Uint8Array): Uint8Array {
  return writeNonce(uninitialised(NONCE_BYTES), salt, packet);
}

/** Room asked for before a packet: a whole number of bytes, checked before a sequence number is taken. */
export function checkHeadroom(headroom: number): void {
  if (!Number.isSafeInteger(headroom) || headroom < 0) throw new RangeError(`headroom ${String(headroom)}: expected a whole number of bytes, at least 0`);
}

/** Padding 1, 2, 3, … so that payload, padding, pad length and next header end on 4 bytes (RFC 4303 2.4). */
export function paddingLength(payloadLength: number): number {
  return (4 - ((payloadLength + 2) % 4)) % 4;
}

/** Bytes of the ESP packet that carries `payloadLength` bytes: header, IV, payload, padding, pad length and next header, ICV. */
export function espPacketBytes(payloadLength: number, icvLength: number): number {
  return ESP_HEADER_BYTES + ESP_IV_BYTES + payloadLength + paddingLength(payloadLength) + 2 + icvLength;
}

/**
 * One packet's ESP work laid out for a crypto engine that may suspend it: the AES-GCM operation
 * over its `bytes` of payload and trailer, then `finish` for the result.
 */
export interface EspSeal {
  readonly operation: GcmOperation;
  readonly bytes: number;
  /** The ESP packet, encrypted and with its ICV. */
  finish(): Uint8Array;
}

/**
 * The sending side of an SA: sequence numbers start at 1 and never cycle; with ESN 64 bits are
 * kept and the low 32 sent. The IV is the 64-bit sequence number, unique per key as RFC 4106 asks.
 */
export class EspOutbound extends SaKeys {
  private high: number;
  private low: number;

  constructor(backend: AesGcmBackend, sa: EspSaParameters, options: { nextSequence?: { high: number; low: number } } = {}) {
    super(backend, sa);
    this.high = options.nextSequence?.high ?? 0;
    this.low = options.nextSequence?.low ?? 1;
  }

  /** The sequence number the next packet will carry. */
  get nextSequence(): { high: number; low: number } {
    return { high: this.high, low: this.low };
  }

  /**
   * SPI, sequence, IV, encrypted payload and trailer, ICV: the packet allocated once, the payload
   * copied into it once with the trailer right after it, and that region sealed where it lies.
   * Throws RekeyRequiredError when the sequence numbers are spent. With `headroom`, the buffer
   * returned starts with that many bytes for the caller's outer headers, then the packet.
   */
  encapsulate(payload: Uint8Array, nextHeader: number, iv?: Uint8Array, headroom = 0): Uint8Array {
    const { high, low, packet, whole } = this.layOut(payload, nextHeader, iv, headroom);
    this.backend.sealInPlace(this.key, this.wholeNonce(packet), this.wholeAad(high, low), packet, DATA_START, packet.length - this.sa.icvLength, this.sa.icvLength);
    return whole;
  }

  /**
   * The same packet laid out for a crypto engine that may be suspended between blocks (a host core
   * doing software ESP): the operation to run over the payload and trailer, and `finish`, which
   * writes its ciphertext and ICV into the packet. The sequence number is used up now.
   */
  seal(payload: Uint8Array, nextHeader: number, headroom = 0): EspSeal {
    const { high, low, packet, whole } = this.layOut(payload, nextHeader, undefined, headroom);
    const icvStart = packet.length - this.sa.icvLength;
    packet.fill(0, icvStart);
    const data = packet.subarray(DATA_START, icvStart);
    const operation = new GcmOperation(this.gcm(), nonce(this.salt, packet), additionalData(this.sa, high, low), data, true);
    return {
      operation,
      bytes: data.length,
      finish: () => {
        const { ciphertext, icv } = operation.seal(this.sa.icvLength);
        packet.set(ciphertext, DATA_START);
        packet.set(icv, icvStart);
        return whole;
      },
    };
  }

  /**
   * The same packet with the payload and trailer still in plaintext and the ICV zero: what a
   * driver hands to a NIC that encrypts inline. The sequence number is used up as for encapsulate.
   */
  prepare(payload: Uint8Array, nextHeader: number, headroom = 0): Uint8Array {
    const { packet, whole } = this.layOut(payload, nextHeader, undefined, headroom);
    packet.fill(0, packet.length - this.sa.icvLength);
    return whole;
  }

  /**
   * Take a sequence number and write header, IV, payload, padding and trailer into a new packet; the ICV is left to the caller.
   * `headroom` bytes before it are left for the outer headers (IPv4, Ethernet), so that the whole frame is one buffer, written once.
   */
  private layOut(payload: Uint8Array, nextHeader: number, iv: Uint8Array | undefined, headroom: number): { high: number; low: number; packet: Uint8Array; whole: Uint8Array } {
    if (iv !== undefined && iv.length !== ESP_IV_BYTES) throw new EspSaError(`SA ${hexSpi(this.sa.spi)}: an explicit IV of ${iv.length} bytes; ESP with AES-GCM carries ${ESP_IV_BYTES}`);
    checkHeadroom(headroom);
    const { high, low } = this.take();
    const whole = uninitialised(headroom + espPacketBytes(payload.length, this.sa.icvLength));
    // Zeroed, so that a caller that leaves some of it unwritten sends no stale memory.
    const packet = headroom === 0 ? whole : whole.fill(0, 0, headroom).subarray(headroom);
    write32(packet, 0, this.sa.spi);
    write32(packet, 4, low);
    if (iv === undefined) {
      // The IV is the 64-bit sequence number.
      write32(packet, ESP_HEADER_BYTES, high);
      write32(packet, ESP_HEADER_BYTES + 4, low);
    } else packet.set(iv, ESP_HEADER_BYTES);
    packet.set(payload, DATA_START);
    const pad = paddingLength(payload.length);
    let at = DATA_START + payload.length;
    for (let value = 1; value <= pad; value++) packet[at++] = value;
    packet[at++] = pad;
    packet[at] = nextHeader;
    return { high, low, packet, whole };
  }

  private take(): { high: number; low: number } {
    if (this.high < 0) throw new RekeyRequiredError(`SA ${hexSpi(this.sa.spi)}: every sequence number is used; rekey required`);
    const taken = { high: this.high, low: this.low };
    if (this.low < 0xffffffff) this.low++;
    else if (this.sa.esn && this.high < 0xffffffff) {
      this.high++;
      this.low = 0;
    } else this.high = -1;
    return taken;
  }
}

export type EspDropReason = "TOO_SHORT" | "WRONG_SPI" | "REPLAYED" | "AUTHENTICATION_FAILED" | "BAD_PADDING" | "DUMMY_PACKET";

/** One received packet's ESP work, checked and laid out for a crypto engine that may suspend it. */
export interface EspOpen {
  readonly operation: GcmOperation;
  readonly bytes: number;
  finish(): EspInboundResult;
}

export type EspInboundResult =
  | { readonly kind: "payload"; readonly payload: Uint8Array; readonly nextHeader: number; readonly high: number; readonly low: number }
  | { readonly kind: "dropped"; readonly reason: EspDropReason };

/**
 * The receiving side of an SA: the replay check comes before decryption and the window moves
 * only once the ICV verified; with ESN the high half is inferred from the window. Dummy packets
 * (next header 59) are dropped silently, by reason.
 */
export class EspInbound extends SaKeys {
  readonly window: ReplayWindow;
  /** Sequence numbers counted against the SA's lifetime and not accepted (yet): a copy of one, which the window does not yet refuse, counts nothing. */
  private readonly countedNotAccepted = new Set<number>();
  constructor(backend: AesGcmBackend, sa: EspSaParameters, options: { replayWindow?: number } = {}) {
    super(backend, sa);
    this.window = new ReplayWindow(options.replayWindow ?? 64);
  }

  /** The checks before decryption, then the ciphertext opened where it lies in the packet, and the checks after. */
  decapsulate(packet: Uint8Array): EspInboundResult {
    const checked = this.checkSequence(packet);
    if ("reason" in checked) return checked;
    const { high, low } = checked;
    const icvStart = packet.length - this.sa.icvLength;
    const plaintext = this.backend.open(this.key, this.wholeNonce(packet), this.wholeAad(high, low), packet.subarray(DATA_START, icvStart), packet.subarray(icvStart));
    return this.verified(plaintext, high, low);
  }

  /**
   * The checks before decryption (length, SPI, replay), and the packet's ESP work laid out for a
   * crypto engine that may suspend it. `finish` verifies the ICV and checks the replay window
   * again (another copy may have been accepted while this one was decrypted) before moving it.
   */
  open(packet: Uint8Array): EspOpen | Extract<EspInboundResult, { kind: "dropped" }> {
    const checked = this.checkSequence(packet);
    if ("reason" in checked) return checked;
    const { high, low } = checked;
    const icvStart = packet.length - this.sa.icvLength;
    const data = packet.subarray(DATA_START, icvStart);
    const operation = new GcmOperation(this.gcm(), nonce(this.salt, packet), additionalData(this.sa, high, low), data, false);
    return { operation, bytes: data.length, finish: () => this.verified(operation.open(packet.subarray(icvStart)), high, low) };
  }

  /** After decryption: the ICV verified (plaintext not null), the window checked again and moved, the trailer stripped. */
  private verified(plaintext: Uint8Array | null, high: number, low: number): EspInboundResult {
    if (plaintext === null) return dropped("AUTHENTICATION_FAILED");
    if (!this.window.check(high, low)) return dropped("REPLAYED");
    this.accept(high, low);
    return this.unwrap(plaintext, high, low);
  }

  /**
   * A packet a NIC has already decrypted and authenticated in place (payload and trailer in
   * plaintext, ICV still at the end): the replay check and window update stay in software.
   */
  acceptDecrypted(packet: Uint8Array): EspInboundResult {
    const checked = this.checkSequence(packet);
    if ("reason" in checked) return checked;
    this.accept(checked.high, checked.low);
    return this.unwrap(packet.subarray(DATA_START, packet.length - this.sa.icvLength), checked.high, checked.low);
  }

  /**
   * Whether a received packet counts against the SA's lifetime, as its sender counted it: once per
   * sequence number the window has not seen, so neither a replayed copy nor a copy of one that
   * failed its ICV (which left the window where it was) counts again.
   */
  countsToLifetime(packet: Uint8Array): boolean {
    const checked = this.checkSequence(packet);
    if ("reason" in checked) return false;
    const sequence = checked.high * 2 ** 32 + checked.low;
    if (this.countedNotAccepted.has(sequence)) return false;
    if (this.countedNotAccepted.size >= 2 * this.window.size) this.forgetCounted();
    this.countedNotAccepted.add(sequence);
    return true;
  }

  /**
   * Those the window has since passed by can never come back: forgotten. Of the rest, ahead of the
   * window, the oldest beyond a window's worth too (a copy of one would count again): forged packets
   * under fresh sequence numbers that never verify, with the window standing still, grew the set
   * without end, and every packet scanned it (a security check: 20.1 s for a run of 7.2). Asked at
   * twice a window's worth, it scans once in a window's worth of packets.
   */
  private forgetCounted(): void {
    for (const old of this.countedNotAccepted) if (!this.window.check(Math.floor(old / 2 ** 32), old % 2 ** 32)) this.countedNotAccepted.delete(old);
    for (const old of this.countedNotAccepted) {
      if (this.countedNotAccepted.size <= this.window.size) break;
      this.countedNotAccepted.delete(old);
    }
  }

  private accept(high: number, low: number): void {
    this.window.accept(high, low);
    this.countedNotAccepted.delete(high * 2 ** 32 + low);
  }

  /** Length, SPI and the replay check, before any decryption. */
  private checkSequence(packet: Uint8Array): { high: number; low: number } | Extract<EspInboundResult, { kind: "dropped" }> {
    const minimum = DATA_START + 2 + this.sa.icvLength;
    if (packet.length < minimum) return dropped("TOO_SHORT");
    if (read32(packet, 0) !== this.sa.spi) return dropped("WRONG_SPI");
    const low = read32(packet, 4);
    const high = this.sa.esn ? inferHighHalf(this.window, low) : 0;
    if (high === null || !this.window.check(high, low)) return dropped("REPLAYED");
    return { high, low };
  }

  /** Strip and check the trailer. */
  private unwrap(plaintext: Uint8Array, high: number, low: number): EspInboundResult {
    const nextHeader = plaintext[plaintext.length - 1]!;
    const pad = plaintext[plaintext.length - 2]!;
    const payloadLength = plaintext.length - 2 - pad;
    if (payloadLength < 0) return dropped("BAD_PADDING");
    for (let index = 0; index < pad; index++) if (plaintext[payloadLength + index] !== index + 1) return dropped("BAD_PADDING");
    if (nextHeader === PROTOCOL_NONE) return dropped("DUMMY_PACKET");
    return { kind: "payload", payload: plaintext.subarray(0, payloadLength), nextHeader, high, low };
  }
}

function dropped(reason: EspDropReason): EspInboundResult {
  return { kind: "dropped", reason };
}
