import { Channel } from "../../../sim/channel.js";
import { buildDesign, ClockedComponent, Component, type ComponentContext, ComponentContextToken } from "../../../sim/component.js";
import { container, inject, injectable, type InjectionToken } from "../../../sim/di.js";
import { HostMemory, type HostAddress } from "../../../sim/host/memory.js";
import { HostMemoryToken } from "../../../sim/host/token.js";
import { Kernel } from "../../../sim/kernel.js";
import { delay, until } from "../../../sim/process.js";
import { MemorySink } from "../../../sim/vcd/sink.js";
import { VcdTracer } from "../../../sim/vcd/tracer.js";
import { DmaEngine } from "../../../hw/dma/engine.js";
import type { DmaCompletion } from "../../../hw/dma/request.js";
import { PerCycleDmaEngine } from "./per-cycle-dma-engine.js";

/** Who makes a request: a block evaluated before the engine on the same edge, one after it, or the host between edges. */
export type Maker = "block-before" | "block-after" | "host";

export type DmaAction =
  | { readonly kind: "read"; readonly urgency: number; readonly buffer: number; readonly offset: number; readonly length: number }
  | { readonly kind: "write"; readonly replies: boolean; readonly buffer: number; readonly offset: number; readonly length: number; readonly fill: number }
  /** The host CPU storing into a buffer: what a read takes depends on whether it completes before or after. */
  | { readonly kind: "store"; readonly buffer: number; readonly offset: number; readonly length: number; readonly fill: number }
  /** The host freeing a buffer, perhaps with requests to it on their way (they then fail as unmapped). */
  | { readonly kind: "free"; readonly buffer: number }
  /** Asking how many read tags are spare (as a descriptor fetch does before a small one). */
  | { readonly kind: "spare" }
  /** Reading reads_in_flight and reads_waiting, as the TX engine reads the first to tell whether the DMA is saturated. */
  | { readonly kind: "look" };

export interface TimedAction {
  readonly cycle: number;
  readonly maker: Maker;
  /** Picoseconds after the edge, for the host (0: at the edge, before the blocks evaluate it). */
  readonly delay: number;
  readonly action: DmaAction;
}

export interface DmaWorkload {
  readonly parameters: Readonly<Record<string, number>>;
  /** Core clock phase, ps (the period is 4000 ps). */
  readonly phase: number;
  readonly seed: number;
  readonly actions: readonly TimedAction[];
}

/** Each completion as handed over: when, which request, what it carried. */
export interface Handed {
  readonly time: number;
  readonly tag: number;
  readonly error: string | null;
  readonly data: string | null;
}

export interface DmaRunResult {
  readonly handed: readonly Handed[];
  readonly landed: readonly string[];
  /** What the engine answered to each question of spare tags: when, to which action, the answer. */
  readonly answers: readonly string[];
  readonly vcd: string;
  readonly memory: string;
  /** Edges on which the engine itself was evaluated. */
  readonly engineEvaluations: number;
  readonly end: number;
  readonly watcherResumed: number | null;
  /** What the reader saw: at each look, reads_in_flight, reads_waiting and writes_pending, and when each wait for a change of reads_in_flight ended. */
  readonly looks: readonly string[];
  /** reads_in_flight and reads_waiting as read once the run has returned, at its end. */
  readonly afterRun: string;
}

export const PERIOD = 4000;
/** Buffer sizes; a buffer index past the end names an address no one mapped. */
export const BUFFERS = [64, 1024, 4096, 12000];

/** Hands a completion's fields over at once: read data comes in a pooled buffer. */
class RecordingChannel extends Channel<DmaCompletion<number>> {
  readonly handed: Handed[] = [];
  constructor(private readonly kernel: Kernel) {
    super(kernel);
  }
  override push(item: DmaCompletion<number>): void {
    super.push(item);
    this.handed.push({ time: this.kernel.now, tag: item.tag, error: item.error, data: item.data ? Buffer.from(item.data).toString("hex") : null });
  }
}

const WorkloadToken: InjectionToken<DmaWorkload> = Symbol("DmaWorkload");
const EngineToken: InjectionToken<DmaEngine> = Symbol("DmaEngineUnderTest");

