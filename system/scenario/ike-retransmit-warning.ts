import { DEFAULT_HOST_CORES, DEFAULT_HOST_MEGAHERTZ } from "../../driver/cpu/host-cpu.js";
import { ikeCostParameters } from "../../driver/intermediate/ike-costs.js";
import { DEFAULT_RETRANSMIT_BACKOFF, DEFAULT_RETRANSMIT_LIMIT, DEFAULT_RETRANSMIT_MICROSECONDS, MAXIMUM_RETRANSMIT_LIMIT } from "../../driver/intermediate/ike-peer-node.js";
import { retransmitSpan } from "../../sim/ike/ike-types.js";
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

/**
 * More IKE customers than the host's cores can answer before their gateways give up: each
 * gateway's first message (MM1, AM1) costs the host a Diffie-Hellman exponentiation before its
 * reply, and a gateway that hears nothing for its whole retransmission span (every wait, the last
 * one's too) fails phase 1 (RETRANSMISSION_LIMIT). 128 customers on one core: 34 ms of answers
 * against 23.8 ms, and not one tunnel came up, with no word before the run (from an architect's
 * check). A lower bound: the rest of phase 1 costs the host more.
 */
export function phaseOneBacklogWarning(scenario: Scenario, source: SourceMap): string[] {
  const driver = scenario.driver as { cpu?: Record<string, unknown>; intermediate?: { ike?: Record<string, unknown> } };
  const ike = driver.intermediate?.ike ?? {};
  const megahertz = givenNumber(driver.cpu?.megahertz, DEFAULT_HOST_MEGAHERTZ);
  const cores = givenNumber(driver.cpu?.cores, DEFAULT_HOST_CORES);
  const exponentiation = givenNumber(ike.cyclesPerModularExponentiation, ikeCostParameters.cyclesPerModularExponentiation.defaultValue);
  const message = givenNumber(ike.cyclesPerMessage, ikeCostParameters.cyclesPerMessage.defaultValue);
  const retransmit = {
    intervalPicoseconds: givenNumber(ike.retransmitMicroseconds, DEFAULT_RETRANSMIT_MICROSECONDS) * 1e6,
    limit: givenNumber(ike.retransmitLimit, DEFAULT_RETRANSMIT_LIMIT),
    backoff: givenNumber(ike.retransmitBackoff, DEFAULT_RETRANSMIT_BACKOFF),
  };
  // Values the parameters' check refuses give no warning beside its error (a limit of 1e12 was summed wait by wait, and the check never ended; from the suite).
  if (![megahertz, cores, exponentiation, message, retransmit.intervalPicoseconds, retransmit.limit, retransmit.backoff].every((value) => Number.isFinite(value) && value >= 0) || megahertz < 1 || cores < 1) return [];
  if (!Number.isInteger(retransmit.limit) || retransmit.limit > MAXIMUM_RETRANSMIT_LIMIT) return [];
  const customers = scenario.customers.filter((customer) => customer.ike).length;
  const answers = (customers * (exponentiation + message)) / megahertz / cores;
  const span = retransmitSpan(retransmit) / 1e6;
  if (customers === 0 || answers <= span) return [];
  const ms = (microseconds: number) => `${(microseconds / 1000).toFixed(1)} ms`;
  return [
    source.at(
      ["customers"],
      `warning: customers: ${customers} IKE customers' first answers need at least ${ms(answers)} of the host's cores (a Diffie-Hellman exponentiation and a message each, ${exponentiation + message} cycles${given(source, ["driver", "intermediate", "ike", "cyclesPerModularExponentiation"])} at ${megahertz} MHz${given(source, ["driver", "cpu", "megahertz"])} on ${cores} core${cores === 1 ? "" : "s"}${given(source, ["driver", "cpu", "cores"])}), longer than a gateway waits for one (${ms(span)}: retransmitMicroseconds ${retransmit.intervalPicoseconds / 1e6}, backoff ${retransmit.backoff}, ${retransmit.limit} retransmissions): the gateways answered last give up phase 1 (RETRANSMISSION_LIMIT) and their tunnels never come up; more cores (driver.cpu.cores) or a longer wait (driver.intermediate.ike.retransmitMicroseconds) avoid it`,
    ),
  ];
}

/** Where a value the warning worked with was given, as ` (driver.cpu.megahertz by --set driver.cpu.megahertz)`; nothing for a default. */
function given(source: SourceMap, path: readonly string[]): string {
  const origin = source.givenBy(path);
  return origin === null ? "" : ` (${path.join(".")} ${origin})`;
}
