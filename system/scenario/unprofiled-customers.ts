import { identity } from "../../driver/intermediate/identity.js";
import { firstMatchingProfile } from "../../driver/intermediate/isakmp-profile.js";
import type { QosConfig } from "../../driver/intermediate/qos-config.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";

/**
 * Customers whose identity no ISAKMP profile of the policy matches: their SAs carry no tag and
 * their traffic lands in class-default, which a misspelt identity or match line would do silently.
 */
export function unprofiledCustomers(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  if (qos === null) return [];
  return scenario.customers.flatMap((customer, index) => {
    // Matched by a profile, or an identity that is none of its type (refused at its own place).
    if (customerProfile(customer, qos) !== "none") return [];
    return [source.at(["customers", index, "identity", "value"], `warning: customers[${index}] '${customer.name}': its identity (${customer.identity.type} ${customer.identity.value}) matches no crypto isakmp profile of the qos policy: its SAs carry no tag, and its traffic lands in class-default`)];
  });
}

/** The ISAKMP profile a customer's identity selects (the first that matches), "none" when no profile does, or null for an identity that is none of its type. */
export function customerProfile(customer: Scenario["customers"][number], qos: QosConfig): QosConfig["profiles"][number] | "none" | null {
  let presented;
  try {
    presented = identity(customer.identity.type, customer.identity.value);
  } catch {
    return null;
  }
  return firstMatchingProfile(qos.profiles, presented) ?? "none";
}
