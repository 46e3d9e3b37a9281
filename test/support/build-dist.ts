import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
/** What tsconfig.json compiles: a change to any of them makes dist stale. */
const SOURCES = ["index.ts", "examples", "sim", "hw", "driver", "system", "test", "vitest.config.ts"];

function newestSource(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return path.endsWith(".ts") ? stats.mtimeMs : 0;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestSource(join(path, entry)));
  return newest;
}

/**
 * Vitest's global setup: the tests that run the CLI, and the worker threads it starts, load
 * dist/; it is built here once, before any test, when missing or older than a source (a test
 * that built it itself raced the others reading it, and a fresh clone's tests ran without it).
 * A stamp dated when a build that succeeded began says what dist/ was built from: tsc writes its
 * output even on a type error, after which dist/ looked newer than every source, and a source
 * saved during a build is newer than the stamp.
 */
export default function buildDist(): void {
  const stamp = join(root, "dist/.built-for-tests");
  const stale = !existsSync(stamp) || SOURCES.some((source) => existsSync(join(root, source)) && newestSource(join(root, source)) > statSync(stamp).mtimeMs);
  if (!stale) return;
  rmSync(stamp, { force: true });
  const began = new Date();
  const build = spawnSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`building dist/ for the tests failed (tsc -p tsconfig.json):\n${build.stdout}${build.stderr}`);
  writeFileSync(stamp, "dist/ as the tests last built it; see test/support/build-dist.ts\n");
  utimesSync(stamp, began, began);
}
