import { Random } from "../../sim/random.js";
import type { SaAccess, SaRemoval } from "./trace.js";

/** What a policy did with one access: hit in the NIC, or a miss that installed (maybe evicting) or went to software. */
export interface Placement {
  readonly hit: boolean;
  readonly installed: boolean;
  readonly evicted: number | null;
}

/** A caching policy over SA accesses, with a cache of `capacity` SAs. */
export interface CachePolicy {
  readonly name: string;
  /** Decide for one access, updating the policy's state and its cache. */
  access(access: SaAccess): Placement;
  /** The SA was deleted (a rekey's old pair, a Delete, an expiry): its entry, if it had one, is free. */
  remove(sa: number): void;
  /** The SAs cached now. */
  cached(): ReadonlySet<number>;
}

const HIT: Placement = { hit: true, installed: false, evicted: null };
const SOFTWARE: Placement = { hit: false, installed: false, evicted: null };

/** A mainline driver's behaviour: install while there is room, never evict. */
export class StaticFirstCome implements CachePolicy {
  readonly name = "static";
  private readonly set = new Set<number>();
  constructor(private readonly capacity: number) {}
  access({ sa }: SaAccess): Placement {
    if (this.set.has(sa)) return HIT;
    if (this.set.size >= this.capacity) return SOFTWARE;
    this.set.add(sa);
    return { hit: false, installed: true, evicted: null };
  }
  remove(sa: number): void {
    this.set.delete(sa);
  }
  cached(): ReadonlySet<number> {
    return this.set;
  }
}

/** Least recently used: always install, evicting the SA used longest ago. */
export class LeastRecentlyUsed implements CachePolicy {
  readonly name = "lru";
  private readonly order = new Map<number, true>();
  constructor(private readonly capacity: number) {}
  access({ sa }: SaAccess): Placement {
    if (this.order.delete(sa)) {
      this.order.set(sa, true);
      return HIT;
    }
    let evicted: number | null = null;
    if (this.order.size >= this.capacity) {
      evicted = this.order.keys().next().value!;
      this.order.delete(evicted);
    }
    this.order.set(sa, true);
    return { hit: false, installed: true, evicted };
  }
  remove(sa: number): void {
    this.order.delete(sa);
  }
  cached(): ReadonlySet<number> {
    return new Set(this.order.keys());
  }
}

/** Least frequently used (counts kept for every SA seen): install, evicting the cached SA with the fewest uses. */
export class LeastFrequentlyUsed implements CachePolicy {
  readonly name = "lfu";
  private readonly counts = new Map<number, number>();
  private readonly set = new Set<number>();
  constructor(private readonly capacity: number) {}
  access({ sa }: SaAccess): Placement {
    this.counts.set(sa, (this.counts.get(sa) ?? 0) + 1);
    if (this.set.has(sa)) return HIT;
    let evicted: number | null = null;
    if (this.set.size >= this.capacity) {
      for (const candidate of this.set) if (evicted === null || this.counts.get(candidate)! < this.counts.get(evicted)!) evicted = candidate;
      // Only displace an SA used less than the newcomer.
      if (this.counts.get(evicted!)! >= this.counts.get(sa)!) return SOFTWARE;
      this.set.delete(evicted!);
    }
    this.set.add(sa);
    return { hit: false, installed: true, evicted };
  }
  remove(sa: number): void {
    this.set.delete(sa);
    this.counts.delete(sa);
  }
  cached(): ReadonlySet<number> {
    return this.set;
  }
}

/** Random replacement, seeded: install, evicting a cached SA at random. */
export class RandomReplacement implements CachePolicy {
  readonly name = "random";
  private readonly list: number[] = [];
  private readonly random: Random;
  constructor(private readonly capacity: number, seed = 1) {
    this.random = Random.derive(seed, "random-replacement");
  }
  access({ sa }: SaAccess): Placement {
    if (this.list.includes(sa)) return HIT;
    let evicted: number | null = null;
    if (this.list.length >= this.capacity) {
      const index = this.random.integer(0, this.list.length - 1);
      evicted = this.list[index]!;
      this.list[index] = sa;
    } else this.list.push(sa);
    return { hit: false, installed: true, evicted };
  }
  remove(sa: number): void {
    const index = this.list.indexOf(sa);
    if (index >= 0) this.list.splice(index, 1);
  }
  cached(): ReadonlySet<number> {
    return new Set(this.list);
  }
}

/**
 * Belady's MIN with bypass, offline: on a miss with the cache full, the SA (cached or incoming)
 * whose next use lies furthest ahead is the one left out. No online policy can have more hits. An
 * SA's use past its removal is none: an access after it is another SA's under the same id (a
 * hand-written trace; looking at accesses alone, MIN kept a removed SA for it and fell below a
 * static table: an outside check).
 */
export class BeladyMin implements CachePolicy {
  readonly name = "min";
  private readonly set = new Set<number>();
  private position = 0;
  /** For each position, the position of that SA's next access (Infinity if none). */
  private readonly nextUse: number[];

  constructor(private readonly capacity: number, trace: readonly SaAccess[], removals: readonly SaRemoval[] = []) {
    this.nextUse = new Array<number>(trace.length);
    const seen = new Map<number, number>();
    let removal = removals.length - 1;
    for (let index = trace.length - 1; index >= 0; index--) {
      for (; removal >= 0 && removals[removal]!.after > index; removal--) seen.delete(removals[removal]!.sa);
      this.nextUse[index] = seen.get(trace[index]!.sa) ?? Infinity;
      seen.set(trace[index]!.sa, index);
    }
    this.next = new Map<number, number>();
  }

  /** Next use of each cached SA, kept current as the trace advances. */
  private readonly next: Map<number, number>;

  access({ sa }: SaAccess): Placement {
    const position = this.position++;
    const nextUse = this.nextUse[position] ?? Infinity;
    if (this.set.has(sa)) {
      this.next.set(sa, nextUse);
      return HIT;
    }
    if (nextUse === Infinity) return SOFTWARE;
    let evicted: number | null = null;
    if (this.set.size >= this.capacity) {
      let furthest = -1;
      for (const candidate of this.set) {
        const use = this.next.get(candidate)!;
        if (use > furthest) {
          furthest = use;
          evicted = candidate;
        }
      }
      if (furthest <= nextUse) return SOFTWARE;
      this.set.delete(evicted!);
      this.next.delete(evicted!);
    }
    this.set.add(sa);
    this.next.set(sa, nextUse);
    return { hit: false, installed: true, evicted };
  }

  remove(sa: number): void {
    this.set.delete(sa);
    this.next.delete(sa);
  }

  cached(): ReadonlySet<number> {
    return this.set;
  }
}
