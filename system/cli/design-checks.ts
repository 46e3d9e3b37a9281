import { ScenarioError } from "../scenario/load.js";
import { buildPlainTraffic } from "../run-scenario.js";
import { checkLatencyParameters } from "../latency-report.js";
import { commandLineParameterError } from "./command-line-parameters.js";
import { checkedServeConfig, type ServeCommandOptions } from "./serve-command.js";

/** The values a command that builds a design of its own takes from the command line. */
interface DesignOptions {
  readonly set: Record<string, unknown>;
  readonly direction?: string;
}

/** Each command's check of its design's values, throwing what it finds (as the command itself would, before it runs). */
const CHECKS: Record<string, (options: DesignOptions) => void> = {
  "plain-traffic": (options) => {
    try {
      buildPlainTraffic({ parameters: options.set, parametersSource: "--set" });
    } catch (error) {
      throw commandLineParameterError(error, options.set, "plain-traffic");
    }
  },
  latency: (options) => {
    try {
      checkLatencyParameters({ directions: options.direction === "tx" || options.direction === "rx" ? [options.direction] : ["tx", "rx"], parameters: options.set, parametersSource: "--set" });
    } catch (error) {
      throw commandLineParameterError(error, options.set, "latency");
    }
  },
  serve: (options) => void checkedServeConfig(options as unknown as ServeCommandOptions),
};

/**
 * What is wrong with the design's values of a command whose options have mistakes too, found
 * with the options that were right, so that both are said at once (a refused --seed hid a
 * --set the design refuses). Empty for a command that builds no design of its own.
 */
export function designProblems(command: string, options: DesignOptions): string[] {
  const check = CHECKS[command];
  if (check === undefined) return [];
  try {
    check(options);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
}
