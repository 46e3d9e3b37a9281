import { describe, expect, test } from "vitest";
import { problems, VALID } from "./scenario-fixture.js";

/** The fixture with its QoS policy given in the JSON form, written as YAML: one value per line. */
const withPolicy = (policy: string) => VALID.replace(/qos: \|\n(?: {2}.*\n)+/, `qos:\n${policy}`);

describe("the JSON form of the QoS policy in a scenario file", () => {
  test("each problem is placed at the line of the value it names, not at the qos: line", () => {
    const text = withPolicy(`  profiles:
    - name: a
      match: ["host domain a.example"]
      ipsecQosGrup: 1
  classMaps:
    - { name: gold, qosGroup: [1] }
  policyMaps:
    - name: edge
      clases: []
`);
    expect(text).toContain("ipsecQosGrup");
    expect(problems(text)).toEqual([
      "s.yaml:10:7: qos: profiles[0].ipsecQosGrup: unknown field (did you mean ipsecQosGroup?) (fields: name, match, ipsecQosGroup)",
      "s.yaml:12:21: qos: classMaps[0].qosGroup: unknown field (did you mean qosGroups?) (fields: name, qosGroups, match)",
      "s.yaml:15:7: qos: policyMaps[0].clases: unknown field (did you mean classes?) (fields: name, classes)",
    ]);
  });

  test("a value the file does not have (a missing name) is placed at the nearest place above it that it has", () => {
    const text = withPolicy(`  profiles:
    - match: ["host domain a.example"]
      ipsecQosGroup: 1
`);
    expect(problems(text)).toEqual([expect.stringMatching(/^s\.yaml:8:7: qos: profiles\[0\]\.name: expected a name$/)]);
  });

  test("the checks across the policy (a name twice, a class no class-map defines, shares over 100) and its warnings are placed at the items they name, the first of a pair at its own place in the file", () => {
    const text = withPolicy(`  profiles:
    - { name: a, match: ["host domain a.example"], ipsecQosGroup: 1 }
    - { name: a, match: ["host domain b.example"], ipsecQosGroup: 1 }
  classMaps:
    - { name: gold, qosGroups: [1] }
  policyMaps:
    - name: edge
      classes:
        - { name: gold, priorityPercent: 60 }
        - { name: silver, bandwidthPercent: 50 }
`);
    expect(problems(text)).toEqual([
      "s.yaml:9:7: qos: crypto isakmp profile a is defined twice (first at s.yaml:8:7)",
      "s.yaml:13:7: qos: policy-map edge: priority and bandwidth percentages add up to 110, over 100",
      "s.yaml:16:11: qos: policy-map edge: class silver is not a class-map",
    ]);
  });

  // From an architect's check: the sum was blamed on the first of the two options that made it, whichever was given first.
  test("a policy map's sum over 100 made by two --set values names both", () => {
    const text = withPolicy(`  classMaps:
    - { name: gold, qosGroups: [1] }
    - { name: silver, qosGroups: [2] }
  policyMaps:
    - name: edge
      classes:
        - { name: gold, priorityPercent: 10 }
        - { name: silver, bandwidthPercent: 50 }
`);
    expect(problems(text, "s.yaml", { "qos.policyMaps.0.classes.0.priorityPercent": 60, "qos.policyMaps.0.classes.1.bandwidthPercent": 45 })).toEqual([
      "s.yaml:11:7 (with --set qos.policyMaps.0.classes.0.priorityPercent, --set qos.policyMaps.0.classes.1.bandwidthPercent): qos: policy-map edge: priority and bandwidth percentages add up to 105, over 100",
    ]);
    // From a re-check: a --set of a value that is no term of the sum (the map's name, a remaining percent) had no part in it, and is not named.
    expect(problems(text, "s.yaml", { "qos.policyMaps.0.classes.0.priorityPercent": 60, "qos.policyMaps.0.name": "edge", "qos.policyMaps.0.classes.1.bandwidthRemainingPercent": 5 }).filter((problem) => problem.includes("add up to"))).toEqual([
      "s.yaml:11:7 (with --set qos.policyMaps.0.classes.0.priorityPercent): qos: policy-map edge: priority and bandwidth percentages add up to 110, over 100",
    ]);
    expect(problems(text.replace("priorityPercent: 10", "priorityPercent: 60"), "s.yaml", { "qos.policyMaps.0.name": "edge" })).toEqual(["s.yaml:11:7: qos: policy-map edge: priority and bandwidth percentages add up to 110, over 100"]);
  });
});
