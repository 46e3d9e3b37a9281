import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import type { CapturedSa } from "../../sim/ipsec/wireshark-esp-sa.js";
import { packetSequence, type TagBytes } from "../../sim/packet/test-frames.js";
import type { EspPeer } from "../esp-peer.js";
import type { NicSystem } from "../nic-system.js";
import { DropAttribution } from "./drop-attribution.js";
import type { Direction, Flow } from "./flow.js";

/**
 * A scenario's drop attribution, watching every place that counts a drop: the NIC, the base and
 * intermediate drivers, and the gateway. A packet's first payload bytes (`tagBytes` of them) name
 * its stream; `manualSas` are the SAs keyed by hand, IKE's are searched where they are kept.
 */
export function scenarioDropAttribution(
  system: NicSystem,
  espPeer: EspPeer,
  flowsOfStream: readonly Partial<Record<Direction, Flow>>[],
  manualSas: () => readonly CapturedSa[],
  backend: AesGcmBackend,
  tagBytes: TagBytes,
): DropAttribution {
  const attribution = new DropAttribution(
    (streamIndex, direction) => flowsOfStream[streamIndex]?.[direction],
    (packet) => {
      const { trafficClass: stream, sequence } = packetSequence(packet, tagBytes);
      return { stream, sequence };
    },
    // Searched where the keys are, not in a list made afresh for each drop.
    (spi) => {
      const ike = system.driver.intermediate.ike;
      const bySpi = (captured: CapturedSa) => captured.sa.spi === spi;
      return (manualSas().find(bySpi) ?? (ike.configured ? ike.keeper.captured.find(bySpi) : undefined))?.sa;
    },
    backend,
    (address, length) => (system.memory.isMapped(address, length) ? system.memory.read(address, length) : null),
  );
  system.nic.statistics.drops.observers.push((reason, bytes) => attribution.dropped("nic", reason, bytes));
  system.driver.base.drops.observers.push((reason, drop) => attribution.dropped("driver", reason, { frame: drop.bytes }));
  system.driver.intermediate.drops.observers.push((reason, bytes) => attribution.dropped("intermediate", reason, bytes));
  espPeer.drops.observers.push((reason, bytes) => attribution.dropped("gateway", reason, bytes));
  return attribution;
}
