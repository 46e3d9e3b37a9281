import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { GcmEngine } from "../../sim/crypto/gcm-engine.js";
import { param } from "../../sim/parameters.js";
import { SA_HANDLE_FIELDS } from "../spec/descriptors.js";
import { DEFAULT_SA_TABLE_ENTRIES, MAX_SA_TABLE_ENTRIES } from "../spec/register-fields.js";
import type { SaRecordFields } from "../spec/sa-record.js";

export type SaDirection = "tx" | "rx";

/** One entry of the cryptography information table. */
export interface SaEntry {
  readonly index: number;
  readonly direction: SaDirection;
  readonly spi: number;
  readonly destination: number;
  readonly icvLength: number;
  readonly esn: boolean;
  /** The ipsec_qos_group tag the SA carries (seed 001), or null. */
  readonly qosGroup: number | null;
  readonly salt: Uint8Array;
  readonly engine: GcmEngine;
  /** The SA record pointer it was fetched through (pointer-fetch mode), or null when the driver installed it. */
  readonly pointer: number | null;
  /** Its slot's count of fills (15 bits, never 0, wrapping from 32767 to 1): with the index, the handle that names this SA and no later one (once it is invalidated, none). */
  readonly generation: number;
  /**
   * Set when the driver invalidates the entry (the SA is being deleted): work started with it is
   * dropped. An entry merely replaced to make room is not revoked: its SA is still valid.
   */
  revoked: boolean;
}

/** What a TX descriptor's SA_HANDLE names: the SA it was issued for, nothing, or an entry filled again since (a stale handle). */
export type TxHandleLookup =
  | { readonly kind: "entry"; readonly entry: SaEntry }
  /** Why no SA has it: 0, an ENTRY of 0, the reserved bit, an ENTRY past the table, a GENERATION of 0, or an entry never filled. */
  | { readonly kind: "invalid"; readonly why: "none" | "entry-zero" | "reserved-bit" | "beyond-table" | "no-generation" | "never-filled" }
  /** Issued for an SA no longer there: its entry emptied since (invalidated), or filled with a later one. */
  | { readonly kind: "stale"; readonly entry: SaEntry | null; readonly why: "invalidated" | "replaced" };

/** What SA_COMMAND's install did: the entry filled, or refused because it holds an SA and the command did not say REPLACE, or because the SA is in another entry already. */
export type CommandedInstall = { readonly kind: "installed"; readonly entry: SaEntry } | { readonly kind: "refused"; readonly code: "SA_ENTRY_OCCUPIED" | "SA_DUPLICATE"; readonly otherIndex: number };

/**
 * Whether a refused SA_COMMAND's logged value stands in for what was written (ERRLOG_LOCATION.WITHHELD): every refusal's
 * but SA_DUPLICATE's, which logs the entry holding the SA, and SA_RECORD_INVALID's, which logs the byte of the staged record
 * found wrong (it was logged, and said to be withheld: a driver trusting WITHHELD threw the offset away; from a driver developer's check).
 */
export function saCommandWithheld(code: string): boolean {
  return code !== "SA_DUPLICATE" && code !== "SA_RECORD_INVALID";
}

/**
 * Said of a refused SA_COMMAND, whose written word is not shown: SA_COMMAND follows SA_STAGE,
 * where a record staged one word too far puts key bytes. Then what the logged value is: the entry
 * already holding the SA (SA_DUPLICATE), the staged record's byte found wrong (SA_RECORD_INVALID),
 * else 0 in the word's place ("key bytes = 5" read as the key).
 */
export function saCommandNotShown(code: string): string {
  return `what was written is not shown (SA_COMMAND follows SA_STAGE, where a record staged one word too far puts key bytes); ${saCommandWithheld(code) ? "logged in its place" : code === "SA_RECORD_INVALID" ? "that byte's offset" : "that entry"}`;
}

