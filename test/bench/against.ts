import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** A bench's `--against <checkout>` taken out of its arguments (which it edits): the checkout, undefined without one, null when the flag has no value. */
export function takeAgainst(args: string[]): string | null | undefined {
  const at = args.indexOf("--against");
  if (at < 0) return undefined;
  const against = args[at + 1] ?? null;
  args.splice(at, 2);
  return against;
}

/** The other checkout's workload process; without a build there, the bench says so and exits 2. */
export function otherWorkloadProcess(against: string): string {
  const other = resolve(against, "dist/test/bench/workload-process.js");
  if (!existsSync(other)) {
    process.stderr.write(`--against ${against}: no ${other}; build that checkout first (npm run build there)\n`);
    process.exit(2);
  }
  return other;
}
