import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { buildPipelineDemo } from "../../sim/demo/build.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { TraceFlag } from "../../sim/vcd/gtkw.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { complaints, gtkwave, gtkwaveAvailable } from "../support/gtkwave.js";

const available = gtkwaveAvailable();

describe.runIf(available)("GTKWave loads what we write", () => {
  const folder = mkdtempSync(join(tmpdir(), "nicsim-gtkwave-"));
  const { kernel, top } = buildPipelineDemo({ seed: 3 });
  const waveform = recordWaveform(kernel, join(folder, "demo"));
  kernel.run({ until: 1_000_000_000 });
  const files = waveform.finish();

  test("the VCD loads with no complaint and the end time the model reached", () => {
    const lines = gtkwave(["-x", files.vcd], folder);
    expect(complaints(lines)).toEqual([]);
    expect(lines).toContain(`[${kernel.now}] end time.`);
  });

  test("the complaint check catches a broken file (unknown identifier, malformed value)", () => {
    const broken = join(folder, "broken.vcd");
    writeFileSync(broken, "$timescale 1ps $end\n$scope module top $end\n$var wire 1 ! a $end\n$upscope $end\n$enddefinitions $end\n#0\n$dumpvars\n0!\n$end\n#10\n1\"\n#20\n");
    expect(complaints(gtkwave(["-x", broken], folder)).join("\n")).toMatch(/Unknown VCD identifier/);
  });

  test("the .gtkw opens the dump from another folder with every signal grouped per component and enums translated", () => {
    const script = join(folder, "inspect.tcl");
    writeFileSync(
      script,
      [
        'puts "TCL DISPLAYED [gtkwave::getDisplayedSignals]"',
        "for {set i 0} {$i < [gtkwave::getTotalNumTraces]} {incr i} { puts \"TCL TRACE [gtkwave::getTraceFlagsFromIndex $i] [gtkwave::getTraceNameFromIndex $i]\" }",
        "gtkwave::/File/Quit",
      ].join("\n"),
    );
    const elsewhere = mkdtempSync(join(tmpdir(), "nicsim-cwd-"));
    const lines = gtkwave(["-S", script, files.gtkw], elsewhere);
    expect(complaints(lines)).toEqual([]);
    const displayed = lines.find((line) => line.startsWith("TCL DISPLAYED "))!.slice("TCL DISPLAYED ".length).trim().split(/\s+/);
    const expected = waveform.tracer.items.map((item) => (item.width > 1 && item.kind !== "integer" ? `${item.path}[${item.width - 1}:0]` : item.path));
    expect([...displayed].sort()).toEqual([...expected].sort());
    const traces = lines.filter((line) => line.startsWith("TCL TRACE ")).map((line) => line.split(" "));
    const groups = traces.filter(([, , flags]) => (Number(flags) & TraceFlag.groupBegin) !== 0).map(([, , , name]) => name);
    expect(groups).toEqual(["top", "top.consumer", "top.fifo", "top.producer"]);
    const translated = traces.filter(([, , flags]) => (Number(flags) & TraceFlag.fileTranslated) !== 0).map(([, , , name]) => name);
    expect(translated).toEqual(["state[1:0]", "state[1:0]"]);
    expect(files.filters).toHaveLength(2);
    expect(top.producer.wordsSent.value).toBeGreaterThan(0);
  });
});

