import { parseScenarioText, ScenarioError } from "../../system/scenario/load.js";
import { buildScenario } from "../../system/scenario/run.js";

/** A small valid scenario; each test breaks one thing in it. */
export const VALID = `name: small
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
export function problems(text: string, file = "s.yaml", overrides: Record<string, unknown> = {}): string[] {
  try {
    buildScenario(parseScenarioText(text, file, overrides));
  } catch (error) {
    if (error instanceof ScenarioError) return [...error.problems];
    throw error;
  }
  return [];
}
