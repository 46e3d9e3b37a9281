import { identity } from "../../driver/intermediate/identity.js";
import { identityMatches } from "../../driver/intermediate/isakmp-profile.js";
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
    let presented;
    try {
      presented = identity(customer.identity.type, customer.identity.value);
    } catch {
      // An identity that is none of its type is refused at its own place.
      return [];
    }
    if (qos.profiles.some((profile) => profile.matches.some((match) => identityMatches(match, presented)))) return [];
    return [source.at(["customers", index, "identity", "value"], `warning: customers[${index}] '${customer.name}': its identity (${customer.identity.type} ${customer.identity.value}) matches no crypto isakmp profile of the qos policy: its SAs carry no tag, and its traffic lands in class-default`)];
  });
}
