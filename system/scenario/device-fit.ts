import { classSchedules, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { MAX_QUEUES } from "../../hw/spec/registers.js";
import { tunnelFrameBytes } from "../ipsec-setup.js";
import { UDP_FRAME_OVERHEAD } from "../../sim/packet/udp-frame.js";
import { longestIkeMessageOf } from "./ike-customers.js";
import type { ScenarioCustomer } from "./schema.js";
import type { LoadedScenario } from "./load.js";
import { runSizeProblems } from "./run-size.js";
import type { ScenarioSystem } from "./scenario-system.js";
import { valueAt } from "./source-map.js";

/**
 * What a scenario asks of the device it was built with, checked before the run: every stream's
 * frames fit the NIC (its longest frame, its RX packet buffer) and the driver's rings (their
 * descriptors and buffers), each IKE customer's messages fit the NIC's longest frame, each class of the policy map has a queue of its own, and the driver
 * runs every queue the NIC steers received frames to, and
 * the run offers no more than a run can hold. Returns every problem, each with its place in the file.
 * `streamChecked` leaves out the streams that stand in for ones a scenario with mistakes could not give
 * ("length": one whose length is given but whose direction is refused, checked by its length alone);
 * `customers` are the scenario's, by index (null: one the schema refuses, not checked).
 */
export function deviceFitProblems(
  loaded: LoadedScenario,
  top: ScenarioSystem,
  streamChecked: (index: number) => boolean | "length" = () => true,
  customers: readonly (ScenarioCustomer | null)[] = loaded.scenario.customers,
): string[] {
  const { scenario, qos, source } = loaded;
  const problems: string[] = [];
  const nic = top.nic;
  const base = top.driver.base.params;
  // A value the stream's frames do not fit is named with where it was given (its line or its --set), when it was; a value refused
  // is said to be so, its default standing in (it was quoted as the default at the line that held the value refused; a scenario writer's check).
  const given = (path: string, value: number) => {
    const by = source.givenBy(path.split("."));
    if (by === null) return `${path} = ${value}`;
    const written = valueAt(scenario, path.split("."));
    if (typeof written === "number" && written !== value) return `${path} = ${value} (its default, standing in for the ${written} refused ${by})`;
    return `${path} = ${value}${by.startsWith("by ") ? `, ${by}` : ` ${by}`}`;
  };
  scenario.traffic.forEach((stream, index) => {
    const checked = streamChecked(index);
    if (!checked) return;
    const at = source.at(["traffic", index, "packetBytes"], `traffic[${index}].packetBytes = ${stream.packetBytes}`);
    for (const problem of frameFitProblems(tunnelFrameBytes(stream.packetBytes), checked === "length" ? null : stream.direction, top, given)) problems.push(`${at}: ${problem}`);
  });
  customers.forEach((customer, index) => {
    if (!customer?.ike) return;
    const longest = longestIkeMessageOf({ ...customer, ike: customer.ike });
    // An identity that is no identity of its type is refused as such, at its own place (scenario references).
    if (longest === "no identity") return;
    if (longest === null) return;
    const frame = longest.bytes + UDP_FRAME_OVERHEAD;
    const longestFrame = nic.params.maxFrameBytes;
    // An identity given by --set sizes the messages as much as the file's ike block does.
    const identityBy = source.givenBy(["customers", index, "identity", "value"]);
    const at = source.at(["customers", index, "ike"], `customers[${index}].ike (${customer.name}, ${customer.ike.mode} mode${identityBy?.startsWith("by ") ? `, its identity ${identityBy}` : ""})`);
    if (frame > longestFrame) problems.push(`${at}: its longest IKE message, ${longest.message}, makes a ${frame}-byte frame, longer than the NIC takes (${given("nic.maxFrameBytes", longestFrame)}): its IKE could not come up`);
    // The host's messages leave by its TX ring, the gateway's come by its RX ring (a frame the TX ring cannot hold threw mid-run; from a fuzzing check).
    for (const [sent, direction, sender] of [[longest.host, "to-peer", "the host"], [longest.gateway, "to-host", "the gateway"]] as const) {
      if (sent === null) continue;
      for (const problem of frameFitProblems(sent.bytes + UDP_FRAME_OVERHEAD, direction, top, given, `the longest IKE message ${sender} sends (${sent.message}) in a frame`, false)) problems.push(`${at}: ${problem}: its IKE could not come up`);
    }
  });
  const driverQueues = runningQueues(base.queues, nic.queues);
  for (const problem of driverQueueProblems(base.queues, nic.queues, given("nic.queues", nic.queues))) problems.push(source.at(["driver", "base", "queues"], `driver.base.queues = ${base.queues}: ${problem}`));
  if (qos) {
    // What to raise: the NIC's queues, the driver's, or both.
    const fewer = [...(nic.queues < MAX_QUEUES ? ["nic.queues"] : []), ...(base.queues !== 0 && base.queues < MAX_QUEUES ? ["driver.base.queues"] : [])];
    const policy = qos.policyMaps[0];
    const { byClass } = trafficClasses(qos);
    const onQueue = new Map<number, string[]>();
    for (const { klass } of classSchedules(policy)) {
      const trafficClass = byClass.get(klass.name);
      if (trafficClass === undefined) continue;
      const queue = Math.floor((trafficClass * driverQueues) / MAX_QUEUES);
      onQueue.set(queue, [...(onQueue.get(queue) ?? []), `${klass.name} (${trafficClass})`]);
    }
    for (const [queue, classes] of onQueue) {
      if (classes.length > 1) problems.push(source.at(["qos"], `qos: classes ${classes.join(" and ")} would share queue ${queue} of the ${driverQueues} the driver runs (${given("nic.queues", nic.queues)}${base.queues === 0 ? "" : `; ${given("driver.base.queues", base.queues)}`}), and one schedule: run ${MAX_QUEUES} queues (${fewer.join(" and ")}), one per traffic class`));
    }
  }
  return [...problems, ...runSizeProblems(loaded, top)];
}

/** The queues a driver asking for `asked` runs on a NIC of `nicQueues` (0 asks for every one). */
function runningQueues(asked: number, nicQueues: number): number {
  return asked === 0 ? nicQueues : Math.min(asked, nicQueues);
}

/**
 * Why a driver asking for `asked` queues does not fit a NIC of `nicQueues` (named as `nicQueuesGiven`):
 * more than it has (it would quietly run fewer), or fewer than it steers received frames to (their
 * frames dropped). For a scenario and for plain-traffic, each leading the words with its own place.
 */
export function driverQueueProblems(asked: number, nicQueues: number, nicQueuesGiven: string): string[] {
  const running = runningQueues(asked, nicQueues);
  const problems: string[] = [];
  if (asked > nicQueues) problems.push(`more than the NIC has (${nicQueuesGiven}); the driver would run ${nicQueues}: give at most ${nicQueues}, 0 for every one, or raise nic.queues`);
  if (running < nicQueues) problems.push(`the NIC steers received frames by class over its ${nicQueues} queues; a driver running ${running} would have those for ${nicQueues - running === 1 ? `queue ${running}` : `queues ${running} to ${nicQueues - 1}`} dropped (RX_QUEUE_DISABLED)`);
  return problems;
}

/**
 * Why an ESP frame of `frame` bytes, sent and received as `direction` says, cannot pass the
 * device (its longest frame, its RX packet buffer) and the driver's rings (their descriptors and
 * buffers): each value named by `given(path, value)`. With no direction (one refused), only what
 * does not depend on it: a bad direction hid a frame longer than the NIC takes (a scenario writer's check). For a scenario's streams and for the fixed
 * IMIX of plain-traffic.
 */
export function frameFitProblems(frame: number, direction: "to-peer" | "to-host" | "both" | null, design: Pick<ScenarioSystem, "nic" | "driver">, given: (path: string, value: number) => string, what = "its ESP frame", againstLongest = true): string[] {
  const problems: string[] = [];
  const base = design.driver.base.params;
  const longest = design.nic.params.maxFrameBytes;
  const tx = design.nic.tx.params;
  const rx = design.nic.rx.params;
  if (againstLongest && frame > longest) problems.push(`${what} (${frame} bytes) is longer than the NIC takes (${given("nic.maxFrameBytes", longest)})`);
  // A frame is checked against the rings it uses: the TX ring for frames to the peer, the RX ring for frames to the host.
  const sends = direction === "to-peer" || direction === "both";
  const receives = direction === "to-host" || direction === "both";
  const txDescriptors = Math.ceil(frame / base.txBufferBytes);
  const txRoom = Math.min(base.txRingDescriptors - 1, tx.descriptorCache);
  if (sends && txDescriptors > txRoom) problems.push(`${what} (${frame} bytes) needs ${txDescriptors} TX descriptors of ${base.txBufferBytes} bytes (${given("driver.base.txBufferBytes", base.txBufferBytes)}); a frame may span at most ${txRoom} (the TX ring of ${base.txRingDescriptors} less one, ${given("driver.base.txRingDescriptors", base.txRingDescriptors)}, and ${given("nic.tx.descriptorCache", tx.descriptorCache)})`);
  const rxDescriptors = Math.ceil(frame / base.rxBufferBytes);
  if (receives && rxDescriptors > base.rxRingDescriptors - 1) problems.push(`${what} (${frame} bytes) needs ${rxDescriptors} RX descriptors of ${base.rxBufferBytes} bytes (${given("driver.base.rxBufferBytes", base.rxBufferBytes)}); the RX ring of ${base.rxRingDescriptors} (${given("driver.base.rxRingDescriptors", base.rxRingDescriptors)}) holds at most ${base.rxRingDescriptors - 1}`);
  if (receives && frame > rx.bufferBytes) problems.push(`${what} (${frame} bytes) is longer than the RX packet buffer (${given("nic.rx.bufferBytes", rx.bufferBytes)})`);
  return problems;
}
