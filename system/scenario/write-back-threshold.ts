import { DEFAULT_TX_BUFFER_BYTES, DEFAULT_TX_RING_DESCRIPTORS } from "../../driver/base/driver.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../../hw/nic.js";
import { DEFAULT_WRITE_BACK_DELAY } from "../../hw/tx/write-back.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/** What sets how many descriptors a TX ring can hold done: its size, and the most a frame takes. */
export interface TxRingShape {
  readonly threshold: number;
  readonly ring: number;
  readonly delay: number;
  readonly maxFrameBytes: number;
  readonly bufferBytes: number;
}

/**
 * A TX write-back threshold (WTHRESH) the TX rings may not reach: a ring holds at most its size
 * less one done descriptors, and a sender waiting for room for a frame of k descriptors can leave
 * as few as its size less k; then the write-back waits out nic.tx.writeBackDelay, and the sender
 * as long (with a long delay, the run stalls until its drain time ends). Null when the threshold
 * is always reached, or nothing waits (no threshold, no delay).
 */
export function writeBackThresholdWarning({ threshold, ring, delay, maxFrameBytes, bufferBytes }: TxRingShape): string | null {
  const frameDescriptors = Math.max(1, Math.ceil(maxFrameBytes / bufferBytes));
  if (threshold === 0 || threshold <= ring - frameDescriptors || delay === 0) return null;
  const waits = `nic.tx.writeBackDelay (${delay} core cycle${delay === 1 ? "" : "s"})`;
  if (threshold >= ring) return `driver.base.txWriteBackThreshold = ${threshold} is never reached: a TX ring of ${ring} descriptors (driver.base.txRingDescriptors) holds at most ${ring - 1} done ones, so every write-back waits out ${waits}, and a sender that fills its ring waits as long`;
  return `driver.base.txWriteBackThreshold = ${threshold} may not be reached: a frame of up to ${maxFrameBytes} bytes (nic.maxFrameBytes) takes ${frameDescriptors} descriptors of ${bufferBytes} bytes (driver.base.txBufferBytes), and a sender waiting for room for one can leave as few as ${ring - frameDescriptors} done ones in a TX ring of ${ring} (driver.base.txRingDescriptors); the write-back then waits out ${waits}, and the sender as long`;
}

/** The warning for a scenario, at the threshold's place in its file (or its --set). */
export function unreachableWriteBackThreshold(scenario: Scenario, source: SourceMap): string[] {
  const base = (scenario.driver as { base?: Record<string, unknown> }).base;
  const nic = scenario.nic as { tx?: Record<string, unknown>; maxFrameBytes?: unknown };
  const threshold = base?.txWriteBackThreshold;
  if (typeof threshold !== "number") return [];
  const given = (value: unknown, otherwise: number) => (typeof value === "number" ? value : otherwise);
  const warning = writeBackThresholdWarning({
    threshold,
    ring: given(base?.txRingDescriptors, DEFAULT_TX_RING_DESCRIPTORS),
    delay: given(nic.tx?.writeBackDelay, DEFAULT_WRITE_BACK_DELAY),
    maxFrameBytes: given(nic.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES),
    bufferBytes: given(base?.txBufferBytes, DEFAULT_TX_BUFFER_BYTES),
  });
  return warning === null ? [] : [source.at(["driver", "base", "txWriteBackThreshold"], `warning: ${warning}`)];
}

/** What a design built from parameters holds, and the one given (`--set`) that sets the threshold. */
export interface BuiltThreshold {
  readonly driver: { readonly base: { readonly params: { readonly txWriteBackThreshold: number; readonly txRingDescriptors: number; readonly txBufferBytes: number } } };
  readonly nic: { readonly params: { readonly maxFrameBytes: number }; readonly tx: { readonly params: { readonly writeBackDelay: number } } };
}

/** The warning for a built design (plain-traffic, latency), naming the `--set` that gave the threshold as run does. */
export function builtWriteBackThresholdWarning(top: BuiltThreshold, given: Record<string, unknown>, source: string): string | null {
  const { params } = top.driver.base;
  const warning = writeBackThresholdWarning({ threshold: params.txWriteBackThreshold, ring: params.txRingDescriptors, delay: top.nic.tx.params.writeBackDelay, maxFrameBytes: top.nic.params.maxFrameBytes, bufferBytes: params.txBufferBytes });
  if (warning === null) return null;
  const path = "driver.base.txWriteBackThreshold";
  const key = Object.keys(given).find((name) => {
    const bare = name.replace(/^top\./, "");
    return bare === path || path.startsWith(`${bare}.`);
  });
  return `${key === undefined ? "" : `${source} ${key.replace(/^top\./, "")}: `}warning: ${warning}`;
}
