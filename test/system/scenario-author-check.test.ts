import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { runScenario } from "../../system/scenario/run.js";
import { runPlainTraffic } from "../../system/run-scenario.js";
import { problems, VALID } from "./scenario-fixture.js";

/** From a check by a scenario author writing their own files: what ran without a word, and a message that named the wrong thing. */
describe("a scenario author's mistakes that ran silently", () => {
  test("a customer whose identity no ISAKMP profile matches is warned of at its identity (its traffic quietly lost its class), by its --set when one gave it", () => {
    expect(parseScenarioText(VALID, "s.yaml").warnings).toEqual([]);
    expect(parseScenarioText(VALID.replace("value: gw.a.example", "value: gw.a.exampel"), "s.yaml").warnings).toEqual([
      "s.yaml:17:32: warning: customers[0] 'a': its identity (ID_FQDN gw.a.exampel) matches no crypto isakmp profile of the qos policy: its SAs carry no tag, and its traffic lands in class-default",
    ]);
    expect(parseScenarioText(VALID, "s.yaml", { "customers.0.identity.value": "gw.b.example" }).warnings).toEqual([
      "--set customers.0.identity.value: warning: customers[0] 'a': its identity (ID_FQDN gw.b.example) matches no crypto isakmp profile of the qos policy: its SAs carry no tag, and its traffic lands in class-default",
    ]);
    // Without a policy nothing is tagged, and nothing is said.
    expect(parseScenarioText(VALID.replace(/qos: \|\n(  .*\n)+/, ""), "s.yaml").warnings).toEqual([]);
  });

  test("a driver asking for more queues than the NIC has is refused (it ran the NIC's number without a word)", () => {
    expect(problems(VALID.replace("nic:\n", "driver:\n  base:\n    queues: 6\nnic:\n  queues: 4\n"))).toEqual(expect.arrayContaining([
      "s.yaml:5:5: driver.base.queues = 6: more than the NIC has (nic.queues = 4 at s.yaml:7:3); the driver would run 4: give at most 4, 0 for every one, or raise nic.queues",
    ]));
  });

  test("plain-traffic refuses it too, and a driver running fewer queues than the NIC steers to, as run does (a check of the fixes: it ran the NIC's number, and dropped the other queues' frames)", () => {
    expect(() => runPlainTraffic({ parameters: { "top.nic.queues": 2, "top.driver.base.queues": 4, "top.traffic.queues": 2 } })).toThrow(/top\.driver\.base\.queues = 4: more than the NIC has \(top\.nic\.queues = 2\)/);
    expect(() => runPlainTraffic({ parameters: { "top.driver.base.queues": 5, "top.traffic.framesPerQueue": 20 } })).toThrow(/top\.driver\.base\.queues = 5: the NIC steers received frames by class over its 8 queues; a driver running 5 would have those for queues 5 to 7 dropped/);
  });

  test("a YAML tag's object inside the QoS policy's JSON form is said at its place (it vanished when the form was read as JSON, silently), and an enum field's shows its kind, not '= undefined'", () => {
    const json = "qos:\n  profiles:\n    - name: a\n      match: [host domain a.example]\n      ipsecQosGroup: !!binary AQ==\n  classMaps:\n    - { name: gold, qosGroups: [1] }\n  policyMaps:\n    - name: edge\n      classes: !!set { gold }\n";
    expect(problems(VALID.replace(/qos: \|\n(  .*\n)+/, json))).toEqual([
      "s.yaml:10:7: qos.profiles[0].ipsecQosGroup: binary data (!!binary): the JSON form takes mappings, lists, texts and numbers",
      "s.yaml:15:7: qos.policyMaps[0].classes: a set (!!set): the JSON form takes mappings, lists, texts and numbers",
    ]);
    expect(problems(VALID.replace("    direction: both", "    direction: !!binary aGVsbG8="))).toEqual(["s.yaml:22:5: traffic[0].direction: binary data (!!binary): expected one of to-peer, to-host, both"]);
  });

  test("binary data (!!binary) where a group of parameters goes is one message naming it (it was five, one per byte, each 'no such parameter')", () => {
    expect(problems(VALID.replace("  sacache:\n    txEntries: 4", "  sacache: !!binary aGVsbG8="))).toEqual([
      "s.yaml:4:3: nic.sacache: binary data (!!binary): expected a number, a text or true/false, or a mapping of parameters",
    ]);
    // Anywhere a mapping goes: a set, a date or an ordered mapping were taken for an empty mapping (an outputs: !!omap ran, its directory ignored), binary data for one of its bytes.
    expect(problems(`${VALID}outputs: !!omap [directory: /tmp/elsewhere, bogus: 1]\nfaults: !!set { a }\n`)).toEqual([
      "s.yaml:25:1: outputs: an ordered mapping (!!omap): expected a mapping",
      "s.yaml:26:1: faults: a set (!!set): expected a mapping",
    ]);
    expect(problems(VALID.replace("    identity: { type: ID_FQDN, value: gw.a.example }", "    identity: !!binary aGVsbG8="))).toEqual([
      "s.yaml:17:5: customers[0].identity: binary data (!!binary): expected a mapping",
    ]);
  });

  test("a YAML tag the scenario does not take is said with the file's other mistakes (it alone was said, the others only once it was mended)", () => {
    expect(problems(VALID.replace("value: gw.a.example", "value: !custom gw.a.example").replace("    sas: 2", "    sas: two"))).toEqual([
      "s.yaml:17:39: a YAML tag ('!' and a name) that a scenario does not take here: leave it out (a text that starts with '!' is quoted)",
      "s.yaml:18:5: customers[0].sas = \"two\": expected a number",
    ]);
    expect(problems(VALID.replace("value: gw.a.example", "value: !custom gw.a.example").replace("nic:\n", "nic:\n  <<: 5\n"))).toEqual([
      "s.yaml:4:3: a merge key ('<<') takes a mapping, an alias of one (*name), or a list of them",
      "s.yaml:18:39: a YAML tag ('!' and a name) that a scenario does not take here: leave it out (a text that starts with '!' is quoted)",
    ]);
  });

  test("a waveform window that opens after the run has ended is said with the run (the VCD held headers only, and nothing said why)", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-window-"));
    try {
      const loaded = parseScenarioText(VALID, "s.yaml", { "durationMicroseconds": 5, "outputs.waveformFromMicroseconds": 500, "outputs.html": false });
      const { text } = runScenario(loaded, { directory });
      expect(text).toMatch(/^warning: outputs\.waveformFromMicroseconds = 500 µs \(--set outputs\.waveformFromMicroseconds\): the run ended at [\d.]+ µs, before the waveform's window opened: the VCD holds no change, only the values at the run's end as the blocks last drew them \(a ring engine's state and queue pointers may be older: it skips edges nothing sees\)\n/);
      expect(readFileSync(join(directory, "small.vcd"), "utf8").split("\n").filter((line) => line.startsWith("#"))).toHaveLength(1);
      // A window the run reaches says nothing.
      expect(runScenario(parseScenarioText(VALID, "s.yaml", { "durationMicroseconds": 5, "outputs.waveformFromMicroseconds": 1, "outputs.html": false }), { directory }).text).not.toContain("window opened");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

// From a fuzzing check: 8 Quick Modes with a 30 µs retransmission wait never came up (each request resent while its reply waited for the daemon), and nothing said why.
test("an IKE retransmission wait shorter than the host's work for a customer's Quick Modes is warned of at its place; the default wait and a manually keyed customer are not", () => {
  const ike = VALID.replace("    sas: 2\n", "    sas: 8\n    ike: { mode: main, preSharedKey: pa }\n");
  expect(parseScenarioText(ike, "s.yaml").warnings).toEqual([]);
  expect(parseScenarioText(ike, "s.yaml", { "driver.intermediate.ike.retransmitMicroseconds": 30 }).warnings).toEqual([
    "--set driver.intermediate.ike.retransmitMicroseconds: warning: driver.intermediate.ike.retransmitMicroseconds = 30 is shorter than the host's work for a customer's 8 Quick Modes (2 messages each at 6.67 µs, 20000 cycles at 3000 MHz: 106.7 µs on one core): requests are resent while their replies wait for the daemon, and the copies lengthen its line; Quick Modes may fail (RETRANSMISSION_LIMIT)",
  ]);
  // A slower host needs a longer wait: 8 Quick Modes at 300 MHz take 1,066.7 µs.
  expect(parseScenarioText(ike, "s.yaml", { "driver.cpu.megahertz": 300 }).warnings).toHaveLength(0);
  // Worked out from the clock given, and says where it was given; the default wait is said to be one.
  expect(parseScenarioText(ike, "s.yaml", { "driver.cpu.megahertz": 100 }).warnings[0]).toContain("retransmitMicroseconds = 2000 (the default) is shorter than the host's work for a customer's 8 Quick Modes (2 messages each at 200 µs, 20000 cycles at 100 MHz (driver.cpu.megahertz by --set driver.cpu.megahertz): 3200 µs on one core)");
  // A clock the parameters' check refuses is its error alone: worked out from 0 MHz the warning spoke of messages of Infinity µs (from an outside check).
  expect(parseScenarioText(ike, "s.yaml", { "driver.cpu.megahertz": 0 }).warnings).toEqual([]);
  // No IKE customer: the wait is said to do nothing, and no more (test/system/inert-parameter-warnings.test.ts).
  expect(parseScenarioText(VALID, "s.yaml", { "driver.intermediate.ike.retransmitMicroseconds": 30 }).warnings).toEqual([expect.stringContaining("driver.intermediate.ike.retransmitMicroseconds has no effect: no customer has ike")]);
});

// From an architect's re-check: with 8 engines (64 jobs) against 56 frames in flight, the engines' shares were the frame start's, silently. A window as large as the engines' jobs holds the shares since the frames the engines hold are not counted against them.
test("frames in flight fewer than the TX crypto engines hold, with classes that share the engines, are warned of at the setting that makes it so", () => {
  const shared = VALID.replace("    priority percent 20\n", "    bandwidth percent 20\n");
  expect(parseScenarioText(shared, "s.yaml").warnings).toEqual([]);
  expect(parseScenarioText(shared, "s.yaml", { "nic.crypto_tx.engines": 8 }).warnings).toEqual([
    "--set nic.crypto_tx.engines: warning: nic.tx.framesInFlight less nic.tx.priorityReserve leaves 56 frames in flight to the classes that are not priority classes, fewer than the TX crypto engines hold (8 × pipelineDepth 8 = 64): few frames or none wait for the engines, which encrypt in the order frames start, so the classes' shares of them are the frame start's, not the policy's",
  ]);
  expect(parseScenarioText(shared, "s.yaml", { "nic.tx.framesInFlight": 15 }).warnings[0]).toContain("leaves 7 frames in flight");
  expect(parseScenarioText(shared, "s.yaml", { "nic.tx.framesInFlight": 16 }).warnings).toEqual([]);
  // Only a priority class and class-default: nothing for the engines to share by policy; offload off: no engines.
  expect(parseScenarioText(VALID, "s.yaml", { "nic.crypto_tx.engines": 8 }).warnings).toEqual([]);
  expect(parseScenarioText(shared, "s.yaml", { "nic.crypto_tx.engines": 8, "driver.intermediate.offload": false }).warnings.filter((warning) => !warning.includes("has no effect: driver.intermediate.offload is false"))).toEqual([]);
});
