import { classSchedules, type QosConfig, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { usedQueuePartKilobytes } from "../../driver/base/tx-schedules.js";
import { cryptoParameters } from "../../hw/ipsec/crypto-parameters.js";
import { excessWeight } from "../../hw/qos/class-scheduler.js";
import { DMA_PARAMETERS } from "../../hw/dma/parameters.js";
import { WIRE_PARAMETERS } from "../../hw/link/wire.js";
import { NIC_PARAMETERS } from "../../hw/nic.js";
import { DEFAULT_SA_TABLE_ENTRIES, queueOfClass } from "../../hw/spec/register-fields.js";
import { DEFAULT_TX_BUFFER_BYTES } from "../../hw/tx/parameters.js";
import { equalPartBytes } from "../../hw/tx/tx-buffer.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { ESP_FRAME_OVERHEAD } from "../validation/crypto-closed-form.js";
import { classOfCustomer } from "./priority-burst-warning.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";

/**
 * A class with a minimum (`bandwidth percent`), or a priority class with its policed rate
 * (`priority percent`), whose part of the TX buffer, split per class, holds too few of its frames
 * to reach what the policy promises it through the TX crypto engines. A frame holds its part from
 * its read until it is off the wire: at least its read's latency and transfer, its data bytes
 * over the engine's bytes a cycle and the engine's latency, and its own line time; so the class
 * sends at most the frames its part holds per that time, whatever the policy. Slow engines and
 * jumbo frames turned two minimums upside down, 50 % getting 0.20 of the line and 20 % 0.36, with
 * no word (from an architect's check: 31 KB parts, three 9000-byte frames each).
 *
 * What the policy promises is its percent of the bottleneck: of the line, or, where the engines
 * or the DMA's reads are slower, of the engines' data bytes or the reads, which is less of the
 * line (the README's "Crypto engines"), and no more than the class offers; compared with the
 * percent of the line, 13 of 41 configurations were warned of with the class at its promise or
 * above (an architect's check). A class of several sizes is bounded by its sizes weighted by what
 * each offers (its most favourable size alone, a stream of 1 %, hid a shortfall), and a part
 * holding a frame for every engine is bounded too. Every class that is not a priority class is
 * promised its weight's part of what the priority classes' rates and the minimums leave, among the
 * classes with traffic (a lower bound), beside its minimum if it has one: class-default in jumbo
 * frames, promised 33.3 % of the line and capped by its 31 KB part at 21.5 %, got 0.175, and a
 * minimum of 10 % with weight 90, owed 0.378, 0.198, with no word (outside checks). Only where every
 * frame of the class goes through an engine (every SA fits the TX table: software ESP bypasses them).
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
  const readBytesPerCycle = givenNumber(nic.dma?.bytesPerCycle, DMA_PARAMETERS.bytesPerCycle.defaultValue);
  const fixedCycles = givenNumber(nic.dma?.readLatency, DMA_PARAMETERS.readLatency.defaultValue) + givenNumber(nic.crypto_tx?.latency, cryptoParameters.latency.defaultValue);
  const megahertz = givenNumber(nic.coreMegahertz, NIC_PARAMETERS.coreMegahertz.defaultValue);
  const gigabits = givenNumber((scenario.wire as Record<string, unknown>).gigabitsPerSecond, WIRE_PARAMETERS.gigabitsPerSecond.defaultValue);
  const given = nic.tx?.bufferBytes !== undefined ? ["nic", "tx", "bufferBytes"] : ["qos"];
  const round = (value: number) => Number(value.toPrecision(3));
  const lineBitsPerMicrosecond = gigabits * 1000;
  const streamsOf = (trafficClass: number) => scenario.traffic.filter((stream) => stream.direction !== "to-host" && classOfCustomer(scenario, qos, byQosGroup, stream.customer) === trafficClass);
  // What the priority classes' rates and the minimums leave, shared by weight among the classes with traffic that are not priority classes (as TX_SCHED holds them).
  const schedules = classSchedules(policy);
  const left = Math.max(0, 100 - schedules.reduce((sum, { schedule }) => sum + schedule.percent, 0));
  const sharing = schedules.filter(({ klass, schedule }) => !schedule.strict && byClass.has(klass.name) && streamsOf(byClass.get(klass.name)!).length > 0);
  // A weight under 1 (the driver's equal split of nothing left) counts 1, as the device takes it.
  const weights = sharing.reduce((sum, { schedule }) => sum + excessWeight(schedule), 0);
  return schedules.flatMap(({ klass, schedule }) => {
    // A priority class's percent is its policed rate: the part caps it below that as it caps a minimum. Every other class is promised its minimum, if any, and its weight's part of what they leave.
    const remainingOnly = !schedule.strict && schedule.percent === 0;
    const excessPart = schedule.strict || weights === 0 ? 0 : round((left * excessWeight(schedule)) / weights);
    const percent = round(schedule.percent + excessPart);
    // The weight as the user wrote it, or as the driver split what the written ones leave (a class with no line of its own, class-default among them).
    const weight = klass.bandwidthRemainingPercent !== undefined ? `bandwidth remaining percent ${schedule.remaining}` : `no bandwidth remaining percent: the driver's equal split, ${excessWeight(schedule)}`;
    const action = schedule.strict ? `priority percent ${percent}` : remainingOnly ? weight : `bandwidth percent ${schedule.percent}`;
    const trafficClass = byClass.get(klass.name);
    if (percent === 0 || trafficClass === undefined) return [];
    // Each size of the class's frames to the peer: the most of the line its part lets it send were they all that size, and the line a whole of the engines gives it.
    const sizes = streamsOf(trafficClass)
      .map((stream) => {
        const frameBytes = tunnelFrameBytes(stream.packetBytes);
        const wireBits = wireBytes(frameBytes) * 8;
        const dataBytes = frameBytes - ESP_FRAME_OVERHEAD;
        const held = Math.floor(partBytes / frameBytes);
        const holdMicroseconds = (fixedCycles + frameBytes / readBytesPerCycle + dataBytes / bytesPerCycle) / megahertz + wireBits / lineBitsPerMicrosecond;
        const offered = stream.load ?? wireBits / stream.gapMicroseconds! / lineBitsPerMicrosecond;
        return {
          stream: stream.name,
          frameBytes,
          held,
          holdMicroseconds,
          offered,
          lineShare: (held * wireBits) / holdMicroseconds / lineBitsPerMicrosecond,
          enginesLineShare: (engines * bytesPerCycle * megahertz * wireBits) / dataBytes / lineBitsPerMicrosecond,
          readsLineShare: (readBytesPerCycle * megahertz * wireBits) / frameBytes / lineBitsPerMicrosecond,
        };
      });
    if (sizes.length === 0) return [];
    const offered = sizes.reduce((sum, size) => sum + size.offered, 0);
    // Each size takes its own fraction of the part's time (and the engines', the reads'): what the class gets in all is their weighted harmonic mean
    // (the plain mean let a class of 9000-byte frames with a tenth of 1400-byte ones, bounded at 0.237, say 0.354 and nothing; it got 0.220).
    const combined = (capacity: (size: (typeof sizes)[number]) => number) => 1 / sizes.reduce((sum, size) => sum + size.offered / offered / capacity(size), 0);
    const bound = combined((size) => size.lineShare);
    const enginesLineShare = combined((size) => size.enginesLineShare);
    const readsLineShare = combined((size) => size.readsLineShare);
    // The promise is of the bottleneck: the line, the engines or the DMA's reads (with reads of 2 bytes a cycle, 0.16 of the line, silver got 0.078 with any buffer, and was warned of);
    // and a class offering less than its promise is held back by its part only below what it offers.
    const bottleneck = Math.min(1, enginesLineShare, readsLineShare);
    const promised = (percent / 100) * bottleneck;
    const expected = Math.min(promised, offered);
    if (bound >= expected) return [];
    // The size that offers most names the frames in the words; the bound is the class's.
    const named = sizes.reduce((most, size) => (size.offered > most.offered ? size : most));
    const unused = deviceQueues - used.size;
    const slower = bottleneck === 1 ? null : bottleneck === enginesLineShare ? "the TX crypto engines" : "the DMA's reads";
    const its = remainingOnly
      ? `its ${percent} % (its weight's part of what the priority classes and minimums leave)`
      : excessPart > 0
        ? `its ${percent} % (its minimum of ${schedule.percent} % and its weight's part, ${excessPart} %, of what the priority classes and minimums leave)`
        : `its ${percent} %`;
    const promise = offered < promised ? `the ${round(offered * 100)} % of the line it offers` : slower === null ? its : `${its} of ${slower} (slower than the line: ${round(promised * 100)} % of the line)`;
    return [
      source.at(
        given,
        `warning: the TX buffer split per class gives class ${trafficClass} ('${klass.name}', ${action}) a part of ${partBytes / 1024} KB (TXPBSIZE as the driver programs it: nic.tx.bufferBytes = ${bufferBytes}${unused > 0 ? `, less one longest frame for each of the ${unused} queue${unused === 1 ? "" : "s"} no class uses,` : ""} over the ${used.size} in use), which holds ${named.held} of its ${named.frameBytes}-byte frames (stream '${named.stream}'${sizes.length > 1 ? `, the most offered of its ${sizes.length} streams` : ""}); each holds it at least ${round(named.holdMicroseconds)} µs (its read, ${bytesPerCycle} byte${bytesPerCycle === 1 ? "" : "s"} a cycle of ${megahertz} MHz in a TX crypto engine and the engine's latency, and its time on the wire), so the class gets at most ${round(bound * 100)} % of the line, under ${promise}: a larger buffer, fewer queues in use or faster engines lift this bound`,
      ),
    ];
  });
}
