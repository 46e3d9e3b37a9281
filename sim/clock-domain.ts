import { TimeHeap } from "./time-heap.js";
import { ComponentError } from "./errors.js";

/** What a clock domain evaluates on each rising edge. */
export interface Clocked {
  readonly path: string;
  /** Read current values, write next values. Runs once per rising edge of the domain. */
  evaluate(): void;
  /**
   * True when evaluating now would change nothing and nothing will change until a signal
   * changes, the component calls wake(), a time it asked for (wakeAt, nextWakeTime) comes or an
   * item reaches one of its channels. While every member is idle the kernel skips edges.
   */
  isIdle(): boolean;
  /** Its domain's record of it, given when it is added: a member's wake() marks it woken there. */
  slot?: MemberSlot;
  /**
   * As isIdle, for this edge alone: an item pushed into one of its channels during this edge,
   * which it cannot take before the next, does not count. The domain skips the member when this
   * holds, and keeps awake while isIdle does not.
   */
  idleThisEdge?(): boolean;
  /**
   * The earliest time the member must be evaluated at (the first edge at or after it) with no wake
   * from outside, or Infinity. Asked as its domain goes to sleep, so a plan changed while evaluating
   * leaves no stale wake behind (an empty edge); a change while the domain sleeps needs a wake.
   */
  nextWakeTime?(): number;
  /**
   * Opt in: every way the member gets work is a wake (wake(), a push into one of its channels,
   * a time it asked for, nextWakeTime), so once it is idle the domain stops asking it isIdle until
   * one of those comes: idle members are not polled.
   */
  readonly sleepsUntilWoken?: boolean;
  /**
   * Whether it has work under way beyond drawing its signals: asked, where every member of a domain
   * gives it, in place of its edges still to come (hasWork). A block that draws its signals only
   * while something watches them gives it, so that what a run waits for is the same either way.
   */
  workUnderWay?(): boolean;
  /**
   * Ask for the edges it keeps (nextKeptEdge) from now, as real ones: for a run that ends by
   * taking the design's last few edges, or stops on one of them.
   */
  planKeptEdges?(): void;
  /**
   * The first edge after `after`, and after what readers see committed, that the block keeps
   * rather than runs on: one it would take only to draw what it keeps undrawn while unwatched, or
   * one whose work is handled for it ahead (a TX write-back landed); Infinity: none. A run asking
   * what is still to happen (its end, its next activity, hasWork) counts it as an edge taken, and
   * a run stopping on one takes it: the same with the waveform or without, and as before the block
   * kept it.
   */
  nextKeptEdge?(after: number): number;
}

/**
 * A clock domain's record of one member, kept apart from it: the domain reads these flags for every
 * member on every edge, and read from the members themselves (a class each) those reads were
 * megamorphic: taking them away cut 6 to 10 % of the plain workloads' wall time.
 */
export class MemberSlot {
  /** Set by the member's wake(): evaluate it on the next edge whatever isIdle says. */
  woken = false;
  /** For a member that sleeps until woken: whether it may have work, and so is asked isIdle on an edge. */
  awake = true;
  /** The member's sleepsUntilWoken and whether it has idleThisEdge, read once the run begins (a subclass's fields are set after its base's constructor adds it). */
  sleepsUntilWoken = false;
  hasIdleThisEdge = false;
  /** Edges it was evaluated on: where a run's component evaluations went (Kernel.evaluationsByBlock). */
  evaluations = 0;

  constructor(readonly member: Clocked) {}
}

/**
 * A clock domain: rising edges at every time t > 0 with t ≡ phase (mod period). The kernel
 * evaluates its members on each edge unless all of them are idle.
 */
