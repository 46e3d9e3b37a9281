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

  constructor(watch: readonly string[]) {
    this.watched = watch.length > 0 ? new ScopeMatcher({ scopes: watch }) : null;
  }

  /** Number an item; changes are then reported by that number. */
  add(path: string): number {
    this.paths.push(path);
    this.counts.push(0);
    this.histories.push(this.watched?.matches(path) ? { initial: 0, changes: [] } : undefined);
    return this.paths.length - 1;
  }

  began(item: number, time: number, value: number | bigint): void {
    this.from = time;
    const history = this.histories[item];
    if (history) history.initial = Number(value);
  }

  changed(item: number, time: number, value: number | bigint): void {
    this.counts[item]!++;
    this.histories[item]?.changes.push({ time, value: Number(value) });
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
