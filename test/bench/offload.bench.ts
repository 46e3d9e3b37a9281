import type { AesGcmBackend } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { measureInlineEsp } from "./inline-esp-workload.js";

/**
 * `npm run bench:offload`: inline ESP at the line rate with 1400-byte packets over 16 SAs with 4
 * TX and 4 RX table entries (4 times more SAs than entries), so installs, misses and software
 * fallback all happen; per backend (the remote gateway decrypts with the same one).
 */
const measure = (backend: AesGcmBackend, packets: number) => measureInlineEsp({ packets, packetBytes: 1400, backend, sas: 16, tableEntries: 4 });

const backends: AesGcmBackend[] = [new NobleBackend(), new NodeCryptoBackend()];
for (const backend of backends) measure(backend, 2000);
console.log(`\ninline ESP benchmark: 1400-byte packets at line rate, 16 SAs over 4 TX and 4 RX table entries, tracing off, Node ${process.version}`);
console.log("| backend | packets | wall s | simulated packets/s (wall) | NIC inline | software | goal |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
const goals: Record<string, number> = { "@noble/ciphers": 30_000, "node:crypto": 100_000 };
for (const backend of backends) {
  const m = measure(backend, 20_000);
  const rate = m.delivered / m.seconds;
  const goal = goals[backend.name]!;
  console.log(`| ${backend.name} | ${m.delivered} | ${m.seconds.toFixed(2)} | ${Math.round(rate).toLocaleString("en-US")} | ${m.hardware} | ${m.software} | >= ${goal.toLocaleString("en-US")}: ${rate >= goal ? "met" : "NOT met"} |`);
}
