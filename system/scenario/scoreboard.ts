import type { Kernel } from "../../sim/kernel.js";
import { formatTime } from "../../sim/time.js";
import { ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, etherType } from "../../sim/packet/ethernet.js";
import { firstDifference, read32 } from "../../sim/bytes.js";
import type { NicSystem } from "../nic-system.js";
import { framesTaken } from "../../driver/base/base-driver-types.js";
import { RingMonitor } from "./ring-monitor.js";
import type { DropAttribution } from "./drop-attribution.js";
import type { Flow } from "./flow.js";

const PROTOCOL_ESP = 50;

/**
 * The run's conservation laws, checked as it goes: every packet delivered at most once and
 * byte for byte as sent, to the host under the SPI it was sent under; within each SA the sequence numbers on the wire only increase; and,
 * at the end, every packet not delivered was taken by counted drops of its own (one per copy
 * sent), and the NIC's counters agree with what crossed the wire and what the driver received.
 * Its ring monitor checks every doorbell, descriptor fetch and write-back. The first violation
 * stops the run (its waveform is kept up to that point) with what, where and when; it is the
 * only one: what follows from it is not reported again.
 */
export class Scoreboard {
  readonly violations: string[] = [];
  /** Frames the fault injector put on the wire again on purpose (replays): exempt from the order check. */
  readonly injected = new WeakSet<Uint8Array>();
  private readonly lastSequence = new Map<number, number>();
  private readonly framesFromNic = { count: 0 };
  readonly rings: RingMonitor;

  constructor(
    private readonly kernel: Kernel,
    private readonly system: NicSystem,
    /** Which packet each counted drop took. */
    readonly drops: DropAttribution,
  ) {
    const rings = (this.rings = new RingMonitor(system.nic.queues, (what) => this.violate(what)));
    system.nic.registers.writeObservers.push((offset, value) => rings.registerWritten(offset, value));
    system.nic.dma.observers.push((request) => rings.dmaRequested(request));
    system.wire.tap((_, frame, from) => {
      if (from === "nic") this.framesFromNic.count++;
      if (this.injected.has(frame.bytes)) return;
      const bytes = frame.bytes;
      if (etherType(bytes) !== ETHERTYPE_IPV4 || bytes[ETHERNET_HEADER_BYTES + 9] !== PROTOCOL_ESP) return;
      const esp = ETHERNET_HEADER_BYTES + (bytes[ETHERNET_HEADER_BYTES]! & 0x0f) * 4;
      const spi = read32(bytes, esp);
      const sequence = read32(bytes, esp + 4);
      const last = this.lastSequence.get(spi);
      if (last !== undefined && sequence <= last) this.violate(`SPI 0x${spi.toString(16)}: ESP sequence ${sequence} on the wire (from the ${from}) after ${last}`);
      this.lastSequence.set(spi, sequence);
    });
  }

  violate(what: string): void {
    if (this.violations.length > 0) return;
    const message = `scoreboard: ${what} at ${formatTime(this.kernel.now)}`;
    this.violations.push(message);
    this.kernel.stop(message);
  }

  /** A packet the gateway sent in an ESP frame under `sentUnder` (null: not known) reached the host under SPI `spi` (null: in the clear): only the frame it was sent in, or a replay of it, may deliver it. */
  deliveredUnder(where: string, spi: number | null, sentUnder: number | null): void {
    if (sentUnder === null || spi === sentUnder) return;
    this.violate(`${where}: delivered ${spi === null ? "in the clear" : `under SPI 0x${spi.toString(16)}`}, though sent under SPI 0x${sentUnder.toString(16)} (a forged copy taken for it)`);
  }

  /** A packet arrived: was it pending (not delivered before), and is it what was sent? */
  delivered(where: string, wasPending: boolean, bytes: Uint8Array, expected: Uint8Array | null): void {
    if (!wasPending) return this.violate(`${where}: delivered again (or never sent)`);
    if (!expected) return;
    const difference = firstDifference(bytes, expected);
    if (difference) this.violate(`${where}: payload differs from what was sent (${difference})`);
  }

  /** At the end of a quiet run that no violation stopped: undelivered packets against the drops that took them, and the counters against the wire and the driver. */
  finish(flows: readonly Flow[], quiet: boolean): void {
    if (this.violations.length > 0) return;
    const lost = this.drops.check(flows);
    if (lost) return this.violate(lost);
    const nic = this.system.nic.statistics;
    const transmitted = nic.txPackets.reduce((sum, count) => sum + count, 0);
    if (transmitted !== this.framesFromNic.count) return this.violate(`the NIC counted ${transmitted} frames sent (TQPC) but ${this.framesFromNic.count} left on the wire`);
    if (!quiet) return;
    const received = nic.rxPackets.reduce((sum, count) => sum + count, 0);
    const driver = framesTaken(this.system.driver.base.statistics);
    if (received !== driver) this.violate(`the NIC counted ${received} frames received (RQPC) but the driver took ${driver} from its rings (good or flagged)`);
  }
}
