import type { ScenarioCustomer } from "./schema.js";

type Identity = ScenarioCustomer["identity"];

/** Valid identities of the types whose ID payload has one length whatever the address. */
const FIXED: Partial<Record<Identity["type"], string>> = {
  ID_IPV4_ADDR: "192.0.2.1",
  ID_IPV4_ADDR_SUBNET: "192.0.2.0/24",
  ID_IPV4_ADDR_RANGE: "192.0.2.1-192.0.2.2",
  ID_IPV6_ADDR: "2001:db8::1",
  ID_IPV6_ADDR_SUBNET: "2001:db8::/32",
  ID_IPV6_ADDR_RANGE: "2001:db8::1-2001:db8::2",
};

/**
 * A valid identity of the same type whose ID payload is as long as the given one's: to size the
 * IKE messages of a customer whose identity is none of its type (refused at its own place), since
 * their sizes follow from the lengths alone. Null where the length follows from the content (a DER name).
 */
export function sameSizeIdentity(identity: Identity): Identity | null {
  // A name is sent without its trailing dot (presentedIdentity).
  const bytes = new TextEncoder().encode(identity.value.replace(/\.$/, "")).length;
  if (identity.type === "ID_FQDN" && bytes >= 1) return { type: identity.type, value: "a".repeat(bytes) };
  if (identity.type === "ID_USER_FQDN" && bytes >= 3) return { type: identity.type, value: `a@${"a".repeat(bytes - 2)}` };
  const fixed = FIXED[identity.type];
  return fixed === undefined ? null : { type: identity.type, value: fixed };
}
