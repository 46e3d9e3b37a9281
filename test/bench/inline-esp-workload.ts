import { performance } from "node:perf_hooks";
import { container } from "../../sim/di.js";
import { AesGcmBackendToken, type AesGcmBackend } from "../../sim/crypto/backend.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { tunnelledSystem } from "../../system/tunnelled-system.js";
import { simulated, type WorkloadMeasurement } from "./workload-measurement.js";

const SENDERS = 4;

export interface InlineEspOptions {
  /** Inner packets offered, spread over the SAs in turn. */
  readonly packets: number;
  readonly packetBytes: number;
  readonly backend: AesGcmBackend;
  /** Tunnels (one outbound SA each), on traffic classes 0, 1, … */
  readonly sas: number;
  /** The NIC's SA table entries each way; the device's default when absent. */
  readonly tableEntries?: number;
}

export interface InlineEspMeasurement extends WorkloadMeasurement {
  /** Packets the NIC encrypted inline, and those the host encrypted in software (table misses). */
  readonly hardware: number;
  readonly software: number;
}

/**
 * Inline ESP at the line rate: the host sends inner packets through the intermediate driver on 4
 * senders, the NIC encrypts them, and the remote gateway decrypts and checks each (with the same
 * backend). Fewer table entries than SAs make installs, misses and software fallback happen.
 */
export function measureInlineEsp(options: InlineEspOptions): InlineEspMeasurement {
  const scope = container.createChildContainer();
  // Registered the way system code registers a backend, so the measured one is the one used.
  scope.register(AesGcmBackendToken, { useValue: options.backend });
  const entries = options.tableEntries === undefined ? {} : { "top.nic.sacache.txEntries": options.tableEntries, "top.nic.sacache.rxEntries": options.tableEntries };
  const { kernel, top, peer } = tunnelledSystem(options.sas, entries, { seed: 1, container: scope });
  top.peer.keepReceived = false;
  let delivered = 0;
  peer.onDeliver = () => delivered++;
  let wireFrames = 0;
  top.wire.tap((_, __, from) => {
    if (from === "nic") wireFrames++;
  });
  const templates = Array.from({ length: options.sas }, (_, index) => sequencedPacket("to-peer", index % 8, 0, options.packetBytes + ETHERNET_HEADER_BYTES));
  for (let sender = 0; sender < SENDERS; sender++) {
    kernel.process(`sender${sender}`, function* () {
      yield top.driver.base.whenReady();
      for (let index = sender; index < options.packets; index += SENDERS) yield* top.driver.intermediate.send(templates[index % options.sas]!);
    });
  }
  const started = performance.now();
  kernel.run({ stopWhen: () => delivered >= options.packets });
  kernel.close();
  const seconds = (performance.now() - started) / 1000;
  const counts = top.driver.intermediate.counts;
  return { offered: options.packets, wireFrames, delivered, seconds, ...simulated(kernel, top.nic), hardware: counts.hardwareTx, software: counts.softwareTx };
}
