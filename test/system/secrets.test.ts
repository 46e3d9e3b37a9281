import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runScenario } from "../../system/scenario/run.js";

/** Every file under a folder. */
function files(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The forms a secret could take in an output: raw bytes, hex either case, base64, decimal lists, a VCD binary vector. */
function forms(secret: Uint8Array): Buffer[] {
  const hex = Buffer.from(secret).toString("hex");
  const binary = BigInt(`0x${hex}`).toString(2);
  return [Buffer.from(secret), Buffer.from(hex), Buffer.from(hex.toUpperCase()), Buffer.from(Buffer.from(secret).toString("base64")), Buffer.from(Array.from(secret).join(",")), Buffer.from(Array.from(secret).join(", ")), Buffer.from(`b${binary} `)];
}

describe("secrets stay inside", () => {
  test("no key or salt appears in any output of a run (waveform, capture, summary, report, SA trace, printed text) but the esp_sa file", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-secrets-"));
    const run = runScenario(defaultScenario({ durationMicroseconds: 150 }), { directory });
    const secrets = run.design.top.traffic.captured.flatMap(({ sa }) => [
      { name: `key of SPI 0x${sa.spi.toString(16)}`, bytes: sa.keyMaterial.subarray(0, sa.keyMaterial.length - 4) },
      { name: `salt of SPI 0x${sa.spi.toString(16)}`, bytes: sa.keyMaterial.subarray(sa.keyMaterial.length - 4) },
    ]);
    // 13 SA pairs (and the rekeys' pairs), a key and a salt each.
    expect(secrets.length).toBeGreaterThanOrEqual(52);
    // IKE's: each gateway's pre-shared key (as the scenario gives it, text) and each IKE SA's phase-1 encryption key.
    const encoder = new TextEncoder();
    const ikeSecrets = [
      ...defaultScenario().scenario.customers.map((customer) => ({ name: `pre-shared key of ${customer.name}`, bytes: encoder.encode(customer.ike!.preSharedKey) })),
      ...run.design.top.driver.intermediate.ike.decryptionTable.map((entry, index) => ({ name: `phase-1 encryption key ${index}`, bytes: entry.encryptionKey })),
    ];
    expect(ikeSecrets.length).toBe(6);
    secrets.push(...ikeSecrets);
    const outputs = files(directory).filter((path) => !path.endsWith(".esp_sa") && !path.endsWith(".ikev1_decryption_table"));
    expect(outputs.map((path) => path.slice(directory.length + 1)).sort()).toEqual(
      ["default.filters/cpu_work.txt", "default.filters/crypto_state.txt", "default.filters/driver_message.txt", "default.filters/ike_message.txt", "default.filters/ike_state.txt", "default.filters/error_code.txt", "default.filters/esp_path.txt", "default.filters/rx_state.txt", "default.filters/tx_state.txt", "default.gtkw", "default.html", "default.pcap", "default.sa-trace.jsonl", "default.summary.json", "default.vcd"].sort(),
    );
    const found: string[] = [];
    const contents = [...outputs.map((path) => ({ path, bytes: readFileSync(path) })), { path: "printed summary", bytes: Buffer.from(run.text) }];
    for (const { path, bytes } of contents) {
      for (const secret of secrets) for (const form of forms(secret.bytes)) if (bytes.includes(form)) found.push(`${secret.name} in ${path} as ${JSON.stringify(form.toString("latin1").slice(0, 40))}`);
    }
    expect(found).toEqual([]);
    // The esp_sa file is where they are meant to be: the scan finds them there, so it would find them elsewhere.
    const espSa = readFileSync(join(directory, "default.esp_sa"));
    const espSecrets = secrets.filter((secret) => secret.name.startsWith("key of") || secret.name.startsWith("salt of"));
    expect(espSecrets.every((secret) => espSa.includes(Buffer.from(Buffer.from(secret.bytes).toString("hex"))))).toBe(true);
    const ikeTable = readFileSync(join(directory, "default.ikev1_decryption_table"));
    expect(ikeSecrets.filter((secret) => secret.name.startsWith("phase-1")).every((secret) => ikeTable.includes(Buffer.from(Buffer.from(secret.bytes).toString("hex"))))).toBe(true);
  });
});

