import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { container } from "../../sim/di.js";
import { type AesGcmBackend, AesGcmBackendToken, type IcvLength } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { leavingFilesOnFailure, OutputFiles, RunFailedError } from "../../sim/output-files.js";
import { END_MARKER } from "../../sim/vcd/end-marker.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";
import { readTrace } from "../../driver/caching/trace.js";

/** The model's AES-GCM, until it has opened `opens` packets: then it fails, as a component with a bug would, in the middle of the run. */
class FailingBackend implements AesGcmBackend {
  readonly name = "failing";
  private readonly inner = new NobleBackend();
  constructor(private opens: number) {}

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    return this.inner.seal(key, nonce, aad, plaintext, icvLength);
  }
  sealInPlace(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, start: number, end: number, icvLength: IcvLength): void {
    this.inner.sealInPlace(key, nonce, aad, buffer, start, end, icvLength);
  }
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, icv: Uint8Array): Uint8Array | null {
    if (--this.opens < 0) throw new Error("the injected failure");
    return this.inner.open(key, nonce, aad, ciphertext, icv);
  }
  encryptBlocks(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    return this.inner.encryptBlocks(key, blocks);
  }
}

const scenario = () => defaultScenario({ durationMicroseconds: 60 });
const contents = (directory: string) => new Map(readdirSync(directory, { recursive: true, encoding: "utf8" }).filter((name) => statSync(join(directory, name)).isFile()).map((name) => [name, readFileSync(join(directory, name))]));

describe("a run's files: written under temporary names, given their own at the end, and a failed run says what it left", () => {
  test("a run that succeeds leaves each file under its own name and nothing under a temporary one", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
    const run = runScenario(scenario(), { directory });
    for (const file of run.files) expect(existsSync(file), file).toBe(true);
    expect([...contents(directory).keys()].filter((name) => name.endsWith(".partial"))).toEqual([]);
    // The finished dump ends with the marker that says so, naming the run's end time.
    const vcd = readFileSync(join(directory, "default.vcd"), "utf8");
    expect(vcd.endsWith(`$comment\n\t${END_MARKER}; the run finished at ${run.design.kernel.now} ps\n$end\n`), vcd.slice(-200)).toBe(true);
  });

  test("what an earlier run left at a temporary name is replaced, never written through: a symbolic link planted there took the capture and the keys wherever it pointed (from an auditor's check); the key files are the owner's alone", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
    const elsewhere = mkdtempSync(join(tmpdir(), "nicsim-elsewhere-"));
    writeFileSync(join(elsewhere, "victim"), "VICTIM");
    symlinkSync(join(elsewhere, "victim"), join(directory, "default.pcap.partial"));
    symlinkSync(join(elsewhere, "keys"), join(directory, "default.esp_sa.partial"));
    symlinkSync(join(elsewhere, "ike"), join(directory, "default.ikev1_decryption_table.partial"));
    writeFileSync(join(directory, "default.summary.json.partial"), "an interrupted run's");
    const run = runScenario(scenario(), { directory });
    expect(readFileSync(join(elsewhere, "victim"), "utf8")).toBe("VICTIM");
    expect(readdirSync(elsewhere)).toEqual(["victim"]);
    for (const file of run.files) expect(lstatSync(file).isFile(), file).toBe(true);
    expect(readFileSync(join(directory, "default.pcap")).subarray(0, 4)).toEqual(Buffer.from([0x4d, 0x3c, 0xb2, 0xa1]));
    expect([...contents(directory).keys()].filter((name) => name.endsWith(".partial"))).toEqual([]);
    for (const keys of ["default.esp_sa", "default.ikev1_decryption_table"]) expect(statSync(join(directory, keys)).mode & 0o777, keys).toBe(0o600);
    expect(statSync(join(directory, "default.pcap")).mode & 0o077).not.toBe(0);
  });

  /** The message of a run that fails after `remove` took something from its directory once the traffic started. */
  function failureRemoving(directory: string, remove: () => void): string {
    let removed = false;
    try {
      runScenario(scenario(), {
        directory,
        onProgress: (_, __, started) => {
          if (started && !removed) remove();
          removed ||= started;
        },
      });
    } catch (error) {
      expect(error).toBeInstanceOf(RunFailedError);
      return (error as RunFailedError).message;
    }
    throw new Error("the run did not fail");
  }

  test("the output directory deleted during the run: the files streamed into it are said lost (they were left out of the account)", () => {
    const directory = join(mkdtempSync(join(tmpdir(), "nicsim-outputs-")), "out");
    expect(failureRemoving(directory, () => rmSync(directory, { recursive: true, force: true }))).toMatch(/\nLost \(begun, and gone from the disk during the run: their directory or they were removed\): .*default\.vcd, .*default\.pcap, .*default\.sa-trace\.jsonl/);
  });

  test("one file removed during the run: none is renamed, so an earlier run's files stay as they were, and it is said lost (the others were renamed over the earlier run's, a mixed set: an outside check)", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
    runScenario(scenario(), { directory });
    const named = (files: Map<string, Buffer>) => new Map([...files].filter(([name]) => !name.endsWith(".partial")));
    const before = named(contents(directory));
    const message = failureRemoving(directory, () => rmSync(join(directory, "default.pcap.partial")));
    expect(message).toContain(`cannot give the files their own names, so none was renamed:\n  ${join(directory, "default.pcap.partial")}: gone from the disk during the run`);
    expect(message).toMatch(/\nLost \(begun, and gone from the disk during the run: their directory or they were removed\): \S*default\.pcap$/);
    expect(named(contents(directory))).toEqual(before);
  });

  test("a run that fails mid-run names each file it left and its state, and leaves an earlier run's files as they were", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
    runScenario(scenario(), { directory });
    const before = contents(directory);
    const scope = container.createChildContainer();
    scope.register(AesGcmBackendToken, { useValue: new FailingBackend(20) });
    let failure: unknown = null;
    try {
      runScenario(scenario(), { directory, container: scope });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RunFailedError);
    const failed = failure as RunFailedError;
    expect(failed.message).toContain("the injected failure");
    // The waveform, the capture and the SA trace were being streamed when the run failed: each is left partial, under its temporary name;
    // the capture's key files are written as they stand, complete, so that what it holds can be read.
    expect(failed.left.map(({ path, state }) => [path, state])).toEqual([
      [join(directory, "default.vcd.partial"), "partial"],
      [join(directory, "default.pcap.partial"), "partial"],
      [join(directory, "default.sa-trace.jsonl.partial"), "partial"],
      [join(directory, "default.esp_sa.partial"), "complete"],
      [join(directory, "default.ikev1_decryption_table.partial"), "complete"],
    ]);
    for (const { path, bytes, state } of failed.left) {
      expect(statSync(path).size).toBe(bytes);
      expect(failed.message).toContain(`${path}: ${state === "partial" ? "partial, cut off where the run stopped" : "complete"} (${bytes} bytes)`);
    }
    expect(statSync(join(directory, "default.esp_sa.partial")).mode & 0o777).toBe(0o600);
    // The dump cut off by the failure does not claim to be whole.
    expect(readFileSync(failed.left[0]!.path, "utf8")).not.toContain(END_MARKER);
    // The pcap holds what was captured before the failure (flushed), not only its header.
    expect(failed.left[1]!.bytes).toBeGreaterThan(24);
    // The earlier run's files are untouched: none was replaced by a file of the failed run.
    const after = contents(directory);
    for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
    expect([...after.keys()].filter((name) => !before.has(name)).sort()).toEqual(["default.esp_sa.partial", "default.ikev1_decryption_table.partial", "default.pcap.partial", "default.sa-trace.jsonl.partial", "default.vcd.partial"]);
    // The trace holds its header and the accesses up to the failure, each line whole, in time order.
    const trace = readTrace(failed.left[2]!.path);
    expect(trace.tableEntries).not.toBeNull();
    expect(trace.accesses.length).toBeGreaterThan(0);
  });
});

