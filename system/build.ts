import { container as rootContainer, type DependencyContainer } from "../sim/di.js";
import { buildDesign, type Design } from "../sim/component.js";
import { Kernel } from "../sim/kernel.js";
import { NicSystem } from "./nic-system.js";

export interface SystemOptions {
  seed?: number;
  parameters?: Record<string, unknown>;
  parametersSource?: string;
  skipIdle?: boolean;
  /** Registrations (swapped classes) the system should use. */
  container?: DependencyContainer;
}

/** Build a NIC system (host, driver, NIC, wire, peer) on a fresh kernel. */
export function buildNicSystem(options: SystemOptions = {}): Design<NicSystem> {
  const kernel = new Kernel({ seed: options.seed, skipIdle: options.skipIdle });
  return buildDesign(kernel, NicSystem, {
    container: options.container ?? rootContainer,
    parameters: options.parameters,
    parametersSource: options.parametersSource,
  });
}
