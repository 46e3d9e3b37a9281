import { performance } from "node:perf_hooks";
import { container } from "../../sim/di.js";
import { AesGcmBackendToken, type AesGcmBackend } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { Random } from "../../sim/random.js";
import { buildNicSystem } from "../../system/build.js";
import { configureTunnels } from "../../system/ipsec-setup.js";

/**
 * Inline ESP at the line rate: 1400-byte packets over 16 SAs with 4 TX and 4 RX table entries
 * (4 times more SAs than entries), so installs, misses and software fallback all happen. The
 * peer counts what arrives (its own decryption is not what is measured).
 */
function measure(backend: AesGcmBackend, packets: number): { seconds: number; packets: number; hardware: number; software: number } {
  const scope = container.createChildContainer();
  scope.register(AesGcmBackendToken, { useValue: backend });
  const { kernel, top } = buildNicSystem({ seed: 1, container: scope, parameters: { "top.nic.sacache.txEntries": 4, "top.nic.sacache.rxEntries": 4 } });
  const customers = Array.from({ length: 16 }, (_, index) => ({ name: `customer-${index}`, trafficClass: index % 8, qosGroup: index + 1 }));
  configureTunnels(top.driver.intermediate, customers, Random.derive(1, "keys"));
  top.peer.keepReceived = false;
  const templates = customers.map((customer) => sequencedPacket("to-peer", customer.trafficClass, 0, 1414));
  for (let sender = 0; sender < 4; sender++) {
    kernel.process(`sender${sender}`, function* () {
      yield top.driver.base.whenReady();
      for (let index = sender; index < packets; index += 4) yield* top.driver.intermediate.send(templates[index % 16]!);
    });
  }
  const started = performance.now();
  kernel.run({ stopWhen: () => top.peer.receivedFrames >= packets });
  const seconds = (performance.now() - started) / 1000;
  const counts = top.driver.intermediate.counts;
  return { seconds, packets: top.peer.receivedFrames, hardware: counts.hardwareTx, software: counts.softwareTx };
}

const backends: AesGcmBackend[] = [new NobleBackend(), new NodeCryptoBackend()];
for (const backend of backends) measure(backend, 2000);
console.log(`\ninline ESP benchmark: 1400-byte packets at line rate, 16 SAs over 4 TX and 4 RX table entries, tracing off, Node ${process.version}`);
console.log("| backend | packets | wall s | simulated packets/s (wall) | NIC inline | software | goal |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
const goals: Record<string, number> = { "@noble/ciphers": 30_000, "node:crypto": 100_000 };
for (const backend of backends) {
  const m = measure(backend, 20_000);
  const rate = m.packets / m.seconds;
  const goal = goals[backend.name]!;
  console.log(`| ${backend.name} | ${m.packets} | ${m.seconds.toFixed(2)} | ${Math.round(rate).toLocaleString("en-US")} | ${m.hardware} | ${m.software} | >= ${goal.toLocaleString("en-US")}: ${rate >= goal ? "met" : "NOT met"} |`);
}
