import { tunnelFrameBytes } from "../ipsec-setup.js";
import type { Direction } from "./flow.js";
import type { LoadedScenario } from "./load.js";
import type { ScenarioSystem } from "./scenario-system.js";

/**
 * The most a run may offer. In all: a run of 20 million packets takes hours. Beyond what the line
 * carries: every packet sent and not yet delivered is held in memory, about a kilobyte besides its
 * bytes, so what an overloaded run piles up is what runs out of memory. Towards the host the
 * gateway's output queue holds what waits (peer.queueFrames) and drops the rest, of which only the
 * record of each is kept.
 */
export const OFFERED_LIMITS = { packets: 20_000_000, excessPackets: 1_000_000, excessBytes: 1_000_000_000 } as const;

interface Offer {
  readonly index: number;
  readonly name: string;
  readonly direction: Direction;
  readonly packets: number;
  readonly bytes: number;
  /** Time the packets take on the wire, ps. */
  readonly wireTime: number;
}

/** Whether what the streams offer over the run (duration times rate) stays within OFFERED_LIMITS; the problems, each naming its field. */
export function runSizeProblems(loaded: LoadedScenario, top: ScenarioSystem): string[] {
  const { scenario, source } = loaded;
  // A line rate or output queue the scenario gives and its parameters refused has its default standing in: what the run offers against it is not known
  // (a rate of "100" refused, a run at 25 Gb/s was said to overload the line; from an outside check).
  const given = (group: unknown, key: string) => (group as Record<string, unknown> | undefined)?.[key];
  const stoodIn = (value: unknown, built: number) => value !== undefined && value !== built;
  if (stoodIn(given(scenario.wire, "gigabitsPerSecond"), top.wire.params.gigabitsPerSecond) || stoodIn(given(scenario.peer, "queueFrames"), top.peer.params.queueFrames)) return [];
  const duration = scenario.durationMicroseconds * 1e6;
  const at = source.at(["durationMicroseconds"], `durationMicroseconds = ${scenario.durationMicroseconds}`);
  const offers: Offer[] = scenario.traffic.flatMap((stream, index) => {
    const occupancy = top.wire.occupancy(tunnelFrameBytes(stream.packetBytes));
    const interval = stream.load !== undefined ? occupancy / stream.load : Math.round(stream.gapMicroseconds! * 1e6);
    const packets = duration / interval;
    const directions: Direction[] = stream.direction === "both" ? ["to-peer", "to-host"] : [stream.direction];
    return directions.map((direction) => ({ index, name: stream.name, direction, packets, bytes: packets * stream.packetBytes, wireTime: packets * occupancy }));
  });
  const most = (among: readonly Offer[]) => {
    const top = among.reduce((best, offer) => (offer.packets > best.packets ? offer : best));
    return `the most: ${source.locate(["traffic", top.index])}: traffic[${top.index}] '${top.name}' ${top.direction}, about ${Math.round(top.packets)} packets`;
  };
  const problems: string[] = [];
  const packets = offers.reduce((sum, offer) => sum + offer.packets, 0);
  if (packets > OFFERED_LIMITS.packets) problems.push(`${at}: the streams offer about ${Math.round(packets)} packets in it; a run takes at most ${OFFERED_LIMITS.packets}: shorten the run or lower the rates (${most(offers)})`);
  for (const direction of ["to-peer", "to-host"] as const) {
    const going = offers.filter((offer) => offer.direction === direction);
    const load = going.reduce((sum, offer) => sum + offer.wireTime, 0) / duration;
    if (load <= 1) continue;
    // What the line cannot carry in the run waits in memory.
    const excessPackets = going.reduce((sum, offer) => sum + offer.packets, 0) * (1 - 1 / load);
    const excessBytes = going.reduce((sum, offer) => sum + offer.bytes, 0) * (1 - 1 / load);
    const offered = `${at}: the streams ${direction} offer ${load.toFixed(1)} times what the line carries (wire.gigabitsPerSecond = ${top.wire.params.gigabitsPerSecond}), so about ${Math.round(excessPackets)} packets`;
    const lower = `lower the rates or shorten the run (${most(going)})`;
    if (direction === "to-host") {
      // Its queues (two with priority classes, either of which may hold the longest packets while the other goes first) hold what waits; the rest is dropped, each remembered.
      const classes = top.peer.priorityClasses.size > 0;
      const queue = top.peer.params.queueFrames * (classes ? 2 : 1);
      const packetBytes = classes ? Math.max(...going.map((offer) => offer.bytes / offer.packets)) : excessBytes / excessPackets;
      const waitingBytes = Math.min(queue, excessPackets) * packetBytes;
      if (waitingBytes > OFFERED_LIMITS.excessBytes) problems.push(`${offered}, of which the gateway's output queue (peer.queueFrames = ${top.peer.params.queueFrames}) would hold ${(waitingBytes / 1e9).toFixed(3)} GB in memory; at most ${OFFERED_LIMITS.excessBytes / 1e9} GB may: shorten the queue, or ${lower}`);
      else if (excessPackets > OFFERED_LIMITS.excessPackets) problems.push(`${offered} would wait in the gateway's output queue or be dropped when it is full (peer.queueFrames), each remembered to the run's end; at most ${OFFERED_LIMITS.excessPackets} may: ${lower}`);
      continue;
    }
    if (excessPackets <= OFFERED_LIMITS.excessPackets && excessBytes <= OFFERED_LIMITS.excessBytes) continue;
    problems.push(`${offered} (${(excessBytes / 1e9).toFixed(2)} GB) would wait in memory; at most ${OFFERED_LIMITS.excessPackets} packets and ${OFFERED_LIMITS.excessBytes / 1e9} GB may: ${lower}`);
  }
  return problems;
}
