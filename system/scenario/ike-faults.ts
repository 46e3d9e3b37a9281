import { delay } from "../../sim/process.js";
import type { Random } from "../../sim/random.js";
import type { IkeCustomers } from "./ike-customers.js";
import type { Scenario } from "./schema.js";

/**
 * The IKE faults, at random times in the traffic: a gateway deletes one of its SA pairs with an
 * Informational Delete, or sends a malformed ISAKMP message. `times(count)` gives sorted times.
 */
export function* ikeFaults(faults: Scenario["faults"], times: (count: number) => number[], ike: IkeCustomers, random: Random) {
  const events = [...times(faults.ikeDeletes).map((time) => ({ time, kind: "delete" as const })), ...times(faults.ikeMalformed).map((time) => ({ time, kind: "malformed" as const }))];
  events.sort((a, b) => a.time - b.time);
  for (const event of events) {
    if (event.time > ike.now) yield delay(event.time - ike.now);
    if (event.kind === "delete") ike.deleteSomeTunnel(random);
    else ike.sendMalformed(random);
  }
}
