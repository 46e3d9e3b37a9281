import { spawnSync } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { timeLimitProblem } from "./run-workload-process.js";

/** A build a bench runs the workload processes of: its checkout, its workload process, and how the bench names it. */
export interface Build {
  readonly checkout: string;
  readonly workloadProcess: string;
  /** Short, for its failures: "this build", or the checkout as given. */
  readonly label: string;
  /** Its checkout and, where git knows it, its commit, and whether its sources changed since it or since the build: for a header. */
  readonly name: string;
}

/** A bench's `--against <checkout>` (or `--against=<checkout>`) taken out of its arguments (which it edits): the checkout, undefined without one, null when the flag has no value. */
function takeAgainst(args: string[]): string | null | undefined {
  let first: string | null | undefined;
  // Every one taken out, the first's checkout kept: againstRepeated names a repetition.
  for (let at = args.findIndex(isAgainst); at >= 0; at = args.findIndex(isAgainst)) {
    let against: string | null;
    if (args[at]!.startsWith("--against=")) {
      against = args[at]!.slice("--against=".length) || null;
      args.splice(at, 1);
    } else {
      const next = args[at + 1];
      // An option after it is no checkout (--against --bogus read as a directory named --bogus; from an outside check).
      against = next === undefined || isOption(next) ? null : next;
      args.splice(at, against === null ? 1 : 2);
    }
    if (first === undefined) first = against;
  }
  return first;
}

const isAgainst = (arg: string): boolean => arg === "--against" || arg.startsWith("--against=");

/** A word that looks like an option: --name, or -name (not -5, a negative number, which the sizes refuse as such). */
function isOption(word: string): boolean {
  return word.startsWith("--") || /^-[^\d.]/.test(word);
}

/** `--against` given more than once, said by name: the second read as an option that is none, its checkout as one argument too many (from an outside check). */
function againstRepeated(args: readonly string[]): string | null {
  const given = args.filter(isAgainst).length;
  return given > 1 ? `--against: given ${given} times; give one checkout` : null;
}

/**
 * Take out the words that look like options but are none (after takeAgainst): what to say of them,
 * or null. One after the positional arguments read "more arguments than <workload> <size>
 * <rounds>", and one before them an unknown workload (from an outside check).
 */
function takeUnknownOptions(args: string[]): string | null {
  const unknown = args.filter(isOption);
  if (unknown.length === 0) return null;
  for (const option of unknown) args.splice(args.indexOf(option), 1);
  return `${unknown.map((word) => JSON.stringify(word)).join(" ")}: no such option (the only one is --against <checkout>)`;
}

/** This checkout, whose dist the bench runs from. */
export function thisBuild(): Build {
  const checkout = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
  const workloadProcess = fileURLToPath(new URL("./workload-process.js", import.meta.url));
  return { checkout, workloadProcess, label: "this build", name: `this build: ${checkout}${described(checkout, workloadProcess)}` };
}

/**
 * The other checkout's build, or what keeps the bench from running it. A relative path is taken
 * from where the command was typed (npm run starts the bench at the package's root: INIT_CWD is
 * the directory it was run from), and a missing directory, a file, a checkout never built and one
 * whose packages its build cannot find are told apart (each read "build that checkout first"; from
 * outside checks).
 */
export function otherBuild(against: string): Build | { readonly problem: string } {
  const checkout = isAbsolute(against) ? against : resolve(process.env.INIT_CWD ?? process.cwd(), against);
  const named = checkout === against ? against : `${against} (${checkout})`;
  if (!existsSync(checkout)) return { problem: `--against ${named}: no such directory` };
  if (!statSync(checkout).isDirectory()) return { problem: `--against ${named}: not a directory: give a checkout of this project` };
  const workloadProcess = resolve(checkout, "dist/test/bench/workload-process.js");
  if (!existsSync(workloadProcess)) return { problem: `--against ${named}: no dist/test/bench/workload-process.js there: build that checkout first (npm run build there); a checkout from before the reference workloads has none` };
  // Found as Node finds it, in the checkout's node_modules or a parent's.
  try {
    createRequire(workloadProcess).resolve("zod");
  } catch {
    return { problem: `--against ${named}: its build finds no packages (zod, from its dist): run npm ci there (or link this checkout's node_modules)` };
  }
  return { checkout, workloadProcess, label: against, name: `${named}${described(checkout, workloadProcess)}` };
}

/**
 * A bench's options taken out of its arguments (which it edits), leaving the positional ones: the
 * other build (`--against`, `required` by bench:alternate), or null, and what is wrong with the
 * options, for the bench's list of mistakes (--against missing, empty, repeated or unusable, a
 * word that looks like an option and is none, BENCH_MINUTES).
 */
export function takeBenchOptions(args: string[], required: boolean): { readonly build: Build | null; readonly problems: readonly string[] } {
  const repeated = againstRepeated(args);
  const given = againstBuild(takeAgainst(args), required);
  const problems = [given.problem, repeated, takeUnknownOptions(args), timeLimitProblem()].filter((problem) => problem !== null);
  return { build: given.build, problems };
}

/** What a bench's `--against` (takeAgainst's answer) gives: the other build, or what is wrong with it (without one, wrong only where the bench needs one), for its list of mistakes. */
function againstBuild(against: string | null | undefined, required: boolean): { readonly build: Build | null; readonly problem: string | null } {
  if (against === undefined) return { build: null, problem: required ? "--against <checkout>: missing (the build to time this one against)" : null };
  if (against === null) return { build: null, problem: "--against: no checkout after it" };
  const other = otherBuild(against);
  return "problem" in other ? { build: null, problem: other.problem } : { build: other, problem: null };
}

/**
 * " at <commit>" for a git checkout, with what makes the commit not the whole story: sources
 * changed since it (untracked ones too), or sources newer than the build (a checkout moved to
 * another commit and not built again showed the new commit for the old build; from an outside check).
 */
function described(checkout: string, workloadProcess: string): string {
  const git = (...args: string[]) => spawnSync("git", ["-C", checkout, ...args], { encoding: "utf8" });
  const found = git("rev-parse", "--show-toplevel", "--short", "HEAD");
  const [top, commit] = found.stdout.trim().split("\n");
  // A build copied under another repository's tree is not that repository's commit; a checkout reached through a link is its own.
  if (found.status !== 0 || top === undefined || commit === undefined || realpathSync(top) !== realpathSync(checkout)) return ", not a git checkout";
  const notes: string[] = [];
  if (git("status", "--porcelain").stdout.trim() !== "") notes.push("with changes not committed");
  const built = statSync(workloadProcess).mtimeMs;
  const sources = git("ls-files", "--cached", "--others", "--exclude-standard", "*.ts").stdout.split("\n").filter((file) => file !== "" && !file.startsWith("dist/"));
  if (sources.some((file) => existsSync(join(checkout, file)) && statSync(join(checkout, file)).mtimeMs > built)) notes.push("its sources newer than its build: npm run build there");
  return ` at ${commit}${notes.map((note) => `, ${note}`).join("")}`;
}
