import { classSchedules, parseQosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { ETHERNET_HEADER_BYTES, frameTrafficClass, wireBytes } from "../../sim/packet/ethernet.js";
import { sequencedFrame, sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay, type ProcessBody } from "../../sim/process.js";
import type { Kernel } from "../../sim/kernel.js";
import { Random } from "../../sim/random.js";
import { us } from "../../sim/time.js";
import { buildNicSystem } from "../build.js";
import type { NicSystem } from "../nic-system.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { tunnelledSystem } from "../tunnelled-system.js";
import type { Experiment, Measurement, Scale } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";
import { expectedSharesOf, lineSharePerEngineShare, type ShareClass } from "./share-closed-form.js";
import { BACKLOGGED, NAMED_CONFIGURATIONS } from "./share-configurations.js";

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
 * A configuration's policy map as the driver programs it: each class's traffic class, the
 * TX_SCHED schedules by traffic class, and a customer (an IPsec tunnel) per class, in order, its
 * ISAKMP profile setting the class's qos-group.
 */
export function programmedPolicy(label: string, classes: readonly MeasuredClass[]) {
  const config = parseQosConfig(policyText(classes), label);
  const policy = config.policyMaps[0]!;
  const { byClass } = trafficClasses(config);
  const schedules = new Map(classSchedules(policy).map(({ klass, schedule }) => [byClass.get(klass.name)!, schedule]));
  const customers = classes.map((klass, index) => ({ name: klass.name, trafficClass: byClass.get(klass.name)!, qosGroup: index + 1 }));
  return { byClass, schedules, customers };
}

/**
 * Run a configuration through the driver (its policy parsed from IOS text and programmed into
 * TX_SCHED as the intermediate driver does) and the NIC; returns each class's share of the line's
 * time in the window after the warm-up.
 */
export function measureShares(configuration: ShareConfiguration, windowMicroseconds: number, warmUpMicroseconds = 200, overrides: Record<string, unknown> = {}): Map<string, number> {
  const { byClass, schedules, customers } = programmedPolicy(configuration.label, configuration.classes);
  const esp = configuration.cryptoBytesPerCycle !== undefined;
  const parameters = {
    "top.nic.queues": 8,
    ...INSTANT_HOST,
    ...(esp ? { "top.nic.crypto_tx.bytesPerCycle": configuration.cryptoBytesPerCycle, "top.nic.crypto_tx.engines": configuration.cryptoEngines ?? 1, "top.driver.intermediate.offloadCyclesPerPacket": 0 } : {}),
    ...configuration.parameters,
    ...overrides,
  };
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
  sendClasses(design, configuration, byClass, end, (size) => (esp ? tunnelFrameBytes(size - ETHERNET_HEADER_BYTES) : size), function* (klass, _tunnel, trafficClass, sequence, size) {
    if (esp) yield* top.driver.intermediate.send(sequencedPacket("to-peer", trafficClass, sequence, size, { destinationPort: 49200 + trafficClass }));
    else yield* top.driver.base.transmit(trafficClass, sequencedFrame("to-peer", trafficClass, sequence, size), { more: klass.offered === BACKLOGGED });
  });
  kernel.run({ until: end });
  const lineBytes = (us(windowMicroseconds) * top.wire.params.gigabitsPerSecond) / 8000;
  return new Map(configuration.classes.map((klass) => [klass.name, (wire.get(byClass.get(klass.name)!) ?? 0) / lineBytes]));
}

/**
 * A process per class, from when the driver is ready until `end`: each sends its frames (`send`,
 * given the class's tunnel index, traffic class, sequence number and frame size), sizes drawn from
 * a stream of its own whatever the others do, back to back when backlogged, otherwise open loop
 * at its offered share of the line's time (`frameBytes`: the bytes on the wire of a frame of a size).
 */
export function sendClasses(
  design: { readonly kernel: Kernel; readonly top: NicSystem },
  configuration: ShareConfiguration,
  byClass: ReadonlyMap<string, number>,
  end: number,
  frameBytes: (size: number) => number,
  send: (klass: MeasuredClass, tunnel: number, trafficClass: number, sequence: number, size: number) => ProcessBody,
): void {
  const { kernel, top } = design;
  configuration.classes.forEach((klass, tunnel) => {
    const trafficClass = byClass.get(klass.name)!;
    const random = Random.derive(1, `${configuration.label}: ${klass.name}`);
    kernel.process(`sender_${klass.name}`, function* () {
      yield top.driver.base.whenReady();
      let next = kernel.now;
      for (let sequence = 0; kernel.now < end; sequence++) {
        const size = klass.sizes[random.integer(0, klass.sizes.length - 1)]!;
        yield* send(klass, tunnel, trafficClass, sequence, size);
        if (klass.offered === BACKLOGGED) continue;
        next += top.wire.occupancy(frameBytes(size)) / klass.offered;
        if (next > kernel.now) yield delay(Math.round(next - kernel.now));
      }
    });
  });
}

/**
 * Microseconds before shares are measured: 200, or 600 where slowed crypto engines are the
 * bottleneck, whose minimums' full buckets (README: about 370 µs at 2 bytes per cycle) and a
 * window of frames started at the line's minimums take that long to drain.
 */
export function warmUpOf(configuration: ShareConfiguration): number {
  return configuration.cryptoBytesPerCycle === undefined ? 200 : 600;
}


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
  fast: () => ["2 classes by bandwidth remaining", "4 classes: priority 10", "3 classes", "priority 10 offered 60 % against", "priority 10 offered 30 % beside a minimum", "the same over a DMA link of 8 bytes", "DMA with 8 read tags", "2 priority classes", "ESP through", "Crypto engines at 2 bytes per cycle, 1 MB", "Crypto engines at 2 bytes per cycle, 10 frames", "Crypto engines at 2 bytes per cycle, priority 10", "4 crypto engines at 1 byte per cycle, 33", "4 crypto engines at 1 byte per cycle, 128 frames in flight: a minimum of 20 % in 64-byte", "4 crypto engines at 1 byte per cycle, the default window", "DMA link at 8 bytes per cycle (about", "DMA link at 8 bytes per cycle: 64-byte", "DMA link at 8 bytes per cycle: minimums of 30 % each", "DMA link at 4 bytes per cycle: minimums of 40 %", "DMA link at 6 bytes per cycle: two priority classes"].map((label) => NAMED_CONFIGURATIONS.find((configuration) => configuration.label.startsWith(label))!),
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
