import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { inspectVcd } from "../../system/cli/inspect.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdWriter } from "../../sim/vcd/writer.js";
import { type ParsedChange, readVcd, readVcdAsWritten, UnreadableVcdError } from "../../sim/vcd/read-vcd.js";

const TWO_TO_32 = 2 ** 32;
const LAST_EXACT = Number.MAX_SAFE_INTEGER;

/**
 * A dump from the project's writer with changes on both sides of 2^32 ps (where a 32-bit time
 * wraps or saturates) and up to 2^53 - 1, and the changes it was told to write, in order.
 */
function longDump(): { text: string; written: ParsedChange[]; finalTime: number } {
  const sink = new MemorySink();
  const writer = new VcdWriter(sink, { date: "fixed", version: "test" });
  const state = writer.declare("top.driver.state", "reg", 3);
  const count = writer.declare("top.driver.count", "integer", 32);
  const wide = writer.declare("top.nic.key_id", "reg", 80);
  const flag = writer.declare("top.nic.flag", "wire", 1);
  const variables = [state, count, wide, flag];
  const written: ParsedChange[] = [];
  writer.begin(0, () => 0);
  for (const variable of variables) written.push({ time: 0, path: variable.path, value: 0n });
  const times = [1_000_000, TWO_TO_32 - 1, TWO_TO_32, TWO_TO_32 + 1, 11_434_304_042, 2 ** 40 + 3, LAST_EXACT - 1];
  times.forEach((time, step) => {
    writer.setTime(time);
    const values: Array<number | bigint> = [(step % 7) + 1, time % 1_000_003, (1n << 79n) | BigInt(time), (step + 1) % 2];
    variables.forEach((variable, index) => {
      writer.change(variable, values[index]!);
      written.push({ time, path: variable.path, value: BigInt(values[index]!) });
    });
  });
  writer.close(LAST_EXACT);
  return { text: sink.text(), written, finalTime: LAST_EXACT };
}

