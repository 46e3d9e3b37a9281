import { spawnSync } from "node:child_process";
import { requireTool } from "./tools.js";

export const gtkwaveAvailable = (): boolean => requireTool("gtkwave", "gtkwave") && requireTool("xvfb-run", "xvfb");

/** Lines GTKWave prints for a file it loaded cleanly; anything else is a complaint. */
const BENIGN = [/^$/, /^GTKWave Analyzer v[\d.]+ \(w\)1999-\d+ BSI$/, /^\[\d+\] start time\.$/, /^\[\d+\] end time\.$/, /^Exiting early because of --exit request\.$/, /^Exiting\.$/, /^GTKWAVE \| Executing Tcl script/];

/** Run GTKWave under a virtual display; returns its output lines, trimmed. */
export function gtkwave(args: string[], cwd: string): string[] {
  const result = spawnSync("xvfb-run", ["-a", "gtkwave", ...args], { cwd, encoding: "utf8", timeout: 120_000 });
  if (result.error) throw result.error;
  return `${result.stdout}\n${result.stderr}`.split("\n").map((line) => line.trim());
}

/** The lines that are neither benign nor our own Tcl output. */
export function complaints(lines: string[]): string[] {
  return lines.filter((line) => !BENIGN.some((pattern) => pattern.test(line)) && !line.startsWith("TCL "));
}
