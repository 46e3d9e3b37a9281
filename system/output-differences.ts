import { basename } from "node:path";
import { firstDifferingByte } from "../sim/bytes.js";
import { FileReader, firstDifferingOffset, LineReader, withFiles } from "../sim/file-comparison.js";
import { pcapFrames } from "../sim/packet/pcap.js";
import { signalNamesBeside } from "../sim/vcd/read-translate-filters.js";
import { firstWaveformDifference, type WaveformDifference } from "../sim/vcd/waveform-difference.js";
import { firstSummaryDifference, type SummaryDifference } from "./summary-difference.js";

/**
 * The outputs two runs of one scenario are compared by: the files the model alone decides (the
 * HTML report also names the output directory). The waveform is compared as values, up to its last
 * change, and the summary without the kernel's own counts; nicsim every-edge has its runs end at
 * the same time, so that nothing else depends on how each ran.
 */
export const COMPARED_OUTPUTS = [".vcd", ".pcap", ".esp_sa", ".ikev1_decryption_table", ".sa-trace.jsonl", ".summary.json"] as const;
export type ComparedOutput = (typeof COMPARED_OUTPUTS)[number];

/** Where two runs' outputs first part, file by file. A key file's lines are named by number only: they hold keys. */
export type OutputDifference =
  | { readonly kind: "missing"; readonly output: ComparedOutput; readonly writtenBy: "first" | "second" }
  | { readonly kind: "frame"; readonly output: ".pcap"; readonly number: number; readonly first: FrameSeen | null; readonly second: FrameSeen | null; readonly byte: number | null }
  | { readonly kind: "line"; readonly output: ".esp_sa" | ".ikev1_decryption_table" | ".sa-trace.jsonl"; readonly line: number; readonly shown: boolean; readonly first: string | null; readonly second: string | null }
  | { readonly kind: "waveform"; readonly output: ".vcd"; readonly difference: WaveformDifference }
  | { readonly kind: "declarations"; readonly output: ".vcd" }
  | { readonly kind: "summary"; readonly output: ".summary.json"; readonly difference: SummaryDifference };

export interface FrameSeen {
  readonly nanoseconds: number;
  readonly length: number;
  /** The frame's byte at the first offset where the two differ (null: they differ only in time or length). */
  readonly byte: number | null;
}

/** Lines shown in full: those of the SA trace (handles, times, sizes). The key files' are not. */
const SHOWN_LINES: ReadonlySet<string> = new Set([".sa-trace.jsonl"]);

/** The first difference in each output the two runs wrote (the same base name in each), of those given; none when they agree. */
export function outputDifferences(first: readonly string[], second: readonly string[], outputs: readonly ComparedOutput[] = COMPARED_OUTPUTS): OutputDifference[] {
  const differences: OutputDifference[] = [];
  for (const output of outputs) {
    const one = first.find((path) => path.endsWith(output));
    const other = second.find((path) => path.endsWith(output) && basename(path) === (one === undefined ? basename(path) : basename(one)));
    if (one === undefined && other === undefined) continue;
    if (one === undefined || other === undefined) {
      differences.push({ kind: "missing", output, writtenBy: one === undefined ? "second" : "first" });
      continue;
    }
    const difference = fileDifference(output, one, other);
    if (difference !== null) differences.push(difference);
  }
  return differences;
}

/** Each file read a piece at a time, never whole: a long run's outputs are larger than a Buffer or a text may be. */
function fileDifference(output: ComparedOutput, one: string, other: string): OutputDifference | null {
  if (output === ".vcd") {
    const difference = firstWaveformDifference(one, other);
    if (difference === null) return null;
    return difference === "declarations" ? { kind: "declarations", output } : { kind: "waveform", output, difference: named(difference, one) };
  }
  if (output === ".summary.json") {
    const difference = firstSummaryDifference(one, other);
    return difference === null ? null : { kind: "summary", output, difference };
  }
  return withFiles(one, other, (first, second) => {
    if (firstDifferingOffset(first, second) === null) return null;
    return output === ".pcap" ? frameDifference(first, second) : lineDifference(output, first, second);
  });
}

