import type { Channel } from "../../sim/channel.js";
import type { DmaCompletion, DmaEngine } from "../dma/engine.js";
import type { CryptoResult } from "../ipsec/crypto-job.js";
import { espLayout, espTransmitProblem, isEspFrame } from "../ipsec/esp-frame.js";
import type { IpsecOffload } from "../ipsec/offload.js";
import { checkRecord, RecordFetches, recordPointerProblem } from "../ipsec/record-fetches.js";
import type { SaEntry } from "../ipsec/sa-cache.js";
import { TX_COMMAND_FIELDS } from "../spec/descriptors.js";
import { SA_RECORD_BYTES } from "../spec/sa-record.js";
import type { FramesInFlight } from "./frames-in-flight.js";
import { exactField, type Fault, handleFault, type TxPacket } from "./tx-packet.js";

/**
 * A TX frame read whole, on its way to the wire: a plain one is settled at once; an IPsec one
 * first finds its SA, by handle in the SA cache or by pointer (its record fetched by DMA, once for
 * every frame waiting on it, and checked before it is trusted), and is encrypted by the TX crypto
 * engine. A frame that cannot be is settled with its fault.
 */
export class TxInlineIpsec {
  private readonly recordFetches = new RecordFetches<TxPacket>();

  constructor(
    private readonly offload: IpsecOffload,
    private readonly dma: DmaEngine,
    private readonly flight: FramesInFlight,
    /** Where the crypto engine answers (the TX engine's channel: it wakes the engine). */
    private readonly cryptoResults: Channel<CryptoResult<TxPacket>>,
    /** Read an SA record by DMA; its completion comes back to `recordFetched`. */
    private readonly fetchRecord: (pointer: number) => void,
    /** The frame may leave (or be dropped with its fault) once the frames ahead of it in its queue have. */
    private readonly settle: (packet: TxPacket) => void,
  ) {}

  /** Every buffer of the frame read, none failed. */
  read(packet: TxPacket): void {
    const first = packet.descriptors[0]!;
    if (!TX_COMMAND_FIELDS.IPSEC.get(first.command)) return this.settle(packet);
    const cache = this.offload.cache;
    if (first.saHandle === 0 && this.offload.pointerFetch) {
      const entry = cache.txByPointerLookup(first.saPointer);
      if (entry) return this.encrypt(packet, entry);
      const unaligned = recordPointerProblem(first.saPointer);
      if (unaligned) return this.refuse(packet, { code: "SA_RECORD_INVALID", field: "SA_POINTER", fieldName: `SA_POINTER (${unaligned})`, index: first.index, value: exactField(first, "saPointer") });
      if (!this.dma.translation.reachable(first.saPointer, SA_RECORD_BYTES)) {
        return this.refuse(packet, { code: "DMA_UNMAPPED", field: "SA_POINTER", fieldName: this.dma.translation.unmappedName("SA_POINTER", first.saPointer, SA_RECORD_BYTES), index: first.index, value: exactField(first, "saPointer") });
      }
      if (this.recordFetches.add(first.saPointer, packet)) this.fetchRecord(first.saPointer);
      return;
    }
    const found = cache.txByHandle(first.saHandle);
    if (found.kind !== "entry") return this.refuse(packet, handleFault(found, first));
    this.encrypt(packet, found.entry);
  }

  /** A record fetch completed: each frame that waited for it checks the record before trusting it, caches it (once), and is encrypted. */
  recordFetched(pointer: number, completion: DmaCompletion<unknown>): void {
    // Decoded and checked once for every frame that waited on it.
    const fields = completion.error ? null : checkRecord(completion.data!, "tx");
    for (const packet of this.recordFetches.take(pointer)) {
      const index = packet.descriptors[0]!.index;
      if (completion.error) {
        this.refuse(packet, { code: completion.error, field: "SA_POINTER", fieldName: "SA_POINTER", index, value: pointer });
        continue;
      }
      if ("problem" in fields!) {
        this.refuse(packet, { code: "SA_RECORD_INVALID", field: "SA_POINTER", fieldName: `SA_POINTER (${fields.problem})`, index, value: pointer });
        continue;
      }
      const cache = this.offload.cache;
      this.encrypt(packet, cache.txCachedByPointer(pointer) ?? cache.installFetched(pointer, fields!));
    }
  }

  /** The crypto engine's answer: an SA invalidated while the frame was in the engine drops it. */
  encrypted(result: CryptoResult<TxPacket>): void {
    const packet = result.job.tag;
    this.flight.encrypted(packet.queue);
    if (result.outcome !== "ok") packet.dropCode = "SA_INVALIDATED";
    this.settle(packet);
  }

  private encrypt(packet: TxPacket, entry: SaEntry): void {
    const layout = isEspFrame(packet.frame!) ? espLayout(packet.frame!, entry.icvLength) : null;
    const problem = espTransmitProblem(packet.frame!, layout, entry.spi);
    if (problem !== null || !layout) return this.refuse(packet, { code: "ESP_MALFORMED", field: "LENGTH", fieldName: problem!, index: packet.descriptors[0]!.index, value: packet.length });
    this.flight.encrypting(packet.queue);
    this.offload.txCrypto.submit({ encrypt: true, entry, queue: packet.queue, frame: packet.frame!, layout, tag: packet, reply: this.cryptoResults });
  }

  private refuse(packet: TxPacket, fault: Fault): void {
    packet.fault = fault;
    this.settle(packet);
  }
}
