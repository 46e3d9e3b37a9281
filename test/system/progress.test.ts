import { describe, expect, test } from "vitest";
import { formatRate, LOG_LINE_SECONDS, Progress, type ProgressOutput } from "../../system/cli/progress.js";

/** Progress into a string, on a clock the test moves. */
function captured(isTTY: boolean, ci = false) {
  let text = "";
  let milliseconds = 0;
  const output: ProgressOutput = { stream: Object.assign({ write: (chunk: string) => ((text += chunk), true) }, { isTTY }) as unknown as ProgressOutput["stream"], ci, now: () => milliseconds };
  return { output, text: () => text, at: (seconds: number) => (milliseconds = seconds * 1000) };
}

describe("progress where stderr is a file or a pipe (a batch job's log)", () => {
  test(`a line every ${LOG_LINE_SECONDS} s, none before: a sweep of hours says how far it is without filling its log`, () => {
    const { output, text, at } = captured(false);
    const progress = new Progress("sweep", false, output);
    at(5);
    progress.update(1, 8, "runs");
    expect(text()).toBe("");
    at(LOG_LINE_SECONDS + 1);
    progress.update(2, 8, "runs");
    at(LOG_LINE_SECONDS + 2);
    progress.update(3, 8, "runs");
    // A long run between two updates: one line, not one per interval missed.
    at(5 * LOG_LINE_SECONDS);
    progress.update(5, 8, "runs");
    expect(text()).toBe(`sweep: 2/8 runs | wall ${(LOG_LINE_SECONDS + 1).toFixed(1)} s | ${formatRate(2 / (LOG_LINE_SECONDS + 1))} runs/s\nsweep: 5/8 runs | wall ${(5 * LOG_LINE_SECONDS).toFixed(1)} s | ${formatRate(5 / (5 * LOG_LINE_SECONDS))} runs/s\n`);
    expect(formatRate(5 / 150)).toBe("0.033");
  });

  test("past its total it says the total and why, as the bar does", () => {
    const { output, text, at } = captured(false);
    const progress = new Progress("run default", false, output);
    at(LOG_LINE_SECONDS);
    progress.update(1200, 1000, "µs", "waiting for the last packets");
    expect(text()).toContain("run default: 1000/1000 µs (waiting for the last packets)");
  });

  test.each([
    ["under CI", false, true, false],
    ["when asked to be quiet", false, false, true],
  ])("nothing %s", (_, isTTY, ci, quiet) => {
    const { output, text, at } = captured(isTTY, ci);
    const progress = new Progress("sweep", quiet, output);
    at(10 * LOG_LINE_SECONDS);
    progress.update(1, 2, "runs");
    progress.stop();
    expect(text()).toBe("");
  });
});
