import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { EspInbound, EspOutbound } from "../../sim/ipsec/esp.js";
import type { SimEvent } from "../../sim/sim-event.js";
import type { IpsecSa } from "./sadb.js";

/**
 * An SA's state, as PF_KEY (RFC 2367) and Linux xfrm name them: larval while its keys are being
 * agreed (no packet may use it), mature in use, dying once its deletion or replacement has begun
 * (packets that hold it finish, no new one takes it), dead once it is gone from the NIC and its
 * record freed.
 */
export type SaState = "larval" | "mature" | "dying" | "dead";

/**
 * A packet's hold on an SA, from the moment it took the SA to the moment it let it go: the SA is
 * not deleted, nor its NIC entry given to another SA, while a lease on it (with that entry's
 * handle) is held. Whoever waited must revalidate before using the SA again.
 */
export class SaLease {
  /** The NIC table handle the packet goes out with, while it holds one (0: by pointer; null: software). */
  handle: number | null = null;
  private released = false;
  /** The packet whose own bytes took the SA to its hard lifetime: it passed the lifetime's check before they counted (as Linux's xfrm_input checks, then counts), and its revocation does not stop it. */
  private endedTheSa = false;

  constructor(readonly sa: IpsecSa, private readonly lifecycle: SaLifecycle) {}

  /** The SA is still usable by this packet: not dead, and not revoked (ended by its hard lifetime or the peer's Delete: a delete waits for leases, so only that breaks this). */
  valid(): boolean {
    return !this.released && this.lifecycle.state(this.sa) !== "dead" && (this.endedTheSa || !this.lifecycle.revoked(this.sa));
  }

  /** Count the packet's bytes against the SA's lifetime (`count`); if that revoked the SA, this packet still goes on under it. */
  counting(count: () => void): void {
    const revokedBefore = this.lifecycle.revoked(this.sa);
    count();
    if (!revokedBefore && this.lifecycle.revoked(this.sa)) this.endedTheSa = true;
  }

  /** The SA's outbound ESP state: sequence numbers and keys (never re-created once the SA is dead). */
  outbound(): EspOutbound {
    return this.lifecycle.espState(this).outbound!;
  }

  /** The SA's inbound ESP state: the replay window and keys (never re-created once the SA is dead). */
  inbound(): EspInbound {
    return this.lifecycle.espState(this).inbound!;
  }

  /** The packet holds the NIC entry named by `handle` (see SaLifecycle.waitForHandles). */
  holdHandle(handle: number | null): void {
    this.lifecycle.handleHeld(this, this.handle, handle);
    this.handle = handle;
  }

  release(): void {
    if (this.released) return;
    this.holdHandle(null);
    this.released = true;
    this.lifecycle.leaseReleased(this.sa);
  }
}

interface Life {
  state: SaState;
  leases: number;
  /** Leases holding a NIC table handle of the SA. */
  handleLeases: number;
  /** Ended for every packet, those holding it too: none is encrypted under it from here (revoke). */
  revoked: boolean;
  outbound: EspOutbound | null;
  inbound: EspInbound | null;
}

/**
 * The one owner of the SA lifecycle in the intermediate driver. The ESP state of an SA (its
 * sequence numbers, its replay window) is made when the SA matures and dropped when it dies, and
 * is reached only through a valid lease: a deleted SA's replay window can never come back empty.
 * Deletes and replacements wait for the leases they would break, not for a global fence.
 */
export class SaLifecycle {
  private readonly lives = new Map<IpsecSa, Life>();
  private readonly counts: Record<SaState, number> = { larval: 0, mature: 0, dying: 0, dead: 0 };

  constructor(
    private readonly backend: AesGcmBackend,
    private readonly options: { readonly replayWindow: number },
    /** Fired when a lease an SA's deletion or replacement waits for is let go. */
    private readonly released: SimEvent,
    /** Hears how many SAs are in each state after every change (for the waveform). */
    private readonly changed: (counts: Readonly<Record<SaState, number>>) => void = () => {},
  ) {}

  state(sa: IpsecSa): SaState {
    return this.lives.get(sa)?.state ?? "dead";
  }

