import { keyIdPolicy, qosBlock } from "./qos-text.js";

/**
 * A scenario of gold (`priority percent 10`, one SA) beside bulk (`bandwidth percent 50`, four SAs
 * at the line), both to the peer, on four cores with every SA in the NIC's table: `nicLines` adds
 * to the NIC's settings, `gold` and `bulk` are each stream's packet size and rate.
 */
export function goldBesideBulk(options: { name: string; durationMicroseconds: number; nicLines?: readonly string[]; gold: string; bulk: string }): string {
  return `
name: ${options.name}
seed: 1
durationMicroseconds: ${options.durationMicroseconds}
driver:
  cpu: { cores: 4 }
nic:
${[...(options.nicLines ?? []), "sacache: { txEntries: 1024, rxEntries: 1024 }"].map((line) => `  ${line}`).join("\n")}
${qosBlock(keyIdPolicy([["gold", "priority percent 10"], ["bulk", "bandwidth percent 50"]]))}customers:
  - { name: c0, identity: { type: ID_KEY_ID, value: c0 }, sas: 1 }
  - { name: c1, identity: { type: ID_KEY_ID, value: c1 }, sas: 4 }
traffic:
  - { name: gold, customer: c0, direction: to-peer, ${options.gold} }
  - { name: bulk, customer: c1, direction: to-peer, ${options.bulk} }
outputs: { waveform: false, html: false, pcap: false, saTrace: false }
`;
}
