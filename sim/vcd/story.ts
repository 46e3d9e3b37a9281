import type { Activity } from "./activity.js";
import { ScopeMatcher } from "./selection.js";
import type { TracedItem } from "./tracer.js";

/** Which change of a signal is the event: any change (an event's trigger), becoming non-zero, or returning to zero. */
export type StoryEdge = "change" | "rise" | "fall";

export interface StoryEvent {
  /** Marker name; `{component}` stands for the last name of the changing signal's scope (`core0`). */
  readonly name: string;
  /** Dotted patterns of the signals whose changes are the event. */
  readonly signals: readonly string[];
  readonly edge: StoryEdge;
}

/** One stage of the data flow: a group of components in the save file. */
export interface StoryStage {
  readonly name: string;
  /** Dotted patterns of the component scopes it holds, in the order shown. */
  readonly scopes: readonly string[];
  /**
   * Components left out when signals of their own never changed: the first, which tells, must be in
   * the dump (a queue whose head never moved carried nothing), and any of the others that changed
   * keeps them (a TX queue posted to and stuck, a queue faulted on its first descriptor).
   */
  readonly idle?: readonly { readonly components: readonly string[]; readonly unlessChanged: readonly [string, ...string[]] }[];
}

/**
 * What a save file opens on: stages in data-flow order, the events that anchor the window (by
 * preference: the earliest occurrence of the first set of which any happened), the events marked
 * in it, and how much time to show around the anchor.
 */
export interface WaveformStory {
  readonly stages: readonly StoryStage[];
  readonly anchors: readonly (readonly StoryEvent[])[];
  readonly events: readonly StoryEvent[];
  /** Time shown before and after the anchor (ps). */
  readonly before: number;
  readonly after: number;
  /** Dotted patterns of the signals shown in hex (identifiers, bit masks); other numbers are decimal. */
  readonly hex: readonly string[];
}

export interface Marker {
  readonly name: string;
  readonly time: number;
  /** The scope whose signal made it. */
  readonly scope: string;
}

/** A group of traces in the save file, opened or closed, holding traces and groups. */
export interface TraceGroup {
  readonly name: string;
  readonly open: boolean;
  readonly members: readonly (TraceGroup | TracedItem)[];
}

export interface StoryLayout {
  readonly window: { readonly from: number; readonly to: number };
  /** The dump's own span, which the window lies in. */
  readonly dump: { readonly from: number; readonly to: number };
  readonly markers: readonly Marker[];
  readonly groups: readonly TraceGroup[];
  readonly hex: (item: TracedItem) => boolean;
}

/** GTKWave has 26 named markers, A to Z. */
const NAMED_MARKERS = 26;

export function scopeOf(path: string): string {
  return path.slice(0, path.lastIndexOf("."));
}

