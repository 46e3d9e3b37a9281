import { ScopeMatcher } from "./selection.js";

/** A watched item's value after one change inside the dump window (an event's trigger is 1). */
export interface Change {
  readonly time: number;
  readonly value: number;
}

/** A watched item's value when the dump began, then each of its changes. */
export interface History {
  initial: number;
  readonly changes: Change[];
}

/**
 * What the dumped items did inside the dump window: how often each changed, and, for the watched
 * ones, when and to what. The save file is laid out from it (where the story is, what carried nothing).
 */
export class Activity {
  /** First and last time dumped (ps); -1 while the dump has not begun or ended. */
  from = -1;
  to = -1;
  private readonly paths: string[] = [];
  private counts: number[] = [];
  /** By item number: its history when watched. */
  private readonly histories: (History | undefined)[] = [];
  private readonly watched: ScopeMatcher | null;
  private readonly settling: ScopeMatcher | null;
  /** By item number: whether its first change settles what is kept. */
  private readonly settles: boolean[] = [];
  /** Changes after this time are counted, not kept: what the histories are read for is settled by then. */
  private keptUntil = Infinity;

  /**
   * `settledBy`: once one of these signals changes, at t, no change after t + `after` is kept (the
   * save file's window is around the first such change, whatever comes later): a long run's watched
   * signals (preemptions, installs) no longer fill memory with changes nobody reads.
   */
  constructor(watch: readonly string[], private readonly settledBy: { readonly signals: readonly string[]; readonly after: number } | null = null) {
    this.watched = watch.length > 0 ? new ScopeMatcher({ scopes: watch }) : null;
    this.settling = settledBy ? new ScopeMatcher({ scopes: settledBy.signals }) : null;
  }

  /** Number an item; changes are then reported by that number. */
  add(path: string): number {
    this.paths.push(path);
    this.counts.push(0);
    const watched = this.watched?.matches(path) ?? false;
    this.histories.push(watched ? { initial: 0, changes: [] } : undefined);
    this.settles.push(watched && (this.settling?.matches(path) ?? false));
    return this.paths.length - 1;
  }

  began(item: number, time: number, value: number | bigint): void {
    this.from = time;
    const history = this.histories[item];
    if (history) history.initial = Number(value);
  }

  changed(item: number, time: number, value: number | bigint): void {
    this.counts[item]!++;
    const history = this.histories[item];
    if (history === undefined || time > this.keptUntil) return;
    history.changes.push({ time, value: Number(value) });
    if (this.settles[item] && this.keptUntil === Infinity) this.keptUntil = time + this.settledBy!.after;
  }

  /** How many times the item changed after the dump began (0 for a path not dumped). */
  changeCount(path: string): number {
    const item = this.paths.indexOf(path);
    return item < 0 ? 0 : this.counts[item]!;
  }

  /** The watched items' histories, by path. */
  watchedHistories(): Map<string, History> {
    const histories = new Map<string, History>();
    this.paths.forEach((path, item) => {
      const history = this.histories[item];
      if (history) histories.set(path, history);
    });
    return histories;
  }
}
