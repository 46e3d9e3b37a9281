import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadScenarioFile, ScenarioError } from "../../system/scenario/load.js";
import { problems, VALID } from "./scenario-fixture.js";

describe("values given on the command line (--set) are checked with the file's, and blamed on the option that gave them", () => {
  test("17d. a value past both an integer's safe range and its field's own bound is told the tighter bound, once", () => {
    expect(problems(VALID, "s.yaml", { seed: 99999999999999999999 })).toEqual(["--set seed = 100000000000000000000: expected at most 4294967295"]);
  });

  test("17e. a value given to a group of parameters (nic.tx=5) is told it is a group, with the group's parameters", () => {
    expect(problems(VALID, "s.yaml", { "driver.cpu": "fast" })).toEqual(["--set driver.cpu: a group of parameters, not one: give its own (cores, megahertz, policy, checkBytes, switchCycles)"]);
    // The scenario's own groups, and its QoS policy, in its words (not the schema's "expected record" or a bare "Invalid input").
    expect(problems(VALID, "s.yaml", { nic: 5, wire: null, qos: [] })).toEqual([
      "--set nic: a group of parameters (a mapping such as nic: { … }), not one value (5)",
      "--set wire: a group of parameters (a mapping such as wire: { … }), not an empty value",
      "--set qos: the QoS policy: its IOS text (qos: |), or its JSON form (a mapping of profiles, classMaps and policyMaps), not a list",
    ]);
  });

  test("a mapping given whole warns of the scenario's values it drops, by path; one that keeps them all, or a single value, does not", () => {
    const text = VALID.replace("    txEntries: 4\n", "    txEntries: 4\n    rxEntries: 4\n  tx:\n    framesInFlight: 8\n");
    const file = join(mkdtempSync(join(tmpdir(), "nicsim-replace-")), "w.yaml");
    writeFileSync(file, text);
    expect(loadScenarioFile(file, { nic: { crypto_tx: { engines: 1 } } }).warnings).toEqual([
      "warning: --set nic: the mapping given replaces the scenario's whole nic, dropping nic.sacache.txEntries, nic.sacache.rxEntries, nic.tx.framesInFlight; give whole paths (--set nic.sacache.txEntries=…) to change single values",
    ]);
    expect(loadScenarioFile(file, { nic: { sacache: { txEntries: 2 }, tx: { framesInFlight: 8 } } }).warnings).toEqual([
      "warning: --set nic: the mapping given replaces the scenario's whole nic, dropping nic.sacache.rxEntries; give whole paths (--set nic.sacache.rxEntries=…) to change single values",
    ]);
    // A list given whole: its entries by index, what each drops, and the entries it leaves out.
    expect(loadScenarioFile(file, { traffic: [{ name: "t", customer: "a", direction: "to-peer", packetBytes: 100, load: 0.1 }] }).warnings).toEqual([
      "warning: --set traffic: the list given replaces the scenario's whole traffic, dropping traffic.0.gapMicroseconds; give whole paths (--set traffic.0.gapMicroseconds=…) to change single values",
    ]);
    // Where the scenario no longer holds together without what was dropped, the warning follows its mistakes.
    expect(() => loadScenarioFile(file, { customers: [] })).toThrow(/\n {2}warning: --set customers: the list given replaces the scenario's whole customers, dropping customers\.0;/);
    expect(loadScenarioFile(file, { "nic.sacache": { txEntries: 2, rxEntries: 2 }, "nic.tx.framesInFlight": 16 }).warnings).toEqual([]);
  });

  test("17b. a --set inside a place another --set gives whole (traffic.0=x, traffic.0.load=0.3) is refused by name, not with a JavaScript error", () => {
    expect(problems(VALID, "s.yaml", { "traffic.0": "x", "traffic.0.load": 0.3 })).toEqual([
      "--set traffic.0.load: inside traffic.0, which --set traffic.0 gives whole; give one or the other",
      "--set traffic.0 = \"x\": expected a mapping",
    ]);
  });

  test("17c. a --set into a list the file lacks is blamed on the --set and the file's missing list on the file, with a hint in the list's shape; a customer replaced by one without a name is said so", () => {
    const withoutTraffic = VALID.slice(0, VALID.indexOf("traffic:"));
    expect(problems(withoutTraffic, "s.yaml", { "traffic.0.load": 0.3 })).toEqual([
      "--set traffic.0.load: the scenario has no traffic to index into; set the whole list (--set 'traffic=[{…}]')",
      "s.yaml:1:1: traffic: required: expected a list",
    ]);
    expect(problems(VALID, "s.yaml", { "customers.0": null })).toEqual([
      "--set customers.0: an empty value: expected a mapping",
      expect.stringMatching(/^s\.yaml:\d+:\d+: traffic\[0\]\.customer: no customer '\w+': --set customers\.0 replaced that customer with one without a name \(no customer has a name\)$/),
    ]);
    // Its name alone set to something that is no name: said as that (it said the customer was replaced; from a scenario author's check).
    expect(problems(VALID, "s.yaml", { "customers.0.name": true })).toContainEqual(expect.stringMatching(/traffic\[0\]\.customer: no customer '\w+': --set customers\.0\.name gave that customer a name that is no name/));
  });

  test("17. --set: a path through an object's prototype is refused and pollutes nothing; a path the schema does not have, or past a list's end, is named; a bad value set so is named by its --set", () => {
    for (const path of ["__proto__.polluted", "constructor.prototype.polluted", "nic.__proto__.polluted"]) {
      expect(problems(VALID, "s.yaml", { [path]: 1 })).toEqual([expect.stringMatching(new RegExp(`^--set ${path.replace(/\./g, "\\.")}: '(__proto__|constructor)' cannot be a path segment`))]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(problems(VALID, "s.yaml", { "custmers.0.sas": 2, "traffic.3.load": 0.1, "durationMicroseconds.x": 1 })).toEqual([
      "--set custmers.0.sas: the scenario has no field 'custmers' (did you mean customers?) (fields: name, description, seed, durationMicroseconds, nic, driver, wire, peer, qos, customers, checks, cryptoBackend, faults, traffic, outputs)",
      "--set traffic.3.load: traffic has 1 entry, so there is no traffic.3",
      "--set durationMicroseconds.x: durationMicroseconds takes a number, not a mapping, so it has no 'x'",
    ]);
    expect(problems(VALID, "s.yaml", { "traffic.0.packetBytes": "big", "nic.sacache.txEntries": 0 })).toEqual([
      "--set traffic.0.packetBytes = \"big\": expected a number",
      "--set nic.sacache.txEntries = 0: expected at least 1 (TX SA table entries)",
    ]);
    expect(problems(VALID, "s.yaml", { "nic.sacache.txEntries": 0 })).toEqual([expect.stringMatching(/^--set nic\.sacache\.txEntries = 0: expected at least 1/)]);
    // An empty directory would write into wherever the run starts, as `--out ''` is refused for.
    for (const directory of ["", "  "]) expect(problems(VALID, "s.yaml", { "outputs.directory": directory })).toEqual([`--set outputs.directory = ${JSON.stringify(directory)}: expected a path (say '.' for the current directory)`]);
    // A misspelt choice is answered with the one meant, from a parameter as from the scenario's own fields.
    expect(problems(VALID, "s.yaml", { "driver.intermediate.placement": "metrik", cryptoBackend: "nobel" })).toEqual([
      '--set cryptoBackend = "nobel": expected one of node, noble (did you mean noble?)',
      expect.stringMatching(/^--set driver\.intermediate\.placement = "metrik": expected one of token, metric \(did you mean metric\?\) \(Which SAs/),
    ]);
  });

  test("22. a --set that makes a place the file does not have is blamed on the option, not on the file", () => {
    expect(problems(VALID, "s.yaml", { "outputs.waveformScopes.0": "x" })).toEqual([`--set outputs.waveformScopes.0: the scenario has no outputs.waveformScopes to index into; set the whole list (--set 'outputs.waveformScopes=["…"]')`]);
    // A value set whole is named by the option, each element where the text names it, once.
    expect(problems(VALID, "s.yaml", { "outputs.waveformScopes": [1] })).toEqual(["--set outputs.waveformScopes.0 = 1: expected a text: it was read as a number; quote it to give it as a text (in YAML \"…\", with --set 'path=\"…\"')"]);
    // The customer has no ike mapping in the file: the option made it, and what it lacks is the option's doing, not the customer line's.
    expect(problems(VALID, "s.yaml", { "customers.0.ike.address": "192.0.2.9" })).toEqual(["--set customers.0.ike.address: customers[0].ike.preSharedKey: required: expected a text"]);
  });
});

describe("a mistake made between the file and a --set names both", () => {
  test("a rule between two values is placed at the one given (its --set or line), not at the other's default; the other given is named after it", () => {
    expect(problems(VALID, "s.yaml", { "nic.maxFrameBytes": 30000 })).toEqual([
      "--set nic.maxFrameBytes: nic.tx.bufferBytes = 163840: each of the 8 queues' parts (20480 bytes in whole KB) must hold the longest frame (nic.maxFrameBytes = 30000) (nic.tx.bufferBytes has its default)",
    ]);
    // A mapping set whole gave only what it holds: the value left to its default is not blamed on it.
    expect(problems(VALID, "s.yaml", { "nic.tx": { framesInFlight: 4 } })).toEqual([
      "--set nic.tx: nic.tx.priorityReserve = 8: must be less than nic.tx.framesInFlight (4), or no queue but the strict ones could ever start a frame (nic.tx.priorityReserve has its default)",
    ]);
    // Classes made to share a queue by a --set of the queues: the policy's line, and the --set.
    const threeClasses = VALID.replace("    priority percent 20", "    priority percent 20\n  class-map match-any silver\n   match qos-group 2\n  class-map match-any bronze\n   match qos-group 3").replace("   class gold\n    priority percent 20", "   class gold\n    priority percent 20\n   class bronze\n    bandwidth percent 30");
    expect(problems(threeClasses, "s.yaml", { "nic.queues": 2 })).toEqual([expect.stringMatching(/^s\.yaml:\d+:1: qos: classes gold \(7\) and bronze \(\d\) would share queue 1 of the 2 the driver runs \(nic\.queues = 2, by --set nic\.queues\), and one schedule: run 8 queues \(nic\.queues\)/)]);
    // With the NIC's 8 queues, what to raise is the driver's; one queue left out is named as one.
    expect(problems(threeClasses, "s.yaml", { "driver.base.queues": 2 })).toEqual([
      "--set driver.base.queues = 2: the NIC steers received frames by class over its 8 queues; a driver running 2 would have those for queues 2 to 7 dropped (RX_QUEUE_DISABLED)",
      expect.stringMatching(/would share queue 1 of the 2 the driver runs \(nic\.queues = 8; driver\.base\.queues = 2, by --set driver\.base\.queues\), and one schedule: run 8 queues \(driver\.base\.queues\)/),
    ]);
    expect(problems(threeClasses, "s.yaml", { "nic.queues": 3, "driver.base.queues": 2 })[0]).toContain("a driver running 2 would have those for queue 2 dropped");
    expect(problems(VALID.replace("    txEntries: 4", "    txEntries: 4\n  tx:\n    priorityReserve: 4"), "s.yaml", { "nic.tx.framesInFlight": 2 })).toEqual([
      "s.yaml:7:5: nic.tx.priorityReserve = 4: must be less than nic.tx.framesInFlight (2), or no queue but the strict ones could ever start a frame (nic.tx.framesInFlight by --set nic.tx.framesInFlight)",
    ]);
  });

  test("a stream's rate given by --set replaces the file's other rate field, with a warning (no --set or --grid could turn a stream given by its gap into one given by its load; from a new user's check); both given by --set are refused at the stream's line, with them", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-blame-"));
    const file = join(directory, "s.yaml");
    writeFileSync(file, ["name: s", "durationMicroseconds: 20", "customers:", "  - name: a", "    identity: { type: ID_KEY_ID, value: a }", "traffic:", "  - name: v", "    customer: a", "    direction: both", "    packetBytes: 200", "    gapMicroseconds: 5", "  - name: w", "    customer: a", "    direction: both", "    packetBytes: 200", "    load: 0.1", ""].join("\n"));
    const loaded = loadScenarioFile(file, { "traffic.0.load": 0.2, "traffic.1.gapMicroseconds": 7 });
    expect(loaded.scenario.traffic.map(({ load, gapMicroseconds }) => ({ load, gapMicroseconds }))).toEqual([{ load: 0.2, gapMicroseconds: undefined }, { load: undefined, gapMicroseconds: 7 }]);
    expect(loaded.warnings).toEqual([
      "warning: --set traffic.0.load: replaces the scenario's traffic.0.gapMicroseconds (a stream's rate is one of load and gapMicroseconds)",
      "warning: --set traffic.1.gapMicroseconds: replaces the scenario's traffic.1.load (a stream's rate is one of load and gapMicroseconds)",
    ]);
    // The same field the file gives is a change of value, not of kind: no warning.
    expect(loadScenarioFile(file, { "traffic.0.gapMicroseconds": 3 }).warnings).toEqual([]);
    let problems: readonly string[] = [];
    try {
      loadScenarioFile(file, { "traffic.0.load": 0.2, "traffic.0.gapMicroseconds": 3 });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    expect(problems.join("\n")).toContain(`${file}:7:5 (with --set traffic.0.load, --set traffic.0.gapMicroseconds): traffic[0]: give exactly one of load and gapMicroseconds`);
    // A --set of a field the message does not name had no part in it.
    const both = ["name: s", "durationMicroseconds: 20", "customers:", "  - name: a", "    identity: { type: ID_KEY_ID, value: a }", "traffic:", "  - name: v", "    customer: a", "    direction: both", "    packetBytes: 200", "    gapMicroseconds: 5", "    load: 0.2", ""].join("\n");
    writeFileSync(file, both);
    try {
      loadScenarioFile(file, { "traffic.0.name": "w" });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems = error.problems;
    }
    expect(problems).toContain(`${file}:7:5: traffic[0]: give exactly one of load and gapMicroseconds`);
  });

  test("--set says a field of names as such, and a parameter of a right name in the wrong group by the group it is in (it said 'is a enum', and nic.cores offered nic.queues; from a scenario author's check)", () => {
    expect(problems(VALID, "s.yaml", { "customers.0.identity.type.x": 1 })).toEqual(["--set customers.0.identity.type.x: customers.0.identity.type takes one of a list of names, not a mapping, so it has no 'x'"]);
    expect(problems(VALID, "s.yaml", { "nic.cores": 4 })).toEqual([expect.stringMatching(/^--set nic\.cores: no such parameter \(did you mean driver\.cpu\.cores\?\)/)]);
    // A misspelt name is still offered the nearest spelling.
    expect(problems(VALID, "s.yaml", { "nic.queus": 4 })).toEqual([expect.stringMatching(/^--set nic\.queus: no such parameter \(did you mean nic\.queues\?\)/)]);
  });
});

