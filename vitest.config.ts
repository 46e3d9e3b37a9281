import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
// `nicsim` is the package's own name: examples import it as users will.
// Two workers at least: much of the suite waits on child processes (the CLI's, tshark's, the C clients'), and on a 2-core machine one worker left the other core idle (657 s against 432 s).
export default defineConfig({ resolve: { alias: { nicsim: fileURLToPath(new URL("./index.ts", import.meta.url)) } }, test: { include: ["test/**/*.test.ts"], globalSetup: ["test/support/build-dist.ts", "test/support/temporary-root.ts"], testTimeout: 60_000, maxWorkers: Math.max(2, availableParallelism() - 1) } });
