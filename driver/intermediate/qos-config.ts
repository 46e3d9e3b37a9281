import { MAX_QUEUES, type TxSchedule } from "../../hw/spec/registers.js";
import { type IdentityMatch, matchAddress, matchGroup, matchHost, matchHostDomain, matchUser, matchUserDomain } from "./isakmp-profile.js";
import type { IntermediateDriver } from "./driver.js";

/** A QoS policy configuration: ISAKMP profiles that set tags, class maps that match them, and a policy map. */
export interface QosConfig {
  readonly profiles: ReadonlyArray<{ readonly name: string; readonly matches: readonly IdentityMatch[]; readonly ipsecQosGroup?: number; readonly line: number }>;
  readonly classMaps: ReadonlyArray<{ readonly name: string; readonly qosGroups: readonly number[]; readonly line: number }>;
  readonly policyMaps: ReadonlyArray<{ readonly name: string; readonly classes: readonly PolicyClass[]; readonly line: number }>;
}

export interface PolicyClass {
  readonly name: string;
  readonly priorityPercent?: number;
  readonly bandwidthPercent?: number;
  readonly bandwidthRemainingPercent?: number;
  readonly line: number;
}

export class QosConfigError extends Error {
  constructor(readonly source: string, readonly line: number, readonly column: number, message: string) {
    super(`${source}:${line}:${column}: ${message}`);
  }
}

interface Token {
  readonly text: string;
  readonly column: number;
}

function tokens(line: string): Token[] {
  const result: Token[] = [];
  const pattern = /\S+/g;
  for (let match = pattern.exec(line); match; match = pattern.exec(line)) result.push({ text: match[0], column: match.index + 1 });
  return result;
}

/**
 * Parse the Cisco IOS-style configuration of seed 001 (`crypto isakmp profile`, `class-map`,
 * `policy-map`). Each error names the line and column and what was expected; the semantic checks
 * (unknown classes, percentages over 100, priority and bandwidth in one class, a profile
 * without a match) run before anything is applied.
 */
