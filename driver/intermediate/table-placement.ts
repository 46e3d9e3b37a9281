import { valueKind } from "../../sim/shown-value.js";
import type { Kernel } from "../../sim/kernel.js";
import type { Command } from "../../sim/process.js";
import type { BaseDriver } from "../base/driver.js";
import type { TableDirection, TableSlot } from "../base/sa-table.js";
import type { DriverMessageName, MessageChannel } from "./message-channel.js";
import type { PlacementDecision, SaPlacementPolicy } from "./policy.js";
import type { CostModel } from "../caching/metric-policy.js";
import { delay } from "../../sim/process.js";
import type { SaLease, SaLifecycle } from "./sa-lifecycle.js";
import type { IpsecSa, Sadb } from "./sadb.js";

/** What the placement did, counted: "not in table" messages, installs and evictions (those of the periodic look among them), removals. */
export interface PlacementCounts {
  notInTable: number;
  installs: number;
  evictions: number;
  periodicInstalls: number;
  periodicEvictions: number;
  removals: number;
}

/**
 * The intermediate driver's side of the NIC's SA table (seeds 002 and 003): "not in table"
 * messages from the base driver go to the placement policy, and its decision (install, replace
 * a cached SA, or software) is carried out through the base driver, with a message for each step.
 */
export class TablePlacement {
  readonly counts: PlacementCounts = { notInTable: 0, installs: 0, evictions: 0, periodicInstalls: 0, periodicEvictions: 0, removals: 0 };

  constructor(
    /** The path its installs run under, as processes. */
    private readonly name: string,
    private readonly kernel: Kernel,
    private readonly base: BaseDriver,
    private readonly sadb: Sadb,
    private readonly lifecycle: SaLifecycle,
    private readonly policy: SaPlacementPolicy,
    private readonly messages: MessageChannel,
    private readonly driver: {
      /** Whether SAs go to the NIC at all (with offload off, nothing is ever installed). */
      readonly offload: boolean;
      /** The traffic class an SA's installs and removals run at on the host's cores. */
      classOf(sa: IpsecSa): number;
      /** What installs and packets cost the host now, for the policy's threshold. */
      costs(): CostModel;
    },
  ) {
    if (driver.offload && policy.period && policy.periodic) kernel.process(`${name}.periodic`, () => this.periodic(policy.period!));
  }

  /** Every period, traffic or not, the policy looks at each direction of the table and may cache an SA (seed 003's claim 42). */
  private *periodic(period: number) {
    yield this.base.whenReady();
    for (;;) {
      yield delay(period);
      for (const direction of ["tx", "rx"] as const) {
        const cached = this.cached(direction);
        const uncached = this.sadb.all().filter((sa) => (sa.direction === "outbound") === (direction === "tx") && !sa.parameters.esn && this.lifecycle.usable(sa) && !this.underway.has(sa) && !this.base.saTable.isInstalled(sa.record));
        const table = this.base.saTable;
        const decision = this.policy.periodic!({ direction, uncached, cached, freeEntries: table.freeEntries(direction), time: this.kernel.now, costs: this.driver.costs() });
        if (!decision) continue;
        // A replace left out (JavaScript) is none, as it was taken before the check.
        if (typeof decision !== "object" || !uncached.includes(decision.install) || (decision.replace != null && !cached.includes(decision.replace))) {
          this.refused("periodic()", decision, `null, or { install: one of the view's uncached SAs, replace: null or one of its cached SAs }`);
        }
        this.carryOut(direction, decision.install, decision.replace ? { replace: decision.replace } : "install", true);
      }
    }
  }

  /**
   * Where an outbound SA's packets are processed: the handle its descriptors carry (0 when the NIC
   * finds the SA by the pointer), or null for software. A miss is a "not in table" message to this layer,
   * which asks the placement policy; the packet goes through software while an install it decides
   * on runs beside it, for the packets after.
   */
  *transmit(lease: SaLease): Generator<Command, number | null, unknown> {
    const sa = lease.sa;
    const table = this.base.saTable;
    if (table.isInstalled(sa.record)) {
      // The packet holds the handle: a replacement of the entry waits until the packet is on the ring.
      lease.holdHandle(table.descriptorHandle(sa.record));
      return lease.handle;
    }
    yield* this.message("TX_NOT_IN_TABLE", 0, sa);
    this.consider("tx", sa);
    return null;
  }

  /** A received packet's SA was not in the NIC's table: the message comes up with the packet, and the policy may install the SA for the next ones. */
  *receiveMiss(sa: IpsecSa): Generator<Command, void, unknown> {
    yield* this.message("RX_NOT_IN_TABLE", 0, sa);
    if (!this.base.saTable.isInstalled(sa.record)) this.consider("rx", sa);
  }

  /** Ask the policy about an SA that is not in the NIC's table and, unless it says software, carry out its decision beside the traffic. */
  private consider(direction: TableDirection, sa: IpsecSa): void {
    // An SA being deleted must not enter the table: its deletion has already taken it out, and its record is about to be freed.
    if (this.underway.has(sa) || !this.lifecycle.usable(sa)) return;
    const table = this.base.saTable;
    const cached = this.cached(direction);
    const decision = this.policy.decide({ direction, sa, freeEntries: table.freeEntries(direction), cached, time: this.kernel.now, costs: this.driver.costs() });
    // A mistyped "installl" was taken for software without a word, and undefined failed inside as "Cannot read properties of undefined" (from a driver developer's check).
    const fits = decision === "software" || decision === "install" || (typeof decision === "object" && decision !== null && cached.includes(decision.replace));
    if (!fits) this.refused("decide()", decision, `"software", "install" or { replace: one of the SAs cached in the ${direction.toUpperCase()} table (the message's cached) }`);
    if (decision !== "software") this.carryOut(direction, sa, decision, false);
  }

