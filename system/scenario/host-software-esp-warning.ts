import { hostCpuClockParameters } from "../../driver/cpu/host-cpu.js";
import { softwareEspCostParameters } from "../../driver/intermediate/software-esp-costs.js";
import { WIRE_PARAMETERS } from "../../hw/link/wire.js";
import { acceptedNumber, given } from "./given-number.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { streamGap } from "./stream-gap.js";

/**
 * With offload off, more software ESP offered than the host's cores can do: its cycles per packet
 * and per byte over every stream's packets, each way, against the cores' cycles. A lower bound (the
 * polls, interrupts and posting cost more), so the backlogs grow for the whole run and the drain
 * may run out: one core, 64-byte packets at 0.9 of the line, had 238,083 packets still on their
 * way after 40 ms, with no word before the run (from an architect's check). With offload on, the
 * NIC takes what its tables hold, which the run alone tells.
 */
export function hostSoftwareEspWarning(scenario: Scenario, source: SourceMap): string[] {
  const driver = scenario.driver as { cpu?: Record<string, unknown>; intermediate?: Record<string, unknown> };
  if (driver.intermediate?.offload !== false) return [];
  const cpu = driver.cpu ?? {};
  // Only values the run will have: one the parameters' check refuses gives no warning beside its error.
  const values = [
    acceptedNumber(cpu.megahertz, hostCpuClockParameters.megahertz),
    acceptedNumber(cpu.cores, hostCpuClockParameters.cores),
    acceptedNumber(driver.intermediate?.cyclesPerPacket, softwareEspCostParameters.cyclesPerPacket),
    acceptedNumber(driver.intermediate?.cyclesPerByte, softwareEspCostParameters.cyclesPerByte),
    acceptedNumber((scenario.wire as Record<string, unknown>).gigabitsPerSecond, WIRE_PARAMETERS.gigabitsPerSecond),
  ];
  if (values.some((value) => value === null)) return [];
  const [megahertz, cores, perPacket, perByte, gigabits] = values as number[];
  // Cycles a microsecond: each stream's packets a microsecond (its gap, given or made by its load), each way it goes.
  const offered = scenario.traffic.reduce((sum, stream) => {
    const gapMicroseconds = streamGap(stream, gigabits!) / 1e6;
    const ways = stream.direction === "both" ? 2 : 1;
    return sum + (ways * (perPacket! + perByte! * stream.packetBytes)) / gapMicroseconds;
  }, 0);
  const capacity = megahertz! * cores!;
  if (offered <= capacity) return [];
  return [
    source.at(
      ["driver", "intermediate", "offload"],
      `warning: driver.intermediate.offload = false: the traffic offers the host's cores at least ${Math.round(offered).toLocaleString("en-US")} cycles of software ESP a microsecond (${perPacket} a packet${given(source, ["driver", "intermediate", "cyclesPerPacket"])} and ${perByte} a byte${given(source, ["driver", "intermediate", "cyclesPerByte"])}, each stream each way it goes), more than their ${capacity.toLocaleString("en-US")} (${cores} core${cores === 1 ? "" : "s"}${given(source, ["driver", "cpu", "cores"])} at ${megahertz} MHz${given(source, ["driver", "cpu", "megahertz"])}): the host's backlog grows while the traffic lasts, and the drain may run out with packets still on their way`,
    ),
  ];
}
