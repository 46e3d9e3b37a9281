import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The directories whose code makes a run's figures: the device, the host's software, the kernel, the system around them. */
const MODEL_DIRECTORIES = ["hw", "sim", "driver", "system"];

let identity: string | null = null;

/**
 * A SHA-256 of the model's code as this process runs it (the compiled JavaScript, or the TypeScript
 * under a test runner), each file by its path from the model's root: two builds of one version
 * number that differ in their code differ here, and the same source built anywhere is the same.
 * Read once per process.
 */
export function modelCodeIdentity(): string {
  // This module is <root>/system/scenario/: the root is two levels up, compiled (dist/) or not.
  identity ??= codeIdentityOf(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), fileURLToPath(import.meta.url).endsWith(".ts") ? ".ts" : ".js");
  return identity;
}

/** The SHA-256 of the code files (`extension`, declarations left out) in the model's directories under `root`. */
export function codeIdentityOf(root: string, extension: ".ts" | ".js"): string {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(extension) && !entry.name.endsWith(`.d${extension}`)) files.push(path);
    }
  };
  for (const directory of MODEL_DIRECTORIES) if (existsSync(join(root, directory))) walk(join(root, directory));
  const hash = createHash("sha256");
  for (const path of files.sort()) hash.update(`${relative(root, path)}\0`).update(readFileSync(path)).update("\0");
  return hash.digest("hex");
}
