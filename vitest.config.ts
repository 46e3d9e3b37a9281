import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
// `nicsim` is the package's own name: examples import it as users will.
// Two workers at least: much of the suite waits on child processes (the CLI's, tshark's, the C clients'), and on a 2-core machine one worker left the other core idle (657 s against 432 s).
// Not isolated: each test file loaded the model's 500 modules afresh, a third of the suite's time (on 2 cores, 11 min 47 s against 7 min 20 s). A test that
// patches a prototype puts it back in its afterAll or finally, and no module of the model keeps state between runs (each run builds its own kernel and container);
// what the files do share, their process, is checked after each one (test/support/no-state-left.ts).
export default defineConfig({ resolve: { alias: { nicsim: fileURLToPath(new URL("./index.ts", import.meta.url)) } }, test: { include: ["test/**/*.test.ts"], globalSetup: ["test/support/build-dist.ts", "test/support/temporary-root.ts"], setupFiles: ["test/support/no-state-left.ts"], testTimeout: 60_000, isolate: false, maxWorkers: Math.max(2, availableParallelism() - 1) } });
