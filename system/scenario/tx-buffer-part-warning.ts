import { type QosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { usedQueuePartKilobytes } from "../../driver/base/tx-schedules.js";
import { cryptoParameters } from "../../hw/ipsec/crypto-parameters.js";
import { WIRE_PARAMETERS } from "../../hw/link/wire.js";
import { NIC_PARAMETERS } from "../../hw/nic.js";
import { queueOfClass } from "../../hw/spec/register-fields.js";
import { DEFAULT_TX_BUFFER_BYTES } from "../../hw/tx/engine.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { ESP_FRAME_OVERHEAD } from "../validation/crypto-closed-form.js";
import { classOfCustomer } from "./priority-burst-warning.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";

/**
 * A class with a minimum (`bandwidth percent`) whose part of the TX buffer, split per class, holds
 * too few of its frames to reach it through the TX crypto engines: a frame holds its part from the
 * start of its read until the wire, and at least its data bytes over the engine's bytes a cycle in
 * an engine, so the class sends at most that many frames per that time, whatever the policy. Slow
 * engines and jumbo frames turned two minimums upside down, 50 % getting 0.20 of the line and 20 %
 * 0.36, with no word (from an architect's check: 31 KB parts, three 9000-byte frames each).
 */
export function txBufferPartWarnings(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  const nic = scenario.nic as { queues?: unknown; maxFrameBytes?: unknown; coreMegahertz?: unknown; tx?: Record<string, unknown>; crypto_tx?: Record<string, unknown> };
  const driver = scenario.driver as { base?: { queues?: unknown }; intermediate?: { offload?: unknown } };
  const policy = qos?.policyMaps[0];
  if (qos === null || !policy || driver.intermediate?.offload === false || (nic.tx?.bufferPartition ?? "per-class") !== "per-class") return [];
  const deviceQueues = givenNumber(nic.queues, NIC_PARAMETERS.queues.defaultValue);
  const driverQueues = givenNumber(driver.base?.queues, 0) || deviceQueues;
  const maxFrameBytes = givenNumber(nic.maxFrameBytes, NIC_PARAMETERS.maxFrameBytes.defaultValue);
  const bufferBytes = givenNumber(nic.tx?.bufferBytes, DEFAULT_TX_BUFFER_BYTES);
  const { byClass, byQosGroup } = trafficClasses(qos);
  const used = new Set([0, ...[...byClass.values()].map((trafficClass) => queueOfClass(trafficClass, driverQueues))]);
  // The driver's split (TXPBSIZE), or the equal one the device came up with when the buffer is too small for it.
  const partBytes = 1024 * (usedQueuePartKilobytes(Math.floor(bufferBytes / deviceQueues / 1024) * deviceQueues, maxFrameBytes, deviceQueues, used.size) ?? Math.floor(bufferBytes / deviceQueues / 1024));
  const engines = givenNumber(nic.crypto_tx?.engines, cryptoParameters.engines.defaultValue);
  const bytesPerCycle = givenNumber(nic.crypto_tx?.bytesPerCycle, cryptoParameters.bytesPerCycle.defaultValue);
  const megahertz = givenNumber(nic.coreMegahertz, NIC_PARAMETERS.coreMegahertz.defaultValue);
  const gigabits = givenNumber((scenario.wire as Record<string, unknown>).gigabitsPerSecond, WIRE_PARAMETERS.gigabitsPerSecond.defaultValue);
  const given = nic.tx?.bufferBytes !== undefined ? ["nic", "tx", "bufferBytes"] : ["qos"];
  return policy.classes.flatMap((klass) => {
    const percent = klass.bandwidthPercent;
    const trafficClass = byClass.get(klass.name);
    if (percent === undefined || trafficClass === undefined) return [];
    // The class's largest frame to the peer: the one its part holds fewest of.
    const streams = scenario.traffic.filter((stream) => stream.direction !== "to-host" && classOfCustomer(scenario, qos, byQosGroup, stream.customer) === trafficClass);
    const largest = streams.reduce<(typeof streams)[number] | null>((best, stream) => (best === null || stream.packetBytes > best.packetBytes ? stream : best), null);
    if (largest === null) return [];
    const frameBytes = tunnelFrameBytes(largest.packetBytes);
    const held = Math.floor(partBytes / frameBytes);
    if (held >= engines) return [];
    const engineMicroseconds = (frameBytes - ESP_FRAME_OVERHEAD) / bytesPerCycle / megahertz;
    const lineShare = (held * wireBytes(frameBytes) * 8) / engineMicroseconds / 1000 / gigabits;
    if (lineShare >= percent / 100) return [];
    const round = (value: number) => Number(value.toPrecision(3));
    return [
      source.at(
        given,
        `warning: the TX buffer split per class gives class ${trafficClass} ('${klass.name}', bandwidth percent ${percent}) a part of ${partBytes / 1024} KB (TXPBSIZE, as the driver programs it from nic.tx.bufferBytes = ${bufferBytes} over ${used.size} queues in use), which holds ${held} of its ${frameBytes}-byte frames (stream '${largest.name}'); each is in a TX crypto engine for at least ${round(engineMicroseconds)} µs (its data at ${bytesPerCycle} byte${bytesPerCycle === 1 ? "" : "s"} a cycle of ${megahertz} MHz), so the class gets at most ${round(lineShare * 100)} % of the line, under its ${percent} %: a larger buffer, fewer queues in use or faster engines lift it`,
      ),
    ];
  });
}
