import type { Scenario } from "./schema.js";

/** What a scenario sets for the base driver (`driver.base`), as given: the parameters' own checks come later. */
export function driverBaseSettings(scenario: Scenario): Record<string, unknown> | undefined {
  return (scenario.driver as { base?: Record<string, unknown> }).base;
}
