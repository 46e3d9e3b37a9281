import type { ClockDomain } from "../clock-domain.js";
import type { EnumType } from "../enum-type.js";
import type { Kernel } from "../kernel.js";
import type { KernelTracer } from "../kernel-tracer.js";
import type { AnySignal } from "../signal.js";
import type { SimEvent } from "../sim-event.js";
import { Activity } from "./activity.js";
import { checkWindow, ScopeMatcher, type TraceSelection } from "./selection.js";
import { designPaths, selectionProblems } from "./selection-problems.js";
import { SimulationError } from "../errors.js";
import type { ByteSink } from "./sink.js";
import { type VcdVariable, VcdWriter } from "./writer.js";

export interface TracerOptions extends TraceSelection {
  sink: ByteSink;
  /** $date text; defaults to a fixed sentence so that equal runs give equal files. */
  date?: string;
  comment?: string;
  /** Paths (dotted patterns) whose every change is kept in `activity`, for the save file's story. */
  watch?: readonly string[];
  /** Signals whose first change settles the story: changes a window's length after it are not kept (see Activity). */
  settledBy?: { readonly signals: readonly string[]; readonly after: number };
}

/** A dumped item, for the save-file and filter generators. */
export interface TracedItem {
  readonly path: string;
  readonly width: number;
  readonly kind: "wire" | "reg" | "integer" | "event" | "clock";
  readonly enumType?: EnumType;
}

type Source = { kind: "signal"; signal: AnySignal } | { kind: "event"; event: SimEvent };

interface TracedClock {
  readonly domain: ClockDomain;
  readonly variable: VcdVariable;
  /** Next time at which the drawn clock changes level. */
  nextTransition: number;
}

export const VERSION = "nicsim 0.1.0 simulation kernel";

/**
 * Records the kernel's committed changes into a VCD writer: only the selected scopes, only inside
 * the time window. Within one timestep changes are written in the order of the sorted variable
 * list, whatever order components ran in, so equal designs give byte-identical files. Clock
 * levels are drawn from each domain's period, also across edges the kernel skipped while idle.
 */
export class VcdTracer implements KernelTracer {
  readonly writer: VcdWriter;
  readonly items: TracedItem[] = [];
  /** What each dumped signal and event did inside the window. */
  readonly activity: Activity;
  private sources: Source[] = [];
  /** By trace index: the dumped signal, or null for an event (read per change without unpacking a Source). */
  private signals: (AnySignal | null)[] = [];
  private variables: VcdVariable[] = [];
  private clocks: TracedClock[] = [];
  private touched = new Int32Array(256);
  private touchedCount = 0;
  private marks = new Uint8Array(0);
  private readonly matcher: ScopeMatcher;
  private readonly from: number;
  private readonly to: number;
  private state: "waiting" | "dumping" | "ended" = "waiting";
  private finished = false;

  constructor(options: TracerOptions) {
    this.selection = { scopes: options.scopes, exclude: options.exclude };
    this.sink = options.sink;
    this.matcher = new ScopeMatcher(options);
    ({ from: this.from, to: this.to } = checkWindow(options));
    this.activity = new Activity(options.watch ?? [], options.settledBy ?? null);
    this.writer = new VcdWriter(options.sink, {
      date: options.date ?? "not recorded: equal runs give byte-identical files",
      version: VERSION,
      comment: options.comment,
    });
  }

  private readonly selection: Pick<TraceSelection, "scopes" | "exclude">;
  private readonly sink: ByteSink;

