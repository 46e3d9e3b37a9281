import { spawnSync } from "node:child_process";

/**
 * Whether an external tool is installed. Locally a missing tool skips its tests with a message
 * saying what to install; under CI (CI=true) a missing tool is a failure.
 */
export function requireTool(command: string, debianPackage: string): boolean {
  const found = spawnSync("sh", ["-c", `command -v ${command}`]).status === 0;
  if (found) return true;
  const message = `${command} is not installed: apt-get install -y --no-install-recommends ${debianPackage}`;
  if (process.env.CI === "true") throw new Error(`CI requires ${message}`);
  console.warn(`skipping tests that need ${message}`);
  return false;
}