  /** A new SA in the SADB: larval until its keys are known to both ends. */
  born(sa: IpsecSa): void {
    this.lives.set(sa, { state: "larval", leases: 0, handleLeases: 0, revoked: false, outbound: null, inbound: null });
    this.move(null, "larval");
  }

  /** Its keys agreed: packets may take it from now on. */
  mature(sa: IpsecSa): void {
    const life = this.life(sa, "larval");
    if (sa.direction === "outbound") life.outbound = new EspOutbound(this.backend, sa.parameters);
    else life.inbound = new EspInbound(this.backend, sa.parameters, { replayWindow: this.options.replayWindow });
    this.enter(life, "mature");
  }

  /** A lease for a packet, or null if the SA may not be taken now (larval, dying or dead). */
  lease(sa: IpsecSa): SaLease | null {
    const life = this.lives.get(sa);
    if (life?.state !== "mature") return null;
    life.leases++;
    return new SaLease(sa, this);
  }

  /** Whether new packets may take the SA. */
  usable(sa: IpsecSa): boolean {
    return this.lives.get(sa)?.state === "mature";
  }

  /**
   * The SA may carry no more packets, not even those holding it: its hard lifetime ran out, or the
   * peer deleted it (RFC 4301 4.4.2.1: terminated; Linux drops such a packet as it comes to be
   * encrypted, XfrmOutStateExpired). A packet holding it is dropped where it next looks (SA_DEAD).
   * Its deletion (retire) still waits for them to let it go.
   */
  revoke(sa: IpsecSa): void {
    const life = this.lives.get(sa);
    if (life) life.revoked = true;
  }

  revoked(sa: IpsecSa): boolean {
    return this.lives.get(sa)?.revoked ?? false;
  }

  /**
   * Its deletion begins: no packet takes it from now on; wait for those holding it. True for the
   * caller that is to finish the deletion; false, once the SA is dead, for one that found it dying.
   */
  *retire(sa: IpsecSa): Generator<SimEvent, boolean, unknown> {
    const life = this.lives.get(sa);
    if (!life) return false;
    if (life.state === "dying") {
      while (this.lives.has(sa)) yield this.released;
      return false;
    }
    this.enter(life, "dying");
    while (life.leases > 0) yield this.released;
    return true;
  }

  /** It is out of the NIC and its record about to be freed: its ESP state goes, for good. */
  bury(sa: IpsecSa): void {
    const life = this.life(sa, "dying");
    life.outbound = null;
    life.inbound = null;
    this.lives.delete(sa);
    this.move("dying", "dead");
    this.released.fire();
  }

  /** Until no packet holds a NIC table handle of the SA (its entry is about to be given to another SA). */
  *waitForHandles(sa: IpsecSa) {
    const life = this.lives.get(sa);
    while (life && life.handleLeases > 0) yield this.released;
  }

  espState(lease: SaLease): Life {
    const life = this.lives.get(lease.sa);
    if (!life || !lease.valid()) throw new Error(`SA ${lease.sa.uniqueId}: its ESP state was used through a lease that is no longer valid`);
    return life;
  }

  handleHeld(lease: SaLease, before: number | null, after: number | null): void {
    const life = this.lives.get(lease.sa);
    if (!life || (before !== null) === (after !== null)) return;
    life.handleLeases += after !== null ? 1 : -1;
    if (life.handleLeases === 0) this.released.fire();
  }

  leaseReleased(sa: IpsecSa): void {
    const life = this.lives.get(sa);
    if (!life) return;
    life.leases--;
    if (life.leases === 0 && life.state === "dying") this.released.fire();
  }

  private life(sa: IpsecSa, expected: SaState): Life {
    const life = this.lives.get(sa);
    if (life?.state !== expected) throw new Error(`SA ${sa.uniqueId} is ${life?.state ?? "dead"}, not ${expected}`);
    return life;
  }

  private enter(life: Life, state: SaState): void {
    const before = life.state;
    life.state = state;
    this.move(before, state);
  }

  private move(from: SaState | null, to: SaState): void {
    if (from) this.counts[from]--;
    this.counts[to]++;
    this.changed(this.counts);
  }
}
