import { describe, expect, test } from "vitest";
import { firstWaveformDifference, untilLastChange } from "../../sim/vcd/waveform-difference.js";

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

  test("dumps of different designs are said to be so", () => {
    expect(firstWaveformDifference(dump(BODY), dump(BODY).replace("valid", "ready"))).toBe("declarations");
  });
});
