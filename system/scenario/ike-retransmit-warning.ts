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
 * the line (8 Quick Modes at 30 µs: half the tunnels never came up). A scenario's own choice, warned of.
 */
export function shortIkeRetransmitWait(scenario: Scenario, source: SourceMap): string[] {
  const driver = scenario.driver as { cpu?: Record<string, unknown>; intermediate?: { ike?: Record<string, unknown> } };
  const ike = driver.intermediate?.ike ?? {};
  const wait = givenNumber(ike.retransmitMicroseconds, DEFAULT_RETRANSMIT_MICROSECONDS);
  const megahertz = givenNumber(driver.cpu?.megahertz, DEFAULT_HOST_MEGAHERTZ);
  const perMessage = givenNumber(ike.cyclesPerMessage, ikeCostParameters.cyclesPerMessage.defaultValue) / megahertz;
  const busiest = scenario.customers.filter((customer) => customer.ike).reduce((most, customer) => Math.max(most, customer.sas), 0);
  if (busiest === 0) return [];
  const work = 2 * busiest * perMessage;
  if (wait >= work) return [];
  return [
    source.at(
      ["driver", "intermediate", "ike", "retransmitMicroseconds"],
      `warning: driver.intermediate.ike.retransmitMicroseconds = ${wait} is shorter than the host's work for a customer's ${busiest} Quick Modes (2 messages each at ${Number(perMessage.toFixed(2))} µs: ${Number(work.toFixed(1))} µs on one core): requests are resent while their replies wait for the daemon, and the copies lengthen its line; Quick Modes may fail (RETRANSMISSION_LIMIT)`,
    ),
  ];
}
