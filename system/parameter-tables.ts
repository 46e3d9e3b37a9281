import { markedSection, replaceMarkedSection } from "./readme-section.js";
import { buildPipelineDemo } from "../sim/demo/build.js";
import { parameterTable } from "../sim/parameter-table.js";
import { buildPlainTraffic, PLAIN_TRAFFIC_DEFAULTS } from "./run-scenario.js";
import { defaultScenario } from "./scenario/default-scenario.js";
import { buildScenario } from "./scenario/run.js";
import type { Component } from "../sim/component.js";

/** The README's parameter tables: the default scenario's NIC system (with seed 003's metric placement policy, which it uses), plain-traffic's traffic, then the kernel demonstration. */
export function readmeParameterTables(): string {
  const system = buildScenario(defaultScenario()).top;
  const plainTraffic = buildPlainTraffic().top.traffic as unknown as Component;
  const plainTrafficSettings = Object.entries(PLAIN_TRAFFIC_DEFAULTS).map(([path, value]) => `\`${path}\` = ${String(value)}`).join(", ");
  return [
    `### NIC system (a scenario's \`nic\`, \`driver\`, \`wire\` and \`peer\` are \`top.nic\`, \`top.driver\`, \`top.wire\`, \`top.peer\`; "value" is the default scenario's, \`npm start\`, whose placement is seed 003's metric policy)\n\n${parameterTable(system)}`,
    `### \`nicsim plain-traffic\`'s traffic (\`top.traffic\`; that run also sets ${plainTrafficSettings})\n\n${parameterTable(plainTraffic)}`,
    `### Kernel demonstration (\`nicsim demo\`)\n\n${parameterTable(buildPipelineDemo().top)}`,
  ].join("\n");
}

/** The parameter section of a README: what lies between its markers. */
export function readmeParameterSection(readme: string): string | undefined {
  return markedSection(readme, "parameters");
}

/** Rewrite the parameter section of the README at `path`; returns whether it changed. */
export function replaceReadmeParameterTables(path: string): boolean {
  return replaceMarkedSection(path, "parameters", readmeParameterTables());
}