function fillBytes(length: number, fill: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index++) bytes[index] = (fill + index * 131) & 0xff;
  return bytes;
}

interface Target {
  readonly engine: DmaEngine;
  readonly memory: HostMemory;
  readonly buffers: readonly HostAddress[];
  readonly freed: Set<number>;
  readonly replies: RecordingChannel;
  readonly answers: string[];
  readonly now: () => number;
}

function perform(target: Target, index: number, action: DmaAction): void {
  if (action.kind === "spare") {
    target.answers.push(`${target.now()} ${index} ${target.engine.spareReadTags()}`);
    return;
  }
  if (action.kind === "look") {
    target.answers.push(`${target.now()} ${index} look ${target.engine.readsInFlight.value}/${target.engine.readsWaiting.value}/${target.engine.writesPending.value}`);
    return;
  }
  const base = action.buffer < target.buffers.length ? target.buffers[action.buffer]! : 0x7000_0000;
  if (action.kind === "free") {
    if (action.buffer < target.buffers.length && !target.freed.has(action.buffer)) target.memory.free(target.buffers[action.buffer]!);
    target.freed.add(action.buffer);
    return;
  }
  const address = base + action.offset;
  if (action.kind === "read") target.engine.read(address, action.length, target.replies, index, action.urgency);
  else if (action.kind === "write") target.engine.write(address, fillBytes(action.length, action.fill), action.replies ? target.replies : null, index);
  else if (target.memory.isMapped(address, action.length)) target.memory.write(address, fillBytes(action.length, action.fill));
}

/** A block in the engine's clock domain making its share of the requests on their edges. */
@injectable()
class Requester extends ClockedComponent {
  private next = 0;
  target: Target | null = null;
  mine: { index: number; time: number; action: DmaAction }[] = [];

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  start(): void {
    if (this.mine.length > 0) this.clock.wakeAt(this.mine[0]!.time, this.kernel.now);
  }

  override isIdle(): boolean {
    return this.next >= this.mine.length || this.kernel.now < this.mine[this.next]!.time;
  }

  evaluate(): void {
    const now = this.kernel.now;
    for (; this.next < this.mine.length && this.mine[this.next]!.time <= now; this.next++) perform(this.target!, this.mine[this.next]!.index, this.mine[this.next]!.action);
    if (this.next < this.mine.length) this.clock.wakeAt(this.mine[this.next]!.time, now);
  }
}

@injectable()
class DmaBench extends Component {
  readonly memory = new HostMemory({ guard: true });
  readonly before: Requester;
  readonly dma: DmaEngine;
  readonly after: Requester;
  readonly replies: RecordingChannel;
  readonly landed: string[] = [];

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(WorkloadToken) workload: DmaWorkload) {
    super(context);
    this.container.register(HostMemoryToken, { useValue: this.memory });
    const buffers = BUFFERS.map((size, index) => this.memory.allocate(size, `buffer ${index}`));
    this.before = this.child(Requester, "before");
    this.dma = this.child(EngineToken, "dma");
    this.after = this.child(Requester, "after");
    this.replies = new RecordingChannel(this.kernel);
    const target: Target = { engine: this.dma, memory: this.memory, buffers, freed: new Set(), replies: this.replies, answers: [], now: () => this.kernel.now };
    this.dma.landed.push((address, length) => this.landed.push(`${this.kernel.now} ${address} ${length}`));
    this.before.target = target;
    this.after.target = target;
    const clock = this.before.clock;
    workload.actions.forEach((timed, index) => {
      const time = clock.edgesAfter(0, timed.cycle + 1) + (timed.maker === "host" ? timed.delay : 0);
      if (timed.maker === "host") this.kernel.schedule(time, `host ${index}`, () => perform(target, index, timed.action));
      else (timed.maker === "block-before" ? this.before : this.after).mine.push({ index, time, action: timed.action });
    });
    for (const requester of [this.before, this.after]) {
      requester.mine.sort((first, second) => first.time - second.time || first.index - second.index);
      requester.start();
    }
  }

  memoryText(): string {
    const target = this.before.target!;
    return BUFFERS.map((size, index) => (target.freed.has(index) ? "freed" : Buffer.from(this.memory.read(target.buffers[index]!, size)).toString("hex"))).join("\n");
  }
}