test("a translate filter's name taken during the run: the files streamed as it went are listed complete (they were called cut off, though the run had finished)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-taken-"));
  let failure: unknown = null;
  try {
    runScenario(scenario(), { directory, onProgress: () => mkdirSync(join(directory, "default.filters", "tx_state.txt"), { recursive: true }) });
  } catch (error) {
    failure = error;
  }
  expect(failure).toBeInstanceOf(RunFailedError);
  const left = new Map((failure as RunFailedError).left.map((file) => [file.path, file.state]));
  expect((failure as RunFailedError).message).toContain("default.filters/tx_state.txt is a directory");
  for (const streamed of ["default.vcd", "default.pcap", "default.sa-trace.jsonl"]) expect(left.get(join(directory, `${streamed}.partial`)), streamed).toBe("complete");
  // The simulation was over: said so, with its outcome and the files never begun (it said the run did not finish, and named none of them; then it did not say the outcome).
  expect((failure as RunFailedError).message).toContain("The simulation finished (every packet arrived), but writing its files failed; no file was given its own name");
  expect((failure as RunFailedError).extent.outcome).toBe("every packet arrived");
  // The filter itself is written under its temporary name, its own name's obstacle said by the renaming (it was not written at all: an outside check), and so are the files after it: a failure in one loses no other.
  expect((failure as RunFailedError).extent.unwritten).toEqual([]);
  for (const after of ["default.filters/tx_state.txt", "default.summary.json", "default.html"]) expect(left.get(join(directory, `${after}.partial`)), after).toBe("complete");
});

