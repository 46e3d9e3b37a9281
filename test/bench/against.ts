import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A build a bench runs the workload processes of: its checkout, its workload process, and how the bench names it. */
export interface Build {
  readonly checkout: string;
  readonly workloadProcess: string;
  /** Its checkout and, where git knows it, its commit (and whether its sources were changed since). */
  readonly name: string;
}

/** A bench's `--against <checkout>` taken out of its arguments (which it edits): the checkout, undefined without one, null when the flag has no value. */
export function takeAgainst(args: string[]): string | null | undefined {
  const at = args.indexOf("--against");
  if (at < 0) return undefined;
  const against = args[at + 1] ?? null;
  args.splice(at, 2);
  return against;
}

/** This checkout, whose dist the bench runs from. */
export function thisBuild(): Build {
  const checkout = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
  return { checkout, workloadProcess: fileURLToPath(new URL("./workload-process.js", import.meta.url)), name: `this build (${checkout}${commitOf(checkout)})` };
}

/**
 * The other checkout's build, or what keeps the bench from running it. A relative path is taken
 * from where the command was typed (npm run starts the bench at the package's root: INIT_CWD is
 * the directory it was run from), and a missing directory, a file, a checkout never built and one
 * without its packages are told apart (each read "build that checkout first"; from an outside check).
 */
export function otherBuild(against: string): Build | { readonly problem: string } {
  const checkout = isAbsolute(against) ? against : resolve(process.env.INIT_CWD ?? process.cwd(), against);
  const named = checkout === against ? against : `${against} (${checkout})`;
  if (!existsSync(checkout)) return { problem: `--against ${named}: no such directory` };
  if (!statSync(checkout).isDirectory()) return { problem: `--against ${named}: not a directory: give a checkout of this project` };
  const workloadProcess = resolve(checkout, "dist/test/bench/workload-process.js");
  if (!existsSync(workloadProcess)) return { problem: `--against ${named}: no dist/test/bench/workload-process.js there: build that checkout first (npm run build there); a checkout from before the reference workloads has none` };
  if (!existsSync(resolve(checkout, "node_modules"))) return { problem: `--against ${named}: no node_modules there: run npm ci there (or link this checkout's node_modules)` };
  return { checkout, workloadProcess, name: `${named}${commitOf(checkout)}` };
}

/** The benches' way out when `--against` cannot be run: what is wrong, and exit status 2. */
export function otherBuildOrExit(against: string): Build {
  const other = otherBuild(against);
  if ("problem" in other) {
    process.stderr.write(`${other.problem}\n`);
    process.exit(2);
  }
  return other;
}

/** " at <commit>", with "changes not committed" where its sources differ from it, for a git checkout; "" for a copy of a build: what a comparison was of. */
function commitOf(checkout: string): string {
  const git = (...args: string[]) => spawnSync("git", ["-C", checkout, ...args], { encoding: "utf8" });
  const commit = git("rev-parse", "--show-toplevel", "--short", "HEAD");
  const [top, hash] = commit.stdout.trim().split("\n");
  // A directory inside another repository (a build copied under /tmp/x of a checkout) is not that repository's commit.
  if (commit.status !== 0 || top === undefined || hash === undefined || resolve(top) !== resolve(checkout)) return "";
  const changed = git("status", "--porcelain", "--untracked-files=no").stdout.trim() !== "";
  return ` at ${hash}${changed ? ", with changes not committed" : ""}`;
}
