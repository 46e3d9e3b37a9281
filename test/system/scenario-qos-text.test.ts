import { describe, expect, test } from "vitest";
import { problems, VALID } from "./scenario-fixture.js";

describe("the QoS policy's IOS text in a scenario file", () => {
  test("a profile defined twice is named with the first's line in the file, also when the first's match line was refused (that hid it)", () => {
    const twice = VALID.replace("  class-map match-any gold\n", "  crypto isakmp profile a\n   match identity group a\n  class-map match-any gold\n");
    expect(problems(twice)).toEqual(["s.yaml:10:3: qos: crypto isakmp profile a is defined twice (first at s.yaml:7:3)"]);
    expect(problems(twice.replace("   match identity host domain a.example", "   match identity hots domain a.example"))).toEqual([
      expect.stringMatching(/^s\.yaml:8:4: qos: not supported: 'match identity hots domain a\.example' \(did you mean host\?\)/),
      "s.yaml:10:3: qos: crypto isakmp profile a is defined twice (first at s.yaml:7:3)",
    ]);
  });

});