describe("pre-shared keys stay where the user gave them", () => {
  test("a sweep over a pre-shared key records and prints <secret> for it, and a command-line mistake never echoes a --set value", async () => {
    const { runSweepPoint } = await import("../../system/scenario/sweep.js");
    const { redactArguments } = await import("../../system/scenario/secret-paths.js");
    const result = runSweepPoint(null, {
      index: 0,
      overrides: { durationMicroseconds: 5, "customers.0.ike.preSharedKey": "SWEEP-PSK-1", "customers.1.ike.gatewayPreSharedKey": "SWEEP-PSK-2", "customers.2.ike": { mode: "main", preSharedKey: "SWEEP-PSK-3" } },
    });
    expect(JSON.stringify(result)).not.toMatch(/SWEEP-PSK/);
    expect(result.overrides["customers.0.ike.preSharedKey"]).toBe("<secret>");
    expect(result.overrides.durationMicroseconds).toBe(5);
    expect(result.overrides["customers.2.ike"]).toEqual({ mode: "main", preSharedKey: "<secret>" });
    expect(redactArguments("error: option '--set <path=value>' argument 'customers.0.ike.preSharedKy=ka-secret' is invalid.")).toBe("error: option '--set <path=value>' argument 'customers.0.ike.preSharedKy=…' is invalid.");
  });

  test("a sweep whose axis is a key shows which of its values each row has, `<secret 2>`, never the key (every row was `<secret>`, so rows with the right key and the wrong one could not be told apart)", async () => {
    const { sweepGrid, runSweepPoint } = await import("../../system/scenario/sweep.js");
    const { sweepResultProblems } = await import("../../system/scenario/sweep-result.js");
    const points = sweepGrid([["customers.1.ike.gatewayPreSharedKey", ["SWEEP-PSK-A", "SWEEP-PSK-B"]]], { durationMicroseconds: 5, "customers.1.ike.preSharedKey": "SWEEP-PSK-A" });
    const results = points.map((point) => runSweepPoint(null, point));
    expect(JSON.stringify(results)).not.toMatch(/SWEEP-PSK/);
    expect(results.map((result) => [result.overrides["customers.1.ike.preSharedKey"], result.overrides["customers.1.ike.gatewayPreSharedKey"]])).toEqual([
      // The --set's key is the axis's first: equal keys read alike (the rows with the keys that agree and those that do not are told apart).
      ["<secret 1>", "<secret 1>"],
      ["<secret 1>", "<secret 2>"],
    ]);
    // A shard's row with a numbered key is a result; one with a key in clear is not.
    expect(sweepResultProblems(results[1])).toBeNull();
    expect(sweepResultProblems({ ...results[1], overrides: { ...results[1]!.overrides, "customers.1.ike.gatewayPreSharedKey": "SWEEP-PSK-B" } })).toEqual(["overrides: a key in clear (not shown), where nicsim sweep writes <secret>"]);
  });

  test("an axis of mappings holding keys numbers them too (from an auditor's check: two configurations with different keys were both recorded `{\"preSharedKey\":\"<secret>\"}`)", async () => {
    const { sweepGrid, runSweepPoint } = await import("../../system/scenario/sweep.js");
    const { sweepResultProblems } = await import("../../system/scenario/sweep-result.js");
    const ike = (key: string) => ({ mode: "main", preSharedKey: key });
    const points = sweepGrid([["customers.1.ike", [ike("SWEEP-PSK-Q"), ike("SWEEP-PSK-R"), { ...ike("SWEEP-PSK-Q"), lifetimeKilobytes: 900 }]]], { durationMicroseconds: 5 });
    const results = points.map((point) => runSweepPoint(null, point));
    expect(JSON.stringify(results)).not.toMatch(/SWEEP-PSK/);
    // Numbered by the keys each holds, in the order given: the third has the first's key.
    expect(results.map((result) => result.overrides["customers.1.ike"])).toEqual([
      { mode: "main", preSharedKey: "<secret 1>" },
      { mode: "main", preSharedKey: "<secret 2>" },
      { mode: "main", preSharedKey: "<secret 1>", lifetimeKilobytes: 900 },
    ]);
    // Within one mapping, keys that agree read alike and keys that differ apart (both read `<secret 2>` in a row where they differed, the one thing that decided it).
    const both = (host: string, gateway: string) => ({ mode: "main", preSharedKey: host, gatewayPreSharedKey: gateway });
    const shown = sweepGrid([["customers.1.ike", [both("SWEEP-PSK-Q", "SWEEP-PSK-Q"), both("SWEEP-PSK-Q", "SWEEP-PSK-R")]]], { durationMicroseconds: 5 }).map((point) => point.shown!["customers.1.ike"]);
    expect(shown).toEqual([
      { mode: "main", preSharedKey: "<secret 1>", gatewayPreSharedKey: "<secret 1>" },
      { mode: "main", preSharedKey: "<secret 1>", gatewayPreSharedKey: "<secret 2>" },
    ]);
    for (const result of results) expect(sweepResultProblems(result)).toBeNull();
    expect(sweepResultProblems({ ...results[0], overrides: { ...results[0]!.overrides, "customers.1.ike": ike("SWEEP-PSK-Q") } })).toEqual(["overrides: a key in clear (not shown), where nicsim sweep writes <secret>"]);
  });

  test("a key under a misspelt name, or given whole where its customer or ike goes, is still a key; fields that only mention keys are shown", async () => {
    const { redactSecrets, redactArguments } = await import("../../system/scenario/secret-paths.js");
    const given = {
      "customers.0.ike.pre_shared_key": "K1",
      "customers.0.ike.psk": "K2",
      "customers.1.ike": "K3",
      "customers.2": "K4",
      "customers.3.ike.gateway-secret": "K5",
      "nic.crypto_tx.keyCacheEntries": 4,
      "nic.crypto_tx.keySetupCycles": 8,
      "faults.rekeys": 2,
      "customers.4.ike.address": "192.0.2.40",
    };
    expect(redactSecrets(given)).toEqual({
      "customers.0.ike.pre_shared_key": "<secret>",
      "customers.0.ike.psk": "<secret>",
      "customers.1.ike": "<secret>",
      "customers.2": "<secret>",
      "customers.3.ike.gateway-secret": "<secret>",
      "nic.crypto_tx.keyCacheEntries": 4,
      "nic.crypto_tx.keySetupCycles": 8,
      "faults.rekeys": 2,
      "customers.4.ike.address": "192.0.2.40",
    });
    // Without '=' the argument may be a key typed with ':' for '=': none of it shows.
    expect(redactArguments("error: option '--set <path=value>' argument 'customers.0.ike.preSharedKey:ka-secret' is invalid.")).toBe("error: option '--set <path=value>' argument '…' is invalid.");
    expect(redactArguments("error: option '--seed <n>' argument 'abc' is invalid.")).toBe("error: option '--seed <n>' argument 'abc' is invalid.");
    expect(redactSecrets({ "customers.0.ike.passphrase": "K6", "customers.0.ike.pwd": "K7", "customers.1.ike": { mode: "main", token: "K8" }, "customers.0.ike.mode": "main" })).toEqual({ "customers.0.ike.passphrase": "<secret>", "customers.0.ike.pwd": "<secret>", "customers.1.ike": { mode: "main", token: "<secret>" }, "customers.0.ike.mode": "main" });
    // The host daemon's ike holds parameters, not keys: a sweep over them shows their values (every one was <secret>, and shards over different values matched).
    expect(redactSecrets({ "driver.intermediate.ike.retransmitLimit": 2, "driver.intermediate.ike.retransmitMicroseconds": 150 })).toEqual({ "driver.intermediate.ike.retransmitLimit": 2, "driver.intermediate.ike.retransmitMicroseconds": 150 });
  });

  // From a reviewer's check: the design's own checks (waveform scopes, the device's fit) came after the key texts were taken out of the scenario's mistakes.
  test("a key repeated by a YAML alias where a waveform scope goes is <secret> in the mistake that scope makes", async () => {
    const { parseScenarioText, ScenarioError } = await import("../../system/scenario/load.js");
    const { buildScenario } = await import("../../system/scenario/run.js");
    const text = [
      "name: s",
      "durationMicroseconds: 5",
      "customers:",
      "  - name: a",
      "    identity: { type: ID_FQDN, value: gw.a.example }",
      "    ike: { mode: main, preSharedKey: &key alias-repeated-key }",
      "traffic:",
      "  - { name: s, customer: a, direction: both, packetBytes: 200, load: 0.1 }",
      "outputs: { waveformScopes: [*key] }",
    ].join("\n");
    let problems: readonly string[] = [];
    try {
      buildScenario(parseScenarioText(text, "s.yaml"));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    // Its '-' written as a signal name's '_' in the advice is the key too.
    expect(problems).toEqual(["s.yaml:9:29: outputs.waveformScopes[0] = <secret>: expected a dotted name pattern (names, '*', '**', '?', separated by '.') (signal names write a customer name's '-' as '_': <secret>)"]);
    problems = [];
    try {
      buildScenario(parseScenarioText(text.replace("alias-repeated-key", "aliasrepeatedkey"), "s.yaml"));
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual(["s.yaml:9:29: outputs.waveformScopes[0]: <secret> selects no signal of the design"]);
  });

  // From a re-check: a key written as a name (commas for a ':') was shown in "unknown field" and "given twice".
  test("a key written as a field's name under a customer's ike is not shown, in the unknown field or the key given twice, with a syntax error or without; a misspelt field there still is", async () => {
    const { problems: problemsOf } = await import("./scenario-fixture.js");
    const text = (ike: string, tail = "") =>
      ["name: s", "durationMicroseconds: 5", "customers:", "  - name: a", "    identity: { type: ID_FQDN, value: gw.a.example }", `    ike: ${ike}`, "traffic:", "  - { name: s, customer: a, direction: both, packetBytes: 200, load: 0.1 }", tail].join("\n");
    const written = problemsOf(text("{ mode: main, preSharedKey, Zq9-S3cret-psk, Zq9-S3cret-psk }"));
    expect(written).toEqual(expect.arrayContaining(["s.yaml:6:5: customers[0].ike: an unknown field (its name not shown: under ike, a name near no field may be the key written as one)", expect.stringMatching(/^s\.yaml:6:\d+: a field given twice in one mapping/)]));
    const withSyntax = problemsOf(text("{ mode: main, preSharedKey, Zq9-S3cret-psk, Zq9-S3cret-psk }", 'x: "open'));
    expect(withSyntax).toEqual([expect.stringMatching(/a field given twice in one mapping/), expect.stringMatching(/Missing closing "quote/)]);
    for (const problem of [...written, ...withSyntax]) expect(problem).not.toContain("S3cret");
    // Through a merge too, and in the warning a --set mapping gives for the values it drops (from a second re-check).
    const merged = problemsOf(text("{ <<: { mode: main, preSharedKey: x, Zq9-S3cret-psk: 1, Zq9-S3cret-psk: 2 } }"));
    expect(merged).toContainEqual(expect.stringMatching(/a field given twice in one mapping/));
    for (const problem of merged) expect(problem).not.toContain("S3cret");
    const { applyOverrides } = await import("../../system/scenario/overrides.js");
    const { replaced } = applyOverrides({ customers: [{ ike: { mode: "main", "preSharedKey=Hunter2Secret": null, "Zq9-S3cret-psk": 1 } }] }, { "customers.0.ike": { preSharedKey: "k" } });
    expect(replaced).toEqual(["--set customers.0.ike: the mapping given replaces the scenario's whole customers.0.ike, dropping customers.0.ike.mode, customers.0.ike.… (a name not shown: it may be a key written as one), customers.0.ike.… (a name not shown: it may be a key written as one); give whole paths (--set customers.0.ike.mode=…) to change single values"]);
    expect(problemsOf(text("{ mode: main, preSharedKy: k }"))).toContainEqual(expect.stringMatching(/^s\.yaml:6:\d+: customers\[0\]\.ike\.preSharedKy: unknown field \(did you mean preSharedKey\?\)$/));
  });

  test("a sweep's advice on its axes shows no key, and a path=value given where the scenario file goes is not echoed", async () => {
    const { sweepAxesNotes, sweepAxesProblems } = await import("../../system/scenario/sweep.js");
    const { readScenarioText } = await import("../../system/scenario/load.js");
    const axes: Array<[string, unknown[]]> = [
      ["customers.0.ike.preSharedKey", ["AXIS-KEY-1", "AXIS-KEY-1"]],
      ["customers.1.ike", [{ preSharedKey: "AXIS-KEY-2" }]],
      ["customers.1.ike", [{ preSharedKey: "AXIS-KEY-3" }]],
    ];
    const said = [...sweepAxesProblems(axes, {}), ...sweepAxesNotes(axes)].join("\n");
    expect(said).toContain('--grid customers.1.ike: given as 2 axes; give its values once (--grid customers.1.ike={"preSharedKey":"<secret>"},{"preSharedKey":"<secret>"})');
    expect(said).toContain('--grid customers.0.ike.preSharedKey: "<secret>" given more than once');
    expect(said).not.toMatch(/AXIS-KEY/);
    expect(() => readScenarioText("customers.0.ike.preSharedKey=POSITIONAL-KEY")).toThrow(/a path=value is given with --set \(the argument is not shown/);
    try {
      readScenarioText("customers.0.ike.preSharedKey=POSITIONAL-KEY");
    } catch (error) {
      expect(String((error as Error).message) + JSON.stringify(error)).not.toMatch(/POSITIONAL-KEY/);
    }
  });
});
