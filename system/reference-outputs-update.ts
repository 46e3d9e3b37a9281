import { writeFileSync } from "node:fs";
import { REFERENCE_RUNS, referenceHashes } from "./reference-outputs.js";

/** `npm run reference:update`: record the reference runs' output hashes, after a change meant to alter them. */
const hashes: Record<string, Record<string, string>> = {};
for (const name of Object.keys(REFERENCE_RUNS)) {
  process.stderr.write(`${name}\n`);
  hashes[name] = referenceHashes(name);
}
writeFileSync(process.argv[2] ?? "test/reference/outputs.json", `${JSON.stringify(hashes, null, 2)}\n`);
