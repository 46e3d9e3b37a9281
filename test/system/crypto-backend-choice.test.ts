import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { container as rootContainer } from "../../sim/di.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { buildNic } from "../../system/hardware.js";
import { buildNicSystem } from "../../system/build.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { parseScenarioText, ScenarioError } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";
import { oneStreamScenario } from "./scenario-fixture.js";
import { ServedRun } from "../../system/serve/served-run.js";
import { serveConfig } from "../../system/cli/serve-command.js";

const SMALL = oneStreamScenario();

function problems(text: string, overrides: Record<string, unknown> = {}): string[] {
  try {
    buildScenario(parseScenarioText(text, "s.yaml", overrides));
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("the crypto backend: node:crypto unless the scenario chooses noble", () => {
  test("a scenario that says nothing runs on node:crypto, the driver, the NIC's SA cache and the peer alike", () => {
    const design = buildScenario(parseScenarioText(SMALL, "s.yaml"));
    expect(design.container.resolve(AesGcmBackendToken)).toBeInstanceOf(NodeCryptoBackend);
    expect(design.top.params.cryptoBackend).toBe("node");
  });

  test("cryptoBackend: noble in the file, or --set cryptoBackend=noble (with or without top.), chooses @noble/ciphers", () => {
    const inFile = buildScenario(parseScenarioText(`${SMALL}cryptoBackend: noble\n`, "s.yaml"));
    expect(inFile.container.resolve(AesGcmBackendToken)).toBeInstanceOf(NobleBackend);
    const set = buildScenario(defaultScenario({ cryptoBackend: "noble", durationMicroseconds: 10 }));
    expect(set.container.resolve(AesGcmBackendToken)).toBeInstanceOf(NobleBackend);
    expect(set.top.params.cryptoBackend).toBe("noble");
  });

  test("a backend that is neither is refused with its line and the two there are", () => {
    expect(problems(`${SMALL}cryptoBackend: openssl\n`)).toEqual([expect.stringMatching(/^s\.yaml:12:\d+: cryptoBackend = "openssl": expected one of node, noble$/)]);
    expect(problems(SMALL, { cryptoBackend: 3 })).toEqual([expect.stringMatching(/cryptoBackend = 3: expected one of node, noble$/)]);
  });

  test("the library API takes it as the parameter top.cryptoBackend, checked as every parameter is", () => {
    expect(buildNicSystem({ parameters: { "top.cryptoBackend": "noble" } }).container.resolve(AesGcmBackendToken)).toBeInstanceOf(NobleBackend);
    expect(buildNic().container.resolve(AesGcmBackendToken)).toBeInstanceOf(NodeCryptoBackend);
    expect(() => buildNic({ parameters: { "top.cryptoBackend": "openssl" } })).toThrow(/top\.cryptoBackend.*one of node, noble/);
  });

  test("a backend the caller registered (a test's wrapper) is used whatever the parameter says", () => {
    const scope = rootContainer.createChildContainer();
    const own = new NobleBackend();
    scope.register(AesGcmBackendToken, { useValue: own });
    let calls = 0;
    const encryptBlocks = own.encryptBlocks.bind(own);
    own.encryptBlocks = (key, blocks) => (calls++, encryptBlocks(key, blocks));
    // The design uses it through a check of what it returns (test/system/library-swap-points.test.ts): its name, and its calls.
    const used = buildNicSystem({ container: scope, parameters: { "top.cryptoBackend": "node" } }).container.resolve(AesGcmBackendToken);
    expect(used.name).toBe(own.name);
    used.encryptBlocks(new Uint8Array(16), new Uint8Array(16));
    expect(calls).toBe(1);
  });

  test("nicsim serve takes it from its scenario file or --set, and builds its device with it", () => {
    const folder = mkdtempSync(join(tmpdir(), "nicsim-backend-"));
    const file = join(folder, "serve.yaml");
    writeFileSync(file, "name: served\ncryptoBackend: noble\n");
    const cases = [
      [{ set: {} }, NodeCryptoBackend],
      [{ set: { "top.cryptoBackend": "noble" } }, NobleBackend],
      [{ set: {}, scenario: file }, NobleBackend],
      [{ set: { "top.cryptoBackend": "node" }, scenario: file }, NodeCryptoBackend],
    ] as const;
    for (const [options, expected] of cases) {
      const run = new ServedRun({ ...serveConfig({ ...options, waveform: false }), directory: null, pcap: false });
      expect(run.design.container.resolve(AesGcmBackendToken), JSON.stringify(options)).toBeInstanceOf(expected);
    }
  });
});
