import { performance } from "node:perf_hooks";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSyntheticDesign } from "../../sim/demo/build.js";
import { CountingSink, FileSink, type ByteSink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";

const BANKS = 32;
const CYCLES = 40_000;

interface Measurement {
  label: string;
  seconds: number;
  evaluations: number;
  changes: number;
  bytes: number;
}

function measure(label: string, sink: ByteSink | null): Measurement {
  const { kernel } = buildSyntheticDesign({ seed: 1, parameters: { "top.banks": BANKS } });
  const tracer = sink ? new VcdTracer({ sink }) : null;
  if (tracer) kernel.traceWith(tracer);
  const started = performance.now();
  kernel.run({ cycles: CYCLES });
  kernel.close();
  const seconds = (performance.now() - started) / 1000;
  return { label, seconds, evaluations: kernel.statistics.componentEvaluations, changes: tracer?.writer.changesWritten ?? 0, bytes: tracer?.writer.bytesWritten ?? 0 };
}

// Warm up the JIT on every path before measuring.
measure("warm-up", null);
measure("warm-up", new CountingSink());

const off = measure("tracing off", null);
const counting = measure("tracing on (writer, no disk)", new CountingSink());
const file = measure("tracing on (file)", new FileSink(join(tmpdir(), "nicsim-bench.vcd")));

console.log(`kernel benchmark: ${BANKS} components x 8 data signals (+1 enum each), ${CYCLES} cycles at 250 MHz, Node ${process.version}`);
console.log("| run | wall s | cycles/s | component evaluations/s | VCD changes/s | VCD bytes/change | slowdown vs off |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const m of [off, counting, file]) {
  const perSecond = (n: number) => Math.round(n / m.seconds).toLocaleString("en-US");
  console.log(
    `| ${m.label} | ${m.seconds.toFixed(3)} | ${perSecond(CYCLES)} | ${perSecond(m.evaluations)} | ${m.changes ? perSecond(m.changes) : "-"} | ${m.changes ? (m.bytes / m.changes).toFixed(2) : "-"} | ${(m.seconds / off.seconds).toFixed(2)}x |`,
  );
}
const goalEvaluations = off.evaluations / off.seconds >= 2_000_000;
const goalTracing = file.seconds / off.seconds <= 2;
console.log(`goal >= 2,000,000 evaluations/s with tracing off: ${goalEvaluations ? "met" : "NOT met"}`);
console.log(`goal tracing on (file) at most 2x slower: ${goalTracing ? "met" : "NOT met"} (${(file.seconds / off.seconds).toFixed(2)}x)`);