export interface RunOptions {
  readonly skipIdle: boolean;
  readonly until?: number;
  /** Without the waveform (vcd is empty); the engine then shows its read pieces only to a watcher. */
  readonly untraced?: boolean;
  /** The waveform's dump window (ps), where traced: blocks are woken a period before it opens. */
  readonly window?: { readonly from?: number; readonly to?: number };
  /** A process waits for reads_in_flight to reach this many pieces; when it resumes is in `watcherResumed`. */
  readonly watchReadsInFlight?: number;
  /** When that process starts waiting (ps; from the start without it). */
  readonly watchFrom?: number;
  /** A process reads reads_in_flight, reads_waiting and writes_pending at these times (ps, ascending), and after each of the `waitAt` looks waits for reads_in_flight to change. */
  readonly reader?: { readonly at: readonly number[]; readonly waitAt: ReadonlySet<number> };
}

/**
 * Run a workload on the transaction-level engine or on the per-cycle oracle, every edge evaluated
 * or idle edges skipped, until `until` ps (or, without it, until nothing is left to do).
 */
export function runDma(engine: "transaction-level" | "per-cycle", workload: DmaWorkload, options: RunOptions): DmaRunResult {
  const kernel = new Kernel({ seed: workload.seed, skipIdle: options.skipIdle });
  const clock = kernel.clock("top.clk_core", PERIOD, { phase: workload.phase, wakeOnSignalChange: false });
  const scope = container.createChildContainer();
  scope.register(WorkloadToken, { useValue: workload });
  scope.register(EngineToken, { useClass: (engine === "per-cycle" ? PerCycleDmaEngine : DmaEngine) as unknown as typeof DmaEngine });
  const parameters = Object.fromEntries(Object.entries(workload.parameters).map(([key, value]) => [`top.dma.${key}`, value]));
  const { top } = buildDesign(kernel, DmaBench, { container: scope, parameters, clock });
  const sink = new MemorySink();
  if (!options.untraced) kernel.traceWith(new VcdTracer({ sink, ...options.window }));
  let watcherResumed: number | null = null;
  const watched = options.watchReadsInFlight;
  if (watched !== undefined) {
    const from = options.watchFrom ?? 0;
    kernel.process("top.watcher", function* () {
      if (from > 0) yield delay(from);
      yield until(top.dma.readsInFlight, watched);
      watcherResumed = kernel.now;
    });
  }
  const looks: string[] = [];
  const reader = options.reader;
  if (reader !== undefined) {
    kernel.process("top.reader", function* () {
      for (let index = 0; index < reader.at.length; index++) {
        if (reader.at[index]! > kernel.now) yield delay(reader.at[index]! - kernel.now);
        const seen = top.dma.readsInFlight.value;
        looks.push(`${kernel.now}: in flight ${seen}, waiting ${top.dma.readsWaiting.value}, writes ${top.dma.writesPending.value}`);
        // Again in a later pass at this time: once this timestep's edges are committed.
        yield delay(0);
        looks.push(`${kernel.now}, a later pass: in flight ${top.dma.readsInFlight.value}, waiting ${top.dma.readsWaiting.value}, writes ${top.dma.writesPending.value}`);
        if (!reader.waitAt.has(index)) continue;
        const value = yield until(top.dma.readsInFlight, (now) => now !== seen);
        looks.push(`${kernel.now}: changed to ${String(value)}`);
      }
    });
  }
  kernel.run(options.until === undefined ? {} : { until: options.until });
  const afterRun = `${top.dma.readsInFlight.value}/${top.dma.readsWaiting.value}/${top.dma.writesPending.value}`;
  kernel.close();
  return { handed: top.replies.handed, landed: top.landed, answers: top.before.target!.answers, vcd: options.untraced ? "" : sink.text(), memory: top.memoryText(), engineEvaluations: kernel.evaluationsByBlock()[top.dma.path]!, end: kernel.now, watcherResumed, looks, afterRun };
}
