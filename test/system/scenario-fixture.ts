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

/** One customer's bulk stream both ways, as scenario text; each test gives what it varies (the rest leave their lines out). */
export function oneStreamScenario(options: { durationMicroseconds?: number; sas?: number; packetBytes?: number; load?: number; spread?: "even" | "zipf"; quiet?: boolean } = {}): string {
  return [
    "name: small",
    `durationMicroseconds: ${options.durationMicroseconds ?? 20}`,
    "customers:",
    "  - name: a",
    "    identity: { type: ID_FQDN, value: gw.a.example }",
    ...(options.sas !== undefined ? [`    sas: ${options.sas}`] : []),
    "traffic:",
    "  - name: bulk",
    "    customer: a",
    "    direction: both",
    `    packetBytes: ${options.packetBytes ?? 128}`,
    `    load: ${options.load ?? 0.1}`,
    ...(options.spread !== undefined ? [`    spread: ${options.spread}`] : []),
    ...(options.quiet ? ["outputs: { waveform: false, pcap: false, html: false, saTrace: false }"] : []),
    "",
  ].join("\n");
}
