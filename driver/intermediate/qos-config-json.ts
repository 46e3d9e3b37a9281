import { didYouMean } from "../../sim/suggest.js";
import { type PolicyClass, type QosConfig, QosConfigError, type QosProblem, parseIdentityMatch, qosConfigProblems } from "./qos-config.js";
import { type RefusedShares, refuseShare } from "./refused-shares.js";

/**
 * The QoS configuration as JSON: {"profiles": [{"name", "match": ["host domain a.example", …],
 * "ipsecQosGroup"}], "classMaps": [{"name", "qosGroups": [1], "match": "any" (default) | "all"}], "policyMaps": [{"name",
 * "classes": [{"name", "priorityPercent" | "bandwidthPercent" | "bandwidthRemainingPercent"}]}]}.
 * Every problem is reported at once, each naming its JSON path.
 */
export function parseQosConfigJson(text: string, source = "qos config"): QosConfig {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new QosConfigError(source, [{ line: 1, column: 1, message: `not JSON: ${(error as Error).message}` }]);
  }
  const problems: QosProblem[] = [];
  const at = (path: string, message: string): undefined => void problems.push({ line: 1, column: 1, message: `${path}: ${message}`, path: pathSegments(path) });
  const list = (path: string, item: unknown): unknown[] => (Array.isArray(item) ? item : item === undefined ? [] : (at(path, "expected a list"), []));
  const name = (path: string, item: any): string => (typeof item?.name === "string" && item.name !== "" ? item.name : (at(`${path}.name`, "expected a name"), ""));
  // A misspelt field would otherwise drop what it holds without a word (a policy map's classes, a class's share).
  const fields = (path: string, item: unknown, known: readonly string[]): void => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return;
    for (const key of Object.keys(item)) if (!known.includes(key)) at(path === "" ? key : `${path}.${key}`, `unknown field${didYouMean(key, known)} (fields: ${known.join(", ")})`);
  };
  fields("", value, ["profiles", "classMaps", "policyMaps"]);
  // Policy maps with a share refused (its value, or a field misspelt): their sums would leave it out (101 beside 24 "added up to 125"), and are checked once it is mended.
  const refusedShares: RefusedShares = new Map();
  let refusedActions: Array<"priority" | "bandwidth" | "remaining" | null> = [];
  const percent = (path: string, item: unknown, action: "priority" | "bandwidth" | "remaining"): number | undefined => {
    if (item === undefined) return undefined;
    const minimum = action === "remaining" ? 1 : 0;
    if (Number.isInteger(item) && (item as number) >= minimum && (item as number) <= 100) return item as number;
    refusedActions.push(action);
    return at(path, `expected a percentage ${minimum} to 100`);
  };
  const config: QosConfig = {
    profiles: list("profiles", value?.profiles).flatMap((profile: any, index) => {
      const path = `profiles[${index}]`;
      fields(path, profile, ["name", "match", "ipsecQosGroup"]);
      const before = problems.length;
      const matches = list(`${path}.match`, profile?.match).flatMap((line, position) => {
        try {
          return [parseIdentityMatch(String(line).split(/\s+/))];
        } catch (error) {
          at(`${path}.match[${position}]`, (error as Error).message);
          return [];
        }
      });
      // A profile whose match was refused is not also reported as one without a match (a mistake elsewhere in it, its tag, did hide a match missing; a scenario writer's check).
      const matchRefused = problems.length > before;
      const tag = profile?.ipsecQosGroup;
      if (tag !== undefined && !(Number.isInteger(tag) && tag >= 0 && tag <= 255)) at(`${path}.ipsecQosGroup`, "expected 0 to 255");
      return matches.length === 0 && matchRefused ? [] : [{ name: name(path, profile), matches, ipsecQosGroup: tag, line: 1, path: ["profiles", index] }];
    }),
    classMaps: list("classMaps", value?.classMaps).map((klass: any, index) => ({
      name: (fields(`classMaps[${index}]`, klass, ["name", "qosGroups", "match"]), name(`classMaps[${index}]`, klass)),
      // The JSON form's class maps take any of their groups unless they say "match": "all".
      matchAll: klass?.match === "all" ? true : (klass?.match === undefined || klass.match === "any" ? false : (at(`classMaps[${index}].match`, `expected "any" or "all"`), false)),
      qosGroups: list(`classMaps[${index}].qosGroups`, klass?.qosGroups).flatMap((group, position) => (Number.isInteger(group) && (group as number) >= 0 && (group as number) <= 255 ? [group as number] : (at(`classMaps[${index}].qosGroups[${position}]`, "expected 0 to 255"), []))),
      line: 1,
      path: ["classMaps", index],
    })),
    policyMaps: list("policyMaps", value?.policyMaps).map((policy: any, index) => {
      refusedActions = [];
      const parsed = {
        name: (fields(`policyMaps[${index}]`, policy, ["name", "classes"]), name(`policyMaps[${index}]`, policy)),
        line: 1,
        path: ["policyMaps", index],
        classes: list(`policyMaps[${index}].classes`, policy?.classes).map((klass: any, position) => {
          const path = `policyMaps[${index}].classes[${position}]`;
          const known = ["name", "priorityPercent", "bandwidthPercent", "bandwidthRemainingPercent"];
          fields(path, klass, known);
          if (typeof klass === "object" && klass !== null && Object.keys(klass).some((key) => !known.includes(key))) refusedActions.push(null);
          const result: PolicyClass = { name: name(path, klass), priorityPercent: percent(`${path}.priorityPercent`, klass?.priorityPercent, "priority"), bandwidthPercent: percent(`${path}.bandwidthPercent`, klass?.bandwidthPercent, "bandwidth"), bandwidthRemainingPercent: percent(`${path}.bandwidthRemainingPercent`, klass?.bandwidthRemainingPercent, "remaining"), line: 1, path: ["policyMaps", index, "classes", position] };
          // Given both, whatever their values: a priority percent out of range hid it (a scenario writer's check).
          if (klass?.priorityPercent !== undefined && (klass?.bandwidthPercent !== undefined || klass?.bandwidthRemainingPercent !== undefined)) at(path, `class ${result.name} has both priority and bandwidth: a class is one or the other`);
          return result;
        }),
      };
      for (const action of refusedActions) refuseShare(refusedShares, parsed, action);
      return parsed;
    }),
  };
  problems.push(...qosConfigProblems(config, new Set(), refusedShares));
  if (problems.length > 0) throw new QosConfigError(source, problems);
  return config;
}

/** `profiles[0].match[1]` as its segments: profiles, 0, match, 1. */
function pathSegments(path: string): (string | number)[] {
  return path.split(/[.[\]]/).filter((segment) => segment !== "").map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}
