import { describe, expect, test } from "vitest";
import { identifierCode } from "../../sim/vcd/identifier.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdError, VcdWriter } from "../../sim/vcd/writer.js";
import { readVcd } from "../support/read-vcd.js";

const header = { date: "fixed", version: "test" };

describe("identifier codes", () => {
  test("are base 94 over '!'..'~', shortest first, and never repeat", () => {
    expect([0, 1, 93, 94, 95, 94 + 94 * 94].map(identifierCode)).toEqual(["!", '"', "~", "!!", '"!', "!!!"]);
    const seen = new Set<string>();
    for (let index = 0; index < 20_000; index++) {
      const code = identifierCode(index);
      expect(code).toMatch(/^[!-~]+$/);
      seen.add(code);
    }
    expect(seen.size).toBe(20_000);
  });
});

describe("VcdWriter", () => {
  test("writes IEEE 1364 header, nested scopes, $dumpvars and only real changes", async () => {
    const sink = new MemorySink();
    const writer = new VcdWriter(sink, header);
    const clk = writer.declare("top.clk", "wire", 1);
    const data = writer.declare("top.nic.data", "reg", 8);
    const count = writer.declare("top.nic.count", "integer", 32);
    const wide = writer.declare("top.nic.key_id", "reg", 100);
    const done = writer.declare("top.nic.done", "event", 1);
    writer.begin(0, () => 0);
    writer.setTime(5);
    writer.change(clk, 1);
    writer.change(data, 0xa5);
    writer.change(data, 0xa5);
    writer.setTime(7);
    writer.change(data, 0xa5);
    writer.setTime(9);
    writer.change(wide, (1n << 99n) | 1n);
    writer.trigger(done);
    writer.change(count, 3);
    writer.close(20);
    const text = sink.text();
    expect(text).toBe(
      [
        "$date\n\tfixed\n$end",
        "$version\n\ttest\n$end",
        "$timescale 1ps $end",
        "$var wire 1 ! clk $end",
        "$scope module nic $end",
        '$var reg 8 " data $end',
        "$var integer 32 # count $end",
        "$var reg 100 $ key_id $end",
        "$var event 1 % done $end",
        "$upscope $end",
        "$enddefinitions $end",
        "#0",
        "$dumpvars",
        "0!",
        'b0 "',
        "b0 #",
        "b0 $",
        "$end",
        "#5",
        "1!",
        'b10100101 "',
        "#9",
        `b1${"0".repeat(98)}1 $`,
        "1%",
        "b11 #",
        "#20",
        "",
      ].join("\n").replace("$timescale 1ps $end\n$var wire", "$timescale 1ps $end\n$scope module top $end\n$var wire").replace("$upscope $end\n$enddefinitions", "$upscope $end\n$upscope $end\n$enddefinitions"),
    );
    const parsed = await readVcd(text);
    expect(parsed.variables.map(({ path, type, width }) => `${type} ${width} ${path}`)).toEqual([
      "wire 1 top.clk",
      "reg 8 top.nic.data",
      "integer 32 top.nic.count",
      "reg 100 top.nic.key_id",
      "event 1 top.nic.done",
    ]);
    expect(parsed.endTime).toBe(20);
    expect(parsed.changes.find((change) => change.path === "top.nic.key_id" && change.time === 9)?.value).toBe((1n << 99n) | 1n);
  });

  test("misuse is rejected with a precise message", () => {
    const writer = new VcdWriter(new MemorySink(), header);
    const v = writer.declare("top.v", "reg", 4);
    expect(() => writer.declare("top.v", "wire", 1)).toThrow("duplicate VCD variable 'top.v'");
    expect(() => writer.declare("top.v.x", "wire", 1)).toThrow("'top.v' is both a variable and a scope");
    expect(() => writer.declare("top.a b", "wire", 1)).toThrow(/segment 'a b' is not a valid name/);
    expect(() => writer.declare("top.e", "event", 2)).toThrow(VcdError);
    writer.begin(100, () => 0);
    expect(() => writer.declare("top.late", "wire", 1)).toThrow("cannot declare 'top.late' after the header was written (time has advanced to 100 ps)");
    expect(() => writer.change(v, 16)).toThrow("value 0x10 is wider than 'top.v' (4 bits) at 100 ps");
    writer.setTime(200);
    expect(() => writer.setTime(150)).toThrow("time went backwards: 150 ps after 200 ps");
  });

  test("buffers output and flushes in bounded chunks", () => {
    const sink = new MemorySink();
    const writer = new VcdWriter(sink, header);
    const v = writer.declare("top.v", "reg", 32);
    writer.begin(0, () => 0);
    for (let t = 1; t <= 50_000; t++) {
      writer.setTime(t);
      writer.change(v, t);
    }
    expect(sink.writes.length).toBeGreaterThan(10);
    expect(Math.max(...sink.writes.map((chunk) => chunk.length))).toBeLessThan(64 * 1024 + 100);
    writer.close(50_000);
    expect(writer.changesWritten).toBe(50_000);
  });
});