/** How the error log names a refused install: why (the entry commanded holds an SA, or the other entry holding the SA); the index commanded is not shown (see saCommandNotShown). */
export function refusalLabel(direction: SaDirection, refusal: Extract<CommandedInstall, { kind: "refused" }>): string {
  const table = direction.toUpperCase();
  return refusal.code === "SA_DUPLICATE" ? `SA_COMMAND.INDEX (the SA is already in ${table} entry ${refusal.otherIndex})` : `SA_COMMAND.INDEX (the ${table} entry holds an SA and REPLACE is not set)`;
}

/**
 * The SA cache table (the NIC's cryptography information table): a number of entries per
 * direction; RX is looked up by content (SPI, destination, protocol ESP), TX by handle or, when
 * filled through SA pointers, by pointer. Entries hold a ready GCM engine (key schedule and H).
 */
@injectable()
export class SaCache extends Component {
  readonly params = this.parameters({
    txEntries: param.integer(DEFAULT_SA_TABLE_ENTRIES, "TX SA table entries", { minimum: 1, maximum: MAX_SA_TABLE_ENTRIES }),
    rxEntries: param.integer(DEFAULT_SA_TABLE_ENTRIES, "RX SA table entries", { minimum: 1, maximum: MAX_SA_TABLE_ENTRIES }),
    lookupCycles: param.cycles(2, "Core cycles for an SA table lookup"),
  });
  readonly txHits = this.signal("tx_hits", 32, { kind: "integer", lastWriteWins: true });
  readonly txMisses = this.signal("tx_misses", 32, { kind: "integer", lastWriteWins: true });
  readonly rxHits = this.signal("rx_hits", 32, { kind: "integer", lastWriteWins: true });
  readonly rxMisses = this.signal("rx_misses", 32, { kind: "integer", lastWriteWins: true });
  readonly installs = this.signal("installs", 32, { kind: "integer", lastWriteWins: true });
  readonly evictions = this.signal("evictions", 32, { kind: "integer", lastWriteWins: true });
  readonly fetches = this.signal("fetches", 32, { kind: "integer", lastWriteWins: true });
  /** Installs and evictions (cached SAs overwritten by another), in all and by who wrote the entry: the driver's SA_COMMAND, or a pointer fetch. */
  /** Told each record installed, keys and all: for the key file written beside a capture (`nicsim serve`'s esp_sa), which must decrypt what the device encrypted. */
  onInstall: ((fields: SaRecordFields) => void) | null = null;
  readonly counts = { txHits: 0, txMisses: 0, rxHits: 0, rxMisses: 0, installs: 0, installsByDriver: 0, installsByFetch: 0, evictions: 0, evictionsByDriver: 0, evictionsByFetch: 0, fetches: 0, invalidations: 0, staleHandles: 0 };
  /** TX descriptors refused for a handle whose entry was filled again since it was issued (STALE_SA_HANDLE). */
  readonly staleHandles = this.signal("stale_handles", 32, { kind: "integer", lastWriteWins: true });
  private readonly tx: (SaEntry | null)[];
  private readonly rx: (SaEntry | null)[];
  /** RX entries by SPI, then destination: numbers, not a string made per packet's lookup (its text and hash were most of an RX lookup's time). */
  private readonly rxBySpi = new Map<number, Map<number, SaEntry>>();
  private readonly txByPointer = new Map<number, SaEntry>();
  private readonly generations: Record<SaDirection, Uint16Array>;
  /** Next TX entry to consider for replacement when pointer fetches fill a full table (a clock hand). */
  private hand = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(AesGcmBackendToken) private readonly backend: AesGcmBackend) {
    super(context);
    this.tx = new Array<SaEntry | null>(this.params.txEntries).fill(null);
    this.rx = new Array<SaEntry | null>(this.params.rxEntries).fill(null);
    this.generations = { tx: new Uint16Array(this.params.txEntries), rx: new Uint16Array(this.params.rxEntries) };
  }

  size(direction: SaDirection): number {
    return direction === "tx" ? this.tx.length : this.rx.length;
  }

  /** The SA_HANDLE naming an entry's SA: its index + 1, and its generation, so that it names no SA put there later. */
  static handleOf(entry: SaEntry): number {
    return SA_HANDLE_FIELDS.pack({ ENTRY: entry.index + 1, GENERATION: entry.generation });
  }

  /**
   * SA_COMMAND's install (of a staged record, or one read through a staged pointer): not over
   * another SA unless it said REPLACE, and not when the same SA (SPI and destination) is already
   * in another entry of the table.
   */
  commandInstall(direction: SaDirection, index: number, fields: SaRecordFields, replace: boolean, pointer?: number): CommandedInstall {
    const table = direction === "tx" ? this.tx : this.rx;
    const destination = destinationOf(fields);
    const other = table.findIndex((entry, at) => at !== index && entry !== null && entry.spi === fields.spi && entry.destination === destination);
    if (other >= 0) return { kind: "refused", code: "SA_DUPLICATE", otherIndex: other };
    if (!replace && table[index]) return { kind: "refused", code: "SA_ENTRY_OCCUPIED", otherIndex: index };
    return { kind: "installed", entry: this.install(direction, index, fields, { by: "driver", pointer }) };
  }

  /**
   * Install a record in an entry: commanded by the driver (SA_COMMAND, the record staged or read
   * through a pointer it gave), or by the NIC's own fetch on a TX miss. A TX entry read through a
   * pointer is found by that pointer too.
   */
  install(direction: SaDirection, index: number, fields: SaRecordFields, origin: { readonly by: "driver" | "fetch"; readonly pointer?: number } = { by: "driver" }): SaEntry {
    const pointer = origin.pointer ?? null;
    if (this.vacate(direction, index)) {
      this.count("evictions");
      this.counts[origin.by === "driver" ? "evictionsByDriver" : "evictionsByFetch"]++;
    }
    const keyLength = fields.keyMaterial.length - 4;
    const entry: SaEntry = {
      index,
      direction,
      spi: fields.spi,
      destination: destinationOf(fields),
      icvLength: fields.icvLength,
      esn: fields.esn,
      qosGroup: fields.qosGroup,
      salt: fields.keyMaterial.slice(keyLength),
      engine: new GcmEngine(this.backend, fields.keyMaterial.slice(0, keyLength)),
      pointer,
      generation: this.nextGeneration(direction, index),
      revoked: false,
    };
    if (direction === "tx") {
      this.tx[index] = entry;
      if (pointer !== null) this.txByPointer.set(pointer, entry);
    } else {
      this.rx[index] = entry;
      let byDestination = this.rxBySpi.get(entry.spi);
      if (byDestination === undefined) this.rxBySpi.set(entry.spi, (byDestination = new Map()));
      byDestination.set(entry.destination, entry);
    }
    this.count("installs");
    this.counts[origin.by === "driver" ? "installsByDriver" : "installsByFetch"]++;
    this.onInstall?.(fields);
    return entry;
  }

  private nextGeneration(direction: SaDirection, index: number): number {
    const generations = this.generations[direction];
    generations[index] = (generations[index]! % SA_HANDLE_FIELDS.GENERATION.max) + 1;
    return generations[index]!;
  }

  /** The driver takes the SA out of the table: work in progress with it is dropped. */
  invalidate(direction: SaDirection, index: number): boolean {
    const entry = this.vacate(direction, index);
    if (!entry) return false;
    entry.revoked = true;
    this.counts.invalidations++;
    return true;
  }

  /** Empty a slot (to reuse it, or on invalidation); returns what was there. */
  private vacate(direction: SaDirection, index: number): SaEntry | null {
    const table = direction === "tx" ? this.tx : this.rx;
    const entry = table[index];
    if (!entry) return null;
    table[index] = null;
    if (direction === "tx" && entry.pointer !== null && this.txByPointer.get(entry.pointer) === entry) this.txByPointer.delete(entry.pointer);
    if (direction === "rx") {
      const byDestination = this.rxBySpi.get(entry.spi);
      if (byDestination?.get(entry.destination) === entry) {
        // Another entry installed directly (not through SA_COMMAND, which refuses the duplicate) holding the same SA is found from now: vacating the newer of two lost the lookup (from an outside check).
        const other = this.rx.find((candidate): candidate is SaEntry => candidate !== null && candidate.spi === entry.spi && candidate.destination === entry.destination);
        if (other !== undefined) byDestination.set(entry.destination, other);
        else {
          byDestination.delete(entry.destination);
          if (byDestination.size === 0) this.rxBySpi.delete(entry.spi);
        }
      }
    }
    return entry;
  }

  /** Invalidate the TX entry filled through this SA pointer, if any (the record is about to be freed). */
  invalidatePointer(pointer: number): boolean {
    const entry = this.txByPointer.get(pointer);
    return entry ? this.invalidate("tx", entry.index) : false;
  }

  /** Whether work started with `entry` may still use it: its SA was not invalidated meanwhile. */
  isCurrent(entry: SaEntry): boolean {
    return !entry.revoked;
  }

  /** The SA a TX descriptor's SA_HANDLE names, if its generation is still the entry's. */
  txByHandle(handle: number): TxHandleLookup {
    const index = SA_HANDLE_FIELDS.ENTRY.get(handle) - 1;
    const generation = SA_HANDLE_FIELDS.GENERATION.get(handle);
    // Bit 31 is reserved: a handle with it set was never issued.
    if (handle === 0) return this.missed({ kind: "invalid", why: "none" });
    if ((handle & ~SA_HANDLE_FIELDS.mask) !== 0) return this.missed({ kind: "invalid", why: "reserved-bit" });
    if (index < 0) return this.missed({ kind: "invalid", why: "entry-zero" });
    if (index >= this.tx.length) return this.missed({ kind: "invalid", why: "beyond-table" });
    const entry = this.tx[index] ?? null;
    if (entry && entry.generation === generation) {
      this.count("txHits");
      return { kind: "entry", entry };
    }
    // Filled again since (or emptied and given a later generation): the handle was issued for an SA no longer there.
    if (generation !== 0 && this.generations.tx[index] !== 0) {
      this.staleHandles.set(++this.counts.staleHandles);
      return this.missed({ kind: "stale", entry, why: entry === null ? "invalidated" : "replaced" });
    }
    return this.missed({ kind: "invalid", why: generation === 0 ? "no-generation" : "never-filled" });
  }

  private missed(lookup: TxHandleLookup): TxHandleLookup {
    this.count("txMisses");
    return lookup;
  }

  /** The TX entry filled through this pointer, if any, without counting a lookup. */
  txCachedByPointer(pointer: number): SaEntry | null {
    return this.txByPointer.get(pointer) ?? null;
  }

  txByPointerLookup(pointer: number): SaEntry | null {
    const entry = this.txByPointer.get(pointer) ?? null;
    this.count(entry ? "txHits" : "txMisses");
    return entry;
  }

  rxLookup(spi: number, destination: number): SaEntry | null {
    const entry = this.rxBySpi.get(spi)?.get(destination) ?? null;
    this.count(entry ? "rxHits" : "rxMisses");
    return entry;
  }

  /** Install a record fetched through a pointer into a free TX entry, or replace the next one round the clock. */
  installFetched(pointer: number, fields: SaRecordFields): SaEntry {
    this.countFetch();
    let index = this.tx.indexOf(null);
    if (index < 0) {
      index = this.hand;
      this.hand = (this.hand + 1) % this.tx.length;
    }
    return this.install("tx", index, fields, { by: "fetch", pointer });
  }

  /** A good record read by DMA through a pointer (a TX miss's fetch, or INSTALL_POINTER). */
  countFetch(): void {
    this.count("fetches");
  }

  private count(counter: "txHits" | "txMisses" | "rxHits" | "rxMisses" | "installs" | "evictions" | "fetches"): void {
    const value = ++this.counts[counter];
    const signals = { txHits: this.txHits, txMisses: this.txMisses, rxHits: this.rxHits, rxMisses: this.rxMisses, installs: this.installs, evictions: this.evictions, fetches: this.fetches };
    signals[counter].set(value);
  }
}

function destinationOf(fields: SaRecordFields): number {
  return fields.destination[0]! * 2 ** 24 + fields.destination[1]! * 2 ** 16 + fields.destination[2]! * 2 ** 8 + fields.destination[3]!;
}