  /** A decision the policy registered under SaPlacementPolicyToken could not have meant: the run stops naming it. */
  private refused(call: string, decision: unknown, expected: string): never {
    const shown = typeof decision === "string" ? JSON.stringify(decision) : typeof decision === "object" && decision !== null ? `an object (${Object.keys(decision).join(", ") || "no keys"}) naming no SA it could take` : valueKind(decision);
    throw new Error(`the SA placement policy '${this.policy.name}' (SaPlacementPolicyToken): ${call} returned ${shown}: expected ${expected}`);
  }

  /** Install an SA (in a free entry, or in place of a cached one) beside the traffic. */
  private carryOut(direction: TableDirection, sa: IpsecSa, decision: Exclude<PlacementDecision, "software">, periodic: boolean): void {
    this.underway.add(sa);
    const placement = this;
    this.kernel.process(`${this.name}.install_${direction}_${sa.uniqueId}`, function* () {
      const handle = decision === "install" ? yield* placement.install(direction, sa) : yield* placement.replace(direction, decision.replace, sa);
      if (handle && periodic) placement.counts[decision === "install" ? "periodicInstalls" : "periodicEvictions"]++;
      placement.underway.delete(sa);
    });
  }
  /** SAs whose install is on its way: their further misses go through software without asking again. */
  private readonly underway = new Set<IpsecSa>();

  /** The SAs cached in one direction of the NIC's table. */
  cached(direction: TableDirection): IpsecSa[] {
    const cached: IpsecSa[] = [];
    for (const pointer of this.base.saTable.installed(direction)) {
      const sa = this.sadb.byRecord(pointer);
      if (sa !== undefined) cached.push(sa);
    }
    return cached;
  }

  private *install(direction: TableDirection, sa: IpsecSa): Generator<Command, number, unknown> {
    const handle = yield* this.base.saTable.install(direction, sa.record, this.driver.classOf(sa), () => this.lifecycle.usable(sa));
    return yield* this.installed(sa, handle);
  }

  /** Evict a cached SA for another, in its entry. */
  *replace(direction: TableDirection, victim: IpsecSa, sa: IpsecSa): Generator<Command, number, unknown> {
    const table = this.base.saTable;
    // A victim being deleted leaves its entry soon anyway: an EVICT for it was sent, for nothing, at each periodic look while it died (an outside check).
    const alive = () => this.lifecycle.usable(victim) && this.sadb.byRecord(victim.record) === victim;
    if (!alive()) return 0;
    yield* this.message("EVICT", table.handleOf(victim.record), sa);
    // While the message waited its turn the victim may have been deleted, and its record taken by a new SA: that one is not to be evicted (an outside check saw it so).
    if (!alive()) return yield* this.installed(sa, 0);
    const handle = yield* table.replace(direction, victim.record, sa.record, this.driver.classOf(sa), () => this.lifecycle.waitForHandles(victim), () => this.lifecycle.usable(sa));
    if (handle) this.counts.evictions++;
    return yield* this.installed(sa, handle);
  }

  private *installed(sa: IpsecSa, handle: number): Generator<Command, number, unknown> {
    if (!handle) return 0;
    // Being deleted while its install was on its way: the deletion's removal, which waits for the install, empties the entry.
    if (!this.lifecycle.usable(sa)) return 0;
    this.counts.installs++;
    this.policy.installed?.(sa, this.kernel.now);
    yield* this.message("INSTALL", handle, sa);
    return handle;
  }

  /** Take a deleted SA out of the NIC; returns its entry, to release once nothing in flight can name it. */
  *remove(sa: IpsecSa): Generator<Command, TableSlot | null, unknown> {
    const table = this.base.saTable;
    // A replacement's victim is still in its entry until the newcomer's install: it is emptied too. Under pointer fill, so is any TX SA whose pointer a descriptor carried;
    // one never handed to the device (an inbound SA, or one only ever in software) is not removed (a REMOVE was sent, and counted, for each: an outside check).
    if (!table.mayHold(sa.record)) return null;
    const removal = yield* table.remove(sa.record, this.driver.classOf(sa));
    if (!removal.sent) return removal.slot;
    this.counts.removals++;
    // The entry emptied: a replacement's victim, no longer in the driver's view, is named by the entry it held (its REMOVE showed handle 0: an outside check).
    yield* this.message("REMOVE", removal.handle, sa);
    return removal.slot;
  }

  /** A message between the layers about an SA: it costs time, waits its turn by the SA's class, and shows in the waveform with its kind and handle. */
  private *message(kind: DriverMessageName, handle: number, sa: IpsecSa) {
    if (kind === "TX_NOT_IN_TABLE" || kind === "RX_NOT_IN_TABLE") this.counts.notInTable++;
    yield* this.messages.send(kind, handle, this.driver.classOf(sa));
  }
}