  /** The design is built: a selection that matches none of it is refused here (recordWaveform refuses it before, when called after the build). */
  start(kernel: Kernel): void {
    const problems = selectionProblems(designPaths(kernel), this.selection);
    if (problems.length > 0) {
      this.sink.close();
      throw new SimulationError(`waveform: ${problems.map((problem) => problem.message).join("; ")} (the design was built after the waveform was asked for; its file is left empty, and the run fails)`);
    }
    const entries: Array<{ path: string; source: Source | ClockDomain }> = [];
    for (const signal of kernel.signals) if (this.matcher.matches(signal.path)) entries.push({ path: signal.path, source: { kind: "signal", signal } });
    for (const event of kernel.events) if (this.matcher.matches(event.path)) entries.push({ path: event.path, source: { kind: "event", event } });
    for (const domain of kernel.domains) if (domain.traced && this.matcher.matches(domain.path)) entries.push({ path: domain.path, source: domain });
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const { path, source } of entries) {
      if ("period" in source) {
        const variable = this.writer.declare(path, "wire", 1);
        this.clocks.push({ domain: source, variable, nextTransition: Infinity });
        this.items.push({ path, width: 1, kind: "clock" });
      } else if (source.kind === "event") {
        source.event.traceIndex = this.sources.length;
        this.sources.push(source);
        this.signals.push(null);
        this.activity.add(path);
        this.variables.push(this.writer.declare(path, "event", 1));
        this.items.push({ path, width: 1, kind: "event" });
      } else {
        const { signal } = source;
        signal.traceIndex = this.sources.length;
        this.sources.push(source);
        this.signals.push(signal);
        this.activity.add(path);
        this.variables.push(this.writer.declare(path, signal.kind, signal.width));
        this.items.push({ path, width: signal.width, kind: signal.kind, enumType: signal.enumType });
      }
    }
    this.marks = new Uint8Array(this.sources.length);
    // A block that brings an unwatched signal up to date only when it runs for other reasons is woken a clock period before the
    // window opens, so that the dump begins with its values exact; until then, and after the window, it works as without the waveform.
    const lead = Math.max(0, ...kernel.domains.map((domain) => domain.period));
    const showAt = Math.max(kernel.now, this.from - lead);
    // Recorded from the start, before anything has run, nothing is to be brought up to date: no block is woken.
    if (showAt <= kernel.now) this.show(true, false);
    else if (showAt <= this.to) kernel.schedule(showAt - kernel.now, "waveform.window_opens", () => this.show(true, true));
  }

  /** Mark the traced signals as recorded now, or no longer; with `wake`, a block watching for that is told as they become recorded. */
  private show(shown: boolean, wake: boolean): void {
    for (const signal of this.signals) {
      if (signal === null || signal.inWaveform === shown) continue;
      signal.inWaveform = shown;
      if (wake) signal.onWatched?.();
    }
  }

  touch(index: number): void {
    if (this.marks[index] === 1) return;
    this.marks[index] = 1;
    if (this.touchedCount === this.touched.length) {
      const grown = new Int32Array(this.touched.length * 2);
      grown.set(this.touched);
      this.touched = grown;
    }
    this.touched[this.touchedCount++] = index;
  }

  timestepDone(now: number, next: number): void {
    if (this.state === "dumping") {
      this.drawClocks(now, true);
      this.writeTouched(now);
      if (next > this.to) this.end();
      else this.drawClocks(next, false);
      return;
    }
    // The window opens at this timestep: its values go in $dumpvars, its events (a value of their own) after them.
    if (this.state === "waiting" && this.from <= now) return this.begin(now, next, true);
    this.clearTouched();
    if (this.state === "waiting" && this.from < next) this.begin(this.from, next);
  }

  sync(now: number, timestepOpen: boolean): void {
    // Written now, a value a later phase of this time changes again was dumped twice at one time (from an outside check: a run stopped by its condition between phases).
    if (this.state === "dumping" && !timestepOpen) {
      this.drawClocks(now, true);
      this.writeTouched(now);
    }
    this.writer.flush();
  }

  /** The run finished: closing now ends the dump with the end marker (a close without this leaves the dump marked as cut off). */
  runFinished(): void {
    this.finished = true;
  }

  close(now: number): void {
    const runEnd = this.finished ? now : undefined;
    // A window that never opened (the run ended first): the dump holds the values at the run's end, not zeros.
    if (this.state === "waiting") this.begin(now, now);
    if (this.state === "dumping") {
      this.drawClocks(now, true);
      this.writeTouched(now);
      this.writer.close(Math.min(now, this.to), runEnd);
      this.activity.to = Math.min(now, this.to);
    } else {
      this.writer.close(this.state === "waiting" ? now : this.writer.currentTime, runEnd);
    }
    this.state = "ended";
  }

  /** Open the dump at `time` with every value in $dumpvars; with `eventsNow`, the events touched in that timestep fire at it too (a window from an event's time lost it). */
  private begin(time: number, next: number, eventsNow = false): void {
    this.state = "dumping";
    const values = new Map<VcdVariable, number | bigint>();
    this.sources.forEach((source, index) => {
      // Read as a reader would: a block that draws a signal only while something watches it shows its value now (a window that never opened, dumped at the run's end).
      const value = source.kind === "signal" ? source.signal.value : 0;
      if (source.kind === "signal") values.set(this.variables[index]!, value);
      this.activity.began(index, time, value);
    });
    for (const clock of this.clocks) {
      values.set(clock.variable, clock.domain.levelAt(time));
      clock.nextTransition = nextTransition(clock.domain, time);
    }
    this.writer.begin(time, (variable) => values.get(variable) ?? 0);
    if (eventsNow) this.writeTouchedEvents();
    if (next > this.to) this.end();
    else this.drawClocks(next, false);
  }

  private end(): void {
    this.show(false, false);
    this.activity.to = this.to;
    this.drawClocks(this.to, true);
    this.writer.endDump(this.to);
    this.state = "ended";
  }

  /** Write clock transitions up to `limit` (inclusive or not), in time order across clocks. */
  private drawClocks(limit: number, inclusive: boolean): void {
    const clocks = this.clocks;
    if (clocks.length === 0) return;
    for (;;) {
      let earliest: TracedClock | null = null;
      for (const clock of clocks) if (earliest === null || clock.nextTransition < earliest.nextTransition) earliest = clock;
      const time = earliest!.nextTransition;
      if (time > limit || (!inclusive && time === limit)) return;
      this.writer.setTime(time);
      for (const clock of clocks) {
        if (clock.nextTransition !== time) continue;
        this.writer.change(clock.variable, clock.domain.levelAt(time));
        clock.nextTransition = nextTransition(clock.domain, time);
      }
    }
  }

  private writeTouched(now: number): void {
    const count = this.touchedCount;
    if (count === 0) return;
    this.writer.setTime(now);
    const marks = this.marks;
    // Canonical order is variable order: scan the marks when many changed, else sort the few.
    if (count * 8 > marks.length) {
      for (let index = 0; index < marks.length; index++) {
        if (marks[index] === 0) continue;
        marks[index] = 0;
        this.writeOne(index);
      }
    } else {
      const touched = this.touched.subarray(0, count).sort();
      for (let position = 0; position < count; position++) {
        marks[touched[position]!] = 0;
        this.writeOne(touched[position]!);
      }
    }
    this.touchedCount = 0;
  }

  private writeOne(index: number): void {
    const signal = this.signals[index]!;
    const now = this.writer.currentTime;
    if (signal !== null) {
      const value = signal.current;
      this.writer.change(this.variables[index]!, value);
      this.activity.changed(index, now, value);
    } else {
      this.writer.trigger(this.variables[index]!);
      this.activity.changed(index, now, 1);
    }
  }

  /** The events among the touched, in variable order; the signals' values are in $dumpvars already. */
  private writeTouchedEvents(): void {
    const touched = this.touched.subarray(0, this.touchedCount).sort();
    for (const index of touched) {
      this.marks[index] = 0;
      if (this.signals[index] === null) this.writeOne(index);
    }
    this.touchedCount = 0;
  }

  private clearTouched(): void {
    for (let position = 0; position < this.touchedCount; position++) this.marks[this.touched[position]!] = 0;
    this.touchedCount = 0;
  }
}

function nextTransition(domain: ClockDomain, time: number): number {
  const edge = domain.edgeAfter(time);
  const previousEdge = edge - domain.period;
  const fall = previousEdge + domain.highTime;
  return previousEdge > 0 && fall > time ? fall : edge;
}
