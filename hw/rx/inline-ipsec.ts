import { copyOf } from "../../sim/bytes.js";
import type { Channel } from "../../sim/channel.js";
import { RX_STATUS_FIELDS } from "../spec/descriptors.js";
import { ErrorCode } from "../spec/errors.js";
import type { CryptoResult } from "../ipsec/crypto-job.js";
import { espLayout, espSelectors } from "../ipsec/esp-frame.js";
import { SaCache, type SaEntry } from "../ipsec/sa-cache.js";
import type { IpsecOffload } from "../ipsec/offload.js";
import type { FlaggedReason, RxFrame } from "./rx-queue-state.js";

/** An ESP frame's SA as the RX table holds it (null: a miss), or why its headers give none. */
export type EspLookup = { readonly spi: number; readonly entry: SaEntry | null } | { readonly malformed: true };

/** The RX engine's inline IPsec: an ESP frame's SA lookup, a hit's decryption by the crypto engines, and what its descriptor then says (as the TX engine's TxInlineIpsec). */
export class RxInlineIpsec {
  constructor(
    private readonly offload: IpsecOffload,
    private readonly results: Channel<CryptoResult<RxFrame>>,
    private readonly queueOf: (trafficClass: number) => number,
  ) {}

  lookup(bytes: Uint8Array): EspLookup {
    const selectors = espSelectors(bytes);
    if (!selectors) return { malformed: true };
    return { spi: selectors.spi, entry: this.offload.cache.rxLookup(selectors.spi, selectors.destination) };
  }

  /** A hit goes to the crypto engine, a miss is flagged SA_MISS for the driver. */
  inspect(frame: RxFrame, esp: EspLookup): void {
    if ("malformed" in esp) return flag(frame, "ESP_MALFORMED");
    frame.spi = esp.spi;
    const entry = esp.entry;
    if (!entry) {
      frame.ipsecStatus = RX_STATUS_FIELDS.SA_MISS.mask;
      return;
    }
    frame.handle = SaCache.handleOf(entry);
    const layout = espLayout(frame.bytes, entry.icvLength);
    if (!layout) return flag(frame, "ESP_MALFORMED");
    // Decrypt a copy: the frame as it came off the wire may be held elsewhere (the capture).
    frame.bytes = copyOf(frame.bytes);
    frame.ready = false;
    this.offload.rxCrypto.submit({ encrypt: false, entry, queue: this.queueOf(frame.trafficClass), frame: frame.bytes, layout, tag: frame, reply: this.results });
  }

  decrypted(result: CryptoResult<RxFrame>): void {
    const frame = result.job.tag;
    frame.ready = true;
    if (result.outcome === "ok") frame.ipsecStatus = RX_STATUS_FIELDS.IPSEC.mask;
    else if (result.outcome === "icv-failed") flag(frame, "ESP_ICV_FAILED");
    // The SA was invalidated meanwhile: the packet is untouched; software takes it as a miss, which names no SA.
    else {
      frame.ipsecStatus = RX_STATUS_FIELDS.SA_MISS.mask;
      frame.handle = 0;
    }
  }
}

function flag(frame: RxFrame, reason: FlaggedReason): void {
  frame.error = ErrorCode[reason];
  frame.flagged = reason;
}
