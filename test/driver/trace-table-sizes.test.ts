import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readTrace } from "../../driver/caching/trace.js";
import { parseTableEntries, runPolicyEvaluation } from "../../system/policy-eval.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

const directory = mkdtempSync(join(tmpdir(), "nicsim-trace-"));
// Tables of different sizes each way, so that each is seen to reach its own direction.
runScenario(defaultScenario({ durationMicroseconds: 30, "nic.sacache.txEntries": 5, "nic.sacache.rxEntries": 7, "outputs.waveform": false, "outputs.pcap": false, "outputs.html": false }), { directory });
const tracePath = join(directory, "default.sa-trace.jsonl");

const capacities = (base: string) => (JSON.parse(readFileSync(`${base}.json`, "utf8")) as { workload: string; capacity: number }[]).map(({ workload, capacity }) => `${workload.slice(tracePath.length + 1)} ${capacity}`);

describe("an SA trace carries its run's table sizes", () => {
  test("the run writes them in a header that reading picks up", () => {
    expect(readFileSync(tracePath, "utf8").split("\n")[0]).toBe('{"tableEntries":{"tx":5,"rx":7}}');
    const { tableEntries, accesses } = readTrace(tracePath);
    expect(tableEntries).toEqual({ tx: 5, rx: 7 });
    expect(accesses.length).toBeGreaterThan(10);
  });

  test("policy-eval --trace replays each direction at its run's table size, unless told others", () => {
    runPolicyEvaluation(join(directory, "recorded"), [tracePath]);
    expect(capacities(join(directory, "recorded"))).toEqual(["tx 5", "rx 7"]);
    runPolicyEvaluation(join(directory, "given"), [tracePath], undefined, { tx: 3, rx: 2 });
    expect(capacities(join(directory, "given"))).toEqual(["tx 3", "rx 2"]);
  });

  test("a trace without a header (an older one, or written by hand) is still read, at fractions of its SAs", () => {
    const old = join(directory, "old.jsonl");
    writeFileSync(old, readFileSync(tracePath, "utf8").split("\n").slice(1).join("\n"));
    expect(readTrace(old).tableEntries).toBeNull();
    runPolicyEvaluation(join(directory, "old"), [old]);
    const rows = JSON.parse(readFileSync(join(directory, "old.json"), "utf8")) as { workload: string; capacity: number }[];
    expect(rows.map((row) => row.workload)).toEqual(rows.map(() => old));
    expect(rows.length).toBeGreaterThan(1);
  });

  test("a trace under a run's temporary name (.partial) is evaluated with a warning that it ends early; a whole one gets none", () => {
    const partial = join(directory, "cut.sa-trace.jsonl.partial");
    writeFileSync(partial, readFileSync(tracePath, "utf8"));
    expect(runPolicyEvaluation(join(directory, "cut"), [partial]).warnings).toEqual([`${partial}: a temporary name: the run writing this trace did not finish (or is still running), so it holds only the accesses up to where it stopped`]);
    expect(runPolicyEvaluation(join(directory, "whole"), [tracePath]).warnings).toEqual([]);
  });

  test("a bad header or table size is refused, naming the line and the field", () => {
    const bad = join(directory, "bad.jsonl");
    writeFileSync(bad, '{"tableEntries":{"tx":0,"rx":4}}\n');
    expect(() => readTrace(bad)).toThrow(`${bad}:1: field 'tableEntries.tx' must be a whole number of entries, from 1 to 65535`);
    // Past what SA_TABLE_SIZE can say, as --table-entries refuses it (it was taken without a word).
    writeFileSync(bad, '{"tableEntries":{"tx":70000,"rx":4}}\n');
    expect(() => readTrace(bad)).toThrow(`${bad}:1: field 'tableEntries.tx' must be a whole number of entries, from 1 to 65535`);
    expect(parseTableEntries("70000")).toMatch(/^expected entries/);
    expect(parseTableEntries("8")).toEqual({ tx: 8, rx: 8 });
    expect(parseTableEntries("8,16")).toEqual({ tx: 8, rx: 16 });
    expect(parseTableEntries("8,")).toMatch(/^expected entries/);
  });
});

describe("SA deletions in a trace", () => {
  const removalDirectory = mkdtempSync(join(tmpdir(), "nicsim-trace-removals-"));

  test("are written among the accesses where they happened, and read back to the same place", async () => {
    const { writeTrace } = await import("../../driver/caching/trace.js");
    const path = join(removalDirectory, "written.jsonl");
    const access = (sa: number, time: number) => ({ sa, time, bytes: 100, direction: "tx" as const });
    writeTrace(path, [access(1, 10), access(2, 20), access(1, 30)], { tx: 1, rx: 1 }, [{ sa: 1, time: 15, direction: "tx", after: 1 }, { sa: 2, time: 40, direction: "tx", after: 3 }]);
    expect(readFileSync(path, "utf8").split("\n").slice(1, 6)).toEqual([
      '{"sa":1,"time":10,"bytes":100,"direction":"tx"}',
      '{"sa":1,"time":15,"direction":"tx","removed":true}',
      '{"sa":2,"time":20,"bytes":100,"direction":"tx"}',
      '{"sa":1,"time":30,"bytes":100,"direction":"tx"}',
      '{"sa":2,"time":40,"direction":"tx","removed":true}',
    ]);
    const read = readTrace(path);
    expect(read.accesses).toHaveLength(3);
    expect(read.removals).toEqual([{ sa: 1, time: 15, direction: "tx", after: 1 }, { sa: 2, time: 40, direction: "tx", after: 3 }]);
  });

  test("a removal line with a mistake is named by its line", () => {
    const path = join(removalDirectory, "wrong.jsonl");
    writeFileSync(path, '{"sa":1,"time":10,"bytes":100,"direction":"tx"}\n{"sa":1,"time":15,"direction":"tx","removed":false}\n{"sa":1,"time":16,"direction":"up","removed":true}\n');
    expect(() => readTrace(path)).toThrow(`${path}:2: field 'removed' must be true when given (an SA deleted there)\n${path}:3: field 'direction' must be "tx" or "rx"`);
  });

  test("table sizes past a trace's first line are refused as such (they were read as an access without its fields: an outside check)", () => {
    const path = join(removalDirectory, "late-header.jsonl");
    writeFileSync(path, '{"sa":1,"time":1000,"direction":"tx"}\n{"tableEntries":{"tx":1,"rx":1}}\n');
    expect(() => readTrace(path)).toThrow(`${path}:2: the table sizes ({"tableEntries":…}) go on a trace's first line`);
  });
});
