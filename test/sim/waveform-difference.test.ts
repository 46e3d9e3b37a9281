import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { firstWaveformDifference as differenceOfFiles, untilLastChange } from "../../sim/vcd/waveform-difference.js";

const directory = mkdtempSync(join(tmpdir(), "nicsim-waveform-difference-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** The two dumps written as files, and compared as the command compares them. */
function firstWaveformDifference(first: string, second: string) {
  writeFileSync(join(directory, "first.vcd"), first);
  writeFileSync(join(directory, "second.vcd"), second);
  return differenceOfFiles(join(directory, "first.vcd"), join(directory, "second.vcd"));
}

const HEAD = `$timescale 1ps $end
$scope module top $end
$var wire 1 ! valid $end
$var reg 3 " state $end
$var event 1 # done $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
b0 "
$end
`;
const dump = (body: string, end = "#900\n$comment\n\tnicsim: end of dump at 900 ps\n$end\n") => `${HEAD}${body}${end}`;
const BODY = "#100\n1!\nb1 \"\n#200\n0!\n1#\n#300\nb10 \"\n";

describe("the first difference between two dumps of one design", () => {
  test("equal dumps, and dumps that differ only after their last change, have none", () => {
    expect(firstWaveformDifference(dump(BODY), dump(BODY))).toBeNull();
    expect(firstWaveformDifference(dump(BODY), dump(BODY, "#300\n#311\n$comment\n\tnicsim: end of dump at 311 ps\n$end\n"))).toBeNull();
    expect(untilLastChange(dump(BODY)).endsWith("b10 \"\n")).toBe(true);
  });

  test("one time's changes written in another order are the same values", () => {
    expect(firstWaveformDifference(dump(BODY), dump("#100\nb1 \"\n1!\n#200\n1#\n0!\n#300\nb10 \"\n"))).toBeNull();
  });

  test("a value that differs is named with both values, at its time", () => {
    expect(firstWaveformDifference(dump(BODY), dump(BODY.replace("b1 \"", "b11 \"")))).toEqual({ time: 100, signals: [{ path: "top.state", first: "b1", second: "b11" }] });
  });

  test("a change one dump makes a step later: the earlier time, and the signals the other leaves as they were", () => {
    expect(firstWaveformDifference(dump(BODY), dump("#100\n1!\nb1 \"\n#208\n0!\n1#\n#300\nb10 \"\n"))).toEqual({
      time: 200,
      signals: [
        { path: "top.done", first: "1", second: null },
        { path: "top.valid", first: "0", second: null },
      ],
    });
    // The other way round, the same place.
    expect(firstWaveformDifference(dump("#100\n1!\nb1 \"\n#208\n0!\n1#\n#300\nb10 \"\n"), dump(BODY))).toMatchObject({ time: 200 });
  });

  test("a change one dump has and the other has not, in the same time's block or after the other's last change", () => {
    expect(firstWaveformDifference(dump(BODY), dump(BODY.replace("#200\n0!\n", "#200\n0!\nb111 \"\n")))).toEqual({ time: 200, signals: [{ path: "top.state", first: null, second: "b111" }] });
    expect(firstWaveformDifference(dump(BODY), dump(`${BODY}#400\n1!\n`))).toEqual({ time: 400, signals: [{ path: "top.valid", first: null, second: "1" }] });
  });

  test("a difference in the initial values is at time 0", () => {
    expect(firstWaveformDifference(dump(BODY), dump(BODY).replace("$dumpvars\n0!", "$dumpvars\n1!"))).toEqual({ time: 0, signals: [{ path: "top.valid", first: "0", second: "1" }] });
  });

  test("initial values dumped at different times (a window that starts after both runs' ends) are the same values", () => {
    const windowAfterTheEnd = (end: number) => `${HEAD.replace("#0\n", "")}#${end}\n$dumpvars\n1!\nb10 "\n$end\n#${end}\n$comment\n\tnicsim: end of dump at ${end} ps\n$end\n`;
    expect(firstWaveformDifference(windowAfterTheEnd(1000), windowAfterTheEnd(1012))).toBeNull();
    expect(firstWaveformDifference(windowAfterTheEnd(1000), windowAfterTheEnd(1012).replace("1!", "0!"))).toEqual({ time: 1000, signals: [{ path: "top.valid", first: "1", second: "0" }] });
  });

  test("a difference far into a long dump is found reading it a piece at a time", () => {
    // Over a megabyte of the same changes before the first difference: the block it lies in is found by looking back.
    const long = Array.from({ length: 80_000 }, (_, index) => `#${(index + 1) * 10}\n${index % 2}!\nb${(index % 7).toString(2)} "\n`).join("");
    expect(long.length).toBeGreaterThan(1 << 20);
    expect(firstWaveformDifference(dump(long), dump(long))).toBeNull();
    const changed = long.replace("#600000\n1!", "#600000\n1!\n1#");
    expect(firstWaveformDifference(dump(long), dump(changed))).toEqual({ time: 600_000, signals: [{ path: "top.done", first: null, second: "1" }] });
  });

  test("read by the project's one reader of value changes: an alias, a comment between changes, and a change it cannot read named at its line in the file", () => {
    // A code declared twice (an alias) is each path's change.
    const aliased = (body: string) => dump(body).replace("$upscope $end", "$var wire 1 ! also_valid $end\n$upscope $end");
    expect(firstWaveformDifference(aliased(BODY), aliased(BODY.replace("#100\n1!", "#100\n0!")))).toEqual({
      time: 100,
      signals: [
        { path: "top.also_valid", first: "1", second: "0" },
        { path: "top.valid", first: "1", second: "0" },
      ],
    });
    // A comment that runs over lines, whose words look like changes, is no change.
    expect(firstWaveformDifference(dump(BODY), dump(BODY.replace("#200\n", "#200\n$comment\n1! b11 \"\n$end\n")))).toBeNull();
    // An identifier no $var declares, past the first difference: refused at its line (the 20th of the file), counted from the file's start though the reading began at the block.
    const undeclared = dump(BODY.replace("#300\nb10 \"", "#300\nb10 %"));
    expect(undeclared.split("\n")[19]).toBe("b10 %");
    expect(() => firstWaveformDifference(dump(BODY), undeclared)).toThrow(/^\/\S+\/second\.vcd: line 20: change for undeclared identifier '%' at 300$/);
  });

  test("dumps of different designs are said to be so", () => {
    expect(firstWaveformDifference(dump(BODY), dump(BODY).replace("valid", "ready"))).toBe("declarations");
  });
});
