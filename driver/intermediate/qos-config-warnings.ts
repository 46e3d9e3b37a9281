import type { QosProblem } from "./ios-commands.js";
import { groupsTaken, policyClassMaps, type QosConfig } from "./qos-config.js";

/**
 * What is accepted but likely not meant: a tag that no class of the policy map takes, whose
 * traffic quietly lands in class-default; a class map that takes no traffic (no match line,
 * match-all of two groups, or a policy's class whose groups no profile sets); a qos-group two of
 * the policy's classes take (the first gets it).
 */
export function qosConfigWarnings(config: QosConfig): QosProblem[] {
  const policy = config.policyMaps[0];
  const used = new Set(policy?.classes.map((klass) => klass.name));
  const warnings: QosProblem[] = [];
  for (const classMap of config.classMaps) {
    const at = { line: classMap.line, column: classMap.column ?? 1, path: classMap.path };
    if (classMap.qosGroups.length === 0) warnings.push({ ...at, message: `class-map ${classMap.name} has no 'match qos-group' line: it takes no traffic` });
    else if (groupsTaken(classMap).length === 0) {
      warnings.push({ ...at, message: `class-map ${classMap.name} is match-all of qos-groups ${[...new Set(classMap.qosGroups)].join(" and ")}: an SA carries one tag, so it takes no traffic (class-map match-any ${classMap.name} takes any of them)` });
    }
  }
  // A policy's class whose groups no profile sets takes no SA: its two profiles both setting the group of another class (a typo) said nothing.
  const set = new Set(config.profiles.map((profile) => profile.ipsecQosGroup));
  for (const { name, classMap } of policyClassMaps(config)) {
    const groups = [...new Set(groupsTaken(classMap))];
    if (groups.length === 0 || groups.some((group) => set.has(group))) continue;
    const unset = groups.length === 1 ? `qos-group ${groups[0]}, which no crypto isakmp profile sets` : `qos-groups ${groups.join(" and ")}, none of which a crypto isakmp profile sets`;
    warnings.push({ line: classMap.line, column: classMap.column ?? 1, path: classMap.path, message: `class-map ${name} takes ${unset}: class ${name} of policy-map ${policy!.name} takes no traffic` });
  }
  // A qos-group two of the policy's classes take goes to the first of them: the later one's match of it does nothing.
  const takenBy = new Map<number, string>();
  for (const { name, classMap } of policyClassMaps(config)) {
    for (const group of new Set(groupsTaken(classMap))) {
      const first = takenBy.get(group);
      if (first === undefined) takenBy.set(group, name);
      else warnings.push({ line: classMap.line, column: classMap.column ?? 1, path: classMap.path, message: `class-map ${name} takes qos-group ${group}, which class ${first} takes before it in policy-map ${policy!.name}: its traffic goes to ${first}` });
    }
  }
  for (const profile of config.profiles) {
    const tag = profile.ipsecQosGroup;
    if (tag === undefined) continue;
    const matching = config.classMaps.filter((klass) => groupsTaken(klass).includes(tag));
    const at = { line: profile.ipsecQosGroupAt?.line ?? profile.line, column: profile.ipsecQosGroupAt?.column ?? profile.column ?? 1, path: profile.path && [...profile.path, "ipsecQosGroup"] };
    if (matching.length === 0) warnings.push({ ...at, message: `crypto isakmp profile ${profile.name} sets ipsec-qos-group ${tag}, which no class-map matches: its traffic lands in class-default` });
    else if (policy && !matching.some((klass) => used.has(klass.name))) {
      warnings.push({ ...at, message: `crypto isakmp profile ${profile.name} sets ipsec-qos-group ${tag}, matched by class-map ${matching.map((klass) => klass.name).join(", ")}, which policy-map ${policy.name} has no class for: its traffic lands in class-default` });
    }
  }
  return warnings.sort((a, b) => a.line - b.line || a.column - b.column);
}
