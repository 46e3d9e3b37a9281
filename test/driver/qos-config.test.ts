import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { identity } from "../../driver/intermediate/identity.js";
import { applyQosConfig, parseQosConfig, QosConfigError, type QosProblem, qosProblemText, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { qosConfigWarnings } from "../../driver/intermediate/qos-config-warnings.js";
import { parseQosConfigJson } from "../../driver/intermediate/qos-config-json.js";
import { spi } from "../../sim/ipsec/esp.js";
import { ipv4Address } from "../../sim/packet/ipv4.js";
import * as R from "../../hw/spec/registers.js";
import { system } from "../support/nic.js";

const SEED_EXAMPLE = `! The example of seed 001, with a second customer and the policy-map of the issue
crypto isakmp profile customerA
 match identity host domain customerA.example
 set ipsec-qos-group 1
crypto isakmp profile customerB
 match identity group customerB
 set ipsec-qos-group 2
class-map match-any gold
 match qos-group 1
class-map match-any silver
 match qos-group 2
policy-map edge
 class gold
  priority percent 20
 class silver
  bandwidth percent 30
 class class-default
  bandwidth remaining percent 100
`;

describe("QoS configuration in the seed's syntax", () => {
  test("the README's example is this one, and parses (it named a class silver without its class-map, and was refused)", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const block = /\*\*Policy\.\*\*[\s\S]*?applies it:\n\n((?: {4}.*\n)+)/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example = block!.replace(/^ {4}/gm, "");
    expect(example).toBe(SEED_EXAMPLE.split("\n").slice(1).join("\n"));
    expect(() => parseQosConfig(example, "README.md")).not.toThrow();
  });

  test("parses profiles, class maps and the policy map, and orders the classes: priority highest, class-default 0", () => {
    const config = parseQosConfig(SEED_EXAMPLE, "edge.cfg");
    expect(config.profiles.map((profile) => [profile.name, profile.ipsecQosGroup])).toEqual([["customerA", 1], ["customerB", 2]]);
    expect(config.classMaps.map((klass) => [klass.name, klass.qosGroups])).toEqual([["gold", [1]], ["silver", [2]]]);
    expect(config.policyMaps[0]!.classes.map((klass) => [klass.name, klass.priorityPercent, klass.bandwidthPercent, klass.bandwidthRemainingPercent])).toEqual([
      ["gold", 20, undefined, undefined],
      ["silver", undefined, 30, undefined],
      ["class-default", undefined, undefined, 100],
    ]);
    const { byClass, byQosGroup } = trafficClasses(config);
    expect(Object.fromEntries(byClass)).toEqual({ gold: 7, silver: 6, "class-default": 0 });
    expect(Object.fromEntries(byQosGroup)).toEqual({ 1: 7, 2: 6 });
  });

  const mistakes: Array<[string, string, RegExp]> = [
    ["an unknown top-level word", "crypto isakmp profile a\n match identity group a\nclass-mop gold\n", /qos:3:1: not supported: 'class-mop gold' \(did you mean class-map\?\); at the top level this model takes 'crypto isakmp profile NAME', 'class-map NAME'/],
    ["a bad match line", "crypto isakmp profile a\n match identity color blue\n", /^qos:2:2: not supported: 'match identity color blue'; in crypto isakmp profile a this model takes 'match identity address ADDRESS \[MASK\]', 'match identity host NAME'/],
    ["a bad address", "crypto isakmp profile a\n match identity address 10.0.300.0/24\n", /^qos:2:25: '10.0.300.0' is not an IPv4 address$/],
    ["a profile without a match", "crypto isakmp profile lonely\n set ipsec-qos-group 3\n", /qos:1:1: crypto isakmp profile lonely has no 'match identity' line/],
    ["a tag out of range", "crypto isakmp profile a\n match identity group a\n set ipsec-qos-group 300\n", /qos:3:22: expected an ipsec-qos-group \(0 to 255\), found '300'/],
    ["an unknown class", "class-map gold\n match qos-group 1\npolicy-map edge\n class platinum\n  priority percent 10\n", /qos:4:2: policy-map edge: class platinum is not a class-map/],
    ["percentages over 100", "class-map a\n match qos-group 1\nclass-map b\n match qos-group 2\npolicy-map edge\n class a\n  priority percent 60\n class b\n  bandwidth percent 50\n", /qos:5:1: policy-map edge: priority and bandwidth percentages add up to 110, over 100/],
    ["priority and bandwidth in one class", "class-map a\n match qos-group 1\npolicy-map edge\n class a\n  priority percent 10\n  bandwidth percent 10\n", /qos:6:3: class a has both priority and bandwidth/],
    ["a percentage that is not one", "class-map a\n match qos-group 1\npolicy-map edge\n class a\n  bandwidth percent lots\n", /qos:5:21: expected a percentage \(0 to 100\), found 'lots'/],
    ["a remaining percentage of 0 (IOS takes 1 to 100)", "class-map a\n match qos-group 1\npolicy-map edge\n class a\n  bandwidth remaining percent 0\n", /qos:5:31: expected a percentage \(1 to 100\), found '0'/],
    ["more classes than the NIC has traffic classes", "class-map c0\n match qos-group 1\nclass-map c1\n match qos-group 2\nclass-map c2\n match qos-group 3\nclass-map c3\n match qos-group 4\nclass-map c4\n match qos-group 5\nclass-map c5\n match qos-group 6\nclass-map c6\n match qos-group 7\nclass-map c7\n match qos-group 8\npolicy-map edge\n class c0\n  bandwidth remaining percent 10\n class c1\n  bandwidth remaining percent 10\n class c2\n  bandwidth remaining percent 10\n class c3\n  bandwidth remaining percent 10\n class c4\n  bandwidth remaining percent 10\n class c5\n  bandwidth remaining percent 10\n class c6\n  bandwidth remaining percent 10\n class c7\n  bandwidth remaining percent 10\n", /qos:17:1: policy-map edge: 8 classes besides class-default; the NIC has 7 traffic classes for them/],
  ];
  test.each(mistakes)("rejects %s, naming line and column", (_, text, message) => {
    expect(() => parseQosConfig(text, "qos")).toThrow(QosConfigError);
    expect(() => parseQosConfig(text, "qos")).toThrow(message);
  });

  test("the JSON form gives the same configuration, and its errors name the JSON path", () => {
    const json = JSON.stringify({
      profiles: [{ name: "customerA", match: ["host domain customerA.example"], ipsecQosGroup: 1 }, { name: "customerB", match: ["group customerB"], ipsecQosGroup: 2 }],
      classMaps: [{ name: "gold", qosGroups: [1] }, { name: "silver", qosGroups: [2] }],
      policyMaps: [{ name: "edge", classes: [{ name: "gold", priorityPercent: 20 }, { name: "silver", bandwidthPercent: 30 }, { name: "class-default", bandwidthRemainingPercent: 100 }] }],
    });
    expect(Object.fromEntries(trafficClasses(parseQosConfigJson(json)).byQosGroup)).toEqual({ 1: 7, 2: 6 });
    expect(() => parseQosConfigJson(JSON.stringify({ profiles: [{ name: "a", match: ["colour blue"] }] }), "q.json")).toThrow("q.json:1:1: profiles[0].match[0]: not supported: 'match identity colour blue'");
    expect(() => parseQosConfigJson(JSON.stringify({ policyMaps: [{ name: "p", classes: [{ name: "x", priorityPercent: 5 }] }] }), "q.json")).toThrow("class x is not a class-map");
  });

  test("a misspelt field of the JSON form is refused at its path with the field meant, at every level (it dropped what it held without a word)", () => {
    let problems: readonly QosProblem[] = [];
    try {
      parseQosConfigJson(JSON.stringify({ bad: 1, profiles: [{ name: "a", match: ["group a"], ipsecQosGrup: 1 }], classMaps: [{ name: "gold", qosGroup: [1] }], policyMaps: [{ name: "p", clases: [] }, { name: "q", classes: [{ name: "gold", priorityPercnt: 5 }] }] }));
    } catch (error) {
      if (!(error instanceof QosConfigError)) throw error;
      problems = error.problems;
    }
    const messages = problems.map((problem) => problem.message);
    expect(messages).toEqual(expect.arrayContaining([
      "bad: unknown field (fields: profiles, classMaps, policyMaps)",
      "profiles[0].ipsecQosGrup: unknown field (did you mean ipsecQosGroup?) (fields: name, match, ipsecQosGroup)",
      "classMaps[0].qosGroup: unknown field (did you mean qosGroups?) (fields: name, qosGroups, match)",
      "policyMaps[0].clases: unknown field (did you mean classes?) (fields: name, classes)",
      "policyMaps[1].classes[0].priorityPercnt: unknown field (did you mean priorityPercent?) (fields: name, priorityPercent, bandwidthPercent, bandwidthRemainingPercent)",
    ]));
  });

  // A percent out of range hid "both priority and bandwidth", and a bad tag hid a profile's missing match (a scenario writer's check).
  test("a JSON mistake hides no other in the same class or profile", () => {
    let messages: string[] = [];
    try {
      parseQosConfigJson(JSON.stringify({ profiles: [{ name: "b", mtch: ["host domain b.example"], ipsecQosGroup: "two" }], classMaps: [{ name: "gold", qosGroups: [1] }], policyMaps: [{ name: "p", classes: [{ name: "gold", priorityPercent: 150, bandwidthPercent: 10 }] }] }));
    } catch (error) {
      if (!(error instanceof QosConfigError)) throw error;
      messages = error.problems.map((problem) => problem.message);
    }
    expect(messages).toEqual(expect.arrayContaining([
      "crypto isakmp profile b has no 'match identity' line",
      "profiles[0].ipsecQosGroup: expected 0 to 255",
      "policyMaps[0].classes[0]: class gold has both priority and bandwidth: a class is one or the other",
      "policyMaps[0].classes[0].priorityPercent: expected a percentage 0 to 100",
    ]));
  });
});