describe("a full disk: the failed write names the file it was writing", () => {
  // /dev/full refuses every write with ENOSPC: a file's temporary name linked to it is a disk that is full for that file alone.
  const fullDisk = existsSync("/dev/full");
  for (const file of ["default.vcd", "default.gtkw", "default.pcap", "default.esp_sa", "default.ikev1_decryption_table", "default.sa-trace.jsonl", "default.summary.json"]) {
    test.runIf(fullDisk)(`writing ${file} fails: the run stops naming it and lists the other files it left`, () => {
      const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
      symlinkSync("/dev/full", join(directory, `${file}.partial`));
      let failure: unknown = null;
      try {
        runScenario(scenario(), { directory });
      } catch (error) {
        failure = error;
      }
      expect(failure).toBeInstanceOf(RunFailedError);
      const failed = failure as RunFailedError;
      expect(failed.message).toContain(`could not write ${join(directory, `${file}.partial`)}: no space left on device (ENOSPC)`);
      // The disk's failure, not the model's: not framed as the process that happened to be writing (the capture is written from the wire's callback).
      expect(failed.message).not.toMatch(/process '.*' threw/);
      expect(failed.left.length).toBeGreaterThan(0);
      for (const { path } of failed.left) expect(failed.message).toContain(path);
      // The file that could not be written is listed too, as what it is (it was in neither list; from a reliability review).
      expect(failed.message).toContain(`${join(directory, `${file}.partial`)}: a link to /dev/full, written into it: nothing of it kept`);
    });
  }

  test.runIf(fullDisk)("the capture cannot be flushed as the run ends: the dump and the SA trace, streamed beside it, are closed whole all the same (the dump was called cut off and the SA trace left empty)", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
    symlinkSync("/dev/full", join(directory, "default.pcap.partial"));
    let failure: unknown = null;
    try {
      // A short run, whose frames the capture holds in its buffer until it closes.
      runScenario(defaultScenario({ durationMicroseconds: 5 }), { directory });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RunFailedError);
    expect((failure as RunFailedError).message).toContain("The simulation finished (every packet arrived), but writing its files failed");
    const left = new Map((failure as RunFailedError).left.map((file) => [file.path, file]));
    // And the files written after the run are written all the same: the summary was lost with the capture.
    expect(left.get(join(directory, "default.summary.json.partial"))?.state).toBe("complete");
    for (const streamed of ["default.vcd", "default.sa-trace.jsonl"]) expect(left.get(join(directory, `${streamed}.partial`))?.state, streamed).toBe("complete");
    expect(readFileSync(join(directory, "default.vcd.partial"), "utf8")).toContain(END_MARKER);
    expect(readTrace(join(directory, "default.sa-trace.jsonl.partial")).accesses.length).toBeGreaterThan(0);
  });
});

describe("giving a run's files their own names: all or none as far as can be known, and truthful when a rename fails part way", () => {
  /** Three files written and finished under temporary names, in a fresh directory. */
  const threeFiles = (renamer?: { rename(from: string, to: string): void }) => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-commit-"));
    const outputs = new OutputFiles({ directory }, renamer);
    for (const name of ["a.vcd", "b.pcap", "c.html"]) outputs.write(join(directory, name), name);
    return { directory, outputs };
  };

  test("a name taken by a directory (made during the run) fails before any file is renamed", () => {
    const { directory, outputs } = threeFiles();
    mkdirSync(join(directory, "c.html"));
    expect(() => outputs.commit()).toThrow(`${join(directory, "c.html")} is a directory, so the file cannot have that name`);
    expect(outputs.renamedFiles).toEqual([]);
    expect(existsSync(join(directory, "a.vcd"))).toBe(false);
    expect(existsSync(join(directory, "a.vcd.partial"))).toBe(true);
  });

  test("a name taken by a named pipe (or a device, /dev/null as root) is refused, not renamed over: the run does not start and leaves nothing", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-outputs-"));
    const pipe = join(directory, "default.pcap");
    execFileSync("mkfifo", [pipe]);
    expect(() => runScenario(scenario(), { directory })).toThrow(`${pipe} is a named pipe, not a file: nicsim writes each file whole and gives it its name at the end, which would replace it`);
    expect(statSync(pipe).isFIFO(), "the pipe is still there").toBe(true);
    expect(readdirSync(directory)).toEqual(["default.pcap"]);
  });

  test("a rename failing part way: the report names the files renamed and those left, with their state", () => {
    let renames = 0;
    const { directory, outputs } = threeFiles({
      rename: (from, to) => {
        if (++renames === 2) throw new Error("EIO: i/o error, rename");
        renameSync(from, to);
      },
    });
    let failure: unknown = null;
    try {
      leavingFilesOnFailure(outputs, () => {}, () => outputs.commit());
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RunFailedError);
    const failed = failure as RunFailedError;
    expect(failed.renamed).toEqual([join(directory, "a.vcd")]);
    expect(failed.left.map(({ path, state }) => [path, state])).toEqual([
      [join(directory, "b.pcap.partial"), "complete"],
      [join(directory, "c.html.partial"), "complete"],
    ]);
    expect(failed.message).toContain(`renaming ${join(directory, "b.pcap.partial")} to ${join(directory, "b.pcap")}: EIO`);
    expect(failed.message).toContain(`giving its files their own names failed part way. Given their own names (this run's files, complete):\n  ${join(directory, "a.vcd")}`);
    expect(failed.message).toContain(`${join(directory, "c.html.partial")}: complete (6 bytes)`);
    expect(failed.message).not.toContain("no file was given its own name");
  });
});
