import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadScenarioFile, parseScenarioText, ScenarioError } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";

/** A small valid scenario; each test breaks one thing in it. */
const VALID = `name: small
durationMicroseconds: 50
nic:
  sacache:
    txEntries: 4
qos: |
  crypto isakmp profile a
   match identity host domain a.example
   set ipsec-qos-group 1
  class-map match-any gold
   match qos-group 1
  policy-map edge
   class gold
    priority percent 20
customers:
  - name: a
    identity: { type: ID_FQDN, value: gw.a.example }
    sas: 2
traffic:
  - name: voice
    customer: a
    direction: both
    packetBytes: 128
    gapMicroseconds: 5
`;

/** The problems a scenario text is rejected with (building it too, so parameters are checked). */
function problems(text: string, file = "s.yaml"): string[] {
  try {
    buildScenario(parseScenarioText(text, file));
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("scenario files are checked before anything runs, and each mistake is named precisely", () => {
  test("the valid scenario has no problem", () => {
    expect(problems(VALID)).toEqual([]);
  });

  test("1. YAML that does not parse: the line and column", () => {
    expect(problems(VALID.replace("    sas: 2", "   sas: 2"))).toEqual([expect.stringMatching(/^s\.yaml:18:\d+: /)]);
  });

  test("2. an unknown field, as a typo would make", () => {
    expect(problems(VALID.replace("customers:", "custmers:"))).toEqual([
      "s.yaml:1:1: customers: required: expected array, received undefined",
      "s.yaml:1:1: (top): unknown field 'custmers'",
    ]);
  });

  test("3. a required field missing", () => {
    expect(problems(VALID.replace("durationMicroseconds: 50\n", ""))).toEqual(["s.yaml:1:1: durationMicroseconds: required: expected number, received undefined"]);
  });

  test("4. a value of the wrong type", () => {
    expect(problems(VALID.replace("    sas: 2", "    sas: two"))).toEqual(["s.yaml:18:5: customers[0].sas: Invalid input: expected number, received string"]);
  });

  test("5. a value out of range", () => {
    expect(problems(VALID.replace("packetBytes: 128", "packetBytes: 20000"))).toEqual(["s.yaml:23:5: traffic[0].packetBytes: Too big: expected number to be <=9000"]);
  });

  test("6. a stream with both a load and a gap", () => {
    expect(problems(VALID.replace("    gapMicroseconds: 5", "    gapMicroseconds: 5\n    load: 0.5"))).toEqual(["s.yaml:20:5: traffic[0]: give exactly one of load and gapMicroseconds"]);
  });

  test("7. a stream of a customer that does not exist", () => {
    expect(problems(VALID.replace("    customer: a", "    customer: b"))).toEqual(["s.yaml:21:5: traffic[0].customer: no customer 'b' (customers: a)"]);
  });

  test("8. a customer defined twice", () => {
    const twice = VALID.replace("traffic:", "  - name: a\n    identity: { type: ID_KEY_ID, value: k }\ntraffic:");
    expect(problems(twice)).toEqual(["s.yaml:19:5: customers[1].name: customer 'a' is defined twice"]);
  });

  test("9. an identity of an unknown type, and one whose value is not of its type", () => {
    expect(problems(VALID.replace("type: ID_FQDN", "type: ID_FOO"))).toEqual([expect.stringMatching(/^s\.yaml:17:\d+: customers\[0\]\.identity\.type: Invalid option: expected one of "ID_IPV4_ADDR"\|/)]);
    expect(problems(VALID.replace("{ type: ID_FQDN, value: gw.a.example }", "{ type: ID_IPV4_ADDR, value: gw.a.example }"))).toEqual([expect.stringMatching(/^s\.yaml:17:\d+: customers\[0\]\.identity\.value: .*gw\.a\.example/)]);
  });

  test("10. a mistake in the QoS policy: its line in the file, not in the policy text", () => {
    expect(problems(VALID.replace("    priority percent 20", "    priority percent 120"))).toEqual([expect.stringMatching(/^s\.yaml:14:\d+: qos: .*120/)]);
    expect(problems(VALID.replace("   class gold", "   class platinum"))).toEqual([expect.stringMatching(/^s\.yaml:13:\d+: qos: .*platinum/)]);
  });

  test("11. a NIC parameter that does not exist: the scenario's path, its line, and a suggestion", () => {
    expect(problems(VALID.replace("    txEntries: 4", "    txEntrys: 4"))).toEqual(["s.yaml:5:5: nic.sacache.txEntrys: no such parameter (did you mean nic.sacache.txEntries?)"]);
  });

  test("12. a NIC parameter out of its range", () => {
    expect(problems(VALID.replace("    txEntries: 4", "    txEntries: 0"))).toEqual([expect.stringMatching(/^s\.yaml:5:5: nic\.sacache\.txEntries = 0: expected /)]);
  });

  test("13. JSON scenarios get the same checks, with their own lines", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-"));
    const file = join(directory, "s.json");
    writeFileSync(file, JSON.stringify({ name: "j", durationMicroseconds: -1, customers: [], traffic: [] }, null, 2));
    expect(() => loadScenarioFile(file)).toThrow(ScenarioError);
    try {
      loadScenarioFile(file);
    } catch (error) {
      expect((error as ScenarioError).problems).toEqual([
        `${file}:3:3: durationMicroseconds: Too small: expected number to be >0`,
        `${file}:4:3: customers: Too small: expected array to have >=1 items`,
        `${file}:5:3: traffic: Too small: expected array to have >=1 items`,
      ]);
    }
  });

  test("15. frames that cannot fit the device or the driver's rings, a driver running fewer queues than the NIC steers to, and classes sharing a queue: every one, before the run", () => {
    const text = VALID.replace("    packetBytes: 128", "    packetBytes: 1400")
      .replace("nic:\n  sacache:\n    txEntries: 4", "nic:\n  maxFrameBytes: 1000\n  queues: 4\n  sacache:\n    txEntries: 4\ndriver:\n  base:\n    queues: 2\n    rxRingDescriptors: 8\n    rxBufferBytes: 128\n    txRingDescriptors: 8\n    txBufferBytes: 128")
      .replace("    priority percent 20", "    priority percent 20\n  class-map match-any silver\n   match qos-group 2\n  policy-map unused\n   class silver\n    bandwidth percent 10")
      .replace("  policy-map edge\n   class gold\n    priority percent 20", "  class-map match-any bronze\n   match qos-group 3\n  policy-map edge\n   class gold\n    priority percent 20\n   class bronze\n    bandwidth percent 30");
    expect(problems(text)).toEqual([
      "s.yaml:41:5: traffic[0].packetBytes = 1400: its ESP frame (1470 bytes) is longer than the NIC takes (nic.maxFrameBytes = 1000)",
      "s.yaml:41:5: traffic[0].packetBytes = 1400: its ESP frame (1470 bytes) needs 12 TX descriptors of driver.base.txBufferBytes (128 bytes); a frame may span at most 7 (the TX ring of 8 less one, and nic.tx.descriptorCache = 64)",
      "s.yaml:41:5: traffic[0].packetBytes = 1400: its ESP frame (1470 bytes) needs 12 RX descriptors of driver.base.rxBufferBytes (128 bytes); the RX ring of 8 holds at most 7",
      "s.yaml:10:5: driver.base.queues = 2: the NIC steers received frames by class over its 4 queues; a driver running 2 would have those for queues 2 to 3 dropped (RX_QUEUE_DISABLED)",
      "s.yaml:15:1: qos: classes gold (7) and bronze (6) would share queue 1 of the 2 the driver runs, and one schedule: run 8 queues (nic.queues), one per traffic class",
    ]);
  });

  test("16. TX frames reserved for strict queues that leave the others none", () => {
    expect(problems(VALID.replace("    txEntries: 4", "    txEntries: 4\n  tx:\n    framesInFlight: 8\n    priorityReserve: 8"))).toEqual([
      "s.yaml:8:5: nic.tx.priorityReserve = 8: must be less than framesInFlight (8), or no queue but the strict ones could ever start a frame",
    ]);
  });

  test("14. a file that is not a scenario file, and one that is missing", () => {
    expect(() => loadScenarioFile("scenario.txt")).toThrow("scenario.txt: expected a .yaml, .yml or .json scenario file");
    expect(() => loadScenarioFile("no-such-scenario.yaml")).toThrow(/^no-such-scenario\.yaml: cannot read: /);
  });
});
