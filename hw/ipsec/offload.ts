import type { CryptoPipeline } from "./crypto-pipeline.js";
import type { SaCache } from "./sa-cache.js";

/** What the TX and RX engines use for inline IPsec: the SA table, a crypto pipeline each, and the fill mode. */
export interface IpsecOffload {
  readonly cache: SaCache;
  readonly txCrypto: CryptoPipeline;
  readonly rxCrypto: CryptoPipeline;
  /** SA_CTRL.POINTER_FETCH: TX misses are filled by reading the record through the descriptor's SA_POINTER. */
  pointerFetch: boolean;
  /** SA_QOS_MAP: the traffic class of each ipsec_qos_group tag, for receive. */
  readonly qosClasses: Map<number, number>;
}

export const IpsecOffloadToken = Symbol("IpsecOffload");
