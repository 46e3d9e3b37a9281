/**
 * Policy maps with a share refused (its value, or its line or field), by the sums it is left out
 * of: such a sum would be said without it (101 beside 24 "added up to 125"), so it is checked once
 * the share is mended. A line refused whole may have been either sum's.
 */
export type RefusedShares = Map<object, Set<"guaranteed" | "remaining">>;

/** Note a share refused in a policy map: `action` its kind, or null where it cannot be told. */
export function refuseShare(refused: RefusedShares, policy: object, action: "priority" | "bandwidth" | "remaining" | null): void {
  const sums = refused.get(policy) ?? new Set();
  if (action !== "remaining") sums.add("guaranteed");
  if (action === "remaining" || action === null) sums.add("remaining");
  refused.set(policy, sums);
}
