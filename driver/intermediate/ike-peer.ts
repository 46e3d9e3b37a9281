import type { IkeDatagram } from "../../sim/packet/ike-datagram.js";
import type { Ipv4Address } from "../../sim/packet/ipv4.js";
import type { IkeNode } from "../../sim/ike/ike-node.js";
import type { Mailbox } from "../../sim/mailbox.js";
import type { Signal } from "../../sim/signal.js";
import type { SimEvent } from "../../sim/sim-event.js";
import type { RetransmitTimer } from "./ike-peer-node.js";
import type { IkeSaKeeper } from "./ike-sa-keeper.js";
import type { IkeTunnel } from "./ike-tunnels.js";
import type { IkeSa } from "./isadb.js";

/** A remote gateway the daemon accepts IKE from: its address and pre-shared key (the keyring), and its name in the waveform and the report. */
export interface IkePeerConfig {
  readonly name: string;
  readonly address: Ipv4Address;
  readonly preSharedKey: Uint8Array;
  /** The ESP SAs' lifetimes the host's policy gives this gateway's tunnels (proposed when the host rekeys). */
  readonly lifetime: { readonly seconds: number; readonly kilobytes: number };
}

export type Trapped = NonNullable<ReturnType<IkeSaKeeper["takeTrapped"]>>;
export type Work =
  | { readonly kind: "datagram"; readonly datagram: IkeDatagram; readonly trafficClass: number }
  | { readonly kind: "expire" }
  | { readonly kind: "rekey"; readonly tunnel: IkeTunnel; readonly trigger: "seconds" | "kilobytes" }
  | { readonly kind: "acquire"; readonly trapped: Trapped };

/** A gateway as the daemon serves it: its IKE node, its work in order, its timer and its waveform signals. */
export interface Peer {
  readonly config: IkePeerConfig;
  readonly node: IkeNode;
  readonly work: Mailbox<Work>;
  readonly timer: RetransmitTimer;
  /** The session's state after each step (PHASE1_UP, ESTABLISHED, FAILED …). */
  readonly state: Signal;
  /** The last message taken or sent (MM1 … QM3, INFO_DELETE): each at its own time. */
  readonly exchange: Signal;
  readonly message: SimEvent;
  /** Fires per message taken, a copy of the last one included. */
  readonly taken: SimEvent;
  ikeSa: IkeSa | null;
  /** Whether its IKE SA's phase 1 is done (until then, a failure takes the ISADB entry back). */
  established: boolean;
}
