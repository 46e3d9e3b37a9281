import { DEFAULT_HOST_MEGAHERTZ } from "../../driver/cpu/host-cpu.js";
import { ikeCostParameters } from "../../driver/intermediate/ike-costs.js";
import { DEFAULT_RETRANSMIT_MICROSECONDS } from "../../driver/intermediate/ike-peer-node.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";

/**
 * An IKE retransmission wait shorter than the host's work for one customer's Quick Modes: each of
 * its messages costs `cyclesPerMessage` on one core, every Quick Mode brings two to the host, and a
 * wait shorter than all of them resends requests whose replies wait in line, whose copies then lengthen
 * the line (8 Quick Modes at 30 µs: half the tunnels never came up). A scenario's own choice, warned of,
 * with where the clock and the cost were given. A clock or cost the parameters' check refuses gives
 * no warning: worked out from 0 MHz it spoke of messages of Infinity µs before the error (from an outside check).
 */
export function shortIkeRetransmitWait(scenario: Scenario, source: SourceMap): string[] {
  const driver = scenario.driver as { cpu?: Record<string, unknown>; intermediate?: { ike?: Record<string, unknown> } };
  const ike = driver.intermediate?.ike ?? {};
  const wait = givenNumber(ike.retransmitMicroseconds, DEFAULT_RETRANSMIT_MICROSECONDS);
  const megahertz = givenNumber(driver.cpu?.megahertz, DEFAULT_HOST_MEGAHERTZ);
  const cycles = givenNumber(ike.cyclesPerMessage, ikeCostParameters.cyclesPerMessage.defaultValue);
  if (!(megahertz >= 1) || !Number.isFinite(megahertz) || !(cycles >= 0) || !Number.isFinite(cycles)) return [];
  const perMessage = cycles / megahertz;
  const busiest = scenario.customers.filter((customer) => customer.ike).reduce((most, customer) => Math.max(most, customer.sas), 0);
  if (busiest === 0) return [];
  const work = 2 * busiest * perMessage;
  if (wait >= work) return [];
  const waitPath = ["driver", "intermediate", "ike", "retransmitMicroseconds"];
  return [
    source.at(
      waitPath,
      `warning: driver.intermediate.ike.retransmitMicroseconds = ${wait}${source.givenBy(waitPath) === null ? " (the default)" : ""} is shorter than the host's work for a customer's ${busiest} Quick Modes (2 messages each at ${Number(perMessage.toFixed(2))} µs, ${cycles} cycles${given(source, ["driver", "intermediate", "ike", "cyclesPerMessage"])} at ${megahertz} MHz${given(source, ["driver", "cpu", "megahertz"])}: ${Number(work.toFixed(1))} µs on one core): requests are resent while their replies wait for the daemon, and the copies lengthen its line; Quick Modes may fail (RETRANSMISSION_LIMIT)`,
    ),
  ];
}

/** Where a value the warning worked with was given, as ` (driver.cpu.megahertz by --set driver.cpu.megahertz)`; nothing for a default. */
function given(source: SourceMap, path: readonly string[]): string {
  const origin = source.givenBy(path);
  return origin === null ? "" : ` (${path.join(".")} ${origin})`;
}
