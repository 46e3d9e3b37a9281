import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { OutputError, OutputFiles, temporaryName } from "../../sim/output-files.js";

const fresh = () => mkdtempSync(join(tmpdir(), "nicsim-outputs-"));

describe("what a failed run says of its files, from an outside check on full and obstructed disks", () => {
  test("a directory made at a file's own name during the run: the file is still written, under its temporary name, and the commit names every such name at once (the summary's contents were lost, and only the first name was said)", () => {
    const directory = fresh();
    const [summary, report, capture] = ["run.summary.json", "run.html", "run.pcap"].map((name) => join(directory, name));
    const files = new OutputFiles(directory);
    files.begin(join(directory, "run"), [summary!, report!, capture!], [], () => null);
    files.write(capture!, "frames");
    mkdirSync(summary!);
    mkdirSync(report!);
    files.write(summary!, "{}");
    files.write(report!, "<html>");
    expect(() => files.commit()).toThrow(OutputError);
    expect(readFileSync(temporaryName(summary!), "utf8")).toBe("{}");
    expect(readFileSync(temporaryName(report!), "utf8")).toBe("<html>");
    const again = new OutputFiles(directory);
    again.begin(join(directory, "again"), [], [], () => null);
    for (const path of [summary, report]) again.write(path!.replace("run.", "again."), "x");
    mkdirSync(join(directory, "again.summary.json"));
    mkdirSync(join(directory, "again.html"));
    expect(() => again.commit()).toThrow(/again\.summary\.json is a directory[^]*again\.html is a directory/);
    // As `nicsim run` does when its commit fails: the lock goes, the files stay.
    files.unlock();
    again.unlock();
  });

  test("a file whose making failed (no inode left) is not written, not lost; one made and then removed is lost", () => {
    const directory = fresh();
    const [made, never] = ["run.pcap", "run.summary.json"].map((name) => join(directory, name));
    const files = new OutputFiles(directory);
    files.begin(join(directory, "run"), [made!, never!], [], () => writeFileSync(files.open(made!), "frames"));
    // Opened, and its creation failed: nothing of it is on the disk.
    files.open(never!);
    expect(files.extent.unwritten).toEqual([never]);
    expect(files.extent.lost).toEqual([]);
    rmSync(temporaryName(made!));
    expect(files.extent.lost).toEqual([made]);
    files.abandon();
  });

  test("a stream that cannot be made as the run begins is named as a write failure is, and the files begun are said to be removed (it was Node's bare error, the waveform's file removed without a word)", () => {
    const directory = fresh();
    const [waveform, capture] = ["run.vcd", "run.pcap"].map((name) => join(directory, name));
    const files = new OutputFiles(directory);
    const noSpace = Object.assign(new Error(`ENOSPC: no space left on device, open '${temporaryName(capture!)}'`), { code: "ENOSPC", path: temporaryName(capture!) });
    expect(() =>
      files.begin(join(directory, "run"), [waveform!, capture!], [], () => {
        writeFileSync(files.open(waveform!), "$date");
        files.open(capture!);
        throw noSpace;
      }),
    ).toThrow(`could not create ${temporaryName(capture!)}: no space left on device (ENOSPC)\nThe run did not start; no file was written (those begun were removed: ${temporaryName(waveform!)}).`);
    expect(existsSync(temporaryName(waveform!))).toBe(false);
  });
});

test("a run whose files cannot all be given their names keeps its figures: the failure carries the summary in words, which `nicsim run` prints", async () => {
  const { runScenario } = await import("../../system/scenario/run.js");
  const { defaultScenario } = await import("../../system/scenario/default-scenario.js");
  const { RunFailedError } = await import("../../sim/failed-run.js");
  const directory = fresh();
  let obstructed = false;
  const run = () =>
    runScenario(defaultScenario({ durationMicroseconds: 20, "outputs.waveform": false }), {
      directory,
      onProgress: () => {
        if (!obstructed) mkdirSync(join(directory, "default.summary.json"));
        obstructed = true;
      },
    });
  let failure: unknown;
  try {
    run();
  } catch (error) {
    failure = error;
  }
  expect(failure).toBeInstanceOf(RunFailedError);
  const { extent, message } = failure as InstanceType<typeof RunFailedError>;
  expect(message).toContain("default.summary.json is a directory, so the file cannot have that name");
  expect(extent.summaryText).toMatch(/^default: every packet arrived/);
  expect(existsSync(temporaryName(join(directory, "default.summary.json")))).toBe(true);
}, 60_000);

test("a report written after another file failed names no file (it listed names none of them got: an outside check)", async () => {
  const { runScenario } = await import("../../system/scenario/run.js");
  const { defaultScenario } = await import("../../system/scenario/default-scenario.js");
  const directory = fresh();
  let obstructed = false;
  expect(() =>
    runScenario(defaultScenario({ durationMicroseconds: 20, "outputs.waveform": false }), {
      directory,
      onProgress: () => {
        if (!obstructed) mkdirSync(join(directory, "default.esp_sa.partial"));
        obstructed = true;
      },
    }),
  ).toThrow(/default\.esp_sa\.partial, the temporary name/);
  const report = readFileSync(join(directory, "default.html.partial"), "utf8");
  expect(report).toContain("<svg");
  expect(report).not.toContain("Files of this run");
}, 60_000);