export function parseQosConfig(text: string, source = "qos config"): QosConfig {
  const profiles: QosConfig["profiles"][number][] = [];
  const classMaps: QosConfig["classMaps"][number][] = [];
  const policyMaps: { name: string; classes: PolicyClass[]; line: number }[] = [];
  type Block = { kind: "profile"; matches: IdentityMatch[]; tag?: number; name: string; line: number } | { kind: "class-map"; groups: number[]; name: string; line: number } | { kind: "policy-map"; index: number } | { kind: "policy-class"; policy: number; klass: { name: string; line: number; priorityPercent?: number; bandwidthPercent?: number; bandwidthRemainingPercent?: number } };
  let block: Block | null = null;
  let policyBlock: number | null = null;
  const fail = (line: number, token: Token | undefined, message: string): never => {
    throw new QosConfigError(source, line, token?.column ?? 1, message);
  };
  const integer = (line: number, token: Token | undefined, what: string, maximum: number, minimum = 0): number => {
    if (!token) return fail(line, token, `expected ${what}`);
    const value = Number(token.text);
    if (!Number.isInteger(value) || value < minimum || value > maximum) fail(line, token, `expected ${what} (${minimum} to ${maximum}), found '${token.text}'`);
    return value;
  };
  const close = () => {
    if (block?.kind === "profile") {
      if (block.matches.length === 0) throw new QosConfigError(source, block.line, 1, `crypto isakmp profile ${block.name} has no 'match identity' line`);
      profiles.push({ name: block.name, matches: block.matches, ipsecQosGroup: block.tag, line: block.line });
    } else if (block?.kind === "class-map") {
      classMaps.push({ name: block.name, qosGroups: block.groups, line: block.line });
    } else if (block?.kind === "policy-class") {
      policyMaps[block.policy]!.classes.push(block.klass);
    }
  };
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const words = tokens(raw.replace(/!.*$/, ""));
    if (words.length === 0) return;
    const [first, second, third] = words.map((word) => word.text.toLowerCase());
    const indented = /^\s/.test(raw);
    if (!indented) {
      close();
      block = null;
      policyBlock = null;
      if (first === "crypto" && (second === "isakmp" && third === "profile" ? true : second === "isakmp-profile")) {
        const nameToken = second === "isakmp-profile" ? words[2] : words[3];
        if (!nameToken) fail(line, undefined, "expected a profile name after 'crypto isakmp profile'");
        block = { kind: "profile", matches: [], name: nameToken!.text, line };
      } else if (first === "class-map") {
        const named = words[1] && ["match-any", "match-all"].includes(words[1].text) ? words[2] : words[1];
        if (!named) fail(line, words[1], "expected a class-map name");
        block = { kind: "class-map", groups: [], name: named!.text, line };
      } else if (first === "policy-map") {
        if (!words[1]) fail(line, undefined, "expected a policy-map name");
        policyMaps.push({ name: words[1]!.text, classes: [], line });
        policyBlock = policyMaps.length - 1;
        block = { kind: "policy-map", index: policyBlock };
      } else {
        fail(line, words[0], `expected 'crypto isakmp profile', 'class-map' or 'policy-map', found '${words[0]!.text}'`);
      }
      return;
    }
    const current = block as Block | null;
    if (current === null) return fail(line, words[0], "an indented line outside any block");
    if (current.kind === "profile") {
      if (first === "match" && second === "identity") {
        try {
          current.matches.push(parseIdentityMatch(words.slice(2).map((word) => word.text)));
        } catch (error) {
          return fail(line, words[2] ?? words[1], (error as Error).message);
        }
      } else if (first === "set" && (second === "ipsec-qos-group" || second === "ipsec_qos_group")) {
        current.tag = integer(line, words[2], "an ipsec-qos-group", 255);
      } else fail(line, words[0], `expected 'match identity …' or 'set ipsec-qos-group N' in crypto isakmp profile ${current.name}`);
      return;
    }
    if (current.kind === "class-map") {
      if (first === "match" && second === "qos-group") current.groups.push(integer(line, words[2], "a qos-group", 255));
      else fail(line, words[0], `expected 'match qos-group N' in class-map ${current.name}`);
      return;
    }
    // In a policy-map: 'class NAME' opens a class; its actions are indented further.
    if (first === "class") {
      close();
      if (!words[1]) fail(line, undefined, "expected a class name");
      block = { kind: "policy-class", policy: policyBlock!, klass: { name: words[1]!.text, line } };
      return;
    }
    if (current.kind !== "policy-class") return fail(line, words[0], "expected 'class NAME' in a policy-map");
    const klass = current.klass;
    if (first === "priority" && second === "percent") klass.priorityPercent = integer(line, words[2], "a percentage", 100);
    else if (first === "bandwidth" && second === "percent") klass.bandwidthPercent = integer(line, words[2], "a percentage", 100);
    else if (first === "bandwidth" && second === "remaining" && third === "percent") klass.bandwidthRemainingPercent = integer(line, words[3], "a percentage", 100, 1);
    else fail(line, words[0], `expected 'priority percent N', 'bandwidth percent N' or 'bandwidth remaining percent N' in class ${klass.name}`);
    if (klass.priorityPercent !== undefined && (klass.bandwidthPercent !== undefined || klass.bandwidthRemainingPercent !== undefined)) {
      fail(line, words[0], `class ${klass.name} has both priority and bandwidth: a class is one or the other`);
    }
  });
  close();
  const config: QosConfig = { profiles, classMaps, policyMaps };
  checkQosConfig(config, source);
  return config;
}

/** The words after `match identity`: `address A [MASK]`, `host [domain] N`, `user [domain] N`, `group N`. */
export function parseIdentityMatch(words: readonly string[]): IdentityMatch {
  const [kind, ...rest] = words;
  const value = rest[rest.length - 1];
  if (!kind || !value) throw new Error("expected 'match identity address|host|user|group …'");
  if (kind === "address") return matchAddress(rest.length === 2 && !rest[0]!.includes("/") ? `${rest[0]}/${maskLength(rest[1]!)}` : value);
  if (kind === "host") return rest[0] === "domain" ? matchHostDomain(value) : matchHost(value);
  if (kind === "user") return rest[0] === "domain" ? matchUserDomain(value) : matchUser(value);
  if (kind === "group") return matchGroup(value);
  throw new Error(`expected address, host, user or group after 'match identity', found '${kind}'`);
}

/**
 * The same configuration as JSON: {"profiles": [{"name", "match": ["host domain a.example", …],
 * "ipsecQosGroup"}], "classMaps": [{"name", "qosGroups": [1]}], "policyMaps": [{"name",
 * "classes": [{"name", "priorityPercent" | "bandwidthPercent" | "bandwidthRemainingPercent"}]}]}.
 * Errors name the JSON path.
 */
