import { espPacketBytes } from "../../sim/ipsec/esp.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/** Fewer packets than this in a kilobyte lifetime are warned of. */
export const FEWEST_PACKETS_PER_LIFETIME = 10;

/**
 * A kilobyte lifetime that holds fewer than FEWEST_PACKETS_PER_LIFETIME of a customer's largest
 * packets: each SA pair is used up after a few packets, rekeyed at its soft lifetime and ended at
 * its hard one, and the tunnel spends its time in Quick Mode; packets sent while a pair is
 * negotiated again are lost (8 KB against 9000-byte packets: 84 of 101 lost, 10 Quick Modes in
 * 200 µs, with no word; from an IPsec engineer's check). A scenario's own choice, warned of.
 */
export function shortLifetimeWarnings(scenario: Scenario, source: SourceMap): string[] {
  return scenario.customers.flatMap((customer, index) => {
    const kilobytes = customer.ike?.lifetimeKilobytes ?? 0;
    if (kilobytes === 0) return [];
    const streams = scenario.traffic.map((stream, at) => ({ stream, at })).filter(({ stream }) => stream.customer === customer.name);
    if (streams.length === 0) return [];
    const { stream, at } = streams.reduce((largest, each) => (each.stream.packetBytes > largest.stream.packetBytes ? each : largest));
    // A lifetime counts ESP bytes, SPI to ICV (36 more than a 9000-byte packet): 88 KB holds 9 of 9000-byte packets, not 10 (from a re-check).
    const packets = Math.floor((kilobytes * 1024) / espPacketBytes(stream.packetBytes, 16));
    if (packets >= FEWEST_PACKETS_PER_LIFETIME) return [];
    return [
      source.at(
        ["customers", index, "ike", "lifetimeKilobytes"],
        `warning: customers[${index}] '${customer.name}': a lifetime of ${kilobytes} KB ${packets === 0 ? "is less than one" : `holds only ${packets}`} of the ${stream.packetBytes}-byte packets of traffic[${at}] '${stream.name}': ${packets === 0 ? "each such packet uses up an SA pair" : `an SA pair is used up after ${packets === 1 ? "one" : packets}`}, which is negotiated again, and packets sent meanwhile may be lost`,
      ),
    ];
  });
}
