import { priorityClasses, type QosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { cryptoParameters } from "../../hw/ipsec/crypto-parameters.js";
import { acceptedNumber } from "./given-number.js";
import { classOfCustomer } from "./priority-burst-warning.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/**
 * More priority classes through a direction's crypto engines than an engine saves contexts: a
 * bulk job suspended by one priority class's job, that one by a higher class's, holds two saved
 * contexts, and with fewer slots the higher class's job waits for the lower one's to finish, past
 * the preemption bound (gold's p99 to the host 14.4 µs with one slot, 7.1 with four, silver a
 * priority class too; from an architect's check).
 */
export function contextSlotWarnings(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  if (qos === null) return [];
  const percents = priorityClasses(qos);
  if (percents.size < 2) return [];
  const { byQosGroup } = trafficClasses(qos);
  const nic = (scenario.nic ?? {}) as Record<string, unknown>;
  return (["crypto_tx", "crypto_rx"] as const).flatMap((engine) => {
    const direction = engine === "crypto_tx" ? "to-peer" : "to-host";
    const classes = new Set<number>();
    for (const stream of scenario.traffic) {
      if (stream.direction !== direction && stream.direction !== "both") continue;
      const trafficClass = classOfCustomer(scenario, qos, byQosGroup, stream.customer);
      if (trafficClass !== undefined && percents.has(trafficClass)) classes.add(trafficClass);
    }
    const given = (nic[engine] ?? {}) as Record<string, unknown>;
    // Run to completion suspends nothing; a value the parameter's check refuses is an error at its place already.
    if (classes.size < 2 || (given.policy ?? cryptoParameters.policy.defaultValue) === "run-to-completion") return [];
    const slots = acceptedNumber(given.contextSlots, cryptoParameters.contextSlots);
    const engines = acceptedNumber(given.engines, cryptoParameters.engines);
    if (slots === null || engines === null) return [];
    const shared = (given.contextStore ?? cryptoParameters.contextStore.defaultValue) === "shared";
    const saved = shared ? slots * engines : slots;
    if (saved >= classes.size) return [];
    const place = given.contextSlots !== undefined ? ["nic", engine, "contextSlots"] : ["qos"];
    return [
      source.at(
        place,
        `warning: nic.${engine}.contextSlots = ${slots}${shared ? ` (a shared store of ${saved})` : ""} saves fewer contexts than the ${classes.size} priority classes ${direction} (${[...classes].sort((a, b) => b - a).join(", ")}) can nest: a job of one suspended by a higher one's holds a context beside the bulk job it suspended, and with none free the higher class's job waits for the lower one's to finish, past the preemption bound; give it ${classes.size} or more`,
      ),
    ];
  });
}
