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
      "s.yaml:12:21: qos: classMaps[0].qosGroup: unknown field (did you mean qosGroups?) (fields: name, qosGroups)",
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
});
