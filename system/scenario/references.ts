import { identity, IdentityError } from "../../driver/intermediate/identity.js";
import { didYouMean } from "../../sim/suggest.js";
import { IDENTITY_TYPES } from "./schema.js";
import type { SourceMap } from "./source-map.js";

type Problem = (path: PropertyKey[], message: string) => void;

const record = (value: unknown): Record<string, unknown> | null => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null);
const entries = (value: unknown): Array<Record<string, unknown> | null> => (Array.isArray(value) ? value.map(record) : []);

/**
 * The checks across fields: names defined twice, streams of customers that do not exist,
 * identities whose value is not of their type, the waveform's window, the SAs in all. They read
 * the values as given, so that they run even when the schema found mistakes elsewhere.
 */
export function referenceProblems(value: unknown, source: SourceMap, problem: Problem): void {
  const root = record(value) ?? {};
  const customers = new Set<string>();
  let sas = 0;
  entries(root.customers).forEach((customer, index) => {
    const name = customer?.name;
    if (typeof name === "string") {
      if (customers.has(name)) problem(["customers", index, "name"], `customer '${name}' is defined twice`);
      customers.add(name);
    }
    sas += typeof customer?.sas === "number" ? customer.sas : 1;
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
  const streams = new Set<string>();
  entries(root.traffic).forEach((stream, index) => {
    const name = stream?.name;
    if (typeof name === "string") {
      if (streams.has(name)) problem(["traffic", index, "name"], `stream '${name}' is defined twice`);
      streams.add(name);
    }
    const customer = stream?.customer;
    if (Array.isArray(root.customers) && typeof customer === "string" && !customers.has(customer)) problem(["traffic", index, "customer"], `no customer '${customer}'${didYouMean(customer, customers)} (customers: ${[...customers].join(", ")})`);
  });
  const outputs = record(root.outputs);
  const from = outputs?.waveformFromMicroseconds;
  const to = outputs?.waveformToMicroseconds;
  if (typeof from === "number" && typeof to === "number" && to < from) {
    problem(["outputs", "waveformToMicroseconds"], `${to} µs is before outputs.waveformFromMicroseconds = ${from} µs (${source.locate(["outputs", "waveformFromMicroseconds"])}): the waveform's window would end before it starts`);
  }
  if (sas > 256) problem(["customers"], `${sas} SA pairs in all; at most 256 (their SPIs and inner ports must stay distinct)`);
}
