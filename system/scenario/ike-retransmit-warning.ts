import { plural } from "../../sim/plural.js";
import { hostCpuClockParameters } from "../../driver/cpu/host-cpu.js";
import { ikeCostParameters } from "../../driver/intermediate/ike-costs.js";
import { ikeRetransmitParameters } from "../../driver/intermediate/ike-peer-node.js";
import { retransmitSpan } from "../../sim/ike/ike-types.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { acceptedNumber, given } from "./given-number.js";
import { longerShown } from "./shown-longer.js";

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
  // Only values the run will have (a refused cyclesPerMessage of 2e10 was warned of beside its error; from a re-check).
  const wait = acceptedNumber(ike.retransmitMicroseconds, ikeRetransmitParameters.retransmitMicroseconds);
  const megahertz = acceptedNumber(driver.cpu?.megahertz, hostCpuClockParameters.megahertz);
  const cycles = acceptedNumber(ike.cyclesPerMessage, ikeCostParameters.cyclesPerMessage);
  if (wait === null || megahertz === null || cycles === null) return [];
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
  const cpu = driver.cpu ?? {};
  // Only values the run will have: one the parameters' check refuses gives no warning beside its error.
  const values = [
    acceptedNumber(cpu.megahertz, hostCpuClockParameters.megahertz),
    acceptedNumber(cpu.cores, hostCpuClockParameters.cores),
    acceptedNumber(ike.cyclesPerModularExponentiation, ikeCostParameters.cyclesPerModularExponentiation),
    acceptedNumber(ike.cyclesPerMessage, ikeCostParameters.cyclesPerMessage),
    acceptedNumber(ike.retransmitMicroseconds, ikeRetransmitParameters.retransmitMicroseconds),
    acceptedNumber(ike.retransmitLimit, ikeRetransmitParameters.retransmitLimit),
    acceptedNumber(ike.retransmitBackoff, ikeRetransmitParameters.retransmitBackoff),
  ];
  if (values.some((value) => value === null)) return [];
  const [megahertz, cores, exponentiation, message, waitMicroseconds, limit, backoff] = values as number[];
  const customers = scenario.customers.filter((customer) => customer.ike).length;
  // A customer's answer runs on one core: fewer customers than cores take one answer's time, not a share of one.
  const answers = (Math.ceil(customers / cores!) * (exponentiation! + message!)) / megahertz!;
  const span = retransmitSpan({ intervalPicoseconds: waitMicroseconds! * 1e6, limit: limit!, backoff: backoff! }) / 1e6;
  if (customers === 0 || answers <= span) return [];
  const ms = (microseconds: number) => `${(microseconds / 1000).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
  // Shown longer than the span, as silent streams' gaps are: "at least 23.7 ms" against "23.7 ms" read as no excess (from a re-check).
  const needed = longerShown(answers / 1000, span / 1000);
  return [
    source.at(
      ["customers"],
      `warning: customers: ${customers} IKE customer${customers === 1 ? "'s" : "s'"} first answers need at least ${needed} ms of the host's cores (a Diffie-Hellman exponentiation and a message each, ${exponentiation! + message!} cycles${given(source, ["driver", "intermediate", "ike", "cyclesPerModularExponentiation"])} at ${megahertz} MHz${given(source, ["driver", "cpu", "megahertz"])} on ${plural(cores!, "core")}${given(source, ["driver", "cpu", "cores"])}), longer than a gateway waits for one (${ms(span)}: retransmitMicroseconds ${waitMicroseconds}, backoff ${backoff}, ${plural(limit!, "retransmission")}): gateways give up phase 1 (RETRANSMISSION_LIMIT), those answered last first, and well past the wait every one (their later exchanges queue behind the others' first answers: of 256 on 2 cores none came up), and their tunnels never come up; more cores (driver.cpu.cores) or a longer wait (driver.intermediate.ike.retransmitMicroseconds) avoid it. A lower bound: the rest of phase 1 costs the host more, and gateways fail with fewer customers too`,
    ),
  ];
}