export class ClockDomain {
  /** The members' records, in the order they were added (the order they are evaluated in). */
  private readonly slots: MemberSlot[] = [];
  /** Whether the slots have read their members' sleepsUntilWoken and idleThisEdge since the last member was added. */
  private slotsRead = true;
  /** Whether every member says what work it has under way (Clocked.workUnderWay), read with the slots. */
  private workSaidByAll = false;
  /** Time of the next edge the kernel will evaluate; Infinity while the domain sleeps. */
  nextEdge: number;
  /** Whether the clock itself is drawn in the waveform. */
  traced = false;
  /** Whether any committed signal change wakes the domain (see Kernel.clock). */
  wakeOnSignalChange = true;
  /** Edges members asked to be evaluated at (wakeAt), ascending; a sleeping domain still takes them. */
  private readonly wakeTimes = new TimeHeap<MemberSlot | null>();
  /** The latest edge a wakeAfter asked for. */
  private wokenFor = -Infinity;
  /** The edge last evaluated, and how far its evaluation has gone through the members (all of them once done). */
  private edgeTime = -Infinity;
  private membersReached = 0;
  /** Members that say when they next need an edge (nextWakeTime). */
  private readonly timedMembers: (Clocked & Required<Pick<Clocked, "nextWakeTime">>)[] = [];
  /** Members that keep edges rather than run on them (nextKeptEdge). */
  private readonly keepingMembers: (Clocked & Required<Pick<Clocked, "nextKeptEdge">>)[] = [];
  /** A wake time's member, or every member for a time no member owns: awake on that edge. */
  private readonly rouse = (owner: MemberSlot | null): void => {
    if (owner !== null) owner.awake = true;
    else this.rouseAll();
  };

  /** `work.idleChecks` counts the members asked whether they are idle (the kernel's statistics). */
  constructor(readonly path: string, readonly period: number, readonly phase: number, now: number, private readonly work: { idleChecks: number } = { idleChecks: 0 }) {
    if (!Number.isSafeInteger(period) || period < 2) throw new RangeError(`clock '${path}': period ${period} ps must be an integer of at least 2 ps`);
    if (!Number.isSafeInteger(phase) || phase < 0 || phase >= period) {
      throw new RangeError(`clock '${path}': phase ${phase} ps must be an integer in [0, ${period})`);
    }
    this.nextEdge = this.edgeAfter(now);
  }

  /** The members, in the order they are evaluated. */
  get members(): readonly Clocked[] {
    return this.slots.map((slot) => slot.member);
  }

  /** Each member's path and evaluations so far, in the order they were added. */
  evaluationsByMember(): Array<[path: string, evaluations: number]> {
    return this.slots.map((slot) => [slot.member.path, slot.evaluations]);
  }

  get sleeping(): boolean {
    return this.nextEdge === Infinity;
  }

  /** First rising edge strictly after time t. */
  edgeAfter(t: number): number {
    return this.phase + (Math.floor((t - this.phase) / this.period) + 1) * this.period;
  }

  /** First rising edge at or after `time`, and after `now`. */
  private edgeFrom(time: number, now: number): number {
    return this.edgeAfter(Math.max(time - 1, now));
  }

  /** Time of the n-th rising edge after time t (n ≥ 1). */
  edgesAfter(t: number, n: number): number {
    return this.edgeAfter(t) + (n - 1) * this.period;
  }

  /** Number of rising edges in (0, t]: the cycle number of an edge at t. */
  cycleAt(t: number): number {
    if (t < this.phase) return 0;
    return Math.floor((t - this.phase) / this.period) + (this.phase > 0 ? 1 : 0);
  }

  /** Clock level at time t: high for the first half of each period after an edge. */
  levelAt(t: number): 0 | 1 {
    if (t < this.phase || (this.phase === 0 && t < this.period)) return 0;
    return (t - this.phase) % this.period < this.highTime ? 1 : 0;
  }

  get highTime(): number {
    return Math.floor(this.period / 2);
  }

  add(member: Clocked): void {
    const slot = new MemberSlot(member);
    member.slot = slot;
    this.slots.push(slot);
    this.slotsRead = false;
  }

