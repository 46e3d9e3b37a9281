import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
// `nicsim` is the package's own name: examples import it as users will.
export default defineConfig({ resolve: { alias: { nicsim: fileURLToPath(new URL("./index.ts", import.meta.url)) } }, test: { include: ["test/**/*.test.ts"], testTimeout: 60_000 } });
