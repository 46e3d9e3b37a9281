import { formatTime } from "../../sim/time.js";
import { baseDrain } from "./drain.js";
import { driverBaseSettings } from "./driver-base-settings.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/**
 * An interrupt interval (EITR) longer than the run's drain: the frames after the last interrupt
 * wait for the next, past the drain, and the run ends with them on the rings. It ran out its drain
 * without a word, where an unreachable write-back threshold is warned of (from a driver developer's check).
 */
export function interruptIntervalWarning(scenario: Scenario, source: SourceMap): string[] {
  const interval = driverBaseSettings(scenario)?.interruptIntervalNanoseconds;
  if (typeof interval !== "number") return [];
  const drain = baseDrain(Math.round(scenario.durationMicroseconds * 1e6));
  if (interval * 1000 <= drain) return [];
  return [
    source.at(
      ["driver", "base", "interruptIntervalNanoseconds"],
      `warning: driver.base.interruptIntervalNanoseconds = ${interval} ns is longer than the run's drain (${formatTime(drain)} after the traffic): what a moderated queue's interrupt would tell (frames received, frames sent to reap, so that a full TX ring frees for its senders) waits for its next interrupt, so the run may end with frames on the rings and senders waiting, counted as still on their way`,
    ),
  ];
}
