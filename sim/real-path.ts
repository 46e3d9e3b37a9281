import { realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * A path as the file system resolves it: symbolic links in the part that exists followed, the
 * rest (not made yet) joined on. Two names of one file compare equal (a link to a sweep's scenario
 * file given as its --out wrote over it; from a re-check).
 */
export function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
  }
}
