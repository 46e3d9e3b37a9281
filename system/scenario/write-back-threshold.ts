import { DEFAULT_TX_BUFFER_BYTES, DEFAULT_TX_RING_DESCRIPTORS } from "../../driver/base/driver.js";
import { DEFAULT_WRITE_BACK_DELAY } from "../../hw/tx/write-back.js";
import { UDP_FRAME_OVERHEAD } from "../../sim/packet/udp-frame.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { longestIkeMessageOf } from "./ike-customers.js";
import { driverBaseSettings } from "./driver-base-settings.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";

/** What sets how many descriptors a TX ring can hold done: its size, and the frames it carries. */
export interface TxRingShape {
  readonly threshold: number;
  readonly ring: number;
  readonly delay: number;
  readonly bufferBytes: number;
  /** The lengths of the frames the run sends through the TX rings (its streams', its longest IKE message's). */
  readonly frames: readonly number[];
  /** Whether frames of other lengths come too, shorter than the longest (IKE's messages). */
  readonly shorterToo: boolean;
}

/**
 * A TX write-back threshold (WTHRESH) the TX rings may not reach. A ring holds at most its size
 * less one done descriptors; a sender waiting for room for a frame of k descriptors leaves as few
 * as the size less k when frames of other sizes fill the ring, and with frames of k descriptors
 * only, the most whole frames the ring holds. Short of the threshold, the write-back waits out
 * nic.tx.writeBackDelay, and the sender as long (with a long delay, the run stalls until its drain
 * time ends). Null when the threshold is always reached, or nothing waits (no threshold, no delay).
 */
export function writeBackThresholdWarning({ threshold, ring, delay, bufferBytes, frames, shorterToo }: TxRingShape): string | null {
  if (threshold === 0 || delay === 0 || frames.length === 0) return null;
  const waits = `nic.tx.writeBackDelay (${delay} core cycle${delay === 1 ? "" : "s"})`;
  if (threshold >= ring) return `driver.base.txWriteBackThreshold = ${threshold} is never reached: a TX ring of ${ring} descriptors (driver.base.txRingDescriptors) holds at most ${ring - 1} done ones, so every write-back waits out ${waits}, and a sender that fills its ring waits as long`;
  // A frame longer than the ring can take is refused before the run, with its own words.
  const fitting = frames.filter((frame) => Math.ceil(frame / bufferBytes) <= ring - 1);
  if (fitting.length === 0) return null;
  const longest = Math.max(...fitting);
  const counts = new Set(fitting.map((frame) => Math.ceil(frame / bufferBytes)));
  const most = Math.max(...counts);
  const uniform = counts.size === 1 && !shorterToo;
  const fewest = uniform ? Math.floor((ring - 1) / most) * most : ring - most;
  if (threshold <= fewest) return null;
  const frame = `a frame of ${longest} bytes takes ${most} descriptor${most === 1 ? "" : "s"} of ${bufferBytes} bytes (driver.base.txBufferBytes)`;
  const left = uniform ? `a TX ring of ${ring} (driver.base.txRingDescriptors) full of such frames holds ${fewest} done ones` : `a sender waiting for room for one, its ring filled by shorter frames, can leave as few as ${fewest} done ones in a TX ring of ${ring} (driver.base.txRingDescriptors)`;
  return `driver.base.txWriteBackThreshold = ${threshold} may not be reached: ${frame}, and ${left}; the write-back then waits out ${waits}, and the sender as long`;
}

/** The warning for a scenario, at the threshold's place in its file (or its --set): sized by the frames its streams send to the peer, and its IKE customers' longest messages. */
export function unreachableWriteBackThreshold(scenario: Scenario, source: SourceMap): string[] {
  const base = driverBaseSettings(scenario);
  const nic = scenario.nic as { tx?: Record<string, unknown> };
  const threshold = base?.txWriteBackThreshold;
  if (typeof threshold !== "number") return [];
  const streams = scenario.traffic.filter((stream) => stream.direction !== "to-host").map((stream) => tunnelFrameBytes(stream.packetBytes));
  const ike = scenario.customers.flatMap((customer) => {
    if (!customer.ike) return [];
    const longest = longestIkeMessageOf({ ...customer, ike: customer.ike });
    return longest === null || longest === "no identity" ? [] : [longest.bytes + UDP_FRAME_OVERHEAD];
  });
  const warning = writeBackThresholdWarning({
    threshold,
    ring: givenNumber(base?.txRingDescriptors, DEFAULT_TX_RING_DESCRIPTORS),
    delay: givenNumber(nic.tx?.writeBackDelay, DEFAULT_WRITE_BACK_DELAY),
    bufferBytes: givenNumber(base?.txBufferBytes, DEFAULT_TX_BUFFER_BYTES),
    frames: [...streams, ...ike],
    // IKE's messages are of many lengths.
    shorterToo: ike.length > 0,
  });
  return warning === null ? [] : [source.at(["driver", "base", "txWriteBackThreshold"], `warning: ${warning}`)];
}

/** What a design built from parameters holds, and the one given (`--set`) that sets the threshold. */
export interface BuiltThreshold {
  readonly driver: { readonly base: { readonly params: { readonly txWriteBackThreshold: number; readonly txRingDescriptors: number; readonly txBufferBytes: number } } };
  readonly nic: { readonly tx: { readonly params: { readonly writeBackDelay: number } } };
}

/** The warning for a built design (plain-traffic, latency) sending `frames`, naming the `--set` that gave the threshold as run does. */
export function builtWriteBackThresholdWarning(top: BuiltThreshold, frames: readonly number[], given: Record<string, unknown>, source: string): string | null {
  const { params } = top.driver.base;
  const warning = writeBackThresholdWarning({ threshold: params.txWriteBackThreshold, ring: params.txRingDescriptors, delay: top.nic.tx.params.writeBackDelay, bufferBytes: params.txBufferBytes, frames, shorterToo: false });
  if (warning === null) return null;
  const path = "driver.base.txWriteBackThreshold";
  const key = Object.keys(given).find((name) => {
    const bare = name.replace(/^top\./, "");
    return bare === path || path.startsWith(`${bare}.`);
  });
  return `${key === undefined ? "" : `${source} ${key.replace(/^top\./, "")}: `}warning: ${warning}`;
}
