import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { container } from "../../sim/di.js";
import { type AesGcmBackend, AesGcmBackendToken, type IcvLength } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { RunFailedError } from "../../sim/output-files.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

/** The model's AES-GCM, until it has opened `opens` packets: then it fails, as a component with a bug would, in the middle of the run. */
class FailingBackend implements AesGcmBackend {
  readonly name = "failing";
  private readonly inner = new NobleBackend();
  constructor(private opens: number) {}

  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, icvLength: IcvLength): Uint8Array {
    return this.inner.seal(key, nonce, aad, plaintext, icvLength);
  }
  sealInto(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, head: Uint8Array, tail: Uint8Array, icvLength: IcvLength, output: Uint8Array, offset: number): void {
    this.inner.sealInto(key, nonce, aad, head, tail, icvLength, output, offset);
  }
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, icvLength: IcvLength): Uint8Array | null {
    if (--this.opens < 0) throw new Error("the injected failure");
    return this.inner.open(key, nonce, aad, sealed, icvLength);
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
    // The waveform and the capture were being streamed when the run failed: each is left partial, under its temporary name.
    expect(failed.left.map(({ path, state }) => [path, state])).toEqual([
      [join(directory, "default.vcd.partial"), "partial"],
      [join(directory, "default.pcap.partial"), "partial"],
    ]);
    for (const { path, bytes } of failed.left) {
      expect(statSync(path).size).toBe(bytes);
      expect(failed.message).toContain(`${path}: partial, cut off by the failure (${bytes} bytes)`);
    }
    // The pcap holds what was captured before the failure (flushed), not only its header.
    expect(failed.left[1]!.bytes).toBeGreaterThan(24);
    // The earlier run's files are untouched: none was replaced by a file of the failed run.
    const after = contents(directory);
    for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
    expect([...after.keys()].filter((name) => !before.has(name)).sort()).toEqual(["default.pcap.partial", "default.vcd.partial"]);
  });
});
