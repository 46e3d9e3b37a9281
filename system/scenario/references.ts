import { identity, IdentityError } from "../../driver/intermediate/identity.js";
import { didYouMean } from "../../sim/suggest.js";
import { plural } from "../../sim/plural.js";
import { isMapping } from "./parameter-tree.js";
import { IDENTITY_TYPES, LIMITS } from "./schema.js";
import type { SourceMap } from "./source-map.js";

type Problem = (path: PropertyKey[], message: string) => void;

const record = (value: unknown): Record<string, unknown> | null => (isMapping(value) ? value : null);
const entries = (value: unknown): Array<Record<string, unknown> | null> => (Array.isArray(value) ? value.map(record) : []);

/** Where the first of two names was given (` (first as traffic[0]'s name, by --set traffic.0.name)`): a `--set` may have made the second. */
function firstGiven(source: SourceMap, list: "customers" | "traffic", index: number): string {
  const where = source.givenBy([list, index, "name"]);
  return ` (first as ${list}[${index}]'s name${where === null ? "" : `, ${where}`})`;
}

/**
 * The checks across fields: names defined twice, streams of customers that do not exist,
 * identities whose value is not of their type, the waveform's window, the SAs in all. They read
 * the values as given, so that they run even when the schema found mistakes elsewhere.
 */
export function referenceProblems(value: unknown, source: SourceMap, problem: Problem): void {
  const root = record(value) ?? {};
  const customers = new Map<string, number>();
  let sas = 0;
  // Whether every customer's SA count is one the schema takes: a count from one it refuses (1.5, -3, "2") would be said wrongly.
  let sasAsGiven = true;
  ikeProblems(entries(root.customers), record(root.faults), source, problem);
  const signalNames = new Map<string, string>();
  entries(root.customers).forEach((customer, index) => {
    const name = customer?.name;
    if (typeof name === "string") {
      if (customers.has(name)) problem(["customers", index, "name"], `customer '${name}' is defined twice${firstGiven(source, "customers", customers.get(name)!)}`);
      // The waveform names a customer's signals with '_' for '-': two names may not meet there.
      const signal = name.replace(/[^A-Za-z0-9_]/g, "_");
      const other = signalNames.get(signal);
      if (other !== undefined && other !== name) problem(["customers", index, "name"], `customer '${name}' and customer '${other}' would name the same waveform signals (${signal}_…): the waveform writes '-' as '_'`);
      signalNames.set(signal, name);
      if (!customers.has(name)) customers.set(name, index);
    }
    // A count the schema refuses (past 64) is reported there, not again as the total.
    sas += typeof customer?.sas === "number" && customer.sas <= LIMITS.customerSas ? customer.sas : 1;
    if (customer?.sas !== undefined && !(Number.isInteger(customer.sas) && (customer.sas as number) >= 1 && (customer.sas as number) <= LIMITS.customerSas)) sasAsGiven = false;
    const given = record(customer?.identity);
    const type = given?.type;
    if (typeof type !== "string" || !(IDENTITY_TYPES as readonly string[]).includes(type) || typeof given?.value !== "string" || given.value === "") return;
    try {
      identity(type as (typeof IDENTITY_TYPES)[number], given.value);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      problem(["customers", index, "identity", "value"], error.message);
    }
  });
  const streams = new Map<string, number>();
  entries(root.traffic).forEach((stream, index) => {
    const name = stream?.name;
    if (typeof name === "string") {
      if (streams.has(name)) problem(["traffic", index, "name"], `stream '${name}' is defined twice${firstGiven(source, "traffic", streams.get(name)!)}`);
      else streams.set(name, index);
    }
    const customer = stream?.customer;
    if (Array.isArray(root.customers) && typeof customer === "string" && !customers.has(customer)) problem(["traffic", index, "customer"], `no customer '${customer}'${renamedBy(customer, root.customers, source) ?? didYouMean(customer, customers.keys())} (${customers.size === 0 ? "no customer has a name" : `customers: ${[...customers.keys()].join(", ")}`})`);
  });
  const outputs = record(root.outputs);
  const from = outputs?.waveformFromMicroseconds;
  const to = outputs?.waveformToMicroseconds;
  if (typeof from === "number" && typeof to === "number" && to < from) {
    problem(["outputs", "waveformToMicroseconds"], `${to} µs is before outputs.waveformFromMicroseconds = ${from} µs (${source.locate(["outputs", "waveformFromMicroseconds"])}): the waveform's window would end before it starts`);
  }
  if (sas > LIMITS.sas) problem(["customers"], `${sas} SA pairs in all; at most ${LIMITS.sas} (their SPIs and inner ports must stay distinct)`);
  const crossTunnel = record(root.faults)?.crossTunnelProbability;
  if (typeof crossTunnel === "number" && crossTunnel > 0 && sasAsGiven && sas < 2) problem(["faults", "crossTunnelProbability"], `a copy under another tunnel's SA needs a second tunnel: the customers have ${plural(sas, "SA pair")} in all (give a customer 'sas: 2', or add a customer)`);
}

