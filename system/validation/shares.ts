import { classSchedules, parseQosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { ETHERNET_HEADER_BYTES, frameTrafficClass, wireBytes } from "../../sim/packet/ethernet.js";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { Random } from "../../sim/random.js";
import { us } from "../../sim/time.js";
import { buildNicSystem } from "../build.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { tunnelledSystem } from "../tunnelled-system.js";
import type { Experiment, Measurement, Scale } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";
import { expectedSharesOf, lineSharePerEngineShare, type ShareClass } from "./share-closed-form.js";

/** A class of a configuration: its policy statements, what it offers, and the sizes of its frames (cycled). */
export interface MeasuredClass extends ShareClass {
  readonly sizes: readonly number[];
}

export interface ShareConfiguration {
  readonly label: string;
  readonly classes: readonly MeasuredClass[];
  /** ESP through the inline crypto engines, slowed to `cryptoBytesPerCycle` so that they, not the wire, are the bottleneck. */
  readonly cryptoBytesPerCycle?: number;
  /** TX crypto engines sharing that work (1 when not given). */
  readonly cryptoEngines?: number;
  /** Parameters of its own (a TX buffer whose parts are larger than the frames in flight let a class hold). */
  readonly parameters?: Record<string, unknown>;
  /**
   * The DMA link, slowed by `parameters`, is the bottleneck: the classes share what it carries (the
   * measured total; the DMA experiment holds its bandwidth), their minimums and priority rates
   * still the line's, as the frame start's scheduler has them.
   */
  readonly dmaBound?: boolean;
}

const BACKLOGGED = Infinity;
export const SHARE_TOLERANCE = { kind: "absolute", value: 0.01 } as const;

/** One point of the bottleneck's capacity, in the class's line share: of the line, or of the crypto engines where they are slower (1 point of the line would pass a class given twice its 1 % of it). */
export function shareTolerance(configuration: ShareConfiguration, klass: MeasuredClass) {
  return { kind: "absolute", value: SHARE_TOLERANCE.value * lineSharePerEngineShare(configuration, klass) } as const;
}

/** The policy map as IOS text: one class-map per class but class-default, the statements in order. */
function policyText(classes: readonly MeasuredClass[]): string {
  const lines: string[] = [];
  classes.forEach((klass, index) => {
    if (klass.name !== "class-default") lines.push(`class-map match-any ${klass.name}`, ` match qos-group ${index + 1}`);
  });
  lines.push("policy-map validation");
  for (const klass of classes) {
    lines.push(` class ${klass.name}`);
    if (klass.priorityPercent !== undefined) lines.push(`  priority percent ${klass.priorityPercent}`);
    if (klass.bandwidthPercent !== undefined) lines.push(`  bandwidth percent ${klass.bandwidthPercent}`);
    if (klass.bandwidthRemainingPercent !== undefined) lines.push(`  bandwidth remaining percent ${klass.bandwidthRemainingPercent}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Run a configuration through the driver (its policy parsed from IOS text and programmed into
 * TX_SCHED as the intermediate driver does) and the NIC; returns each class's share of the line's
 * time in the window after the warm-up.
 */
export function measureShares(configuration: ShareConfiguration, windowMicroseconds: number, warmUpMicroseconds = 200, overrides: Record<string, unknown> = {}): Map<string, number> {
  const config = parseQosConfig(policyText(configuration.classes), configuration.label);
  const policy = config.policyMaps[0]!;
  const { byClass } = trafficClasses(config);
  const schedules = new Map(classSchedules(policy).map(({ klass, schedule }) => [byClass.get(klass.name)!, schedule]));
  const esp = configuration.cryptoBytesPerCycle !== undefined;
  const parameters = {
    "top.nic.queues": 8,
    ...INSTANT_HOST,
    ...(esp ? { "top.nic.crypto_tx.bytesPerCycle": configuration.cryptoBytesPerCycle, "top.nic.crypto_tx.engines": configuration.cryptoEngines ?? 1, "top.driver.intermediate.offloadCyclesPerPacket": 0 } : {}),
    ...configuration.parameters,
    ...overrides,
  };
  const customers = configuration.classes.map((klass, index) => ({ name: klass.name, trafficClass: byClass.get(klass.name)!, qosGroup: index + 1 }));
  const design = esp ? tunnelledSystem(customers, parameters) : buildNicSystem({ parameters });
  const { kernel, top } = design;
  top.driver.base.setSchedules(schedules);
  top.peer.keepReceived = false;
  if (esp) (design as ReturnType<typeof tunnelledSystem>).peer.onDeliver = () => {};
  const start = us(warmUpMicroseconds);
  const end = start + us(windowMicroseconds);
  const wire = new Map<number, number>();
  top.wire.tap((time, frame, from) => {
    if (from !== "nic" || time < start || time >= end) return;
    const trafficClass = frameTrafficClass(frame.bytes);
    wire.set(trafficClass, (wire.get(trafficClass) ?? 0) + wireBytes(frame.bytes.length));
  });
  configuration.classes.forEach((klass) => {
    const trafficClass = byClass.get(klass.name)!;
    // Each class draws its frame sizes from a stream of its own, whatever the others do.
    const random = Random.derive(1, `${configuration.label}: ${klass.name}`);
    kernel.process(`sender_${klass.name}`, function* () {
      yield top.driver.base.whenReady();
      let next = kernel.now;
      for (let sequence = 0; kernel.now < end; sequence++) {
        const size = klass.sizes[random.integer(0, klass.sizes.length - 1)]!;
        if (esp) yield* top.driver.intermediate.send(sequencedPacket("to-peer", trafficClass, sequence, size, { destinationPort: 49200 + trafficClass }));
        else yield* top.driver.base.transmit(trafficClass, sequencedFrame("to-peer", trafficClass, sequence, size), { more: klass.offered === BACKLOGGED });
        if (klass.offered === BACKLOGGED) continue;
        // Open loop at the offered share of the line's time.
        next += top.wire.occupancy(esp ? tunnelFrameBytes(size - ETHERNET_HEADER_BYTES) : size) / klass.offered;
        if (next > kernel.now) yield delay(Math.round(next - kernel.now));
      }
    });
  });
  kernel.run({ until: end });
  const lineBytes = (us(windowMicroseconds) * top.wire.params.gigabitsPerSecond) / 8000;
  return new Map(configuration.classes.map((klass) => [klass.name, (wire.get(byClass.get(klass.name)!) ?? 0) / lineBytes]));
}

/**
 * Microseconds before shares are measured: 200, or 600 where slowed crypto engines are the
 * bottleneck, whose minimums' full buckets (README: about 370 µs at 2 bytes per cycle) and a
 * window of frames started at the line's minimums take that long to drain.
 */
export function warmUpOf(configuration: ShareConfiguration): number {
  return configuration.cryptoBytesPerCycle === undefined ? 200 : 600;
}

const SMALL = [64];
const JUMBO = [9000];
const STANDARD = [1514];
const MIXED = [64, 128, 576, 1514, 4000, 9000];

/** Two minimums of 5 % and class-default's weight, backlogged with 1400-byte packets: the crypto-bound windows' classes. */
const TWO_SMALL_MINIMUMS: readonly MeasuredClass[] = [
  { name: "silver", bandwidthPercent: 5, offered: BACKLOGGED, sizes: [1400] },
  { name: "bronze", bandwidthPercent: 5, offered: BACKLOGGED, sizes: [1400] },
  { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: [1400] },
];

/** Four TX crypto engines at 1 byte per cycle (a jumbo job holds one 36 µs), a 1 MB TX buffer, and 128 frames in flight, which classes of 64-byte frames against jumbo ones need. */
const FOUR_SLOW_ENGINES_WIDE_WINDOW = { cryptoBytesPerCycle: 1, cryptoEngines: 4, parameters: { "top.nic.tx.bufferBytes": 1_048_576, "top.nic.tx.framesInFlight": 128 } } as const;

/** Named configurations: every kind of class, frame sizes mixed within and across classes, offered loads under and over each share. */
export const NAMED_CONFIGURATIONS: readonly ShareConfiguration[] = [
  { label: "2 classes, bandwidth 70/30: 64-byte frames against 9000-byte frames", classes: [{ name: "small", bandwidthPercent: 70, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", bandwidthPercent: 30, offered: BACKLOGGED, sizes: JUMBO }] },
  { label: "2 classes, bandwidth 30/70: the small frames have the small share", classes: [{ name: "small", bandwidthPercent: 30, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", bandwidthPercent: 70, offered: BACKLOGGED, sizes: JUMBO }] },
  { label: "2 classes by bandwidth remaining 30/70: 64-byte frames against 9000-byte frames", classes: [{ name: "small", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: JUMBO }] },
  {
    label: "4 classes: priority 10 (64 B), bandwidth 20 (9000 B) and 30 (128 B), class-default (4000 and 9000 B)",
    classes: [
      { name: "voice", priorityPercent: 10, offered: BACKLOGGED, sizes: SMALL },
      { name: "jumbo", bandwidthPercent: 20, offered: BACKLOGGED, sizes: JUMBO },
      { name: "small", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [128] },
      { name: "class-default", offered: BACKLOGGED, sizes: [4000, 9000] },
    ],
  },
  {
    label: "3 classes: priority 20 (1514 B), bandwidth 50 (64 B), class-default (9000 B)",
    classes: [{ name: "voice", priorityPercent: 20, offered: BACKLOGGED, sizes: STANDARD }, { name: "data", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", offered: BACKLOGGED, sizes: JUMBO }],
  },
  { label: "priority 10 offered 60 % on an otherwise idle link: the policer stands aside", classes: [{ name: "voice", priorityPercent: 10, offered: 0.6, sizes: MIXED }] },
  { label: "priority 10 offered 60 % against backlogged bulk: policed to 10 %", classes: [{ name: "voice", priorityPercent: 10, offered: 0.6, sizes: STANDARD }, { name: "class-default", offered: BACKLOGGED, sizes: MIXED }] },
  // From an architect's check: bulk's descriptors on their way (its packets closer together than a fetch's round trip) were counted as congestion, and held the priority class to its 10 % on a line 20 % used.
  {
    label: "priority 10 offered 30 % beside a minimum of 50 % offered 10 % in 64-byte frames closer together than a descriptor fetch takes: the line is not congested",
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: 0.1, sizes: SMALL }],
  },
  {
    label: "the same over a DMA link of 8 bytes per cycle (about 0.64 of the line, not saturated): the line is not congested",
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: 0.1, sizes: SMALL }],
  },
  {
    label: "priority 10 offered 30 % in 9000-byte frames beside a minimum of 50 % offered 50 % in 576-byte frames: the line is not congested",
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: JUMBO }, { name: "bulk", bandwidthPercent: 50, offered: 0.5, sizes: [576] }],
  },
  {
    label: "priority 10 offered 30 % (64 to 9000 B) beside a minimum offered 30 % (64 and 128 B) and class-default 20 % (64 and 9000 B): the line is not congested",
    classes: [
      { name: "voice", priorityPercent: 10, offered: 0.3, sizes: [64, 1514, 9000] },
      { name: "bulk", bandwidthPercent: 50, offered: 0.3, sizes: [64, 128] },
      { name: "class-default", offered: 0.2, sizes: [64, 9000] },
    ],
  },
  // From a re-check of that fix: the DMA's tags, not its link, were the bottleneck, and gold over its rate took 0.30 beside backlogged bulk.
  {
    label: "DMA with 8 read tags (64-byte frames fill them first): priority 10 offered 30 % beside a backlogged minimum of 50 % in 64-byte frames",
    dmaBound: true,
    parameters: { "top.nic.dma.maxOutstandingReads": 8 },
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL }],
  },
  {
    label: "DMA reads of 1,000 cycles' latency (descriptor fetches fill the tags): priority 10 offered 30 % beside a backlogged minimum of 50 % in 64-byte frames",
    dmaBound: true,
    parameters: { "top.nic.dma.readLatency": 1000 },
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL }],
  },
  { label: "2 priority classes of 10 % offered 60 % each and nothing else: over their rates, they still fill the line", classes: [{ name: "p1", priorityPercent: 10, offered: 0.6, sizes: [1400] }, { name: "p2", priorityPercent: 10, offered: 0.6, sizes: [200, 1514] }] },
  {
    label: "3 priority classes of 5 % offered 30 % each, class-default 70 %",
    classes: [
      { name: "p1", priorityPercent: 5, offered: 0.3, sizes: [1400] },
      { name: "p2", priorityPercent: 5, offered: 0.3, sizes: SMALL },
      { name: "p3", priorityPercent: 5, offered: 0.3, sizes: JUMBO },
      { name: "class-default", offered: 0.7, sizes: MIXED },
    ],
  },
  {
    label: "4 classes by bandwidth remaining 60/30/10 and an unset class-default, mixed sizes",
    classes: [
      { name: "a", bandwidthRemainingPercent: 60, offered: BACKLOGGED, sizes: MIXED },
      { name: "b", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: SMALL },
      { name: "c", bandwidthRemainingPercent: 10, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", offered: BACKLOGGED, sizes: STANDARD },
    ],
  },
  {
    label: "a class under its minimum: bandwidth 40 offered 15 %, the rest shared by remaining 75/25",
    classes: [
      { name: "light", bandwidthPercent: 40, offered: 0.15, sizes: MIXED },
      { name: "heavy", bandwidthRemainingPercent: 75, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", bandwidthRemainingPercent: 25, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "the default scenario's policy: priority 10, bandwidth 50 and 30, class-default remaining 100",
    classes: [
      { name: "gold", priorityPercent: 10, offered: 0.02, sizes: [142] },
      { name: "silver", bandwidthPercent: 50, offered: BACKLOGGED, sizes: [1464] },
      { name: "bronze", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1464] },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: SMALL },
    ],
  },
  {
    label: "8 classes: priority, minimums with and without weights, weights alone, class-default; loads under and over",
    classes: [
      { name: "p", priorityPercent: 5, offered: 0.03, sizes: [200] },
      { name: "b1", bandwidthPercent: 20, offered: BACKLOGGED, sizes: SMALL },
      { name: "b2", bandwidthPercent: 15, bandwidthRemainingPercent: 40, offered: BACKLOGGED, sizes: JUMBO },
      { name: "b3", bandwidthPercent: 10, offered: 0.04, sizes: MIXED },
      { name: "r1", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: STANDARD },
      { name: "r2", bandwidthRemainingPercent: 10, offered: BACKLOGGED, sizes: [256, 9000] },
      { name: "b4", bandwidthPercent: 5, offered: BACKLOGGED, sizes: [128, 1514] },
      { name: "class-default", offered: BACKLOGGED, sizes: MIXED },
    ],
  },
  {
    label: "ESP through crypto engines slowed to 6 bytes per cycle: bandwidth 30/70 holds in the engines too",
    cryptoBytesPerCycle: 6,
    classes: [{ name: "first", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1400] }, { name: "class-default", bandwidthPercent: 70, offered: BACKLOGGED, sizes: [1400] }],
  },
  {
    // From an architect's check: with a TX buffer whose parts outlast the frames in flight, the frame start, which works in line rates, gave each minimum 5 % of the line (30 % of the engines).
    label: "Crypto engines at 2 bytes per cycle, 1 MB TX buffer (the frames in flight hold classes back, not their parts): minimums of 5 % and weights hold in the engines",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: TWO_SMALL_MINIMUMS,
  },
  {
    // From a re-check: the engines placed a priority class's jobs over the others' unpoliced, and a suspended job waited for ever on one its policer held back: priority 10 offered 60 % took them whole.
    label: "Crypto engines at 2 bytes per cycle, priority 10 offered 60 % of the line: policed to 10 % of the engines, a minimum and weights sharing the rest",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: [
      { name: "gold", priorityPercent: 10, offered: 0.6, sizes: [1400] },
      { name: "silver", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    // From a re-check of the one above: the strict queues' frames filled the frames in flight past the window's sharing, and class-default started none.
    label: "Crypto engines at 2 bytes per cycle, priority 10 and 5 both offered 60 % of the line: each policed to its percent of the engines",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: [
      { name: "p1", priorityPercent: 10, offered: 0.6, sizes: [1400] },
      { name: "p2", priorityPercent: 5, offered: 0.6, sizes: [1400] },
      { name: "silver", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    // From the window's own check: shares rounded up (4 each of 10) did not fit together, and the class below its share never reached it.
    label: "Crypto engines at 2 bytes per cycle, 10 frames in flight for 3 classes (not a multiple of them): minimums of 5 % and weights hold in the engines",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576, "top.nic.tx.framesInFlight": 18 },
    classes: TWO_SMALL_MINIMUMS,
  },
  {
    // From the window's own check: frames in the engines counted against their class's share, so a class whose share was all in them had none waiting for the engines' scheduler.
    label: "4 crypto engines at 1 byte per cycle, 33 frames in flight against the 32 jobs they hold: minimums of 5 % and weights hold in the engines",
    cryptoBytesPerCycle: 1,
    cryptoEngines: 4,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576, "top.nic.tx.framesInFlight": 41 },
    classes: TWO_SMALL_MINIMUMS,
  },
  {
    // From an architect's check: reads past what the DMA's tags hold waited there first come first served, so once the buffer parts (or descriptors fetched behind those reads) and not the window held the classes, 70/30 came out 50/50.
    label: "DMA link at 8 bytes per cycle (about 0.64 of the line), 128 frames in flight: weights 70/30 share what it carries",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8, "top.nic.tx.framesInFlight": 128 },
    classes: [
      { name: "silver", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    label: "DMA link at 8 bytes per cycle, the default window and buffer parts: minimums of 30 and 10 % of the line, priority 5 offered 30 %",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [
      { name: "voice", priorityPercent: 5, offered: 0.3, sizes: [200, 1514] },
      { name: "silver", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthPercent: 10, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    label: "DMA link at 8 bytes per cycle: 64-byte frames against 9000-byte frames by weights 30/70",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [
      { name: "small", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    // From an architect's check: a job was taken into an engine's front while a 9000-byte job held its data path (36 µs at 1 byte per cycle), and the class's later frames, done on other engines, waited for it to leave in order: 0.016 of the engines.
    // 128 frames in flight: at 64 the window's equal shares (in frames) leave the small class 17, done long before an engine frees from a jumbo job again (README: mixed sizes at the engines).
    label: "4 crypto engines at 1 byte per cycle, 128 frames in flight: a minimum of 20 % in 64-byte frames against two classes of 9000-byte frames",
    ...FOUR_SLOW_ENGINES_WIDE_WINDOW,
    classes: [
      { name: "small", bandwidthPercent: 20, offered: BACKLOGGED, sizes: SMALL },
      { name: "silver", bandwidthPercent: 30, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "4 crypto engines at 1 byte per cycle, 128 frames in flight, sizes mixed within and across classes: priority 10 offered 60 % (64 and 1514 B), a minimum of 20 % (64 and 576 B), weights 70/30 (9000 B; 1514 and 9000 B)",
    ...FOUR_SLOW_ENGINES_WIDE_WINDOW,
    classes: [
      { name: "voice", priorityPercent: 10, offered: 0.6, sizes: [64, 1514] },
      { name: "small", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [64, 576] },
      { name: "jumbo", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: [1514, 9000] },
    ],
  },
];

/** Random configurations from a seed: 2 to 8 classes of every kind, frame sizes and loads drawn for each. */
export function randomConfigurations(count: number, seed: number): ShareConfiguration[] {
  const random = Random.derive(seed, "share-configurations");
  return Array.from({ length: count }, (_, index) => {
    const classCount = random.integer(2, 8);
    let guaranteed = 0;
    const classes: MeasuredClass[] = Array.from({ length: classCount }, (_, position) => {
      const name = position === classCount - 1 ? "class-default" : `c${position}`;
      const kind = name !== "class-default" && random.bernoulli(0.25) ? "priority" : (["minimum", "weight", "both", "none"] as const)[random.integer(0, 3)]!;
      const room = Math.max(0, 90 - guaranteed);
      const percent = Math.min(room, random.integer(1, 30));
      guaranteed += kind === "priority" || kind === "minimum" || kind === "both" ? percent : 0;
      const sizes = Array.from({ length: random.integer(1, 3) }, () => [64, 128, 256, 512, 1024, 1514, 4000, 9000][random.integer(0, 7)]!);
      const offered = random.bernoulli(0.3) ? 0.01 * random.integer(1, 8) : BACKLOGGED;
      return {
        name,
        sizes,
        offered,
        ...(kind === "priority" ? { priorityPercent: percent } : {}),
        ...(kind === "minimum" || kind === "both" ? { bandwidthPercent: percent } : {}),
        ...(kind === "weight" || kind === "both" ? { bandwidthRemainingPercent: random.integer(1, Math.max(1, Math.floor(100 / classCount))) } : {}),
      };
    });
    return { label: `random ${index + 1} (seed ${seed}): ${classCount} classes`, classes };
  });
}

const CONFIGURATIONS: Record<Scale, () => readonly ShareConfiguration[]> = {
  fast: () => ["2 classes by bandwidth remaining", "4 classes: priority 10", "3 classes", "priority 10 offered 60 % against", "priority 10 offered 30 % beside a minimum", "the same over a DMA link of 8 bytes", "DMA with 8 read tags", "2 priority classes", "ESP through", "Crypto engines at 2 bytes per cycle, 1 MB", "Crypto engines at 2 bytes per cycle, 10 frames", "Crypto engines at 2 bytes per cycle, priority 10", "4 crypto engines at 1 byte per cycle, 33", "4 crypto engines at 1 byte per cycle, 128 frames in flight: a minimum of 20 % in 64-byte", "DMA link at 8 bytes per cycle (about", "DMA link at 8 bytes per cycle: 64-byte"].map((label) => NAMED_CONFIGURATIONS.find((configuration) => configuration.label.startsWith(label))!),
  full: () => [...NAMED_CONFIGURATIONS, ...randomConfigurations(10, 14)],
};

export const shares: Experiment = {
  name: "shares",
  title: "Shares of the line under congestion, 2 to 8 classes, frame sizes mixed from 64 to 9000 bytes",
  closedForm:
    "If what the classes offer fits the line, each gets what it offers. Otherwise a priority class gets up to its percent; a bandwidth class up to its " +
    "`bandwidth percent`; the rest of the line is shared by water-filling among the classes still wanting more, in proportion to their " +
    "`bandwidth remaining percent` (classes without one split what the others leave of 100, each at least 1); what the bandwidth classes leave goes to " +
    "the priority classes beyond their percent. Shares are of the line's time (preamble, FCS, gap counted), measured at the wire after a warm-up. Where slowed crypto engines are " +
    "the bottleneck the rule shares what they charge, ESP data bytes: the closed form is taken in those units and each class's share turned into line time " +
    "by its frames' wire bytes per data byte. The " +
    "policy is IOS text, parsed and programmed into TX_SCHED by the driver.",
  run(scale) {
    const window = scale === "fast" ? 1500 : 4000;
    const rows: Measurement[] = [];
    for (const configuration of CONFIGURATIONS[scale]()) {
      const measured = measureShares(configuration, window, warmUpOf(configuration));
      const expected = expectedSharesOf(configuration, measured);
      for (const klass of configuration.classes) {
        rows.push({ quantity: `${configuration.label}: ${klass.name}`, unit: "share", expected: expected.get(klass.name)!, measured: measured.get(klass.name)!, tolerance: shareTolerance(configuration, klass) });
      }
    }
    return rows;
  },
};
