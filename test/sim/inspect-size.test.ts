import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { inspectVcd } from "../../system/cli/inspect.js";
import { readVcdAsWritten, readVcdFileAsWritten } from "../../sim/vcd/read-vcd.js";
import { runSynthetic } from "../support/run-design.js";

const directory = mkdtempSync(join(tmpdir(), "nicsim-inspect-pieces-"));

function written(name: string, text: string): string {
  const file = join(directory, name);
  writeFileSync(file, text);
  return file;
}

/** A dump by another writer: a $comment across several lines, one with a line that starts with '#', a vector whose identifier is on the next line, CR LF line ends, x values. */
const OTHER_WRITER = [
  "$timescale 1ns $end",
  "$scope module top $end",
  "$var wire 1 ! a $end",
  "$var wire 4 \" b $end",
  "$upscope $end",
  "$enddefinitions $end",
  "#0",
  "$dumpvars 0! b0000 \" $end",
  "#5",
  "1!",
  "$comment a comment over",
  "#99 lines, one like a timestamp",
  "$end",
  "#10",
  "b1010",
  "\"",
  "#15",
  "x!",
  "#20",
  "0!",
  "",
].join("\r\n");

describe("inspect reads a dump a piece at a time, never whole (a long run's dump was refused past 511 MiB, and took five times its size in memory)", () => {
  test("read in pieces of any size, a dump gives what it gives read whole: every change, its times and the file's shape", async () => {
    const nicsim = written("nicsim.vcd", runSynthetic({ seed: 3, cycles: 300, parameters: { "top.banks": 3 } }).text);
    const other = written("other.vcd", OTHER_WRITER);
    for (const file of [nicsim, other]) {
      const whole = await readVcdAsWritten(readFileSync(file));
      for (const pieceBytes of [16, 61, 256, 4096]) {
        const pieces = await readVcdFileAsWritten(file, () => true, pieceBytes);
        expect(pieces, `${file} in pieces of ${pieceBytes} bytes`).toEqual(whole);
      }
    }
  });

  test("a malformed or cut-off dump is refused at the same line as before, read in pieces", async () => {
    const cut = written("cut.vcd", OTHER_WRITER.slice(0, OTHER_WRITER.indexOf("#15") + 2));
    await expect(inspectVcd(cut, { from: 0, to: Infinity })).rejects.toThrow(`${cut}:17: not a whole VCD: the file ends in the middle of this line: it is truncated`);
    // A byte-order mark is refused read in pieces as read whole (a pipe): the decoder in pieces had dropped it, and one file got two answers.
    const marked = written("bom.vcd", `\ufeff${OTHER_WRITER}`);
    await expect(inspectVcd(marked, { from: 0, to: Infinity })).rejects.toThrow(`${marked}:1: not a whole VCD: expected a declaration`);
    await expect(readVcdAsWritten(readFileSync(marked))).rejects.toThrow("line 1: expected a declaration");
    const garbage = written("garbage.vcd", `${OTHER_WRITER.replace("x!", "q!")}`);
    await expect(inspectVcd(garbage, { from: 0, to: Infinity })).rejects.toThrow(`${garbage}:18: not a whole VCD: expected a timestamp (#n), a value change or a $dump section`);
  });

  test("a signal's changes in a window, from a file", async () => {
    const other = written("window.vcd", OTHER_WRITER);
    const { lines } = await inspectVcd(other, { signal: "top.b", from: 0.006, to: Infinity });
    expect(lines).toEqual(["# top.b: times in µs (the file's $timescale is 1ns)", "           0.006 µs  0  (held since 0.000 µs)", "           0.010 µs  10"]);
  });
});
