import { DEFAULT_TX_RING_DESCRIPTORS } from "../../driver/base/driver.js";
import { DEFAULT_WRITE_BACK_DELAY } from "../../hw/tx/write-back.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/**
 * A TX write-back threshold (WTHRESH) the TX rings can never reach: a ring holds at most its size
 * less one done descriptors, so every write-back waits out nic.tx.writeBackDelay, and a sender
 * that fills its ring waits as long (with a long delay, the run stalls until its drain time ends).
 * Null when the threshold can be reached, or nothing waits (no threshold, no delay).
 */
export function writeBackThresholdWarning(threshold: number, ring: number, delay: number): string | null {
  if (threshold === 0 || threshold < ring || delay === 0) return null;
  return `driver.base.txWriteBackThreshold = ${threshold} is never reached: a TX ring of ${ring} descriptors (driver.base.txRingDescriptors) holds at most ${ring - 1} done ones, so every write-back waits out nic.tx.writeBackDelay (${delay} core cycle${delay === 1 ? "" : "s"}), and a sender that fills its ring waits as long`;
}

/** The warning for a scenario, at the threshold's place in its file (or its --set). */
export function unreachableWriteBackThreshold(scenario: Scenario, source: SourceMap): string[] {
  const base = (scenario.driver as { base?: Record<string, unknown> }).base;
  const tx = (scenario.nic as { tx?: Record<string, unknown> }).tx;
  const threshold = base?.txWriteBackThreshold;
  if (typeof threshold !== "number") return [];
  const ring = typeof base?.txRingDescriptors === "number" ? base.txRingDescriptors : DEFAULT_TX_RING_DESCRIPTORS;
  const delay = typeof tx?.writeBackDelay === "number" ? tx.writeBackDelay : DEFAULT_WRITE_BACK_DELAY;
  const warning = writeBackThresholdWarning(threshold, ring, delay);
  return warning === null ? [] : [source.at(["driver", "base", "txWriteBackThreshold"], `warning: ${warning}`)];
}

/** What a design built from parameters holds, and the one given (`--set`) that sets the threshold. */
export interface BuiltThreshold {
  readonly driver: { readonly base: { readonly params: { readonly txWriteBackThreshold: number; readonly txRingDescriptors: number } } };
  readonly nic: { readonly tx: { readonly params: { readonly writeBackDelay: number } } };
}

/** The warning for a built design (plain-traffic, latency), naming the `--set` that gave the threshold as run does. */
export function builtWriteBackThresholdWarning(top: BuiltThreshold, given: Record<string, unknown>, source: string): string | null {
  const warning = writeBackThresholdWarning(top.driver.base.params.txWriteBackThreshold, top.driver.base.params.txRingDescriptors, top.nic.tx.params.writeBackDelay);
  if (warning === null) return null;
  const path = "driver.base.txWriteBackThreshold";
  const key = Object.keys(given).find((name) => {
    const bare = name.replace(/^top\./, "");
    return bare === path || path.startsWith(`${bare}.`);
  });
  return `${key === undefined ? "" : `${source} ${key.replace(/^top\./, "")}: `}warning: ${warning}`;
}