describe("VCD times past 2^32 ps", () => {
  test("a dump with changes at 2^32 - 1, 2^32, 2^32 + 1, 11434304042 and 2^53 - 2 ps reads back change for change, at the file's times", async () => {
    const { text, written, finalTime } = longDump();
    expect(text).toContain("\n#11434304042\n");
    for (const input of [text, Buffer.from(text, "utf8")]) {
      const parsed = await readVcd(input);
      expect(parsed.changes).toEqual(written);
      expect(parsed.endTime).toBe(finalTime);
    }
    // The keep filter sees the exact times too.
    const late = await readVcd(text, (path, time) => path === "top.driver.state" && time > TWO_TO_32);
    expect(late.changes.map((change) => change.time)).toEqual([TWO_TO_32 + 1, 11_434_304_042, 2 ** 40 + 3, LAST_EXACT - 1]);
  });

  test("a timestamp past 2^53 - 1 is refused at its line, not rounded; 2^53 - 1 itself is exact", async () => {
    const head = ["$timescale 1ps $end", "$scope module top $end", "$var wire 1 ! a $end", "$upscope $end", "$enddefinitions $end", "#0", "0!"];
    const exact = await readVcd([...head, `#${LAST_EXACT}`, "1!", ""].join("\n"));
    expect(exact.changes.at(-1)).toEqual({ time: LAST_EXACT, path: "top.a", value: 1n });
    for (const late of ["9007199254740992", "123456789012345678901234567890"]) {
      const reading = readVcd([...head, `#${late}`, "1!", ""].join("\n"));
      await expect(reading).rejects.toBeInstanceOf(UnreadableVcdError);
      await expect(reading).rejects.toMatchObject({ line: 8, message: expect.stringContaining(`timestamp '#${late}' is past 2^53 - 1`) });
    }
  });

  test("x, z and real values kept are refused at their line, passed over when not kept; $dumpoff's x values are skipped; an alias's change goes to each of its paths", async () => {
    const head = ["$timescale 1 ns $end", "$scope module top $end", "$var wire 1 ! a $end", "$var reg 4 \" v $end", "$var real 64 # r $end", "$var reg 64 $ w $end", "$var wire 1 ! same_as_a $end", "$upscope $end", "$enddefinitions $end"];
    const body = ["#0", "$dumpvars", "1!", "b1010 \"", "$end", "#5", "$dumpoff", "x!", "bx \"", "$end", "#9", "$dumpon", "0!", "b11 \"", "$end", ""];
    const parsed = await readVcd([...head, ...body].join("\n"));
    expect(parsed.changes).toEqual([
      { time: 0, path: "top.a", value: 1n },
      { time: 0, path: "top.same_as_a", value: 1n },
      { time: 0, path: "top.v", value: 10n },
      { time: 9, path: "top.a", value: 0n },
      { time: 9, path: "top.same_as_a", value: 0n },
      { time: 9, path: "top.v", value: 3n },
    ]);
    // Each change refused, and a signal that passes it over (not kept, it is not read), with what that signal reads.
    const refusals = [
      ["z!", "an x or z value for top.a at 4", "top.v", []],
      ["b1x0 \"", "an x or z value for top.v at 4", "top.a", [{ time: 0, path: "top.a", value: 0n }]],
      ["r2.5 #", "a real value for top.r at 4", "top.a", [{ time: 0, path: "top.a", value: 0n }]],
      // Wider than a number holds exactly: read another way, refused the same.
      [`b1${"0".repeat(59)}z $`, "an x or z value for top.w at 4", "top.a", [{ time: 0, path: "top.a", value: 0n }]],
    ] as const;
    for (const [change, problem, other, otherChanges] of refusals) {
      const text = [...head, "#0", "0!", "#4", change, ""].join("\n");
      await expect(readVcd(text)).rejects.toMatchObject({ line: 13, message: `line 13: ${problem}: only 0 and 1 bits are read` });
      expect((await readVcd(text, (path) => path === other)).changes).toEqual(otherChanges);
    }
  });

  test("read as written, x, z and real values are given back as the file writes them, and $dumpoff's x values are changes; inspect shows them", async () => {
    const head = ["$timescale 1 ns $end", "$scope module top $end", "$var wire 1 ! a $end", "$var reg 4 \" v $end", "$var real 64 # r $end", "$var reg 64 $ w $end", "$upscope $end", "$enddefinitions $end"];
    const wide = `b1${"0".repeat(59)}z`;
    const body = ["#0", "$dumpvars", "x!", "bZ \"", "r0 #", `${wide} $`, "$end", "#5", "1!", "b1x0 \"", "r-2.5e3 #", "#9", "$dumpoff", "x!", "bx \"", "$end", "#12", "$dumpon", "0!", "b11 \"", "$end", ""];
    const text = [...head, ...body].join("\n");
    const parsed = await readVcdAsWritten(text);
    const written = (value: string, real = false) => ({ written: value, real });
    expect(parsed.changes).toEqual([
      { time: 0, path: "top.a", value: written("x") },
      { time: 0, path: "top.v", value: written("bZ") },
      { time: 0, path: "top.r", value: written("0", true) },
      { time: 0, path: "top.w", value: written(wide) },
      { time: 5, path: "top.a", value: 1n },
      { time: 5, path: "top.v", value: written("b1x0") },
      { time: 5, path: "top.r", value: written("-2.5e3", true) },
      { time: 9, path: "top.a", value: written("x") },
      { time: 9, path: "top.v", value: written("bx") },
      { time: 12, path: "top.a", value: 0n },
      { time: 12, path: "top.v", value: 3n },
    ]);
    // The same file read for numbers refuses the first x.
    await expect(readVcd(text)).rejects.toMatchObject({ line: 11, message: expect.stringContaining("an x or z value for top.a at 0") });
    const file = join(mkdtempSync(join(tmpdir(), "nicsim-vcd-written-")), "other.vcd");
    writeFileSync(file, text);
    const shown = async (signal: string, from = 0) => (await inspectVcd(file, { signal, from, to: Infinity })).lines.slice(1).map((line) => line.trim());
    expect(await shown("top.v")).toEqual(["0.000 µs  bZ", "0.005 µs  b1x0", "0.009 µs  bx", "0.012 µs  3"]);
    expect(await shown("top.r")).toEqual(["0.000 µs  0", "0.005 µs  -2.5e3"]);
    expect(await shown("top.a", 0.006)).toEqual(["0.006 µs  1  (held since 0.005 µs)", "0.009 µs  x", "0.012 µs  0"]);
  });

  test("inspect: values before the first timestamp are at 0, where the dump begins; one path with two codes refused; nan and inf reals shown, a hexadecimal one refused; no $timescale said; a scope or a near name given for a signal gets its signals", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-vcd-inspect-"));
    const write = (name: string, lines: readonly string[]) => {
      const file = join(directory, name);
      writeFileSync(file, `${lines.join("\n")}\n`);
      return file;
    };
    const head = ["$timescale 1ns $end", "$scope module top $end", "$var wire 1 ! a $end", "$var wire 1 % same $end", "$var wire 1 & same $end", "$var real 64 # r $end", "$var event 1 * ev $end", "$upscope $end", "$enddefinitions $end"];
    const file = write("early.vcd", [...head, "$dumpvars", "0!", "0%", "1&", "rnan #", "$end", "#10", "1!", "r-Inf #", "1*"]);
    const early = await inspectVcd(file, { signal: "top.a", from: 0.005, to: Infinity });
    // The values before #10 are at 0: no warning that the dump begins later.
    expect(early).toEqual({ lines: ["# top.a: times in µs (the file's $timescale is 1ns)", "           0.005 µs  0  (held since 0.000 µs)", "           0.010 µs  1"], warnings: [] });
    expect((await inspectVcd(file, { signal: "top.r", from: 0, to: Infinity })).lines.slice(1).map((line) => line.trim())).toEqual(["0.000 µs  nan", "0.010 µs  -Inf"]);
    await expect(inspectVcd(file, { signal: "top.same", from: 0, to: Infinity })).rejects.toThrow(`${file}: 2 variables are declared as 'top.same', with different identifier codes: their changes cannot be told apart by the path`);
    await expect(inspectVcd(file, { signal: "top", from: 0, to: Infinity })).rejects.toThrow(`${file}: no signal 'top' ('top' is a scope; its signals: top.a, top.same, top.r, top.ev)`);
    await expect(inspectVcd(file, { signal: "top.aa", from: 0, to: Infinity })).rejects.toThrow(`${file}: no signal 'top.aa' (did you mean top.a?)`);
    expect((await inspectVcd(file, { signal: "top.ev", from: 1, to: Infinity })).warnings).toEqual([`${file}: the dump ends at 0.010 µs, before --from: nothing after it is recorded`]);
    expect(await inspectVcd(file, { match: "zzz", from: 0, to: Infinity })).toEqual({ lines: [], warnings: [`${file}: no signal's path contains 'zzz'`] });
    const hexadecimal = write("hex.vcd", [...head, "#0", "r0x10 #"]);
    await expect(inspectVcd(hexadecimal, { signal: "top.r", from: 0, to: Infinity })).rejects.toThrow(`${hexadecimal}:11: not a whole VCD: expected a real value 'r<number>', found 'r0x10'`);
    // One $var written twice (one code, one path) is one signal: listed once, each change once.
    const twice = write("twice.vcd", [...head.slice(0, 3), head[2]!, ...head.slice(3), "#0", "1!"]);
    expect((await inspectVcd(twice, { signal: "top.a", from: 0, to: Infinity })).lines).toEqual(["# top.a: times in µs (the file's $timescale is 1ns)", "           0.000 µs  1"]);
    expect((await inspectVcd(twice, { match: "top.a", from: 0, to: Infinity })).lines).toEqual(["top.a  [1]"]);
    const untimed = write("untimed.vcd", head.slice(1).concat(["#0", "0!", "#5", "1!"]));
    expect((await inspectVcd(untimed, { signal: "top.a", from: 0, to: Infinity })).lines).toEqual(["# top.a: times in µs (the file has no $timescale: its times are taken as 1 ps)", "        0.000000 µs  0", "        0.000005 µs  1"]);
    // A window opening between two ticks is said as given, in decimals (it was 1e-7).
    expect((await inspectVcd(untimed, { signal: "top.a", from: 0.0000001, to: Infinity })).lines[1]).toBe("       0.0000001 µs  0  (held since 0.000000 µs)");
    // A windowed dump (outputs.waveformFromMicroseconds) records the values held as it begins: since when, it cannot say (it said since its start: an outside check).
    const windowed = write("windowed.vcd", [...head, "#2000", "$dumpvars", "1!", "0%", "1&", "r0 #", "$end", "#2010", "0!"]);
    expect((await inspectVcd(windowed, { signal: "top.a", from: 2.005, to: Infinity })).lines[1]).toBe("           2.005 µs  1  (held since 2.000 µs or earlier: the dump begins there)");
    expect((await inspectVcd(windowed, { signal: "top.a", from: 2.015, to: Infinity })).lines[1]).toBe("           2.015 µs  0  (held since 2.010 µs)");
  });

  test("declarations: paths through nested scopes, a range naming the whole vector dropped, a part range kept, the $timescale as written", async () => {
    const text = ["$comment $enddefinitions is only text here $end", "$timescale", "  10 ns", "$end", "$scope module top $end", "$var reg 8 ! data [7:0] $end", "$scope task inner $end", "$var reg 4 \" part [7:4] $end", "$upscope $end", "$var wire 1 # last $end", "$upscope $end", "$var wire 1 % root $end", "$enddefinitions $end", "#3", "b1 !", ""].join("\n");
    const parsed = await readVcd(text);
    expect(parsed.variables).toEqual([
      { path: "top.data", type: "reg", width: 8, code: "!" },
      { path: "top.inner.part[7:4]", type: "reg", width: 4, code: '"' },
      { path: "top.last", type: "wire", width: 1, code: "#" },
      { path: "root", type: "wire", width: 1, code: "%" },
    ]);
    expect(parsed.timescale).toBe("10 ns");
    expect(parsed.changes).toEqual([{ time: 3, path: "top.data", value: 1n }]);
  });

  test("inspect prints a change past 4.3 ms at its time, and the value held as a window past it opens", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-vcd-long-"));
    const file = join(directory, "long.vcd");
    writeFileSync(file, longDump().text);
    const window = await inspectVcd(file, { signal: "top.driver.state", from: 11_000, to: 12_000 });
    expect(window.lines).toEqual([
      "# top.driver.state: times in µs (the file's $timescale is 1ps)",
      // Held since the change at 2^32 + 1 ps (step 3: value 4).
      "    11000.000000 µs  4  (held since 4294.967297 µs)",
      "    11434.304042 µs  5",
    ]);
    const all = await inspectVcd(file, { signal: "top.driver.state", from: 0, to: Infinity });
    expect(all.lines.slice(1).map((line) => line.trim())).toEqual([
      "0.000000 µs  0",
      "1.000000 µs  1",
      "4294.967295 µs  2",
      "4294.967296 µs  3",
      "4294.967297 µs  4",
      "11434.304042 µs  5",
      "1099511.627779 µs  6",
      "9007199254.740990 µs  7",
    ]);
  });
});
