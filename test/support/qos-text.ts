/**
 * A QoS policy's text for customers named by key id: customer `c<i>` in group i + 1, and a class of
 * that group per entry (`gold: "priority percent 10"`), in the order given.
 */
export function keyIdPolicy(classes: ReadonlyArray<readonly [name: string, action: string]>): string {
  return [
    ...classes.flatMap((_, index) => [`crypto isakmp profile p${index}`, ` match identity group c${index}`, ` set ipsec-qos-group ${index + 1}`]),
    ...classes.flatMap(([name], index) => [`class-map match-any ${name}`, ` match qos-group ${index + 1}`]),
    "policy-map edge",
    ...classes.flatMap(([name, action]) => [` class ${name}`, `  ${action}`]),
  ].join("\n");
}

/** The policy as a scenario's `qos: |` block, indented under it. */
export function qosBlock(policy: string): string {
  return `qos: |\n${policy.split("\n").map((line) => `  ${line}`).join("\n")}\n`;
}
