import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { GcmEngine } from "../../sim/crypto/gcm-engine.js";
import { param } from "../../sim/parameters.js";
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
  readonly salt: Uint8Array;
  readonly engine: GcmEngine;
  /** The SA record pointer it was fetched through (pointer-fetch mode), or null when the driver installed it. */
  readonly pointer: number | null;
  /** Changes when the entry is invalidated or replaced, so that work started with the old SA is recognised. */
  readonly generation: number;
}

/**
 * The SA cache table (the NIC's cryptography information table): a number of entries per
 * direction; RX is looked up by content (SPI, destination, protocol ESP), TX by handle or, when
 * filled through SA pointers, by pointer. Entries hold a ready GCM engine (key schedule and H).
 */
@injectable()
export class SaCache extends Component {
  readonly params = this.parameters({
    txEntries: param.integer(1024, "TX SA table entries", { minimum: 1, maximum: 65535 }),
    rxEntries: param.integer(1024, "RX SA table entries", { minimum: 1, maximum: 65535 }),
    lookupCycles: param.cycles(2, "Core cycles for an SA table lookup"),
  });
  readonly txHits = this.signal("tx_hits", 32, { kind: "integer", lastWriteWins: true });
  readonly txMisses = this.signal("tx_misses", 32, { kind: "integer", lastWriteWins: true });
  readonly rxHits = this.signal("rx_hits", 32, { kind: "integer", lastWriteWins: true });
  readonly rxMisses = this.signal("rx_misses", 32, { kind: "integer", lastWriteWins: true });
  readonly installs = this.signal("installs", 32, { kind: "integer", lastWriteWins: true });
  readonly evictions = this.signal("evictions", 32, { kind: "integer", lastWriteWins: true });
  readonly fetches = this.signal("fetches", 32, { kind: "integer", lastWriteWins: true });
  readonly counts = { txHits: 0, txMisses: 0, rxHits: 0, rxMisses: 0, installs: 0, evictions: 0, fetches: 0, invalidations: 0 };
  private readonly tx: (SaEntry | null)[];
  private readonly rx: (SaEntry | null)[];
  private readonly rxByKey = new Map<string, SaEntry>();
  private readonly txByPointer = new Map<number, SaEntry>();
  private generation = 1;
  /** Next TX entry to consider for replacement when pointer fetches fill a full table (a clock hand). */
  private hand = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(AesGcmBackendToken) private readonly backend: AesGcmBackend) {
    super(context);
    this.tx = new Array<SaEntry | null>(this.params.txEntries).fill(null);
    this.rx = new Array<SaEntry | null>(this.params.rxEntries).fill(null);
  }

  size(direction: SaDirection): number {
    return direction === "tx" ? this.tx.length : this.rx.length;
  }

  install(direction: SaDirection, index: number, fields: SaRecordFields, pointer: number | null = null): SaEntry {
    this.invalidate(direction, index);
    const keyLength = fields.keyMaterial.length - 4;
    const entry: SaEntry = {
      index,
      direction,
      spi: fields.spi,
      destination: (fields.destination[0]! * 2 ** 24 + fields.destination[1]! * 2 ** 16 + fields.destination[2]! * 2 ** 8 + fields.destination[3]!),
      icvLength: fields.icvLength,
      esn: fields.esn,
      salt: fields.keyMaterial.slice(keyLength),
      engine: new GcmEngine(this.backend, fields.keyMaterial.slice(0, keyLength)),
      pointer,
      generation: this.generation++,
    };
    if (direction === "tx") {
      this.tx[index] = entry;
      if (pointer !== null) this.txByPointer.set(pointer, entry);
    } else {
      this.rx[index] = entry;
      this.rxByKey.set(rxKey(entry.spi, entry.destination), entry);
    }
    this.count("installs");
    return entry;
  }

  invalidate(direction: SaDirection, index: number): boolean {
    const table = direction === "tx" ? this.tx : this.rx;
    const entry = table[index];
    if (!entry) return false;
    table[index] = null;
    if (direction === "tx" && entry.pointer !== null) this.txByPointer.delete(entry.pointer);
    if (direction === "rx") this.rxByKey.delete(rxKey(entry.spi, entry.destination));
    this.counts.invalidations++;
    return true;
  }

  /** Invalidate the TX entry filled through this SA pointer, if any (the record is about to be freed). */
  invalidatePointer(pointer: number): boolean {
    const entry = this.txByPointer.get(pointer);
    return entry ? this.invalidate("tx", entry.index) : false;
  }

  /** Whether work started with `entry` may still use it. */
  isCurrent(entry: SaEntry): boolean {
    const table = entry.direction === "tx" ? this.tx : this.rx;
    return table[entry.index]?.generation === entry.generation;
  }

  txByHandle(handle: number): SaEntry | null {
    const entry = handle >= 1 && handle <= this.tx.length ? this.tx[handle - 1] : null;
    this.count(entry ? "txHits" : "txMisses");
    return entry ?? null;
  }

  txByPointerLookup(pointer: number): SaEntry | null {
    const entry = this.txByPointer.get(pointer) ?? null;
    this.count(entry ? "txHits" : "txMisses");
    return entry;
  }

  rxLookup(spi: number, destination: number): SaEntry | null {
    const entry = this.rxByKey.get(rxKey(spi, destination)) ?? null;
    this.count(entry ? "rxHits" : "rxMisses");
    return entry;
  }

  /** Install a record fetched through a pointer into a free TX entry, or replace the next one round the clock. */
  installFetched(pointer: number, fields: SaRecordFields): SaEntry {
    this.count("fetches");
    let index = this.tx.indexOf(null);
    if (index < 0) {
      index = this.hand;
      this.hand = (this.hand + 1) % this.tx.length;
      this.count("evictions");
    }
    return this.install("tx", index, fields, pointer);
  }

  private count(counter: "txHits" | "txMisses" | "rxHits" | "rxMisses" | "installs" | "evictions" | "fetches"): void {
    const value = ++this.counts[counter];
    const signals = { txHits: this.txHits, txMisses: this.txMisses, rxHits: this.rxHits, rxMisses: this.rxMisses, installs: this.installs, evictions: this.evictions, fetches: this.fetches };
    signals[counter].set(value);
  }
}

function rxKey(spi: number, destination: number): string {
  return `${spi}/${destination}`;
}