describe.runIf(available)("GTKWave opens the default run's save file as shipped", () => {
  const folder = mkdtempSync(join(tmpdir(), "nicsim-gtkwave-default-"));
  runScenario(defaultScenario({ durationMicroseconds: 60 }), { directory: folder });

  test("with no complaint, on a window holding its named markers, stages in order and error codes translated", () => {
    const script = join(folder, "inspect.tcl");
    writeFileSync(
      script,
      [
        'puts "TCL WINDOW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime]"',
        'foreach letter {A B C D} { puts "TCL MARKER $letter [gtkwave::getNamedMarker $letter]" }',
        "for {set i 0} {$i < [gtkwave::getTotalNumTraces]} {incr i} { puts \"TCL TRACE [gtkwave::getTraceFlagsFromIndex $i] [gtkwave::getTraceNameFromIndex $i]\" }",
        "gtkwave::/File/Quit",
      ].join("\n"),
    );
    const lines = gtkwave(["-S", script, "default.gtkw"], folder);
    expect(complaints(lines)).toEqual([]);
    const [from, to] = lines.find((line) => line.startsWith("TCL WINDOW "))!.split(" ").slice(2).map(Number);
    expect(from).toBeGreaterThan(0);
    expect(to! - from!).toBeGreaterThan(500_000);
    const markers = lines.filter((line) => line.startsWith("TCL MARKER ")).map((line) => Number(line.split(" ")[3])).filter((time) => time >= 0);
    expect(markers.length).toBeGreaterThanOrEqual(2);
    for (const time of markers) expect(time >= from! && time <= to!, `marker at ${time} ps in ${from}..${to}`).toBe(true);
    const traces = lines.filter((line) => line.startsWith("TCL TRACE ")).map((line) => line.split(" "));
    const stages = traces.filter(([, , flags, ...name]) => (Number(flags) & TraceFlag.groupBegin) !== 0 && !name.join(" ").startsWith("top."));
    expect(stages.map(([, , , ...name]) => name.join(" "))).toEqual(["IKE", "traffic", "driver", "rings", "DMA", "SA table", "crypto", "MAC", "wire", "interrupts and errors"]);
    const lastCode = traces.find(([, , , name]) => name === "last_code[4:0]")!;
    expect(Number(lastCode[2]) & TraceFlag.fileTranslated).not.toBe(0);
  });

  // From a new user's check: a story window ending where a windowed dump ends (its `to` on the last marker) made GTKWave refuse the start and open at the dump's start, the markers off screen.
  test("a windowed dump whose story reaches its end opens on the story, not at the dump's start", () => {
    const markers = readFileSync(join(folder, "default.gtkw"), "utf8").split("\n").find((line) => line.startsWith("*"))!.split(" ").slice(2).map(Number).filter((time) => time >= 0);
    // Each marker after the first as the dump's end, and 2 ns after it: GTKWave refuses a start whose window, at the zoom as written, passes the dump's end by a picosecond.
    // The markers before the end stay on screen (a shift of a hundredth of the window put the anchor 2 ns before the end off it; from a re-check).
    for (const end of markers.slice(1).flatMap((marker) => [marker, marker + 2_000])) {
      const windowed = mkdtempSync(join(tmpdir(), "nicsim-gtkwave-window-"));
      runScenario(defaultScenario({ durationMicroseconds: 60, "outputs.waveformFromMicroseconds": (markers[0]! - 2_000_000) / 1e6, "outputs.waveformToMicroseconds": end / 1e6 }), { directory: windowed });
      const script = join(windowed, "window.tcl");
      writeFileSync(script, ['puts "TCL WINDOW [gtkwave::getWindowStartTime] [gtkwave::getWindowEndTime] [gtkwave::getMinTime] [gtkwave::getMaxTime]"', "gtkwave::/File/Quit"].join("\n"));
      const lines = gtkwave(["-S", script, "default.gtkw"], windowed);
      expect(complaints(lines)).toEqual([]);
      const [start, shownEnd, dumpStart, dumpEnd] = lines.find((line) => line.startsWith("TCL WINDOW "))!.split(" ").slice(2).map(Number);
      expect(dumpEnd).toBe(end);
      expect(start, `ending at ${end}: opened at ${start} in ${dumpStart}..${dumpEnd}`).toBeGreaterThan(dumpStart!);
      for (const marker of markers.filter((time) => time >= start! && time < end)) expect(marker, `ending at ${end}: shown ${start}..${shownEnd}`).toBeLessThanOrEqual(shownEnd!);
    }
  });
});