  /** Read as the run begins: a member may give nextWakeTime only for some of its parameters (set after its base's constructor added it). */
  private readSlots(): void {
    this.timedMembers.length = 0;
    this.keepingMembers.length = 0;
    for (const slot of this.slots) {
      slot.sleepsUntilWoken = slot.member.sleepsUntilWoken === true;
      slot.hasIdleThisEdge = slot.member.idleThisEdge !== undefined;
      if (slot.member.nextWakeTime) this.timedMembers.push(slot.member as Clocked & Required<Pick<Clocked, "nextWakeTime">>);
      if (slot.member.nextKeptEdge) this.keepingMembers.push(slot.member as Clocked & Required<Pick<Clocked, "nextKeptEdge">>);
    }
    this.workSaidByAll = this.slots.length > 0 && this.slots.every((slot) => slot.member.workUnderWay !== undefined);
    this.slotsRead = true;
  }

  /** Every member may have work (a signal changed, for a domain that wakes on one). */
  rouseAll(): void {
    const slots = this.slots;
    for (let index = 0; index < slots.length; index++) slots[index]!.awake = true;
  }

  /**
   * Evaluate the members for the edge at `time`. With `skipIdle`, a member that reports itself
   * idle is passed over: by its own contract, evaluating it would change nothing.
   */
  evaluate(time: number, skipIdle: boolean): number {
    // Wake requests for this edge or earlier are served by evaluating it.
    if (this.wakeTimes.size > 0) this.wakeTimes.dropThrough(time, this.rouse);
    if (!this.slotsRead) this.readSlots();
    // A member asleep whose time has come is awake on this edge; one awake already need not be asked.
    const timed = this.timedMembers;
    for (let index = 0; index < timed.length; index++) {
      const member = timed[index]!;
      if (!member.slot!.awake && member.nextWakeTime() <= time) member.slot!.awake = true;
    }
    const slots = this.slots;
    let evaluated = 0;
    this.edgeTime = time;
    for (let index = 0; index < slots.length; index++) {
      // A member added by one evaluated before it on this edge is reached on it: its flags are read first (from an outside check).
      if (!this.slotsRead) this.readSlots();
      const slot = slots[index]!;
      this.membersReached = index;
      try {
        if (skipIdle && !slot.woken && ((slot.sleepsUntilWoken && !slot.awake) || this.idleNow(slot))) continue;
        slot.woken = false;
        slot.awake = true;
        slot.evaluations++;
        slot.member.evaluate();
        evaluated++;
      } catch (error) {
        throw new ComponentError(slot.member.path, time, this.cycleAt(time), error);
      }
    }
    this.membersReached = slots.length;
    return evaluated;
  }

  /**
   * Whether the edge at `now` has been through `member` (evaluated it or passed it over): a block
   * evaluated after it on that edge, or anyone once the edge is done, sees what the edge made of it.
   */
  edgeWentThrough(member: Clocked, now: number): boolean {
    return this.edgeTime === now && this.membersReached > this.slots.indexOf(member.slot!);
  }

  /** Whether the member has nothing to do on this edge; one that sleeps until woken, idle beyond it too, goes to sleep. */
  private idleNow(slot: MemberSlot): boolean {
    this.work.idleChecks++;
    const member = slot.member;
    if (!slot.hasIdleThisEdge) {
      if (!member.isIdle()) return false;
    } else {
      if (!member.idleThisEdge!()) return false;
      if (!slot.sleepsUntilWoken) return true;
      // Idle for this edge only (an item it can take at the next) keeps it awake.
      this.work.idleChecks++;
      if (!member.isIdle()) return true;
    }
    if (slot.sleepsUntilWoken) slot.awake = false;
    return true;
  }

