import { type QosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { usedQueuePartKilobytes } from "../../driver/base/tx-schedules.js";
import { cryptoParameters } from "../../hw/ipsec/crypto-parameters.js";
import { DMA_PARAMETERS } from "../../hw/dma/parameters.js";
import { WIRE_PARAMETERS } from "../../hw/link/wire.js";
import { NIC_PARAMETERS } from "../../hw/nic.js";
import { DEFAULT_SA_TABLE_ENTRIES, queueOfClass } from "../../hw/spec/register-fields.js";
import { DEFAULT_TX_BUFFER_BYTES } from "../../hw/tx/engine.js";
import { equalPartBytes } from "../../hw/tx/tx-buffer.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { ESP_FRAME_OVERHEAD } from "../validation/crypto-closed-form.js";
import { classOfCustomer } from "./priority-burst-warning.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";

/**
 * A class with a minimum (`bandwidth percent`) whose part of the TX buffer, split per class, holds
 * too few of its frames to reach it through the TX crypto engines: a frame holds its part from its
 * read until it is off the wire, and at least its read's latency, its data bytes over the engine's
 * bytes a cycle and the engine's latency, and its own line time in all, so the class sends at most
 * the frames its part holds per that time, whatever the policy. Slow engines and jumbo frames turned
 * two minimums upside down, 50 % getting 0.20 of the line and 20 % 0.36, with no word (from an
 * architect's check: 31 KB parts, three 9000-byte frames each). A bound only where every frame of
 * the class goes through an engine (every SA fits the TX table: software ESP bypasses them), and
 * taken at the class's size that gives the most, so a class of mixed sizes is not warned of for its
 * largest alone.
 */
export function txBufferPartWarnings(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  const nic = scenario.nic as { queues?: unknown; maxFrameBytes?: unknown; coreMegahertz?: unknown; tx?: Record<string, unknown>; crypto_tx?: Record<string, unknown>; dma?: Record<string, unknown>; sacache?: Record<string, unknown> };
  const driver = scenario.driver as { base?: { queues?: unknown }; intermediate?: { offload?: unknown } };
  const policy = qos?.policyMaps[0];
  if (qos === null || !policy || driver.intermediate?.offload === false || (nic.tx?.bufferPartition ?? "per-class") !== "per-class") return [];
  const sas = scenario.customers.reduce((sum, customer) => sum + customer.sas, 0);
  if (sas > givenNumber(nic.sacache?.txEntries, DEFAULT_SA_TABLE_ENTRIES)) return [];
  const deviceQueues = givenNumber(nic.queues, NIC_PARAMETERS.queues.defaultValue);
  const driverQueues = Math.min(givenNumber(driver.base?.queues, 0) || deviceQueues, deviceQueues);
  const maxFrameBytes = givenNumber(nic.maxFrameBytes, NIC_PARAMETERS.maxFrameBytes.defaultValue);
  const bufferBytes = givenNumber(nic.tx?.bufferBytes, DEFAULT_TX_BUFFER_BYTES);
  const { byClass, byQosGroup } = trafficClasses(qos);
  const used = new Set([0, ...[...byClass.values()].map((trafficClass) => queueOfClass(trafficClass, driverQueues))]);
  // The driver's split (TXPBSIZE), or the equal one the device came up with when the buffer is too small for it.
  const equalKilobytes = equalPartBytes(bufferBytes, deviceQueues) / 1024;
  const partBytes = 1024 * (usedQueuePartKilobytes(equalKilobytes * deviceQueues, maxFrameBytes, deviceQueues, used.size) ?? equalKilobytes);
  const engines = givenNumber(nic.crypto_tx?.engines, cryptoParameters.engines.defaultValue);
  const bytesPerCycle = givenNumber(nic.crypto_tx?.bytesPerCycle, cryptoParameters.bytesPerCycle.defaultValue);
  const fixedCycles = givenNumber(nic.dma?.readLatency, DMA_PARAMETERS.readLatency.defaultValue) + givenNumber(nic.crypto_tx?.latency, cryptoParameters.latency.defaultValue);
  const megahertz = givenNumber(nic.coreMegahertz, NIC_PARAMETERS.coreMegahertz.defaultValue);
  const gigabits = givenNumber((scenario.wire as Record<string, unknown>).gigabitsPerSecond, WIRE_PARAMETERS.gigabitsPerSecond.defaultValue);
  const given = nic.tx?.bufferBytes !== undefined ? ["nic", "tx", "bufferBytes"] : ["qos"];
  const round = (value: number) => Number(value.toPrecision(3));
  return policy.classes.flatMap((klass) => {
    const percent = klass.bandwidthPercent;
    const trafficClass = byClass.get(klass.name);
    if (percent === undefined || trafficClass === undefined) return [];
    // Each size of the class's frames to the peer, with the most of the line its part lets it send were they all that size.
    const bounds = scenario.traffic
      .filter((stream) => stream.direction !== "to-host" && classOfCustomer(scenario, qos, byQosGroup, stream.customer) === trafficClass)
      .map((stream) => {
        const frameBytes = tunnelFrameBytes(stream.packetBytes);
        const held = Math.floor(partBytes / frameBytes);
        const engineMicroseconds = ((frameBytes - ESP_FRAME_OVERHEAD) / bytesPerCycle + fixedCycles) / megahertz;
        const holdMicroseconds = engineMicroseconds + (wireBytes(frameBytes) * 8) / gigabits / 1000;
        return { stream: stream.name, frameBytes, held, holdMicroseconds, lineShare: (held * wireBytes(frameBytes) * 8) / holdMicroseconds / 1000 / gigabits };
      });
    if (bounds.length === 0) return [];
    const best = bounds.reduce((most, bound) => (bound.lineShare > most.lineShare ? bound : most));
    if (best.held >= engines || best.lineShare >= percent / 100) return [];
    const unused = deviceQueues - used.size;
    return [
      source.at(
        given,
        `warning: the TX buffer split per class gives class ${trafficClass} ('${klass.name}', bandwidth percent ${percent}) a part of ${partBytes / 1024} KB (TXPBSIZE as the driver programs it: nic.tx.bufferBytes = ${bufferBytes}${unused > 0 ? `, less one longest frame for each of the ${unused} queue${unused === 1 ? "" : "s"} no class uses,` : ""} over the ${used.size} in use), which holds ${best.held} of its ${best.frameBytes}-byte frames (stream '${best.stream}'); each holds it at least ${round(best.holdMicroseconds)} µs (its read's latency, ${bytesPerCycle} byte${bytesPerCycle === 1 ? "" : "s"} a cycle of ${megahertz} MHz in a TX crypto engine and the engine's latency, and its time on the wire), so the class gets at most ${round(best.lineShare * 100)} % of the line, under its ${percent} %: a larger buffer, fewer queues in use or faster engines lift this bound`,
      ),
    ];
  });
}
