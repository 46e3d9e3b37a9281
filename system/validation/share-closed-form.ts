import { ETHERNET_HEADER_BYTES, wireBytes } from "../../sim/packet/ethernet.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { cryptoShareOfLine, DEFAULT_CRYPTO, ESP_FRAME_OVERHEAD } from "./crypto-closed-form.js";
import type { MeasuredClass, ShareConfiguration } from "./shares.js";

/** A class of a policy map as the closed form sees it: IOS's three statements and what it offers. */
export interface ShareClass {
  readonly name: string;
  readonly priorityPercent?: number;
  readonly bandwidthPercent?: number;
  readonly bandwidthRemainingPercent?: number;
  /** Offered load, fraction of the line's time (preamble, FCS and gap counted); Infinity: always backlogged. */
  readonly offered: number;
}

/**
 * Each class's share of the line, by the rule the README states (LLQ and CBWFQ as IOS XE has
 * them), written from that statement rather than from the scheduler's code:
 * - if everything offered fits the line, every class gets what it offers;
 * - otherwise priority classes get up to their percent (policed under congestion), bandwidth
 *   classes up to their `bandwidth percent` minimum (where what is left cannot meet every
 *   minimum, they share it by water-filling in proportion to their percents), and what remains
 *   is shared by water-filling among the classes still wanting more, in proportion to their
 *   `bandwidth remaining percent` (classes without one: an equal split of what the others leave
 *   of 100, at least 1);
 * - whatever the bandwidth classes leave goes to the priority classes beyond their percent (the
 *   policer acts only while others wait), highest class first.
 * `bottleneck`: where a slower resource than the wire serves the classes (the DMA link), its
 * capacity as a fraction of the line; `rateBase`: what the percentages are of, the line unless
 * given (the frame start's rates are the line's whatever carries less); `policed`: false where
 * priority classes are served first whatever they take (the RX crypto engines).
 */
export function expectedShares(classes: readonly ShareClass[], bottleneck = 1, rateBase = 1, policed = true): Map<string, number> {
  const shares = new Map<string, number>();
  const total = classes.reduce((sum, klass) => sum + klass.offered, 0);
  if (total <= bottleneck) {
    for (const klass of classes) shares.set(klass.name, klass.offered);
    return shares;
  }
  const priority = classes.filter((klass) => klass.priorityPercent !== undefined);
  const bandwidth = classes.filter((klass) => klass.priorityPercent === undefined);
  for (const klass of classes) shares.set(klass.name, 0);
  let capacity = bottleneck;
  const give = (klass: ShareClass, amount: number) => {
    shares.set(klass.name, (shares.get(klass.name) ?? 0) + amount);
    capacity -= amount;
  };
  for (const klass of priority) give(klass, Math.min(klass.offered, policed && klass.priorityPercent! > 0 ? (rateBase * klass.priorityPercent!) / 100 : Infinity, capacity));
  const minimum = (klass: ShareClass) => Math.min(klass.offered, (rateBase * (klass.bandwidthPercent ?? 0)) / 100);
  waterFill(bandwidth.filter((klass) => minimum(klass) > 0), minimum, (klass) => klass.bandwidthPercent!, capacity, give);
  const explicit = bandwidth.reduce((sum, klass) => sum + (klass.bandwidthRemainingPercent ?? 0), 0);
  const unset = bandwidth.filter((klass) => klass.bandwidthRemainingPercent === undefined).length;
  const weight = (klass: ShareClass) => Math.max(1, klass.bandwidthRemainingPercent ?? Math.floor((100 - explicit) / Math.max(1, unset)));
  const more = new Map(bandwidth.map((klass) => [klass, klass.offered - shares.get(klass.name)!]));
  waterFill(bandwidth.filter((klass) => more.get(klass)! > 0), (klass) => more.get(klass)!, weight, capacity, give);
  for (const klass of priority) give(klass, Math.min(klass.offered - shares.get(klass.name)!, capacity));
  return shares;
}

/**
 * Share `capacity` among `classes` in proportion to their weights, none given more than it wants;
 * what a class does not want goes to the others.
 */
