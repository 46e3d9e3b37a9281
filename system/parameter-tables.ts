import { markedSection, replaceMarkedSection } from "./readme-section.js";
import { buildPipelineDemo } from "../sim/demo/build.js";
import { parameterTable } from "../sim/parameter-table.js";
import { buildPlainTraffic } from "./run-scenario.js";
import type { Component } from "../sim/component.js";

/** The README's parameter tables: the NIC system scenario, then the kernel demonstration. */
export function readmeParameterTables(): string {
  // The metric policy is a component only with placement = metric: its table comes from such a build.
  const metric = buildPlainTraffic({ parameters: { "top.driver.intermediate.placement": "metric" } }).top.driver.intermediate.policy as unknown as Component;
  return `### NIC system (a scenario's \`nic\`, \`driver\` and \`wire\` are \`top.nic\`, \`top.driver\`, \`top.wire\`; \`top.traffic\` is \`nicsim plain-traffic\`'s)\n\n${parameterTable(buildPlainTraffic().top)}\n### Seed 003's metric placement policy (with \`driver.intermediate.placement: metric\`)\n\n${parameterTable(metric)}\n### Kernel demonstration (\`nicsim demo\`)\n\n${parameterTable(buildPipelineDemo().top)}`;
}

/** The parameter section of a README: what lies between its markers. */
export function readmeParameterSection(readme: string): string | undefined {
  return markedSection(readme, "parameters");
}

/** Rewrite the parameter section of the README at `path`; returns whether it changed. */
export function replaceReadmeParameterTables(path: string): boolean {
  return replaceMarkedSection(path, "parameters", readmeParameterTables());
}
