import { buildPipelineDemo } from "../sim/demo/build.js";
import { parameterTable } from "../sim/parameter-table.js";
import { buildPlainTraffic } from "./run-scenario.js";

/** The README's parameter tables: the NIC system scenario, then the kernel demonstration. */
export function readmeParameterTables(): string {
  return `### NIC system (\`nicsim run\`)\n\n${parameterTable(buildPlainTraffic().top)}\n### Kernel demonstration (\`nicsim demo\`)\n\n${parameterTable(buildPipelineDemo().top)}`;
}
