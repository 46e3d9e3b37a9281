import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const KEPT_FILES_DIRECTORY = "NICSIM_KEPT_FILES_DIRECTORY";

/** Where a test writes what the user reads after the run: the temporary directory outside the run's own, which is removed. */
export function keptFilesDirectory(): string {
  return process.env[KEPT_FILES_DIRECTORY] ?? tmpdir();
}

/**
 * Vitest's global setup: every temporary file of the run goes under one directory, removed when the
 * run ends. The tests, the CLIs and clients they start, and the workers all take os.tmpdir() from
 * TMPDIR, set here before any of them starts; each test removing its own had left about 70
 * directories a run (7 GB in /tmp after a few hundred runs). NICSIM_KEEP_TEST_FILES=1 keeps them,
 * to look at what a failing test wrote, and says where they are. What a test writes for the user
 * to read after the run (a fuzz failure's scenario) goes to keptFilesDirectory() instead.
 */
export default function temporaryRoot(): () => void {
  process.env[KEPT_FILES_DIRECTORY] ??= tmpdir();
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
