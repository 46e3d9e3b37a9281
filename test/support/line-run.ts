import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import type { TraceSelection } from "../../sim/vcd/selection.js";
import { buildNicSystem } from "../../system/build.js";

/** A NIC and its peer for a test of the line's signals: traced into memory with `trace`, and keeping no received frame. */
export function lineSystem(seed: number, propagationNanoseconds: number, trace?: TraceSelection, parameters: Record<string, unknown> = {}) {
  const { kernel, top } = buildNicSystem({ seed, parameters: { "top.wire.propagationNanoseconds": propagationNanoseconds, ...parameters } });
  const sink = new MemorySink();
  if (trace) kernel.traceWith(new VcdTracer({ sink, ...trace }));
  top.peer.keepReceived = false;
  top.driver.base.keepReceived = false;
  return { kernel, top, sink };
}
