import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { changesByPath, readVcd } from "../../sim/vcd/read-vcd.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { latencyReportMarkdown, runLatencyReport } from "../../system/latency-report.js";
import { readSaveFile } from "../support/gtkw-save-file.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The first number the README gives after `pattern` (a regular expression's text, its last group the number). */
function readmeNumber(pattern: string): number {
  const match = new RegExp(pattern, "s").exec(readme);
  if (!match) throw new Error(`README: no match for /${pattern}/`);
  return Number(match[match.length - 1]);
}

const microseconds = (picoseconds: number) => Number((picoseconds / 1e6).toFixed(2));

// The README's "What to look for in GTKWave" kept marker B's time and byte offset from an older run for several re-recordings of the outputs (a reviewer's check).
describe("the README's walk through the default run's waveform is the run's", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-walkthrough-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const { summary } = runScenario(defaultScenario(), { directory });
  const saved = readSaveFile(readFileSync(join(directory, "default.gtkw"), "utf8"));
  // Found by what each marks, not by letter: the letters follow the markers' order in time, which a change to the run may reorder.
  const suspends = saved.markers.find((each) => each.name === "TX crypto suspends")!;

  test("every marker, at the time it gives", () => {
    expect(summary.outcome).toBe("every packet arrived");
    expect(saved.markers.length).toBeGreaterThanOrEqual(3);
    expect(Object.fromEntries(saved.markers.map((marker) => [marker.letter, readmeNumber(`- Marker ${marker.letter}(?:, [^\\n]*?)? at ([\\d.]+) µs`)]))).toEqual(
      Object.fromEntries(saved.markers.map((marker) => [marker.letter, microseconds(marker.time)])),
    );
  });

  test("at the TX crypto engine's suspension, the key setup and the byte offset saved that it gives", async () => {
    const vcd = await readVcd(readFileSync(join(directory, "default.vcd")), (path) => path.startsWith("top.nic.crypto_tx.engine0."));
    const changes = changesByPath(vcd);
    const atSuspension = (name: string) => changes.get(`top.nic.crypto_tx.engine0.${name}`)!.filter((change) => change.time <= suspends.time).at(-1)!;
    const keySetup = changes.get("top.nic.crypto_tx.engine0.key_setup")!.filter((change) => change.value === 1n && change.time <= suspends.time).at(-1)!;
    const paragraph = `- Marker ${suspends.letter}, \`top.nic.crypto_tx.engine0\``;
    expect({ keySetup: readmeNumber(`${paragraph} .*?\`key_setup\` pulses at ([\\d.]+) µs`), byteOffset: readmeNumber(`${paragraph} .*?SAVING \\(\`byte_offset\` (\\d+)\\)`) }).toEqual({
      keySetup: microseconds(keySetup.time),
      byteOffset: Number(atSuspension("byte_offset").value),
    });
  });
});

// The README's example of `nicsim latency` (TX, default parameters) kept an older run's 11.70 Gb/s and -5.6 % (a README check).
test("the README's example of nicsim latency is what it prints for TX with its defaults: every table row and finding", () => {
  const printed = latencyReportMarkdown(runLatencyReport({ directions: ["tx"] })).split("\n");
  const shown = printed.filter((line) => /^\| (unloaded|run-to-completion|preempt-resume|preempt-restart) \|/.test(line) || line.startsWith("- "));
  expect(shown.length).toBeGreaterThanOrEqual(8);
  const readmeLines = new Set(readme.split("\n"));
  expect(shown.filter((line) => !readmeLines.has(line))).toEqual([]);
}, 120_000);