function waterFill(classes: readonly ShareClass[], wants: (klass: ShareClass) => number, weight: (klass: ShareClass) => number, capacity: number, give: (klass: ShareClass, amount: number) => void): void {
  let wanting = classes;
  let left = capacity;
  const fill = (klass: ShareClass, amount: number) => {
    give(klass, amount);
    left -= amount;
  };
  while (left > 1e-12 && wanting.length > 0) {
    const weights = wanting.reduce((sum, klass) => sum + weight(klass), 0);
    const satisfied = wanting.filter((klass) => wants(klass) <= (left * weight(klass)) / weights);
    if (satisfied.length === 0) {
      const available = left;
      for (const klass of wanting) fill(klass, (available * weight(klass)) / weights);
      return;
    }
    for (const klass of satisfied) fill(klass, wants(klass));
    wanting = wanting.filter((klass) => !satisfied.includes(klass));
  }
}

/**
 * Each class's expected share of the line. Where crypto engines are the bottleneck, the policy
 * shares what they charge, ESP data bytes, so the closed form is taken in those units and each
 * class's share turned into line time by its own frames' wire bytes per data byte: a class of
 * 64-byte frames and one of 9000-byte frames given equal shares of the engines get unequal shares
 * of the line.
 */
export function expectedSharesOf(configuration: ShareConfiguration, measured: ReadonlyMap<string, number>): Map<string, number> {
  if (configuration.dmaBound) return expectedShares(configuration.classes, [...measured.values()].reduce((sum, share) => sum + share, 0));
  if (configuration.cryptoBytesPerCycle === undefined) return expectedShares(configuration.classes);
  return throughEngines(configuration);
}

/**
 * Each class's expected share of slowed RX crypto engines, in what they share (ESP data bytes):
 * as through the TX engines, but a priority class is served first unpoliced (what a policer held
 * there would be dropped from the RX buffer, not wait in a ring). What a class offers is turned
 * into the engines' units by its frames' data bytes per wire byte (its sizes drawn alike).
 */
export function expectedRxEngineSharesOf(configuration: ShareConfiguration): Map<string, number> {
  return engineShares(configuration, linePerEngineShare(configuration), false);
}

/** The closed form through the TX engines, each class's share turned into line time by its frames' wire bytes per data byte. */
function throughEngines(configuration: ShareConfiguration): Map<string, number> {
  const perClass = linePerEngineShare(configuration);
  return new Map([...engineShares(configuration, perClass, true)].map(([name, share]) => [name, share * perClass.get(name)!]));
}

/** Each class's lineSharePerEngineShare, by name. */
function linePerEngineShare(configuration: ShareConfiguration): Map<string, number> {
  return new Map(configuration.classes.map((klass) => [klass.name, lineSharePerEngineShare(configuration, klass)]));
}

/** The closed form in the engines' units: `perClass`, the line's share a whole of the engines gives each class. */
function engineShares(configuration: ShareConfiguration, perClass: ReadonlyMap<string, number>, policed: boolean): Map<string, number> {
  return expectedShares(
    configuration.classes.map((klass) => ({ ...klass, offered: klass.offered / perClass.get(klass.name)! })),
    1,
    1,
    policed,
  );
}

/**
 * The line's share one whole of the engines' data path gives a class: their data bytes per second
 * (engines × bytes per cycle × clock) times the class's wire bytes per ESP data byte (its sizes
 * drawn alike), over the line's bytes per second. 1 without engines to share; the engines must
 * be slower than the line for every class, or the wire would share some of it.
 */
export function lineSharePerEngineShare(configuration: ShareConfiguration, klass: MeasuredClass): number {
  if (configuration.cryptoBytesPerCycle === undefined) return 1;
  const timing = { ...DEFAULT_CRYPTO, bytesPerCycle: configuration.cryptoBytesPerCycle, engines: configuration.cryptoEngines ?? 1 };
  const engineBytesPerSecond = timing.engines * timing.bytesPerCycle * timing.coreMegahertz * 1e6;
  const frames = klass.sizes.map((size) => tunnelFrameBytes(size - ETHERNET_HEADER_BYTES));
  const wire = frames.reduce((sum, frame) => sum + wireBytes(frame), 0);
  const data = frames.reduce((sum, frame) => sum + frame - ESP_FRAME_OVERHEAD, 0);
  const perShare = (engineBytesPerSecond * wire) / data / (LINE_BITS_PER_SECOND / 8);
  for (const frame of frames) {
    if (cryptoShareOfLine(frame - ESP_FRAME_OVERHEAD, frame, LINE_BITS_PER_SECOND, timing) >= 1) throw new RangeError(`${configuration.label}: ${klass.name}'s ${frame}-byte ESP frames: the engines are not slower than the line, so they are not the bottleneck the closed form shares`);
  }
  return perShare;
}

/** The validation's line rate (the wire's default). */
const LINE_BITS_PER_SECOND = 25e9;