export function parseQosConfigJson(text: string, source = "qos config"): QosConfig {
  let value: any;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new QosConfigError(source, 1, 1, `not JSON: ${(error as Error).message}`);
  }
  const at = (path: string, message: string): never => {
    throw new QosConfigError(source, 1, 1, `${path}: ${message}`);
  };
  const list = (path: string, item: unknown): unknown[] => (Array.isArray(item) ? item : item === undefined ? [] : at(path, "expected a list"));
  const name = (path: string, item: any): string => (typeof item?.name === "string" && item.name !== "" ? item.name : at(`${path}.name`, "expected a name"));
  const percent = (path: string, item: unknown, minimum = 0): number | undefined => (item === undefined ? undefined : Number.isInteger(item) && (item as number) >= minimum && (item as number) <= 100 ? (item as number) : at(path, `expected a percentage ${minimum} to 100`));
  const config: QosConfig = {
    profiles: list("profiles", value?.profiles).map((profile: any, index) => {
      const path = `profiles[${index}]`;
      const matches = list(`${path}.match`, profile?.match).map((line, position) => {
        try {
          return parseIdentityMatch(String(line).split(/\s+/));
        } catch (error) {
          return at(`${path}.match[${position}]`, (error as Error).message);
        }
      });
      const tag = profile?.ipsecQosGroup;
      if (tag !== undefined && !(Number.isInteger(tag) && tag >= 0 && tag <= 255)) at(`${path}.ipsecQosGroup`, "expected 0 to 255");
      return { name: name(path, profile), matches, ipsecQosGroup: tag, line: 1 };
    }),
    classMaps: list("classMaps", value?.classMaps).map((klass: any, index) => ({
      name: name(`classMaps[${index}]`, klass),
      qosGroups: list(`classMaps[${index}].qosGroups`, klass?.qosGroups).map((group, position) => (Number.isInteger(group) && (group as number) >= 0 && (group as number) <= 255 ? (group as number) : at(`classMaps[${index}].qosGroups[${position}]`, "expected 0 to 255"))),
      line: 1,
    })),
    policyMaps: list("policyMaps", value?.policyMaps).map((policy: any, index) => ({
      name: name(`policyMaps[${index}]`, policy),
      line: 1,
      classes: list(`policyMaps[${index}].classes`, policy?.classes).map((klass: any, position) => {
        const path = `policyMaps[${index}].classes[${position}]`;
        const result: PolicyClass = { name: name(path, klass), priorityPercent: percent(`${path}.priorityPercent`, klass?.priorityPercent), bandwidthPercent: percent(`${path}.bandwidthPercent`, klass?.bandwidthPercent), bandwidthRemainingPercent: percent(`${path}.bandwidthRemainingPercent`, klass?.bandwidthRemainingPercent, 1), line: 1 };
        if (result.priorityPercent !== undefined && (result.bandwidthPercent !== undefined || result.bandwidthRemainingPercent !== undefined)) at(path, `class ${result.name} has both priority and bandwidth: a class is one or the other`);
        return result;
      }),
    })),
  };
  checkQosConfig(config, source);
  return config;
}

function maskLength(mask: string): number {
  const bits = mask.split(".").reduce((value, part) => value * 256 + Number(part), 0);
  let length = 0;
  while (length < 32 && (bits >>> (31 - length)) & 1) length++;
  return length;
}

/** The checks a configuration must pass before it is applied (also for the JSON form). */
export function checkQosConfig(config: QosConfig, source = "qos config"): void {
  const classNames = new Set(config.classMaps.map((klass) => klass.name));
  for (const policy of config.policyMaps) {
    let guaranteed = 0;
    for (const klass of policy.classes) {
      if (klass.name !== "class-default" && !classNames.has(klass.name)) throw new QosConfigError(source, klass.line, 1, `policy-map ${policy.name}: class ${klass.name} is not a class-map`);
      guaranteed += (klass.priorityPercent ?? 0) + (klass.bandwidthPercent ?? 0);
    }
    if (guaranteed > 100) throw new QosConfigError(source, policy.line, 1, `policy-map ${policy.name}: priority and bandwidth percentages add up to ${guaranteed}, over 100`);
    const remaining = policy.classes.reduce((sum, klass) => sum + (klass.bandwidthRemainingPercent ?? 0), 0);
    if (remaining > 100) throw new QosConfigError(source, policy.line, 1, `policy-map ${policy.name}: bandwidth remaining percentages add up to ${remaining}, over 100`);
    const named = policy.classes.filter((klass) => klass.name !== "class-default").length;
    if (named > MAX_QUEUES - 1) throw new QosConfigError(source, policy.line, 1, `policy-map ${policy.name}: ${named} classes besides class-default; the NIC has ${MAX_QUEUES - 1} traffic classes for them (7 down to 1) and class 0 for class-default`);
  }
  for (const profile of config.profiles) {
    if (profile.matches.length === 0) throw new QosConfigError(source, profile.line, 1, `crypto isakmp profile ${profile.name} has no 'match identity' line`);
  }
}

