import { buildPipelineDemo, buildSyntheticDesign, type BuildOptions } from "../../sim/demo/build.js";
import type { BankWrite } from "../../sim/demo/synthetic.js";
import type { TraceSelection } from "../../sim/vcd/selection.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";

/** Run the synthetic ring into an in-memory VCD; returns the text and every write the banks made. */
export function runSynthetic(options: BuildOptions & { order?: (count: number) => number[]; cycles: number; selection?: TraceSelection; log?: boolean }) {
  const design = buildSyntheticDesign(options);
  const sink = new MemorySink();
  const tracer = new VcdTracer({ ...options.selection, sink });
  design.kernel.traceWith(tracer);
  const log: BankWrite[] = [];
  if (options.log) for (const bank of design.top.banks) bank.log = log;
  design.kernel.run({ cycles: options.cycles });
  design.kernel.close();
  return { design, text: sink.text(), log, tracer };
}

export function runPipeline(options: BuildOptions = {}) {
  const design = buildPipelineDemo(options);
  const sink = new MemorySink();
  const tracer = new VcdTracer({ sink });
  design.kernel.traceWith(tracer);
  const result = design.kernel.run({ until: 1_000_000_000 });
  design.kernel.close();
  return { design, text: sink.text(), result, tracer };
}
