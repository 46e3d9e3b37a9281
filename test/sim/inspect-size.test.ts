import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { inspectVcd } from "../../system/cli/inspect.js";

test("a dump longer than a JavaScript text holds is refused before it is read, with what to do (a long run's 635 MB dump failed with the engine's own 'Cannot create a string longer than 0x1fffffe8 characters')", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "nicsim-inspect-size-")), "big.vcd");
  // Sparse: no memory or disk taken for its zeros.
  writeFileSync(file, "");
  truncateSync(file, 600 * 2 ** 20);
  await expect(inspectVcd(file, { from: 0, to: Infinity })).rejects.toThrow(`${file}: 600 MiB, more than inspect reads (511 MiB: it reads a dump whole); dump a window of the run (outputs.waveformFromMicroseconds and waveformToMicroseconds) or open this one in GTKWave`);
});
