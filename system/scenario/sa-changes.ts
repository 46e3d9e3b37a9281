import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import type { Kernel } from "../../sim/kernel.js";
import { delay, type ProcessBody } from "../../sim/process.js";
import type { Random } from "../../sim/random.js";
import { spi } from "../../sim/ipsec/esp.js";
import type { CapturedSa } from "../../sim/ipsec/wireshark-esp-sa.js";
import type { IntermediateDriver } from "../../driver/intermediate/driver.js";
import type { IpsecSa } from "../../driver/intermediate/sadb.js";
import type { EspPeer } from "../esp-peer.js";
import type { Scenario } from "./schema.js";

type SaDirection = "outbound" | "inbound";

/** One change an IKE daemon makes while traffic flows. */
type SaChange = { readonly kind: "rekey"; readonly direction: SaDirection } | { readonly kind: "delete" };

/** A tunnel's SAs now: a rekey replaces one when it is done, a delete leaves null at once. */
export interface TunnelSas {
  outbound: IpsecSa | null;
  inbound: IpsecSa | null;
}

/** First SPI of the SAs rekeys create (the tunnels' own are 0x1000 + n outbound, 0x2000 + n inbound). */
const REKEY_SPI_BASE = 0x3000;

/**
 * Rekeys (outbound and inbound) and deletes at random times in the traffic, on random tunnels.
 * In turn, one exchange at a time; or overlapping, each starting at its own time while others
 * are still under way. A change never picks an SA another change is still working on, as an IKE
 * daemon resolves such collisions before the kernel sees them. An outbound rekey has the gateway
 * learn the new SA first; an inbound one has the host install it and the gateway switch to it,
 * the old SA then deleted with the packets still on their way under it.
 */
export class SaChanges {
  private rekeyed = 0;
  /** Changes made, and those that found no SA free to change (none left, or each under another change); the rest were still waiting when the run ended. */
  readonly made = { rekeys: 0, inboundRekeys: 0, deletes: 0 };
  readonly noneFree = { rekeys: 0, inboundRekeys: 0, deletes: 0 };
  /** SAs a change is working on. */
  private readonly busy = new Set<IpsecSa>();

  constructor(
    private readonly kernel: Kernel,
    private readonly random: Random,
    private readonly intermediate: IntermediateDriver,
    private readonly espPeer: EspPeer,
    private readonly backend: AesGcmBackend,
    private readonly tunnels: TunnelSas[],
    /** Every SA's keys, for the capture's esp_sa file: rekeys add theirs. */
    private readonly captured: CapturedSa[],
  ) {}

  /** The changes, at times drawn from `times` (count → sorted times in the traffic); `start` runs a process. */
  *run(faults: Scenario["faults"], times: (count: number) => number[], start: (name: string, body: () => ProcessBody) => void) {
    const changes = [
      ...times(faults.rekeys).map((time) => ({ time, change: { kind: "rekey", direction: "outbound" } as SaChange })),
      ...times(faults.deletes).map((time) => ({ time, change: { kind: "delete" } as SaChange })),
      ...times(faults.inboundRekeys).map((time) => ({ time, change: { kind: "rekey", direction: "inbound" } as SaChange })),
    ];
    changes.sort((a, b) => a.time - b.time);
    for (const [index, { time, change }] of changes.entries()) {
      if (time > this.kernel.now) yield delay(time - this.kernel.now);
      if (faults.overlappingSaChanges) start(`sa_change${index}`, () => this.apply(change));
      else yield* this.apply(change);
    }
  }

  private *apply(change: SaChange) {
    const directions: readonly SaDirection[] = change.kind === "rekey" ? [change.direction] : ["outbound", "inbound"];
    const idle = this.tunnels.flatMap((sas, tunnel) => directions.filter((direction) => sas[direction] && !this.busy.has(sas[direction])).map((direction) => ({ tunnel, direction })));
    const kind = change.kind === "delete" ? "deletes" : change.direction === "outbound" ? "rekeys" : "inboundRekeys";
    if (idle.length === 0) return void this.noneFree[kind]++;
    this.made[kind]++;
    const { tunnel, direction } = idle[this.random.integer(0, idle.length - 1)]!;
    const sas = this.tunnels[tunnel]!;
    const old = sas[direction]!;
    this.busy.add(old);
    if (change.kind === "delete") {
      sas[direction] = null;
      yield* this.intermediate.deleteSa(old);
    } else {
      const parameters = { ...old.parameters, spi: spi(REKEY_SPI_BASE + this.rekeyed++), keyMaterial: this.random.bytes(old.parameters.keyMaterial.length) };
      this.captured.push({ sa: parameters, source: old.source, destination: old.destination });
      // The gateway's end first: it can take (outbound) or send (inbound) under the new SA before any frame of it is on the wire.
      if (direction === "outbound") this.espPeer.addInbound(parameters, this.backend);
      else this.espPeer.replaceOutbound(tunnel, parameters, this.backend);
      sas[direction] = yield* this.intermediate.rekeySa(old, parameters.spi, parameters.keyMaterial);
    }
    this.busy.delete(old);
  }
}
