import { checkScenario } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/** Device errors that name a driver's misuse of the SA table: the built-in drivers must never provoke one. */
const SA_MISUSE = new Set(["SA_DUPLICATE", "SA_ENTRY_OCCUPIED", "STALE_SA_HANDLE", "INVALID_SA_HANDLE", "SA_RECORD_INVALID", "SA_COMMAND_BUSY"]);

/**
 * What is wrong with a scenario's run, for the fuzzer and its found scenarios: scoreboard
 * violations, a stopped run, the built-in drivers misusing the SA table, a NIC that had to evict
 * an SA itself, a Quick Mode the gateway refused for its proposal or identities. A run that cannot drain in time is not one: a host of one core under a heavy load
 * legitimately has more work than the drain limit.
 */
export function runProblems(input: ScenarioInput): string[] {
  let summary;
  try {
    ({ summary } = runScenario(checkScenario(input), { directory: null }));
  } catch (error) {
    return [`the run threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`];
  }
  const found = [...summary.violations];
  if (summary.outcome.startsWith("stopped") && found.length === 0) found.push(summary.outcome);
  const misuse = summary.nic.diagnostics.filter((diagnostic) => SA_MISUSE.has(diagnostic.split(": ")[1] ?? ""));
  if (misuse.length > 0) found.push(`the drivers misused the SA table ${misuse.length} times; the first: ${misuse[0]}`);
  // The host and its gateways propose alike: a Quick Mode refused for what it proposes or names is the model's mistake (lifetimeSeconds 0 failed every one).
  const refused = (summary.ike?.timeline ?? []).filter((entry) => entry.kind === "quick-mode-failed" && /NO_PROPOSAL_CHOSEN|INVALID_ID_INFORMATION/.test(entry.text));
  if (refused.length > 0) found.push(`${refused.length} Quick Modes refused by the gateway; the first: ${refused[0]!.gateway}: ${refused[0]!.text}`);
  // With pointer fill the driver keeps at most a table's worth of SAs: the NIC never has to push one out itself.
  if (summary.ipsec.evictions.byPointerFetch !== 0) found.push(`the NIC evicted ${summary.ipsec.evictions.byPointerFetch} SAs on its own (pointer fill)`);
  return found;
}
