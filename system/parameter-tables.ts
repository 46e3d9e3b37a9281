import { readFileSync, writeFileSync } from "node:fs";
import { buildPipelineDemo } from "../sim/demo/build.js";
import { parameterTable } from "../sim/parameter-table.js";
import { buildPlainTraffic } from "./run-scenario.js";

/** The README's parameter tables: the NIC system scenario, then the kernel demonstration. */
export function readmeParameterTables(): string {
  return `### NIC system (a scenario's \`nic\`, \`driver\` and \`wire\` are \`top.nic\`, \`top.driver\`, \`top.wire\`; \`top.traffic\` is \`nicsim plain-traffic\`'s)\n\n${parameterTable(buildPlainTraffic().top)}\n### Kernel demonstration (\`nicsim demo\`)\n\n${parameterTable(buildPipelineDemo().top)}`;
}

const START = "<!-- parameters:start -->\n";
const END = "\n<!-- parameters:end -->";

/** The parameter section of a README: what lies between its markers. */
export function readmeParameterSection(readme: string): string | undefined {
  return readme.split(START)[1]?.split(END)[0];
}

/** Rewrite the parameter section of the README at `path`; returns whether it changed. */
export function replaceReadmeParameterTables(path: string): boolean {
  const readme = readFileSync(path, "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END, start);
  if (start < 0 || end < 0) throw new Error(`${path}: no ${START.trim()} … ${END.trim()} markers`);
  const updated = readme.slice(0, start + START.length) + readmeParameterTables().trimEnd() + readme.slice(end);
  if (updated === readme) return false;
  writeFileSync(path, updated);
  return true;
}