/** How a `--set` renamed the customer a stream names (the file has that name at a customer a `--set` gave another), or null. */
function renamedBy(name: string, customers: readonly unknown[], source: SourceMap): string | null {
  for (let index = 0; index < customers.length; index++) {
    const place = source.locate(["customers", index, "name"]);
    if (!place.startsWith("--set ") || source.fileValue(["customers", index, "name"]) !== name) continue;
    const renamed = record(customers[index])?.name;
    return typeof renamed === "string" ? `: ${place} renamed it to '${renamed}'` : place === `--set customers.${index}.name` ? `: ${place} gave that customer a name that is no name` : `: ${place} replaced that customer with one without a name`;
  }
  return null;
}

/** Why an IPv4 address cannot be a gateway's, or null when it can. */
function unusableAddress([first, second, third, fourth]: number[]): string | null {
  if (first === 0) return "in 0.0.0.0/8 (this network)";
  if (first === 127) return "a loopback address";
  if (first! >= 224 && first! <= 239) return "a multicast address";
  if (first! >= 240) return first === 255 && second === 255 && third === 255 && fourth === 255 ? "the broadcast address" : "reserved (240.0.0.0/4)";
  if (first === 10 && second === 0 && third === 0) return "inside the tunnels' own inner subnet 10.0.0.0/24";
  return null;
}

/** The address of the gateway of the customer at `index` when the scenario gives none: 192.0.2.10 on, then 198.51.100.1 on. */
export function defaultGatewayAddress(index: number): string {
  return index < 245 ? `192.0.2.${10 + index}` : `198.51.100.${index - 244}`;
}

/**
 * IKE's checks: each gateway its own address (a Main Mode responder picks the pre-shared key by
 * address, so two gateways at one address could not both come up), none at the host's, and SA
 * faults that have manually keyed SAs to work on.
 */
function ikeProblems(customers: Array<Record<string, unknown> | null>, faults: Record<string, unknown> | null, source: SourceMap, problem: Problem): void {
  const addresses = new Map<string, { readonly index: number; readonly where: PropertyKey[] }>();
  let manual = 0;
  let throughIke = 0;
  customers.forEach((customer, index) => {
    const ike = record(customer?.ike);
    if (!ike) {
      manual++;
      return;
    }
    // Counted whatever its address: a malformed one (192.0.2.01) made the IKE faults say no customer used IKE (from an outside check).
    throughIke++;
    const given = typeof ike.address === "string" ? ike.address : defaultGatewayAddress(index);
    const where = typeof ike.address === "string" ? ["customers", index, "ike", "address"] : ["customers", index, "ike"];
    const parts = given.split(".").map(Number);
    // The schema refuses what is not a.b.c.d (leading zeros too: 192.0.2.011 was also said to clash with 192.0.2.11); here the ones a gateway cannot have.
    if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part > 255)) return;
    const address = parts.join(".");
    if (address !== given) return;
    const unusable = unusableAddress(parts);
    if (unusable) problem(where, `${given} is ${unusable}: a gateway needs a unicast address of its own`);
    else if (address === "192.0.2.1") problem(where, "192.0.2.1 is the host's own address; give the gateway another");
    else if (address === "192.0.2.2") problem(where, "192.0.2.2 is the manually keyed customers' gateway; give this gateway another");
    const other = addresses.get(address);
    // The other customer is named at the place its address came from (its own line, or the --set that gave it).
    if (other !== undefined) problem(where, `gateway address ${address} is customer ${other.index}'s too (${source.locate(other.where)}): each IKE gateway needs its own, as Main Mode picks the pre-shared key by address`);
    else addresses.set(address, { index, where });
  });
  if (throughIke > 0 && manual === 0) {
    for (const field of ["rekeys", "inboundRekeys", "deletes"]) {
      const count = faults?.[field];
      if (typeof count === "number" && count > 0) problem(["faults", field], `changes manually keyed SAs, and every customer here comes up through IKE: use customers[].ike.lifetimeKilobytes or lifetimeSeconds for rekeys, faults.ikeDeletes for deletes`);
    }
  }
  if (throughIke === 0) {
    for (const field of ["ikeDeletes", "ikeMalformed", "ikeLossProbability"]) {
      const count = faults?.[field];
      if (typeof count === "number" && count > 0) problem(["faults", field], "needs a customer that comes up through IKE (customers[].ike)");
    }
  }
}
