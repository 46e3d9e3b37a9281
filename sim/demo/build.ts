import { container } from "../di.js";
import { buildDesign, type Design } from "../component.js";
import { Kernel } from "../kernel.js";
import { periodOfMegahertz } from "../time.js";
import { PipelineClocksToken, PipelineDemo } from "./pipeline.js";
import { BankCreationOrder, inOrder, SyntheticDesign } from "./synthetic.js";

export interface BuildOptions {
  seed?: number;
  parameters?: Record<string, unknown>;
  skipIdle?: boolean;
  traceClocks?: boolean;
}

/** The demonstration pipeline: core clock 250 MHz, line clock 156.25 MHz. */
export function buildPipelineDemo(options: BuildOptions = {}): Design<PipelineDemo> {
  const kernel = new Kernel({ seed: options.seed, skipIdle: options.skipIdle });
  const core = kernel.clock("top.clk_core", periodOfMegahertz(250), { traced: options.traceClocks ?? true });
  const line = kernel.clock("top.clk_line", periodOfMegahertz(156.25), { traced: options.traceClocks ?? true });
  const scope = container.createChildContainer();
  scope.register(PipelineClocksToken, { useValue: { core, line } });
  return buildDesign(kernel, PipelineDemo, { container: scope, parameters: options.parameters });
}

/** The synthetic benchmark design on one 250 MHz clock; `order` fixes the banks' creation order. */
export function buildSyntheticDesign(options: BuildOptions & { order?: (count: number) => number[] } = {}): Design<SyntheticDesign> {
  const kernel = new Kernel({ seed: options.seed, skipIdle: options.skipIdle });
  const clock = kernel.clock("top.clk", periodOfMegahertz(250), { traced: options.traceClocks ?? false });
  const scope = container.createChildContainer();
  scope.register(BankCreationOrder, { useValue: options.order ?? inOrder });
  return buildDesign(kernel, SyntheticDesign, { container: scope, parameters: options.parameters, clock });
}