function frameDifference(one: FileReader, other: FileReader): OutputDifference | null {
  const first = pcapFrames((offset, length) => one.read(offset, length), one.size);
  const second = pcapFrames((offset, length) => other.read(offset, length), other.size);
  for (let number = 1; ; number++) {
    const a = first.next().value ?? undefined;
    const b = second.next().value ?? undefined;
    if (a === undefined && b === undefined) return null;
    const byte = a === undefined || b === undefined ? -1 : firstDifferingByte(a.bytes, b.bytes);
    if (a !== undefined && b !== undefined && a.nanoseconds === b.nanoseconds && a.bytes.length === b.bytes.length && byte < 0) continue;
    const seen = (frame: typeof a) => (frame === undefined ? null : { nanoseconds: frame.nanoseconds, length: frame.bytes.length, byte: byte < 0 ? null : frame.bytes[byte]! });
    return { kind: "frame", output: ".pcap", number, first: seen(a), second: seen(b), byte: byte < 0 ? null : byte };
  }
}

function lineDifference(output: ".esp_sa" | ".ikev1_decryption_table" | ".sa-trace.jsonl", one: FileReader, other: FileReader): OutputDifference {
  const first = new LineReader(one);
  const second = new LineReader(other);
  for (;;) {
    const a = first.next();
    const b = second.next();
    if (a === b && a !== null) continue;
    const shown = SHOWN_LINES.has(output);
    return { kind: "line", output, line: first.lineNumber - (a === null ? 0 : 1), shown, first: shown ? a : null, second: shown ? b : null };
  }
}

/** A difference as a line for a person, the two runs named as given. */
export function describeOutputDifference(difference: OutputDifference, names: readonly [string, string]): string {
  const [first, second] = names;
  switch (difference.kind) {
    case "missing":
      return `${difference.output}: written ${difference.writtenBy === "first" ? first : second} only`;
    case "declarations":
      return `${difference.output}: the declarations differ (another set of signals)`;
    case "summary":
      return `${difference.output}: first differs at ${difference.difference.path}: ${first} ${difference.difference.first}; ${second} ${difference.difference.second}`;
    case "line": {
      const shown = !difference.shown ? " (a key file: its lines are not shown)" : `: ${first} ${difference.first ?? "(no such line)"}; ${second} ${difference.second ?? "(no such line)"}`;
      return `${difference.output}: first differs at line ${difference.line}${shown}`;
    }
    case "frame": {
      const byte = (seen: FrameSeen) => (seen.byte === null ? "" : `, byte ${difference.byte} 0x${seen.byte.toString(16).padStart(2, "0")}`);
      const frame = (seen: FrameSeen | null) => (seen === null ? "no such frame" : `${seen.length} bytes at ${(seen.nanoseconds / 1000).toFixed(3)} µs${byte(seen)}`);
      return `${difference.output}: first differs at frame ${difference.number} (as Wireshark numbers them): ${first} ${frame(difference.first)}; ${second} ${frame(difference.second)}`;
    }
    case "waveform": {
      const { time, signals } = difference.difference;
      const value = (written: string | null) => (written === null ? "unchanged" : written);
      const listed = signals.slice(0, SIGNALS_SHOWN).map((signal) => `${signal.path} ${value(signal.first)} (${first}), ${value(signal.second)} (${second})`);
      const more = signals.length > SIGNALS_SHOWN ? `; and ${signals.length - SIGNALS_SHOWN} more` : "";
      return `${difference.output}: first differs at ${(time / 1e6).toFixed(6)} µs: ${listed.join("; ")}${more}`;
    }
  }
}

/**
 * A waveform difference's values as a person reads them: a number in decimal, named as the
 * signal's translate filter names it beside the dump (the state a block was in), where it has one.
 */
function named(difference: WaveformDifference, vcdFile: string): WaveformDifference {
  const names = signalNamesBeside(vcdFile);
  const shown = (path: string, written: string | null) => {
    if (written === null) return null;
    const bits = /^[bB]?([01]+)$/.exec(written)?.[1];
    if (bits === undefined) return written;
    const value = BigInt(`0b${bits}`);
    return names.get(path)?.names.get(value) ?? value.toString();
  };
  return { time: difference.time, signals: difference.signals.map(({ path, first, second }) => ({ path, first: shown(path, first), second: shown(path, second) })) };
}

/** Signals named in a waveform difference's line: the earliest difference often moves several. */
const SIGNALS_SHOWN = 4;