/**
 * The traffic class (queue, 0-7) of each policy-map class: priority classes highest, then
 * bandwidth classes in order, class-default 0; and the class of each qos-group through the class maps.
 */
export function trafficClasses(config: QosConfig, policyName?: string): { byClass: Map<string, number>; byQosGroup: Map<number, number> } {
  const policy = policyName ? config.policyMaps.find((map) => map.name === policyName) : config.policyMaps[0];
  const byClass = new Map<string, number>();
  if (policy) {
    const ordered = [...policy.classes.filter((klass) => klass.priorityPercent !== undefined), ...policy.classes.filter((klass) => klass.priorityPercent === undefined && klass.name !== "class-default")];
    ordered.forEach((klass, index) => byClass.set(klass.name, Math.max(1, 7 - index)));
    byClass.set("class-default", 0);
  }
  const byQosGroup = new Map<number, number>();
  for (const klass of config.classMaps) for (const group of klass.qosGroups) if (byClass.has(klass.name)) byQosGroup.set(group, byClass.get(klass.name)!);
  return { byClass, byQosGroup };
}

/** The traffic classes of a policy map's priority classes (its low-latency queues). */
export function priorityClasses(config: QosConfig, policyName?: string): Set<number> {
  const policy = policyName ? config.policyMaps.find((map) => map.name === policyName) : config.policyMaps[0];
  const { byClass } = trafficClasses(config, policyName);
  return new Set((policy?.classes ?? []).filter((klass) => klass.priorityPercent !== undefined).map((klass) => byClass.get(klass.name)!));
}

/**
 * Each class of a policy map as TX_SCHED holds it: `priority percent N` strict at N; `bandwidth
 * percent N` a minimum of N; `bandwidth remaining percent N` an excess weight of N. Classes that
 * are not priority classes and have no `bandwidth remaining percent` (class-default among them,
 * configured or not) split equally what the others leave of 100 (IOS XE's equal sharing of the
 * excess; classic IOS shares it in proportion to `bandwidth` instead: README, "QoS").
 */
export function classSchedules(policy: QosConfig["policyMaps"][number] | undefined): { klass: PolicyClass; schedule: TxSchedule }[] {
  const classes = [...(policy?.classes ?? [])];
  if (!classes.some((klass) => klass.name === "class-default")) classes.push({ name: "class-default", line: policy?.line ?? 0 });
  const bandwidth = classes.filter((klass) => klass.priorityPercent === undefined);
  const explicit = bandwidth.reduce((sum, klass) => sum + (klass.bandwidthRemainingPercent ?? 0), 0);
  const unset = bandwidth.filter((klass) => klass.bandwidthRemainingPercent === undefined).length;
  const split = unset > 0 ? Math.floor((100 - explicit) / unset) : 0;
  return classes.map((klass) => ({
    klass,
    schedule: { strict: klass.priorityPercent !== undefined, percent: klass.priorityPercent ?? klass.bandwidthPercent ?? 0, remaining: klass.priorityPercent !== undefined ? 0 : (klass.bandwidthRemainingPercent ?? split) },
  }));
}

/** Apply a configuration to the intermediate driver: its profiles, and the class map of tags to traffic classes. */
export function applyQosConfig(intermediate: IntermediateDriver, config: QosConfig, policyName?: string): Map<string, number> {
  for (const profile of config.profiles) intermediate.profiles.add({ name: profile.name, matches: profile.matches, ipsecQosGroup: profile.ipsecQosGroup });
  const { byClass, byQosGroup } = trafficClasses(config, policyName);
  for (const [group, trafficClass] of byQosGroup) intermediate.classMap.set(group, trafficClass);
  // The NIC classifies received ESP by the same map, through the tag in its SA table.
  intermediate.base.setQosClasses(intermediate.classMap);
  // And schedules its queues by the policy map: priority classes strict, bandwidth classes by percent.
  const policy = policyName ? config.policyMaps.find((map) => map.name === policyName) : config.policyMaps[0];
  const schedules = new Map<number, TxSchedule>();
  for (const { klass, schedule } of classSchedules(policy)) {
    const trafficClass = byClass.get(klass.name);
    if (trafficClass !== undefined) schedules.set(trafficClass, schedule);
  }
  intermediate.base.setSchedules(schedules);
  return byClass;
}
