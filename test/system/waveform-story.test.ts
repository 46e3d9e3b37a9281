import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { TraceFlag } from "../../sim/vcd/gtkw.js";
import { readSaveFile } from "../support/gtkw-save-file.js";
import { changesByPath, readVcd } from "../../sim/vcd/read-vcd.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

describe("the default run's save file opens on its story", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-story-"));
  const run = runScenario(defaultScenario({ durationMicroseconds: 60 }), { directory });
  const base = join(directory, "default");
  const saved = readSaveFile(readFileSync(`${base}.gtkw`, "utf8"));

  /** Each dumped path's change times after the start (the dump begins at 0: nothing moves at 0). */
  const changeTimes = async (): Promise<Map<string, number[]>> => {
    const vcd = await readVcd(readFileSync(`${base}.vcd`));
    return new Map([...changesByPath(vcd)].map(([path, list]) => [path, list.map((change) => change.time).filter((time) => time > 0)]));
  };

  test("a window around the first crypto preemption of the run, with named markers inside it", async () => {
    const changes = await changeTimes();
    const preemptions = [...changes].filter(([path]) => /^top\.nic\.crypto_(tx|rx)\.engine\d+\.preemption$/.test(path)).flatMap(([, times]) => times);
    const first = Math.min(...preemptions);
    expect(saved.window.from).toBeGreaterThan(0);
    expect(saved.window.from).toBeLessThan(first);
    expect(saved.window.to).toBeGreaterThan(first);
    expect(saved.window.to - saved.window.from).toBeGreaterThan(500_000);
    expect(saved.markers.length).toBeGreaterThanOrEqual(2);
    expect(saved.markers.map((marker) => marker.letter)).toEqual(saved.markers.map((_, index) => String.fromCharCode(65 + index)));
    for (const marker of saved.markers) {
      expect(marker.time, marker.name).toBeGreaterThanOrEqual(saved.window.from);
      expect(marker.time, marker.name).toBeLessThanOrEqual(saved.window.to);
    }
    expect(saved.markers.find((marker) => / crypto suspends$/.test(marker.name))?.time).toBe(first);
    expect(run.summary.outcome).toBe("every packet arrived");
  });

  test("groups in data-flow order, only the ones holding a marker open", () => {
    const stages = saved.groups.filter((group) => group.depth === 0);
    expect(stages.map((group) => group.name)).toEqual(["IKE", "traffic", "driver", "rings", "DMA", "SA table", "crypto", "MAC", "wire", "interrupts and errors"]);
    const opened = saved.groups.filter((group) => group.depth === 1 && (group.flags & TraceFlag.closed) === 0).map((group) => group.name);
    // The default run's window holds a host core suspending software ESP, the TX crypto engine's suspension and the suspended job's end, nothing else marked.
    expect(saved.markers.map((marker) => marker.name)).toEqual(["core2 preempted", "TX crypto suspends", "TX suspended job done"]);
    expect(opened).toEqual(["top.driver.cpu.core2", "top.nic.crypto_tx.engine0"]);
    expect(stages.filter((group) => (group.flags & TraceFlag.closed) === 0).map((group) => group.name)).toEqual(["driver", "crypto"]);
  });

  test("queues that carried nothing are left out, the others are there", async () => {
    const changes = await changeTimes();
    const shown = new Set(saved.traces.map((trace) => /^top\.nic\.(tx|rx)\.q\d+/.exec(trace.name)?.[0]));
    const carried = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((queue) => [`top.nic.tx.q${queue}`, `top.nic.rx.q${queue}`]).filter((queue) => (changes.get(`${queue}.head`) ?? []).length > 0);
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.length).toBeLessThan(16);
    expect([...shown].filter((queue) => queue !== undefined).sort()).toEqual(carried.sort());
  });

  test("counters in decimal, error codes and other enums through their translate filters", () => {
    const counters = ["top.nic.sacache.installs", "top.driver.cpu.core0.preemptions", "top.nic.errors.count", "top.nic.mac.tx_frames"];
    for (const name of counters) {
      const trace = saved.traces.find((entry) => entry.name === name)!;
      expect(trace.flags & (TraceFlag.decimal | TraceFlag.hex), name).toBe(TraceFlag.decimal);
    }
    expect(saved.traces.find((trace) => trace.name.startsWith("top.nic.errors.last_code"))?.filter).toBe("default.filters/error_code.txt");
    expect(readFileSync(join(directory, "default.filters/error_code.txt"), "utf8")).toMatch(/^19 SA_DUPLICATE$/m);
    for (const trace of saved.traces.filter((entry) => /\.(state|work|path|message)\[/.test(entry.name))) expect(trace.filter, trace.name).toMatch(/^default\.filters\/\w+\.txt$/);
  });
});

describe("the story is found in what the run did, not at fixed times", () => {
  test("a dump that ends before any crypto preemption opens on the first host preemption in it", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-story-early-"));
    // The traffic starts once IKE has brought every customer up: the window is its first 1 to 20 µs.
    const traffic = runScenario(defaultScenario({ durationMicroseconds: 30, "outputs.waveform": false, "outputs.pcap": false, "outputs.html": false }), { directory: null }).design.top.traffic;
    const start = (traffic.trafficEnd - traffic.trafficDuration) / 1e6;
    runScenario(defaultScenario({ durationMicroseconds: 30, "outputs.waveformFromMicroseconds": start + 1, "outputs.waveformToMicroseconds": start + 20 }), { directory });
    const base = join(directory, "default");
    const saved = readSaveFile(readFileSync(`${base}.gtkw`, "utf8"));
    const vcd = await readVcd(readFileSync(`${base}.vcd`));
    const from = Math.round((start + 1) * 1e6);
    const preempted = [...changesByPath(vcd)].filter(([path]) => /^top\.driver\.cpu\.core\d+\.preempted$/.test(path)).flatMap(([, list]) => list.map((change) => change.time).filter((time) => time > from));
    const cryptoSuspends = vcd.changes.filter((change) => /\.crypto_(tx|rx)\.engine\d+\.preemption$/.test(change.path) && change.time > from);
    expect(cryptoSuspends).toEqual([]);
    const first = Math.min(...preempted);
    expect(saved.markers[0]).toMatchObject({ time: first, name: expect.stringMatching(/^core\d preempted$/) });
    expect(saved.window.from).toBeGreaterThanOrEqual(from);
    expect(saved.window.from).toBeLessThan(first);
    expect(saved.window.to).toBeGreaterThan(first);
  });
});

describe("a run without IKE", () => {
  test("has no IKE group: the traffic's lines are a group of their own", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-story-no-ike-"));
    const customers = defaultScenario().scenario.customers.map(({ name, identity, sas }) => ({ name, identity, sas }));
    runScenario(defaultScenario({ customers, durationMicroseconds: 100, "outputs.pcap": false, "outputs.html": false }), { directory });
    const saved = readSaveFile(readFileSync(join(directory, "default.gtkw"), "utf8"));
    const stages = saved.groups.filter((group) => group.depth === 0).map((group) => group.name);
    expect(stages[0]).toBe("traffic");
    expect(stages).not.toContain("IKE");
    expect(saved.traces.filter((trace) => trace.groups.includes("traffic")).map((trace) => trace.name)).toContain("top.traffic.traffic_started");
  });
});
