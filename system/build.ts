import { container as rootContainer, type DependencyContainer } from "../sim/di.js";
import { buildDesign, type Design } from "../sim/component.js";
import { Kernel } from "../sim/kernel.js";
import { NicSystem } from "./nic-system.js";
import { valueKind } from "../sim/shown-value.js";
import { unknownKeys } from "../sim/suggest.js";

export interface SystemOptions {
  seed?: number;
  parameters?: Record<string, unknown>;
  parametersSource?: string;
  skipIdle?: boolean;
  /** Registrations (swapped classes) the system should use. */
  container?: DependencyContainer;
}

/** The options a build takes. */
const SYSTEM_OPTIONS: readonly (keyof SystemOptions)[] = ["seed", "parameters", "parametersSource", "skipIdle", "container"];

/**
 * The options a build was given, checked as a library caller may pass anything: null or a string
 * for the options, or null for the parameters, failed deep inside with a TypeError, and a
 * mistyped option (`paramters`) was ignored, the build made with defaults (from driver developers' checks).
 */
export function checkSystemOptions(call: string, options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) throw new TypeError(`${call}: the options must be an object ({ seed, parameters, … }), not ${valueKind(options)}`);
  const unknown = unknownKeys(options, SYSTEM_OPTIONS, "option", "options");
  if (unknown !== null) throw new TypeError(`${call}: ${unknown}`);
  const parameters = (options as { parameters?: unknown }).parameters;
  if (parameters !== undefined && (typeof parameters !== "object" || parameters === null || Array.isArray(parameters))) throw new TypeError(`${call}: options.parameters must be an object of parameter paths and values, not ${valueKind(parameters)}`);
}

/** Build a NIC system (host, driver, NIC, wire, peer) on a fresh kernel. */
export function buildNicSystem(options: SystemOptions = {}): Design<NicSystem> {
  checkSystemOptions("buildNicSystem", options);
  const kernel = new Kernel({ seed: options.seed, skipIdle: options.skipIdle });
  return buildDesign(kernel, NicSystem, {
    container: options.container ?? rootContainer,
    parameters: options.parameters,
    parametersSource: options.parametersSource,
  });
}