/** Every occurrence of an event inside the dump, in time order. */
function occurrences(event: StoryEvent, activity: Activity): Marker[] {
  const matcher = new ScopeMatcher({ scopes: event.signals });
  const found: Marker[] = [];
  for (const [path, history] of activity.watchedHistories()) {
    if (!matcher.matches(path)) continue;
    const scope = scopeOf(path);
    const name = event.name.replace("{component}", scope.slice(scope.lastIndexOf(".") + 1));
    let previous = history.initial;
    for (const { time, value } of history.changes) {
      if (event.edge === "change" || (event.edge === "rise" && previous === 0 && value !== 0) || (event.edge === "fall" && previous !== 0 && value === 0)) found.push({ name, time, scope });
      previous = value;
    }
  }
  return found.sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * What settles a story's window: the first anchor group's signals, when each of its events is any
 * change (their first change is then the anchor, and nothing `after` past it is read). A group with
 * rise or fall edges settles nothing: its first change need not be its first occurrence.
 */
export function storySettledBy(story: WaveformStory): { signals: string[]; after: number } | undefined {
  const first = story.anchors[0] ?? [];
  if (first.length === 0 || first.some((event) => event.edge !== "change")) return undefined;
  return { signals: first.flatMap((event) => event.signals), after: story.after };
}

/** The signals a story's events are found in: the tracer keeps their every change. */
export function storySignals(story: WaveformStory): string[] {
  return [...new Set([...story.anchors.flat(), ...story.events].flatMap((event) => event.signals))];
}

/**
 * Lay a dump out by its story: the window around the anchor, the first occurrence of each event
 * in it as a marker, the stages in order with the components that hold a marker open and the idle
 * ones left out. Without a story: the whole dump, one open group per component in name order.
 */
export function layOut(items: readonly TracedItem[], activity: Activity, story?: WaveformStory): StoryLayout {
  const whole = { from: Math.max(0, activity.from), to: Math.max(activity.from, activity.to) };
  if (!story) return { window: whole, dump: whole, markers: [], groups: groupByScope(items, () => true), hex: (item) => item.width > 1 && item.kind !== "integer" };
  const anchor = story.anchors
    .map((events) => events.flatMap((event) => occurrences(event, activity)).sort((a, b) => a.time - b.time)[0])
    .find((marker) => marker !== undefined);
  const window = anchor ? { from: Math.max(whole.from, anchor.time - story.before), to: Math.min(whole.to, anchor.time + story.after) } : whole;
  const markers = story.events
    .map((event) => occurrences(event, activity).find((marker) => marker.time >= window.from && marker.time <= window.to))
    .filter((marker): marker is Marker => marker !== undefined)
    .sort((a, b) => a.time - b.time)
    .slice(0, NAMED_MARKERS);
  const told = new Set(markers.map((marker) => marker.scope));
  const hexMatcher = new ScopeMatcher({ scopes: story.hex });
  const placed = new Set<TracedItem>();
  const groups: TraceGroup[] = [];
  const dumped = new Set(items.map((item) => item.path));
  for (const stage of [...story.stages, { name: "other", scopes: ["**"] }] as StoryStage[]) {
    const idle = (stage.idle ?? []).map((rule) => ({ matcher: new ScopeMatcher({ scopes: rule.components }), signals: rule.unlessChanged }));
    // Left out only where the signal that tells is in the dump and never changed: one not dumped (a selection of a queue's tail alone) tells nothing, and every queue was left out of the save file (from a reviewer's check).
    const quiet = (scope: string, signal: string): boolean => !dumped.has(`${scope}.${signal}`) || activity.changeCount(`${scope}.${signal}`) === 0;
    const left = (scope: string): boolean =>
      idle.some(({ matcher, signals }) => matcher.matches(scope) && dumped.has(`${scope}.${signals[0]}`) && signals.every((signal) => quiet(scope, signal)));
    const members: TraceGroup[] = [];
    for (const pattern of stage.scopes) {
      const matcher = new ScopeMatcher({ scopes: [pattern] });
      const held = items.filter((item) => !placed.has(item) && matcher.matches(scopeOf(item.path)));
      held.forEach((item) => placed.add(item));
      members.push(...groupByScope(held.filter((item) => !left(scopeOf(item.path))), (scope) => told.has(scope)));
    }
    if (members.length > 0) groups.push({ name: stage.name, open: members.some((member) => member.open), members });
  }
  return { window, dump: whole, markers, groups, hex: (item) => hexMatcher.matches(item.path) };
}

function groupByScope(items: readonly TracedItem[], open: (scope: string) => boolean): TraceGroup[] {
  const byScope = new Map<string, TracedItem[]>();
  for (const item of items) {
    const scope = scopeOf(item.path);
    const members = byScope.get(scope);
    if (members) members.push(item);
    else byScope.set(scope, [item]);
  }
  return [...byScope.keys()].sort(inNumberOrder).map((scope) => ({ name: scope, open: open(scope), members: byScope.get(scope)! }));
}

/** Names in order, the numbers in them as numbers (core2 before core10; from a reviewer's check), the rest by code point, as on every machine. */
function inNumberOrder(a: string, b: string): number {
  const parts = (name: string) => name.split(/(\d+)/);
  const left = parts(a);
  const right = parts(b);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index]!;
    const y = right[index]!;
    if (x === y) continue;
    // Odd places hold the digit runs split out.
    if (index % 2 === 1) return Number(x) - Number(y) || (x < y ? -1 : 1);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
