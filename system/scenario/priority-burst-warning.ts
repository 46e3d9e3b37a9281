import { priorityClasses, type QosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { PEER_PARAMETERS, priorityBurstBytes } from "../../hw/link/peer.js";
import { lineBytesPerPicosecond, WIRE_PARAMETERS } from "../../hw/link/wire.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";
import { customerProfile } from "./unprofiled-customers.js";

/**
 * A priority class whose policer's burst at the gateway is less than one of its frames: the bucket
 * is full before the next frame comes, and what it would have gathered meanwhile is lost, so the
 * class gets its rate × refill / (refill + gap) under congestion, not its percent, and a class within
 * its rate loses packets (voice at 4 % of its 5 % lost 291 of 672 with a 125-byte bucket; from an
 * outside check). IOS refuses a burst under 32 bytes, and drops every frame larger than its burst.
 */
export function priorityBurstWarnings(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  if (qos === null) return [];
  const percents = priorityClasses(qos);
  if (percents.size === 0) return [];
  const { byQosGroup } = trafficClasses(qos);
  const milliseconds = givenNumber((scenario.peer as Record<string, unknown>).priorityBurstMilliseconds, PEER_PARAMETERS.priorityBurstMilliseconds.defaultValue);
  const gigabits = givenNumber((scenario.wire as Record<string, unknown>).gigabitsPerSecond, WIRE_PARAMETERS.gigabitsPerSecond.defaultValue);
  // The largest frame each priority class's streams send, on the wire.
  const largest = new Map<number, { bytes: number; stream: string }>();
  for (const stream of scenario.traffic) {
    const trafficClass = classOfCustomer(scenario, qos, byQosGroup, stream.customer);
    if (trafficClass === undefined || !percents.has(trafficClass)) continue;
    const bytes = wireBytes(tunnelFrameBytes(stream.packetBytes));
    if (bytes > (largest.get(trafficClass)?.bytes ?? 0)) largest.set(trafficClass, { bytes, stream: stream.name });
  }
  const given = (scenario.peer as Record<string, unknown>).priorityBurstMilliseconds !== undefined ? ["peer", "priorityBurstMilliseconds"] : ["qos"];
  return [...largest].flatMap(([trafficClass, frame]) => {
    const percent = percents.get(trafficClass)!;
    // A percent of 0 is not policed at all (ClassScheduler.policed): it was warned of a burst of 0 bytes (from an outside check).
    if (percent === 0) return [];
    const burst = priorityBurstBytes(milliseconds, lineBytesPerPicosecond(gigabits), percent);
    if (burst >= frame.bytes) return [];
    return [
      source.at(
        given,
        `warning: peer.priorityBurstMilliseconds = ${milliseconds} gives priority class ${trafficClass} (priority percent ${percent} of ${gigabits} Gb/s) a policer burst of ${Number(burst.toPrecision(4))} bytes at the gateway, less than one frame of stream '${frame.stream}' (${frame.bytes} bytes on the wire): under congestion the class gets less than its percent, and loses packets within it`,
      ),
    ];
  });
}

/** The traffic class a customer's SAs carry: its profile's group, mapped by the policy's class maps; class-default untagged. */
export function classOfCustomer(scenario: Scenario, qos: QosConfig, byQosGroup: ReadonlyMap<number, number>, name: string): number | undefined {
  const customer = scenario.customers.find((candidate) => candidate.name === name);
  const profile = customer === undefined ? null : customerProfile(customer, qos);
  if (profile === null) return undefined;
  const group = profile === "none" ? undefined : profile.ipsecQosGroup;
  return group === undefined ? 0 : (byQosGroup.get(group) ?? 0);
}