  /** Whether every member is idle; a member that sleeps until woken and is found idle is no longer asked. */
  allIdle(): boolean {
    if (!this.slotsRead) this.readSlots();
    const slots = this.slots;
    for (let index = 0; index < slots.length; index++) {
      const slot = slots[index]!;
      if (slot.woken) return false;
      if (slot.sleepsUntilWoken && !slot.awake) continue;
      this.work.idleChecks++;
      if (!slot.member.isIdle()) return false;
      if (slot.sleepsUntilWoken) slot.awake = false;
    }
    return true;
  }

  /** Each member that keeps edges asks for them as real ones (Clocked.planKeptEdges). */
  planKeptEdges(): void {
    for (const slot of this.slots) slot.member.planKeptEdges?.();
  }

  /** Whether a member has work: one not idle, or an edge asked for ahead (a latency running out); its work under way, where every member says what that is. */
  hasWork(now: number): boolean {
    if (!this.slotsRead) this.readSlots();
    if (this.workSaidByAll) return this.slots.some((slot) => slot.member.workUnderWay!());
    this.wakeTimes.dropThrough(now, this.rouse);
    return this.wakeTimes.size > 0 || !this.allIdle() || this.timedMembers.some((member) => member.nextWakeTime() !== Infinity) || this.nextKeptEdge(-Infinity) !== Infinity;
  }

  /** The first edge after `after` still to come that a member keeps (Clocked.nextKeptEdge). */
  nextKeptEdge(after: number): number {
    if (!this.slotsRead) this.readSlots();
    let edge = Infinity;
    for (const member of this.keepingMembers) edge = Math.min(edge, member.nextKeptEdge(after));
    return edge;
  }

  /**
   * A member's nextWakeTime moved earlier, to `time`, outside its own evaluation: a sleeping domain
   * wakes by then. Nothing is recorded, so a plan moved later again before then leaves no empty
   * edge: the domain reads it as it next sleeps.
   */
  nextWakeMovedTo(time: number, now: number): void {
    const edge = this.edgeFrom(time, now);
    if (edge < this.nextEdge) this.nextEdge = edge;
  }

  /** Sleep until the earliest edge a member asked for (wakeAt, nextWakeTime), or until woken. */
  sleep(now: number): void {
    this.wakeTimes.dropThrough(now, this.rouse);
    let asked = this.wakeTimes.peek() ?? Infinity;
    const timed = this.timedMembers;
    for (let index = 0; index < timed.length; index++) {
      const time = timed[index]!.nextWakeTime();
      if (time === Infinity) continue;
      const edge = this.edgeFrom(time, now);
      if (edge < asked) asked = edge;
    }
    // A wakeAfter for the next edge asked during this timestep (a push into a channel the domain takes from) still stands.
    this.nextEdge = this.wokenFor > now && this.wokenFor < asked ? this.wokenFor : asked;
  }

  /**
   * Make sure the edge at or after `time` is evaluated even if the domain sleeps until then: how a
   * member waiting out a known latency lets the domain sleep meanwhile. The member (every member
   * when not given) is awake on that edge.
   */
  wakeAt(time: number, now: number, member: Clocked | null = null): void {
    const edge = this.edgeFrom(time, now);
    this.wakeTimes.push(edge, member === null ? null : member.slot!);
    if (edge < this.nextEdge) this.nextEdge = edge;
  }

  /** The edge wakeAfter(t, inclusive) has evaluated: the first after t, or t itself if inclusive and an edge. */
  wakeEdge(t: number, inclusive = false): number {
    return inclusive && t > 0 && (t - this.phase) % this.period === 0 ? t : this.edgeAfter(t);
  }

  /**
   * Evaluate the first edge after t, also when the domain sleeps until a later wakeAt edge. With
   * `inclusive`, an edge at t itself is taken: for a wake from the part of a timestep that runs
   * before the edges (a queued callback or process), where an awake domain would see it at t.
   */
  wakeAfter(t: number, inclusive = false): void {
    const edge = this.wakeEdge(t, inclusive);
    if (edge > this.wokenFor) this.wokenFor = edge;
    if (edge < this.nextEdge) this.nextEdge = edge;
  }
}
