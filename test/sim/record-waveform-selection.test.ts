import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { buildNicSystem } from "../../system/build.js";
import { NicSystem } from "../../system/nic-system.js";
import { buildDesign } from "../../sim/component.js";
import { container } from "../../sim/di.js";
import { Kernel } from "../../sim/kernel.js";
import { periodOfMegahertz, us } from "../../sim/time.js";
import { recordWaveform } from "../../sim/vcd/waveform.js";
import { readVcd } from "../support/read-vcd.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-selection-"));
  directories.push(directory);
  return directory;
}

/**
 * From a driver developer's check: the README's example selected `top.nic.crypto` (the scopes are crypto_tx and crypto_rx) and
 * `top.*.q3` (`*` is one name; the queues are at top.nic.tx.q3), and wrote a dump of no signal without a word, where a scenario's
 * same patterns are refused.
 */
describe("recordWaveform refuses a selection that would dump none of the signals meant, before it opens a file", () => {
  test("every pattern that matches nothing, with a guess at the name meant, at once; no file written", () => {
    const directory = scratch();
    const { kernel } = buildNicSystem({ seed: 1 });
    expect(() => recordWaveform(kernel, join(directory, "run"), { scopes: ["top.nic.crypto", "top.*.q3"], exclude: ["nic.mac.**"] })).toThrow(
      "recordWaveform('" +
        join(directory, "run") +
        "'): scopes[0]: 'top.nic.crypto' selects no signal of the design (did you mean top.nic.crypto_rx or top.nic.crypto_tx?); scopes[1]: 'top.*.q3' selects no signal of the design; exclude[0]: 'nic.mac.**' excludes no signal of the design (did you mean top.nic.mac.**? design paths start at top)",
    );
    // A signal put in a scope it is not in, or misspelt: the nearest names by spelling, every one as near (it was said with no guess; from an outside check).
    expect(() => recordWaveform(kernel, join(directory, "run"), { scopes: ["top.nic.rx.q5.state", "top.nic.dma.reads_in_flite"] })).toThrow(
      "scopes[0]: 'top.nic.rx.q5.state' selects no signal of the design (did you mean top.nic.rx.q5.tail or top.nic.rx.state?); scopes[1]: 'top.nic.dma.reads_in_flite' selects no signal of the design (did you mean top.nic.dma.reads_in_flight?)",
    );
    expect(() => recordWaveform(kernel, join(directory, "run"), { scopes: [] })).toThrow("scopes: an empty list selects no signal (leave it out to dump every signal)");
    expect(() => recordWaveform(kernel, join(directory, "run"), { scopes: ["top.nic.mac"], exclude: ["top.nic.**"] })).toThrow("exclude: excludes every signal scopes select: the waveform would hold none");
    expect(() => recordWaveform(kernel, join(directory, "run"), { exclude: ["**"] })).toThrow("exclude: excludes every signal of the design: the waveform would hold none");
    expect(readdirSync(directory)).toEqual([]);
    // Not an object, or lists that are no lists of texts: said so, not a TypeError from deep inside (from a re-check).
    expect(() => recordWaveform(kernel, join(directory, "run"), null as never)).toThrow("recordWaveform('" + join(directory, "run") + "'): the selection must be an object ({ scopes, exclude, from, to }), not null");
    expect(() => recordWaveform(kernel, join(directory, "run"), { scopes: "top.nic" as never })).toThrow("scopes: expected a list of patterns (texts), not a string");
    expect(() => recordWaveform(kernel, join(directory, "run"), { scope: ["top.nic"] } as never)).toThrow("no selection key 'scope' (did you mean scopes?); the keys are scopes, exclude, from, to, comment");
    expect(readdirSync(directory)).toEqual([]);
    // The window too, with the scopes' mistakes and each value as given (from a reviewer's check: refused as the tracer began, an empty dump left behind).
    expect(() => recordWaveform(kernel, join(directory, "run"), { from: 12_000_000, to: 10_000_000 })).toThrow("recordWaveform('" + join(directory, "run") + "'): trace window: to 10000000 ps is before from (12000000 ps)");
    expect(() => recordWaveform(kernel, join(directory, "run"), { from: "10" as never })).toThrow('trace window: from "10" must be a whole number of ps from 0 to 2^53 - 1');
    expect(() => recordWaveform(kernel, join(directory, "run"), { to: 2 ** 64 })).toThrow("trace window: to 18446744073709552000 must be a whole number of ps from 0 to 2^53 - 1");
    expect(() => recordWaveform(kernel, join(directory, "run"), { scopes: ["top.bogus"], from: -1 })).toThrow("scopes[0]: 'top.bogus' selects no signal of the design; trace window: from -1 must be a whole number of ps from 0 to 2^53 - 1");
    expect(readdirSync(directory)).toEqual([]);
  });

  // From a re-check: called before the design is built (a kernel, the waveform, then the design), every selection was refused, the
  // kernel having no signal yet. It is checked as the run begins then.
  test("called before the design is built, the selection is checked as the run begins", async () => {
    const directory = scratch();
    const made = (scopes: string[]) => {
      const kernel = new Kernel({ seed: 1 });
      const waveform = recordWaveform(kernel, join(directory, scopes[0]!.replace(/\W/g, "_")), { scopes });
      buildDesign(kernel, NicSystem, { container, parameters: {} });
      return { kernel, waveform };
    };
    const good = made(["top.nic.tx"]);
    good.kernel.run({ until: us(2) });
    good.waveform.finish();
    expect((await readVcd(readFileSync(join(directory, "top_nic_tx.vcd")))).variables.length).toBeGreaterThan(10);
    // Refused as the run begins, the run fails and its file is left empty and closed; the kernel takes no more runs nor tracers, and says why
    // before opening another file (it ran on with an empty dump, and a second waveform left a file of 0 bytes; from a later check).
    const bad = made(["top.nic.crypto"]);
    expect(() => bad.kernel.run({ until: us(2) })).toThrow("waveform: scopes[0]: 'top.nic.crypto' selects no signal of the design (did you mean top.nic.crypto_rx or top.nic.crypto_tx?)");
    expect(bad.kernel.failed).toBe(true);
    expect(() => bad.kernel.run({ until: us(4) })).toThrow("cannot run: the simulation already failed");
    expect(() => recordWaveform(bad.kernel, join(directory, "again"), { scopes: ["top.nic.tx"] })).toThrow("cannot attach a tracer: the simulation failed");
    expect(readdirSync(directory).sort()).toEqual(["top_nic_crypto.vcd", "top_nic_tx.filters", "top_nic_tx.gtkw", "top_nic_tx.vcd"]);
    expect(readFileSync(join(directory, "top_nic_crypto.vcd")).length).toBe(0);
  });

  // From a driver developer's check: a second recordWaveform replaced the first, whose file stayed empty while its finish() said it was written.
  test("a second waveform on a kernel already recording one is refused before its file is opened; the first is written whole", async () => {
    const directory = scratch();
    const kernel = new Kernel({ seed: 1 });
    buildDesign(kernel, NicSystem, { container, parameters: {} });
    const first = recordWaveform(kernel, join(directory, "all"));
    expect(() => recordWaveform(kernel, join(directory, "tx"), { scopes: ["top.nic.tx"] })).toThrow("a waveform is already being recorded on this kernel, and a kernel records one");
    kernel.run({ until: us(2) });
    first.finish();
    expect(readdirSync(directory).sort()).toEqual(["all.filters", "all.gtkw", "all.vcd"]);
    expect((await readVcd(readFileSync(join(directory, "all.vcd")))).variables.length).toBeGreaterThan(100);
  });

  // From the same check: a kernel may hold traced clocks before its design (the pipeline demo's order); taken for a built design, its
  // selection was judged against the clocks alone, and refused.
  test("a kernel holding only traced clocks is not taken for a built design", () => {
    const kernel = new Kernel({ seed: 1 });
    kernel.clock("top.clk_core", periodOfMegahertz(250), { traced: true });
    expect(() => recordWaveform(kernel, join(scratch(), "clocks"), { scopes: ["top.fifo"] })).not.toThrow();
  });

  test("the README's example as it now reads dumps the TX crypto engines but their jobs_waiting, and every queue 3", async () => {
    const directory = scratch();
    const { kernel } = buildNicSystem({ seed: 1 });
    const waveform = recordWaveform(kernel, join(directory, "run"), { scopes: ["top.nic.crypto_tx", "top.nic.*.q3"], exclude: ["top.nic.crypto_tx.jobs_waiting"], from: us(10), to: us(12) });
    kernel.run({ until: us(20) });
    waveform.finish();
    expect(existsSync(join(directory, "run.vcd"))).toBe(true);
    const paths = (await readVcd(readFileSync(join(directory, "run.vcd")))).variables.map((variable) => variable.path);
    expect(paths.some((path) => path.startsWith("top.nic.crypto_tx.engine0."))).toBe(true);
    expect(paths).not.toContain("top.nic.crypto_tx.jobs_waiting");
    expect(paths.some((path) => path.startsWith("top.nic.tx.q3."))).toBe(true);
    expect(paths.some((path) => path.startsWith("top.nic.rx.q3."))).toBe(true);
    expect(paths.every((path) => path.startsWith("top.nic.crypto_tx") || /^top\.nic\.[a-z_]+\.q3\./.test(path))).toBe(true);
  });
});