describe("two customers with identical inner addresses get the QoS of their own profiles", () => {
  test("their IKE identities select the profiles, the tags select the classes, and their packets leave on those queues", () => {
    const { kernel, top } = system({ "top.nic.queues": 8 });
    const intermediate = top.driver.intermediate;
    applyQosConfig(intermediate, parseQosConfig(SEED_EXAMPLE));
    const host = ipv4Address("192.0.2.1");
    const peer = ipv4Address("192.0.2.2");
    const a = intermediate.isadb.establish("198.51.100.7", identity("ID_FQDN", "vpn.customerA.example"));
    const b = intermediate.isadb.establish("198.51.100.7", identity("ID_KEY_ID", "customerB"));
    const key = (seed: number) => Uint8Array.from({ length: 20 }, (_, index) => index + seed);
    const saA = intermediate.sadb.negotiate(a, { direction: "outbound", parameters: { spi: spi(0x1000), keyMaterial: key(1), icvLength: 16, esn: false }, source: host, destination: peer });
    const saB = intermediate.sadb.negotiate(b, { direction: "outbound", parameters: { spi: spi(0x1001), keyMaterial: key(2), icvLength: 16, esn: false }, source: host, destination: peer });
    // Same inner addresses; the SPD tells the customers apart by port here, as a VRF would in a router.
    const inner = (port: number) => {
      const packet = new Uint8Array(60);
      packet.set([0x45, 0, 0, 60, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
      packet[22] = port >> 8;
      packet[23] = port & 0xff;
      return packet;
    };
    const any = { family: 4 as const, first: 0n, last: 2n ** 32n - 1n };
    intermediate.spd.add({ name: "a", source: any, destination: any, destinationPorts: [1000, 1000], action: { kind: "protect", sa: saA } });
    intermediate.spd.add({ name: "b", source: any, destination: any, destinationPorts: [2000, 2000], action: { kind: "protect", sa: saB } });
    const schedules: number[] = [];
    kernel.process("send", function* () {
      yield top.driver.base.whenReady();
      for (let queue = 0; queue < 8; queue++) schedules.push((yield top.driver.base.bus.mmioRead(R.TX_SCHED(queue))) as number);
      yield* intermediate.send(inner(1000));
      yield* intermediate.send(inner(2000));
    });
    kernel.run({ until: 100_000_000 });
    // The policy map in the NIC's schedulers: gold strict at 20% on queue 7, silver a 30% minimum on 6, class-default all the excess on 0.
    const schedule = (strict: boolean, percent: number, remaining: number) => R.encodeTxSched({ strict, percent, remaining });
    expect(schedules).toEqual([schedule(false, 0, 100), 0, 0, 0, 0, 0, schedule(false, 30, 0), schedule(true, 20, 0)]);
    expect(schedules[7]).toBe((1 << 8) | 20);
    expect(schedules[0]).toBe(100 << 16);
    expect([saA.qosGroup, saB.qosGroup]).toEqual([1, 2]);
    expect(top.nic.statistics.txPackets[7]).toBe(1);
    expect(top.nic.statistics.txPackets[6]).toBe(1);
  });
});

describe("on receive the NIC classifies ESP by its SA's tag, never by the plaintext", () => {
  test("a packet that hits the RX table is queued by its SA's ipsec_qos_group; a miss falls back to the outer DSCP", async () => {
    const { tunnelledSystem } = await import("../support/tunnels.js");
    const { sequencedPacket } = await import("../../sim/packet/test-frames.js");
    const { delay } = await import("../../sim/process.js");
    const { us } = await import("../../sim/time.js");
    const { kernel, top, peer } = tunnelledSystem(1);
    // Customer 0's tag 1 is in class 5, though its packets carry DSCP class 0 outside.
    top.driver.intermediate.classMap.set(1, 5);
    top.driver.base.setQosClasses(top.driver.intermediate.classMap);
    kernel.process("peer", function* () {
      yield top.driver.base.whenReady();
      peer.send(0, sequencedPacket("to-host", 0, 1, 200));
      yield delay(us(20));
      peer.send(0, sequencedPacket("to-host", 0, 2, 200));
    });
    kernel.run({ until: us(60) });
    expect(top.driver.base.received.map((frame) => [frame.queue, frame.status & 0xc])).toEqual([
      [0, 8], // SA_MISS: classified by the outer DSCP
      [5, 4], // IPSEC: classified by the tag
    ]);
  });
});

/** The problems of a configuration, as `line:column: message`. */
function iosProblems(text: string): string[] {
  try {
    parseQosConfig(text, "q");
  } catch (error) {
    if (error instanceof QosConfigError) return error.problems.map((problem) => `${problem.line}:${problem.column}: ${qosProblemText(problem)}`);
    throw error;
  }
  return [];
}

/** The problems of a configuration as the parser gives them. */
function parseErrors(text: string): readonly QosProblem[] {
  try {
    parseQosConfig(text, "q");
  } catch (error) {
    if (error instanceof QosConfigError) return error.problems;
    throw error;
  }
  return [];
}

const PROFILE = "crypto isakmp profile a\n match identity group a\n";

describe("the IOS parser is strict: incomplete lines, words left over and commands outside the subset are refused, every one at once", () => {
  test("an incomplete line is an error, not a value taken from its keyword (`match identity host domain` is not a host named 'domain')", () => {
    expect(iosProblems("crypto isakmp profile a\n match identity host domain\n")).toEqual(["2:29: incomplete: 'match identity host domain' needs a domain name (match identity host domain NAME)"]);
    expect(iosProblems("crypto isakmp profile a\n match identity user domain\n")).toEqual(["2:29: incomplete: 'match identity user domain' needs a domain name (match identity user domain NAME)"]);
    expect(iosProblems("crypto isakmp profile a\n match identity host\n")).toEqual(["2:22: incomplete: 'match identity host' needs a host name (match identity host NAME)"]);
    expect(iosProblems("crypto isakmp profile\n")).toEqual(["1:23: incomplete: 'crypto isakmp profile' needs a profile name (crypto isakmp profile NAME)"]);
    expect(iosProblems(`${PROFILE}class-map match-any\n match qos-group 1\n`)).toEqual(["3:21: incomplete: 'class-map match-any' needs a class-map name (class-map match-any NAME)"]);
    expect(iosProblems(`${PROFILE} set ipsec-qos-group\n`)).toEqual(["3:22: incomplete: 'set ipsec-qos-group' needs a tag (0 to 255) (set ipsec-qos-group N)"]);
    expect(iosProblems("class-map gold\n match qos-group 1\npolicy-map edge\n class gold\n  priority percent\n")).toEqual(["5:20: incomplete: 'priority percent' needs a percentage (priority percent N)"]);
    // With its domain, the same line is a domain match: a host below it matches.
    const profile = parseQosConfig("crypto isakmp profile a\n match identity host domain example.com\n").profiles[0]!;
    expect(profile.matches).toEqual([{ kind: "host", name: "example.com", domain: true }]);
  });

  test("words after a complete command are an error at the first of them", () => {
    expect(iosProblems(`${PROFILE} set ipsec-qos-group 1 2\n`)).toEqual(["3:24: unexpected '2': 'set ipsec-qos-group N' ends before it"]);
    expect(iosProblems("crypto isakmp profile a\n match identity host gw.a.example extra\n")).toEqual(["2:35: unexpected 'extra': 'match identity host NAME' ends before it"]);
    expect(iosProblems("crypto isakmp profile a\n match identity address 10.0.0.0/8 255.0.0.0\n")).toEqual(["2:36: unexpected '255.0.0.0': 10.0.0.0/8 has its prefix length already"]);
    expect(iosProblems("class-map gold\n match qos-group 1\npolicy-map edge extra\n")).toEqual(["3:17: unexpected 'extra': 'policy-map NAME' ends before it"]);
    // A misspelt match type was taken for the class-map's name, and the name said to be unexpected with no word of why (from a scenario author's check).
    expect(iosProblems("class-map match-some silver\n match qos-group 1\n")).toEqual(["1:22: unexpected 'silver': 'class-map NAME' ends before it ('match-some' is taken as its value: class-map takes match-any or match-all there)"]);
    expect(iosProblems("class-map match-al silver\n match qos-group 1\n")).toEqual(["1:20: unexpected 'silver': 'class-map NAME' ends before it ('match-al' is taken as its value: class-map takes match-any or match-all there (did you mean match-all?))"]);
    expect(iosProblems("class-map gold silver\n match qos-group 1\n")).toEqual(["1:16: unexpected 'silver': 'class-map NAME' ends before it"]);
  });

  test("common IOS commands outside the subset are refused as not supported, with the line and what is supported there", () => {
    const refused: Array<[string, string]> = [
      ["service-policy output edge\n", "1:1: not supported: 'service-policy output edge'; at the top level this model takes 'crypto isakmp profile NAME', 'class-map NAME'"],
      ["interface GigabitEthernet0/0\n service-policy output edge\n", "1:1: not supported: 'interface GigabitEthernet0/0'; at the top level"],
      ["class-map gold\n match dscp ef\n", "2:2: not supported: 'match dscp ef'; in class-map gold this model takes 'match qos-group N'"],
      ["class-map gold\n match qos-group 1\npolicy-map edge\n class gold\n  police 1000000\n", "5:3: not supported: 'police 1000000'; in class gold this model takes 'priority percent N', 'bandwidth percent N', 'bandwidth remaining percent N', 'class NAME'"],
      ["class-map gold\n match qos-group 1\npolicy-map edge\n class gold\n  shape average 1000000\n", "5:3: not supported: 'shape average 1000000'; in class gold"],
      ["class-map gold\n match qos-group 1\npolicy-map edge\n class gold\n  priority 1000\n", "5:3: not supported: 'priority 1000'; in class gold"],
      ["class-map gold\n match qos-group 1\npolicy-map edge\n class gold\n  set dscp ef\n", "5:3: not supported: 'set dscp ef'; in class gold"],
      ["class-map gold\n match qos-group 1\npolicy-map edge\n class gold\n  priorty percent 10\n", "5:3: not supported: 'priorty percent 10' (did you mean priority?); in class gold"],
      [`${PROFILE} keyring k\n`, "3:2: not supported: 'keyring k'; in crypto isakmp profile a"],
    ];
    for (const [text, message] of refused) expect(iosProblems(text)).toEqual([expect.stringContaining(message)]);
  });

  // From an architect's check: a share refused on its own (101) was counted as 0 in its policy map's sum, which said "add up to 125" for 101 + 24.
  test("a share refused on its own is said, and its policy map's sums are not said without it", () => {
    const classes = "class-map gold\n match qos-group 1\nclass-map silver\n match qos-group 2\nclass-map bronze\n match qos-group 3\n";
    expect(iosProblems(`${classes}policy-map edge\n class gold\n  priority percent 101\n class silver\n  bandwidth percent 60\n class bronze\n  bandwidth percent 50\n`)).toEqual([expect.stringMatching(/^9:20: expected a percentage \(0 to 100\), found '101'/)]);
    const json = (gold: number) => JSON.stringify({ classMaps: [{ name: "gold", qosGroups: [1] }, { name: "silver", qosGroups: [2] }], policyMaps: [{ name: "edge", classes: [{ name: "gold", priorityPercent: gold }, { name: "silver", bandwidthPercent: 95 }] }] });
    expect(() => parseQosConfigJson(json(101), "q.json")).toThrow(/^q\.json:1:1: policyMaps\[0\]\.classes\[0\]\.priorityPercent: expected a percentage 0 to 100$/);
    // Mended, the sum is said.
    expect(() => parseQosConfigJson(json(24), "q.json")).toThrow("policy-map edge: priority and bandwidth percentages add up to 119, over 100");
    // From a re-check: a share line refused whole, or a share field misspelt, is left out of its sum too; the other sum still stands.
    for (const gold of ["priority percent", "priority 20", "priority percentt 20"]) {
      expect(iosProblems(`${classes}policy-map edge\n class gold\n  ${gold}\n class silver\n  bandwidth percent 80\n`).filter((problem) => problem.includes("add up to"))).toEqual([]);
    }
    // 'police' is no share: the sum is said beside it.
    expect(iosProblems(`${classes}policy-map edge\n class gold\n  police 8000\n  priority percent 30\n class silver\n  bandwidth percent 80\n`).filter((problem) => problem.includes("add up to"))).toEqual(["7:1: policy-map edge: priority and bandwidth percentages add up to 110, over 100"]);
    expect(iosProblems(`${classes}policy-map edge\n class gold\n  priority percent 101\n class silver\n  bandwidth remaining percent 60\n class bronze\n  bandwidth remaining percent 50\n`)).toEqual([
      "7:1: policy-map edge: bandwidth remaining percentages add up to 110, over 100",
      expect.stringMatching(/^9:20: expected a percentage \(0 to 100\), found '101'/),
    ]);
    const misspelt = JSON.stringify({ classMaps: [{ name: "gold", qosGroups: [1] }, { name: "silver", qosGroups: [2] }], policyMaps: [{ name: "edge", classes: [{ name: "gold", priorityPercnt: 20 }, { name: "silver", bandwidthPercent: 95 }] }] });
    expect(() => parseQosConfigJson(misspelt, "q.json")).toThrow(/^q\.json:1:1: policyMaps\[0\]\.classes\[0\]\.priorityPercnt: unknown field \(did you mean priorityPercent\?\)/);
    expect(() => parseQosConfigJson(misspelt, "q.json")).not.toThrow("add up to");
  });

  test("every problem of a configuration at once, in line order, across lines and blocks", () => {
    const text = ["crypto isakmp profile a", " match identity host domain", " set ipsec-qos-group 300", "crypto isakmp profile a", " match identity group b", "class-map gold", " match dscp ef", " match qos-group 1", "policy-map edge", " class gold", "  police 8000", "  priority percent 60", " class silver", "  bandwidth percent 50", ""].join("\n");
    expect(iosProblems(text)).toEqual([
      "2:29: incomplete: 'match identity host domain' needs a domain name (match identity host domain NAME)",
      "3:22: expected an ipsec-qos-group (0 to 255), found '300'",
      // A profile whose match line was refused is still a name (it hid this), and not also one without a match.
      "4:1: crypto isakmp profile a is defined twice (first on line 1)",
      expect.stringMatching(/^7:2: not supported: 'match dscp ef'/),
      "9:1: policy-map edge: priority and bandwidth percentages add up to 110, over 100",
      expect.stringMatching(/^11:3: not supported: 'police 8000'/),
      "13:2: policy-map edge: class silver is not a class-map",
    ]);
    // With its match line complete, the first profile a is one without an error of its own.
    expect(iosProblems(text.replace(" match identity host domain\n", " match identity host domain a.example\n")).slice(0, 2)).toEqual(["3:22: expected an ipsec-qos-group (0 to 255), found '300'", "4:1: crypto isakmp profile a is defined twice (first on line 1)"]);
  });

  test("what IOS would take but the model cannot apply as meant: a second policy map, a priority class-default, a tag or an action given twice; each at its place, a class misspelt with the name meant (from a scenario author's check: each ran without a word)", () => {
    const classes = "class-map gold\n match qos-group 1\nclass-map silver\n match qos-group 2\n";
    expect(iosProblems(`${classes}policy-map edge\n class gold\n  priority percent 10\npolicy-map other\n class silver\n  priority percent 5\n`)).toEqual([
      "8:1: policy-map other: a second policy map, which nothing would apply (the NIC is programmed with one, edge); merge its classes into that one or remove it",
    ]);
    expect(iosProblems(`${classes}policy-map edge\n class class-default\n  priority percent 5\n`)).toEqual([
      "6:2: policy-map edge: class-default cannot be a priority class (it is traffic class 0, served after every other); give 'priority percent' to a class-map's class",
    ]);
    expect(iosProblems(`${PROFILE} set ipsec-qos-group 2\n  set ipsec-qos-group 3\n${classes}policy-map edge\n  class silver\n    bandwidth percent 50\n    bandwidth percent 20\n   class silvr\n    bandwidth percent 10\n`)).toEqual([
      "4:3: crypto isakmp profile a sets ipsec-qos-group twice: a profile sets one tag (first on line 3)",
      "12:5: class silver has 'bandwidth percent' twice: the second would replace the first (first on line 11)",
      "13:4: policy-map edge: class silvr is not a class-map (did you mean silver?)",
    ]);
    // Where a name defined twice was first is its own column too.
    const twice = parseErrors(`${classes}policy-map edge\n   class gold\n    priority percent 10\n   class gold\n    priority percent 5\n`);
    expect(twice.map((problem) => [problem.line, problem.column, problem.first])).toEqual([[8, 4, { line: 6, column: 4, path: undefined }]]);
  });

  test("a qos-group two class maps take goes to the policy map's first class of them, whatever order the class maps were defined in, with a warning; a class map named class-default is refused (from a check of the fixes: the class map defined last took it, silently)", () => {
    const profile = "crypto isakmp profile b\n match identity group b\n set ipsec-qos-group 2\n";
    const policy = "policy-map edge\n class silver\n  bandwidth percent 50\n class bronze\n  bandwidth percent 30\n";
    for (const maps of ["class-map bronze\n match qos-group 2\nclass-map silver\n match qos-group 2\n", "class-map silver\n match qos-group 2\nclass-map bronze\n match qos-group 2\n"]) {
      const config = parseQosConfig(`${profile}${maps}${policy}`);
      expect(Object.fromEntries(trafficClasses(config).byQosGroup)).toEqual({ 2: 7 });
      expect(trafficClasses(config).byClass.get("silver")).toBe(7);
      expect(qosConfigWarnings(config).map((warning) => warning.message)).toEqual(["class-map bronze takes qos-group 2, which class silver takes before it in policy-map edge: its traffic goes to silver"]);
    }
    expect(iosProblems(`${profile}class-map match-any class-default\n match qos-group 2\n${policy.replace("silver", "class-default")}`)).toEqual(
      expect.arrayContaining(["4:1: class-map class-default: the name of IOS's own class for the traffic no class map takes (class-default); give this class map another name"]),
    );
  });

  test("a match-all class map takes an SA only if every one of its groups is the SA's one tag: of two groups, none, with a warning (it took any of them); match-any and the JSON form's default take any", () => {
    const text = (kind: string) => `crypto isakmp profile a\n match identity group a\n set ipsec-qos-group 1\nclass-map ${kind}gold\n match qos-group 1\n match qos-group 3\npolicy-map edge\n class gold\n  priority percent 10\n`;
    for (const kind of ["", "match-all "]) {
      const config = parseQosConfig(text(kind));
      expect(Object.fromEntries(trafficClasses(config).byQosGroup)).toEqual({});
      expect(qosConfigWarnings(config).map((warning) => `${warning.line}: ${warning.message}`)).toEqual([
        "3: crypto isakmp profile a sets ipsec-qos-group 1, which no class-map matches: its traffic lands in class-default",
        "4: class-map gold is match-all of qos-groups 1 and 3: an SA carries one tag, so it takes no traffic (class-map match-any gold takes any of them)",
      ]);
    }
    const any = parseQosConfig(text("match-any "));
    expect(Object.fromEntries(trafficClasses(any).byQosGroup)).toEqual({ 1: 7, 3: 7 });
    expect(qosConfigWarnings(any)).toEqual([]);
    // One group, given once or twice, is taken by match-all as by match-any.
    expect(Object.fromEntries(trafficClasses(parseQosConfig(text("").replace(" match qos-group 3", " match qos-group 1"))).byQosGroup)).toEqual({ 1: 7 });
    expect(qosConfigWarnings(parseQosConfig("class-map empty\npolicy-map edge\n class empty\n  bandwidth percent 10\n")).map((warning) => warning.message)).toEqual(["class-map empty has no 'match qos-group' line: it takes no traffic"]);
    const json = (match?: string) => parseQosConfigJson(JSON.stringify({ classMaps: [{ name: "gold", qosGroups: [1, 3], ...(match ? { match } : {}) }], policyMaps: [{ name: "p", classes: [{ name: "gold", priorityPercent: 10 }] }] }));
    expect(Object.fromEntries(trafficClasses(json()).byQosGroup)).toEqual({ 1: 7, 3: 7 });
    expect(Object.fromEntries(trafficClasses(json("all")).byQosGroup)).toEqual({});
    expect(() => json("some")).toThrow('classMaps[0].match: expected "any" or "all"');
  });

  test("a tag no class map matches, or one whose class map the policy has no class for, is a warning at the line and column that set it (the column was the profile's, one before an indented 'set'; from a scenario author's check)", () => {
    const text = "crypto isakmp profile a\n match identity group a\n set ipsec-qos-group 5\ncrypto isakmp profile b\n match identity group b\n set ipsec-qos-group 2\nclass-map gold\n match qos-group 1\nclass-map silver\n match qos-group 2\npolicy-map edge\n class gold\n  priority percent 10\n";
    expect(qosConfigWarnings(parseQosConfig(text))).toEqual([
      { line: 3, column: 2, message: "crypto isakmp profile a sets ipsec-qos-group 5, which no class-map matches: its traffic lands in class-default" },
      { line: 6, column: 2, message: "crypto isakmp profile b sets ipsec-qos-group 2, matched by class-map silver, which policy-map edge has no class for: its traffic lands in class-default" },
      { line: 7, column: 1, message: "class-map gold takes qos-group 1, which no crypto isakmp profile sets: class gold of policy-map edge takes no traffic" },
    ]);
    expect(qosConfigWarnings(parseQosConfig(SEED_EXAMPLE))).toEqual([]);
  });

  test("a policy's class whose qos-groups no profile sets takes no traffic, with a warning at its class map: two profiles setting one group, the other's class was left empty without a word (from a new user's check); one group of several set is enough", () => {
    const profiles = "crypto isakmp profile a\n match identity group a\n set ipsec-qos-group 1\ncrypto isakmp profile b\n match identity group b\n set ipsec-qos-group 1\n";
    const policy = "policy-map edge\n class gold\n  priority percent 10\n class silver\n  bandwidth percent 50\n";
    const text = (silver: string) => `${profiles}class-map gold\n match qos-group 1\nclass-map match-any silver\n${silver}${policy}`;
    expect(qosConfigWarnings(parseQosConfig(text(" match qos-group 2\n"))).map((warning) => `${warning.line}:${warning.column}: ${warning.message}`)).toEqual([
      "9:1: class-map silver takes qos-group 2, which no crypto isakmp profile sets: class silver of policy-map edge takes no traffic",
    ]);
    expect(qosConfigWarnings(parseQosConfig(text(" match qos-group 2\n match qos-group 3\n"))).map((warning) => warning.message)).toEqual([
      "class-map silver takes qos-groups 2 and 3, none of which a crypto isakmp profile sets: class silver of policy-map edge takes no traffic",
    ]);
    expect(qosConfigWarnings(parseQosConfig(text(" match qos-group 2\n match qos-group 1\n"))).map((warning) => warning.message)).toEqual([
      "class-map silver takes qos-group 1, which class gold takes before it in policy-map edge: its traffic goes to gold",
    ]);
    // A class map the policy does not use is not warned of: it takes nothing whatever it matches.
    expect(qosConfigWarnings(parseQosConfig(`${profiles}class-map gold\n match qos-group 1\nclass-map spare\n match qos-group 4\npolicy-map edge\n class gold\n  priority percent 10\n`))).toEqual([]);
  });
});
