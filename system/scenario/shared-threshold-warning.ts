import { RX_ENGINE_PARAMETERS } from "../../hw/rx/parameters.js";
import { TX_ENGINE_PARAMETERS } from "../../hw/tx/parameters.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

const DEFAULT_PARTITION = { tx: TX_ENGINE_PARAMETERS.bufferPartition.defaultValue, rx: RX_ENGINE_PARAMETERS.bufferPartition.defaultValue } as const;

/**
 * A buffer's sharedThreshold given where the buffer is split per class: each queue has a part of
 * its own and no threshold applies, so a sweep over the threshold gave identical runs without a
 * word (from an architect's check).
 */
export function sharedThresholdWarnings(scenario: Scenario, source: SourceMap): string[] {
  const nic = scenario.nic as { tx?: Record<string, unknown>; rx?: Record<string, unknown> };
  return (["tx", "rx"] as const).flatMap((direction) => {
    const settings = nic[direction];
    if (settings?.sharedThreshold === undefined) return [];
    const partition = settings.bufferPartition ?? DEFAULT_PARTITION[direction];
    if (partition !== "per-class") return [];
    const how = settings.bufferPartition === undefined ? " (the default)" : "";
    return [
      source.at(
        ["nic", direction, "sharedThreshold"],
        `warning: nic.${direction}.sharedThreshold has no effect with nic.${direction}.bufferPartition = per-class${how}: each queue holds a part of its own, and the threshold is for a shared buffer only (bufferPartition: shared)`,
      ),
    ];
  });
}
