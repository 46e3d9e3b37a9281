import { container as rootContainer } from "../sim/di.js";
import { buildDesign, type Design } from "../sim/component.js";
import { Kernel } from "../sim/kernel.js";
import { formatNanoseconds } from "../sim/time.js";
import type { Nic } from "../hw/nic.js";
import { FLAGGED_DROP_REASONS } from "../hw/spec/drop-reasons.js";
import { DIAGNOSTICS_KEPT } from "../hw/error-log.js";
import { NicHardware } from "./nic-system.js";
import { checkSystemOptions, type SystemOptions } from "./build.js";

/** The NIC, host memory, wire and peer with no driver: attach your own driver process to `top.nic` and `top.memory`. */
export function buildNic(options: Omit<SystemOptions, "skipIdle"> & { skipIdle?: boolean } = {}): Design<NicHardware> {
  checkSystemOptions("buildNic", options);
  const kernel = new Kernel({ seed: options.seed, skipIdle: options.skipIdle });
  return buildDesign(kernel, NicHardware, { container: options.container ?? rootContainer, parameters: options.parameters, parametersSource: options.parametersSource });
}

export interface DeviceDiagnostics {
  /** The misuses and faults the device reported, in order: what, where (queue, descriptor, field), when; past DIAGNOSTICS_KEPT × 2 the first and last DIAGNOSTICS_KEPT, with a line between saying how many are not kept. */
  readonly errors: readonly string[];
  /** All it reported, kept or not, and by code. */
  readonly errorCount: number;
  readonly errorsByCode: Readonly<Record<string, number>>;
  /** Frames and packets the device dropped, by reason. */
  readonly drops: Readonly<Record<string, number>>;
  /** Frames it delivered with an error in their descriptor (ESP_ICV_FAILED, ESP_MALFORMED), by reason: the driver drops those. */
  readonly flagged: Readonly<Record<string, number>>;
  /** Frames sent and received per queue. */
  readonly txPackets: readonly number[];
  readonly rxPackets: readonly number[];
}

/** Frames the device holds at a run's end: received and waiting for their ring's descriptors, or written to the host and not yet all landed; taken from the TX rings and not yet wholly on the line. */
export function framesInDevice(nic: Nic): { readonly inRxBuffer: number; readonly inTxDevice: number } {
  return { inRxBuffer: nic.rx.framesHeld, inTxDevice: nic.tx.framesHeld + nic.mac.framesHeld };
}

/** The device's counts of frames it delivers with an error in their descriptor, not drops of its own (its statistics count them with those). */
const FLAGGED: ReadonlySet<string> = new Set(FLAGGED_DROP_REASONS);

/** The device's errors, each after its time, all in nanoseconds (a list mixing "1576992 ns" and "1619662125 ps" read badly). */
export function diagnosticLines(nic: Nic): string[] {
  const lines = nic.diagnostics.map((diagnostic) => `${formatNanoseconds(diagnostic.time)}: ${diagnostic.message}`);
  const notKept = nic.errorLog.diagnosticCount - lines.length;
  if (notKept > 0) lines.splice(DIAGNOSTICS_KEPT, 0, `… ${notKept} more not kept (the first and the last ${DIAGNOSTICS_KEPT} are; errorsByCode counts them all)`);
  return lines;
}

/** What the device says about the driver that drove it. */
export function diagnostics(nic: Nic): DeviceDiagnostics {
  // A library caller may pass anything: undefined failed reading the error log of nothing (from a driver developer's check).
  if (typeof nic !== "object" || nic === null || !("errorLog" in nic)) throw new TypeError("diagnostics: expected the NIC (a design's top.nic)");
  return {
    errors: diagnosticLines(nic),
    errorCount: nic.errorLog.diagnosticCount,
    errorsByCode: Object.fromEntries(nic.errorLog.countsByCode),
    drops: Object.fromEntries([...nic.statistics.drops].filter(([reason]) => !FLAGGED.has(reason))),
    flagged: Object.fromEntries([...nic.statistics.drops].filter(([reason]) => FLAGGED.has(reason))),
    txPackets: [...nic.statistics.txPackets],
    rxPackets: [...nic.statistics.rxPackets],
  };
}
