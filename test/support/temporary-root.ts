import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Vitest's global setup: every temporary file of the run goes under one directory, removed when the
 * run ends. The tests, the CLIs and clients they start, and the workers all take os.tmpdir() from
 * TMPDIR, set here before any of them starts; each test removing its own had left about 70
 * directories a run (7 GB in /tmp after a few hundred runs). NICSIM_KEEP_TEST_FILES=1 keeps them,
 * to look at what a failing test wrote, and says where they are.
 */
export default function temporaryRoot(): () => void {
  const root = mkdtempSync(join(tmpdir(), "nicsim-tests-"));
  process.env.TMPDIR = root;
  return () => {
    if (process.env.NICSIM_KEEP_TEST_FILES === "1") {
      console.log(`\nthe tests' temporary files are kept in ${root} (NICSIM_KEEP_TEST_FILES=1)`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
