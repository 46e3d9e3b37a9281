import type { QosConfig } from "../../driver/intermediate/qos-config.js";
import { WIRE_PARAMETERS } from "../../hw/link/wire.js";
import { givenNumber } from "./given-number.js";
import { cryptoWindowWarning } from "./crypto-window-warning.js";
import { doorbellBatchWarning } from "./doorbell-batch-warning.js";
import { phaseOneBacklogWarning, shortIkeRetransmitWait } from "./ike-retransmit-warning.js";
import { interruptIntervalWarning } from "./interrupt-interval-warning.js";
import { priorityBurstWarnings } from "./priority-burst-warning.js";
import { contextSlotWarnings } from "./context-slot-warning.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { unprofiledCustomers } from "./unprofiled-customers.js";
import { unreachableWriteBackThreshold } from "./write-back-threshold.js";
import { txBufferPartWarnings } from "./tx-buffer-part-warning.js";
import { longerShown } from "./shown-longer.js";
import { streamGap } from "./stream-gap.js";
import { shortLifetimeWarnings } from "./short-lifetime-warning.js";
import { hostSoftwareEspWarning } from "./host-software-esp-warning.js";
import { inertParameterWarnings } from "./inert-parameter-warnings.js";

/**
 * What a valid scenario is warned of (accepted, likely not meant), each at its place in the file, in this order: how its customers
 * map to the policy, which stands beside a refusal of the design, then what the run would do with its values, which may weigh the
 * very value refused (warningsBesideRefusal; a customer no profile matched was withheld beside a refused line rate: from a re-check).
 */
export function scenarioWarnings(scenario: Scenario, qos: QosConfig | null, source: SourceMap): { readonly mapping: string[]; readonly run: string[] } {
  return { mapping: unprofiledCustomers(scenario, qos, source), run: runWarnings(scenario, qos, source) };
}

function runWarnings(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  return [
    ...silentStreams(scenario, source),
    ...unreachableWriteBackThreshold(scenario, source),
    ...doorbellBatchWarning(scenario, source),
    ...inertParameterWarnings(scenario, source),
    ...interruptIntervalWarning(scenario, source),
    ...shortIkeRetransmitWait(scenario, source),
    ...phaseOneBacklogWarning(scenario, source),
    ...hostSoftwareEspWarning(scenario, source),
    ...shortLifetimeWarnings(scenario, source),
    ...cryptoWindowWarning(scenario, qos, source),
    ...priorityBurstWarnings(scenario, qos, source),
    ...contextSlotWarnings(scenario, qos, source),
    ...txBufferPartWarnings(scenario, qos, source),
  ];
}


/**
 * Streams that send no packet: a constant one whose gap, in the picoseconds the run counts, is
 * longer than the traffic; a Poisson one whose mean gap makes none more likely than not (no
 * arrival in the traffic's time T has the chance e^(-T/gap)). A stream given by load has the gap
 * its frames' line time over the load makes, as its sender counts it (a load of 0.00001 over
 * 50 µs sent nothing without a word, from a scenario writer's check).
 */
function silentStreams(scenario: Scenario, source: SourceMap): string[] {
  const picoseconds = (microseconds: number) => Math.round(microseconds * 1e6);
  const traffic = picoseconds(scenario.durationMicroseconds);
  const gigabits = givenNumber((scenario.wire as Record<string, unknown>).gigabitsPerSecond, WIRE_PARAMETERS.gigabitsPerSecond.defaultValue);
  return scenario.traffic.flatMap((stream, index) => {
    const byLoad = stream.gapMicroseconds === undefined;
    const gap = streamGap(stream, gigabits);
    const none = Math.exp(-traffic / gap);
    if (stream.pattern === "constant" ? gap <= traffic : none <= 0.5) return [];
    const sends = stream.pattern === "constant" ? "it sends no packet" : `it sends none with a chance of ${Math.round(none * 100)}%`;
    const kind = stream.pattern === "constant" ? "gap" : "mean gap";
    const what = byLoad ? `its load of ${stream.load} makes a ${kind} of ${longerShown(gap / 1e6, scenario.durationMicroseconds)} µs between its ${stream.packetBytes}-byte packets at ${gigabits} Gb/s, longer` : `its ${kind} of ${stream.gapMicroseconds} µs is longer`;
    return [source.at(["traffic", index, byLoad ? "load" : "gapMicroseconds"], `warning: traffic[${index}] '${stream.name}': ${what} than the traffic's ${scenario.durationMicroseconds} µs: ${sends}`)];
  });
}

