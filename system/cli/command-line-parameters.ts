import { ParameterError } from "../../sim/errors.js";
import { ScenarioError } from "../scenario/load.js";
import { scenarioPath } from "../scenario/overrides.js";
import { parameterErrorProblems } from "../scenario/parameter-check.js";
import { SourceMap } from "../scenario/source-map.js";

/**
 * An error from building a design whose parameters the command line gave (`--set`, by full path):
 * a ParameterError becomes the problems `run` would print, each `--set` named once by the path
 * as a scenario spells it; a value not from a `--set` is named by `origin` (the command's own
 * values, or its scenario file). Any other error is returned as it is.
 */
export function commandLineParameterError(error: unknown, set: Record<string, unknown>, origin: string): unknown {
  if (!(error instanceof ParameterError)) return error;
  return new ScenarioError(parameterErrorProblems(error, new SourceMap(origin, null, null, Object.keys(set).map(scenarioPath))));
}
