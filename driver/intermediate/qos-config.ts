import { MAX_QUEUES, type TxSchedule } from "../../hw/spec/registers.js";
import { didYouMean } from "../../sim/suggest.js";
import { type CommandForm, integerValue, matchCommand, type QosProblem, type Token, tokens } from "./ios-commands.js";
import { type IdentityMatch, matchAddress, matchGroup, matchHost, matchHostDomain, matchUser, matchUserDomain } from "./isakmp-profile.js";
import type { IntermediateDriver } from "./driver.js";
import { type RefusedShares, refuseShare } from "./refused-shares.js";

export type { QosProblem } from "./ios-commands.js";

/** A QoS policy configuration: ISAKMP profiles that set tags, class maps that match them, and a policy map. */
export interface QosConfig {
  readonly profiles: ReadonlyArray<{ readonly name: string; readonly matches: readonly IdentityMatch[]; readonly ipsecQosGroup?: number; readonly ipsecQosGroupAt?: { readonly line: number; readonly column: number } } & Placed>;
  /** `matchAll`: every match must hold (IOS's default, `class-map NAME`); otherwise any (`match-any`). */
  readonly classMaps: ReadonlyArray<{ readonly name: string; readonly qosGroups: readonly number[]; readonly matchAll: boolean } & Placed>;
  readonly policyMaps: ReadonlyArray<{ readonly name: string; readonly classes: readonly PolicyClass[] } & Placed>;
}

/** Where an item of the policy is: its line in the IOS text, or (the JSON form, whose line is 1) its path in the JSON. */
export interface Placed {
  readonly line: number;
  /** The column its line's command starts at (a class inside a policy map is indented), 1 if not given. */
  readonly column?: number;
  readonly path?: readonly (string | number)[];
}

/**
 * The qos-groups whose SAs a class map takes. An SA carries one tag, so a match-all class map of
 * two different groups takes none (as IOS, where a packet has one qos-group).
 */
export function groupsTaken(classMap: QosConfig["classMaps"][number]): readonly number[] {
  return classMap.matchAll && new Set(classMap.qosGroups).size > 1 ? [] : classMap.qosGroups;
}

export interface PolicyClass extends Placed {
  readonly name: string;
  readonly priorityPercent?: number;
  readonly bandwidthPercent?: number;
  readonly bandwidthRemainingPercent?: number;
}

/** An item's place as a message names it: its line, or its JSON path. */
function placeName(item: Placed): string {
  return item.path === undefined ? `line ${item.line}` : item.path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index > 0 ? "." : ""}${segment}`)).join("");
}

/** A problem's message, with where a name defined twice was first, as `placeOf` names that place (its line in the policy, or its JSON path, by default). */
export function qosProblemText(problem: QosProblem, placeOf: (first: Placed) => string = (first) => `${first.path === undefined ? "on" : "at"} ${placeName(first)}`): string {
  return problem.first === undefined ? problem.message : `${problem.message} (first ${placeOf(problem.first)})`;
}

/** A configuration that cannot be applied: every problem in it, each at its line and column. */
export class QosConfigError extends Error {
  constructor(readonly source: string, readonly problems: readonly QosProblem[]) {
    super(problems.map((problem) => `${source}:${problem.line}:${problem.column}: ${qosProblemText(problem)}`).join("\n"));
  }
}

const NAME = (what: string) => ({ placeholder: "NAME", expected: what });
const NUMBER = (what: string) => ({ placeholder: "N", expected: what });

/** The supported subset of IOS (README, "QoS on encrypted traffic"), by block. */
const TOP_FORMS: CommandForm<"profile" | "class-map" | "policy-map">[] = [
  { name: "profile", words: ["crypto", "isakmp", "profile"], values: [NAME("a profile name")] },
  { name: "class-map", words: ["class-map"], values: [NAME("a class-map name")] },
  { name: "class-map", words: ["class-map", "match-any"], values: [NAME("a class-map name")] },
  { name: "class-map", words: ["class-map", "match-all"], values: [NAME("a class-map name")] },
  { name: "policy-map", words: ["policy-map"], values: [NAME("a policy-map name")] },
];
type IdentityForm = "address" | "host" | "host domain" | "user" | "user domain" | "group";
const IDENTITY_FORMS: CommandForm<IdentityForm>[] = [
  { name: "address", words: ["match", "identity", "address"], values: [{ placeholder: "ADDRESS", expected: "an address, subnet or range" }, { placeholder: "MASK", expected: "a mask", optional: true }] },
  { name: "host", words: ["match", "identity", "host"], values: [NAME("a host name")] },
  { name: "host domain", words: ["match", "identity", "host", "domain"], values: [NAME("a domain name")] },
  { name: "user", words: ["match", "identity", "user"], values: [NAME("a user (user@domain)")] },
  { name: "user domain", words: ["match", "identity", "user", "domain"], values: [NAME("a domain name")] },
  { name: "group", words: ["match", "identity", "group"], values: [NAME("a group name")] },
];
const PROFILE_FORMS: CommandForm<IdentityForm | "tag">[] = [...IDENTITY_FORMS, { name: "tag", words: ["set", "ipsec-qos-group"], values: [NUMBER("a tag (0 to 255)")] }];
const CLASS_MAP_FORMS: CommandForm<"qos-group">[] = [{ name: "qos-group", words: ["match", "qos-group"], values: [NUMBER("a qos-group (0 to 255)")] }];
const CLASS_FORM: CommandForm<"class"> = { name: "class", words: ["class"], values: [NAME("a class name")] };
type Action = "priority" | "bandwidth" | "remaining";
const ACTION_FORMS: CommandForm<Action | "class">[] = [
  { name: "priority", words: ["priority", "percent"], values: [NUMBER("a percentage")] },
  { name: "bandwidth", words: ["bandwidth", "percent"], values: [NUMBER("a percentage")] },
  { name: "remaining", words: ["bandwidth", "remaining", "percent"], values: [NUMBER("a percentage")] },
  CLASS_FORM,
];

type MutableClass = { -readonly [K in keyof PolicyClass]: PolicyClass[K] };
type Block =
  | { kind: "profile"; matches: IdentityMatch[]; tag?: number; tagAt?: { line: number; column: number }; name: string; line: number; refusedMatch: boolean }
  | { kind: "class-map"; groups: number[]; name: string; line: number; matchAll: boolean }
  | { kind: "policy-map"; index: number; klass: MutableClass | null }
  /** Below a line that was refused: its indented lines are not looked at. */
  | { kind: "refused" };

/**
 * Parse the Cisco IOS-style configuration of seed 001 (`crypto isakmp profile`, `class-map`,
 * `policy-map`): strictly, every line, and every problem at once (each at its line and column):
 * an incomplete line, words left over, a command outside the supported subset ("not supported"),
 * then the checks across lines (unknown classes, percentages over 100, priority and bandwidth in
 * one class, a priority class-default, a profile without a match, a name defined twice, a second policy map).
 */
export function parseQosConfig(text: string, source = "qos config"): QosConfig {
  const profiles: QosConfig["profiles"][number][] = [];
  const classMaps: QosConfig["classMaps"][number][] = [];
  const policyMaps: { name: string; classes: PolicyClass[]; line: number }[] = [];
  const problems: QosProblem[] = [];
  let block: Block | null = null;
  const value = (result: number | QosProblem): number | undefined => {
    if (typeof result === "number") return result;
    problems.push(result);
    return undefined;
  };
  // Profiles whose match line was refused: not also reported as ones without a match (still checked for a name used twice).
  const refusedMatches = new Set<object>();
  const refusedShares: RefusedShares = new Map();
  // Where each action the open class has had is.
  const actionPlaces = new Map<Action, { line: number; column: number }>();
  const close = () => {
    if (block?.kind === "profile") {
      const profile = { name: block.name, matches: block.matches, ipsecQosGroup: block.tag, ipsecQosGroupAt: block.tagAt, line: block.line };
      profiles.push(profile);
      if (block.refusedMatch) refusedMatches.add(profile);
    }
    else if (block?.kind === "class-map") classMaps.push({ name: block.name, qosGroups: block.groups, matchAll: block.matchAll, line: block.line });
    else if (block?.kind === "policy-map" && block.klass) policyMaps[block.index]!.classes.push(block.klass);
  };
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const words = tokens(raw);
    if (words.length === 0) return;
    if (!/^\s/.test(raw)) {
      close();
      block = { kind: "refused" };
      const command = matchCommand(words, line, TOP_FORMS, "at the top level");
      if (command.kind === "problem") return void problems.push(command.problem);
      const name = command.values[0]!.text;
      if (command.form.name === "profile") block = { kind: "profile", matches: [], name, line, refusedMatch: false };
      // IOS's class-map is match-all unless it says match-any.
      else if (command.form.name === "class-map") block = { kind: "class-map", groups: [], name, line, matchAll: words[1]?.text.toLowerCase() !== "match-any" };
      else {
        policyMaps.push({ name, classes: [], line });
        block = { kind: "policy-map", index: policyMaps.length - 1, klass: null };
      }
      return;
    }
    const current = block as Block | null;
    if (current === null) return void problems.push({ line, column: words[0]!.column, message: "an indented line outside any block" });
    if (current.kind === "refused") return;
    if (current.kind === "profile") {
      const command = matchCommand(words, line, PROFILE_FORMS, `in crypto isakmp profile ${current.name}`);
      current.refusedMatch ||= command.kind === "problem" ? words[0]!.text.toLowerCase() === "match" : false;
      if (command.kind === "problem") return void problems.push(command.problem);
      if (command.form.name === "tag") {
        // A second tag would replace the first without a word: which was meant is not for the parser to guess.
        if (current.tagAt !== undefined) return void problems.push({ line, column: words[0]!.column, message: `crypto isakmp profile ${current.name} sets ipsec-qos-group twice: a profile sets one tag`, first: current.tagAt });
        current.tag = value(integerValue(command.values[0]!, line, "an ipsec-qos-group", 255));
        current.tagAt = { line, column: words[0]!.column };
      } else {
        const match = identityMatch(command.form.name as IdentityForm, command.values, line);
        if ("message" in match) {
          problems.push(match);
          current.refusedMatch = true;
        } else current.matches.push(match);
      }
      return;
    }
    if (current.kind === "class-map") {
      const command = matchCommand(words, line, CLASS_MAP_FORMS, `in class-map ${current.name}`);
      if (command.kind === "problem") return void problems.push(command.problem);
      const group = value(integerValue(command.values[0]!, line, "a qos-group", 255));
      if (group !== undefined) current.groups.push(group);
      return;
    }
    // In a policy-map: 'class NAME' opens a class; its actions are indented further.
    const policy = policyMaps[current.index]!;
    const command = current.klass === null ? matchCommand(words, line, [CLASS_FORM], `in policy-map ${policy.name}`) : matchCommand(words, line, ACTION_FORMS, `in class ${current.klass.name}`);
    if (command.kind === "problem") {
      // A class's share line refused whole ('priority percent', 'priority 20', 'bandwidth percentt 20'): the sums would leave it out ('police 8000' is no share).
      const first = words[0]!.text.toLowerCase();
      if (current.klass !== null && (first === "priority" || first === "bandwidth")) refuseShare(refusedShares, policy, first === "priority" ? "priority" : words[1]?.text.toLowerCase() === "remaining" ? "remaining" : null);
      return void problems.push(command.problem);
    }
    if (command.form.name === "class") {
      close();
      current.klass = { name: command.values[0]!.text, line, column: words[0]!.column };
      actionPlaces.clear();
      return;
    }
    const klass = current.klass!;
    const action = command.form.name as Action;
    const earlier = actionPlaces.get(action);
    if (earlier !== undefined) return void problems.push({ line, column: words[0]!.column, message: `class ${klass.name} has '${words.map((word) => word.text).slice(0, -1).join(" ")}' twice: the second would replace the first`, first: earlier });
    actionPlaces.set(action, { line, column: words[0]!.column });
    const percent = value(integerValue(command.values[0]!, line, "a percentage", 100, action === "remaining" ? 1 : 0));
    if (percent === undefined) refuseShare(refusedShares, policy, action);
    if (action === "priority") klass.priorityPercent = percent;
    else if (action === "bandwidth") klass.bandwidthPercent = percent;
    else klass.bandwidthRemainingPercent = percent;
    if (klass.priorityPercent !== undefined && (klass.bandwidthPercent !== undefined || klass.bandwidthRemainingPercent !== undefined)) {
      problems.push({ line, column: words[0]!.column, message: `class ${klass.name} has both priority and bandwidth: a class is one or the other` });
    }
  });
  close();
  const config: QosConfig = { profiles, classMaps, policyMaps };
  problems.push(...qosConfigProblems(config, refusedMatches, refusedShares));
  if (problems.length > 0) throw new QosConfigError(source, problems.sort((a, b) => a.line - b.line || a.column - b.column));
  return config;
}

/** The match of a `match identity` line, or the problem with its value. */
function identityMatch(form: IdentityForm, values: readonly Token[], line: number): IdentityMatch | QosProblem {
  const [first, second] = values;
  try {
    if (form === "address") {
      if (second && first!.text.includes("/")) return { line, column: second.column, message: `unexpected '${second.text}': ${first!.text} has its prefix length already` };
      return matchAddress(second ? `${first!.text}/${maskLength(second.text)}` : first!.text);
    }
    const name = first!.text;
    return form === "host" ? matchHost(name) : form === "host domain" ? matchHostDomain(name) : form === "user" ? matchUser(name) : form === "user domain" ? matchUserDomain(name) : matchGroup(name);
  } catch (error) {
    return { line, column: first!.column, message: (error as Error).message };
  }
}

/** The words after `match identity` (`host domain a.example`), as the JSON form gives them. */
export function parseIdentityMatch(words: readonly string[]): IdentityMatch {
  const line = tokens(["match", "identity", ...words].join(" "));
  const command = matchCommand(line, 1, IDENTITY_FORMS, "in 'match identity'");
  const match = command.kind === "problem" ? command.problem : identityMatch(command.form.name, command.values, 1);
  if ("message" in match) throw new Error(match.message);
  return match;
}

function maskLength(mask: string): number {
  const bits = mask.split(".").reduce((value, part) => value * 256 + Number(part), 0);
  let length = 0;
  while (length < 32 && (bits >>> (31 - length)) & 1) length++;
  return length;
}

/** The checks across lines a configuration must pass before it is applied (also for the JSON form): every problem. */
export function qosConfigProblems(config: QosConfig, refusedMatches: ReadonlySet<object> = new Set(), refusedShares: RefusedShares = new Map()): QosProblem[] {
  const problems: QosProblem[] = [];
  const at = (item: Placed, message: string, first?: Placed, parts?: ReadonlyArray<readonly (string | number)[]>) =>
    problems.push({ line: item.line, column: item.column ?? 1, message, path: item.path, ...(first === undefined ? {} : { first: { line: first.line, column: first.column, path: first.path } }), ...(parts === undefined ? {} : { parts }) });
  const classNames = new Set(config.classMaps.map((klass) => klass.name));
  const twice = (items: ReadonlyArray<{ name: string } & Placed>, what: string) => {
    const seen = new Map<string, Placed>();
    for (const item of items) {
      const first = seen.get(item.name);
      if (first !== undefined) at(item, `${what} ${item.name} is defined twice`, first);
      else seen.set(item.name, item);
    }
  };
  twice(config.profiles, "crypto isakmp profile");
  twice(config.classMaps, "class-map");
  // IOS's own class for what no class map takes: a class map of that name would take traffic from the others' classes into class 0.
  for (const classMap of config.classMaps) if (classMap.name.toLowerCase() === "class-default") at(classMap, `class-map ${classMap.name}: the name of IOS's own class for the traffic no class map takes (class-default); give this class map another name`);
  twice(config.policyMaps, "policy-map");
  // The NIC is programmed with one policy map (as one `service-policy output` on an interface): another would be dead text.
  for (const extra of config.policyMaps.slice(1)) if (extra.name !== config.policyMaps[0]!.name) at(extra, `policy-map ${extra.name}: a second policy map, which nothing would apply (the NIC is programmed with one, ${config.policyMaps[0]!.name}); merge its classes into that one or remove it`);
  for (const policy of config.policyMaps) {
    twice(policy.classes, `policy-map ${policy.name}: class`);
    let guaranteed = 0;
    for (const klass of policy.classes) {
      if (klass.name !== "class-default" && !classNames.has(klass.name)) at(klass, `policy-map ${policy.name}: class ${klass.name} is not a class-map${didYouMean(klass.name, classNames)}`);
      // class-default is traffic class 0, below every other: it cannot also go before them.
      if (klass.name === "class-default" && klass.priorityPercent !== undefined) at(klass, `policy-map ${policy.name}: class-default cannot be a priority class (it is traffic class 0, served after every other); give 'priority percent' to a class-map's class`);
      guaranteed += (klass.priorityPercent ?? 0) + (klass.bandwidthPercent ?? 0);
    }
    // A share refused (its value, or its line) is left out of its sum, which is checked once it is mended; the other sum stands.
    const refused = refusedShares.get(policy);
    // The sum's terms, by where they are in the JSON form: a scenario names the --set values among them.
    const terms = (fields: readonly (keyof PolicyClass)[]) => policy.classes.flatMap((klass) => (klass.path === undefined ? [] : fields.filter((field) => klass[field] !== undefined).map((field) => [...klass.path!, field])));
    if (!refused?.has("guaranteed") && guaranteed > 100) at(policy, `policy-map ${policy.name}: priority and bandwidth percentages add up to ${guaranteed}, over 100`, undefined, terms(["priorityPercent", "bandwidthPercent"]));
    const remaining = policy.classes.reduce((sum, klass) => sum + (klass.bandwidthRemainingPercent ?? 0), 0);
    if (!refused?.has("remaining") && remaining > 100) at(policy, `policy-map ${policy.name}: bandwidth remaining percentages add up to ${remaining}, over 100`, undefined, terms(["bandwidthRemainingPercent"]));
    const named = new Set(policy.classes.filter((klass) => klass.name !== "class-default").map((klass) => klass.name)).size;
    if (named > MAX_QUEUES - 1) at(policy, `policy-map ${policy.name}: ${named} classes besides class-default; the NIC has ${MAX_QUEUES - 1} traffic classes for them (7 down to 1) and class 0 for class-default`);
  }
  for (const profile of config.profiles) {
    if (profile.matches.length === 0 && !refusedMatches.has(profile)) at(profile, `crypto isakmp profile ${profile.name} has no 'match identity' line`);
  }
  return problems;
}


/**
 * The traffic class (queue, 0-7) of each policy-map class: priority classes highest, then
 * bandwidth classes in order, class-default 0; and the class of each qos-group through the class maps.
 */
export function trafficClasses(config: QosConfig): { byClass: Map<string, number>; byQosGroup: Map<number, number> } {
  const policy = config.policyMaps[0];
  const byClass = new Map<string, number>();
  if (policy) {
    const ordered = [...policy.classes.filter((klass) => klass.priorityPercent !== undefined), ...policy.classes.filter((klass) => klass.priorityPercent === undefined && klass.name !== "class-default")];
    ordered.forEach((klass, index) => byClass.set(klass.name, Math.max(1, 7 - index)));
    byClass.set("class-default", 0);
  }
  const byQosGroup = new Map<number, number>();
  for (const { name, classMap } of policyClassMaps(config)) for (const group of groupsTaken(classMap)) if (!byQosGroup.has(group)) byQosGroup.set(group, byClass.get(name)!);
  return { byClass, byQosGroup };
}

/** The class maps of the policy map's classes, in the policy map's order: a qos-group two of them take is the first's, as IOS matches a packet against the classes in order. */
export function policyClassMaps(config: QosConfig): { name: string; classMap: QosConfig["classMaps"][number] }[] {
  return (config.policyMaps[0]?.classes ?? []).flatMap((klass) => {
    const classMap = config.classMaps.find((candidate) => candidate.name === klass.name);
    return classMap === undefined ? [] : [{ name: klass.name, classMap }];
  });
}

/** The traffic classes of a policy map's priority classes (its low-latency queues), each with its percent. */
export function priorityClasses(config: QosConfig): Map<number, number> {
  const policy = config.policyMaps[0];
  const { byClass } = trafficClasses(config);
  return new Map((policy?.classes ?? []).flatMap((klass) => (klass.priorityPercent !== undefined ? [[byClass.get(klass.name)!, klass.priorityPercent] as const] : [])));
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
export function applyQosConfig(intermediate: IntermediateDriver, config: QosConfig): Map<string, number> {
  for (const profile of config.profiles) intermediate.profiles.add({ name: profile.name, matches: profile.matches, ipsecQosGroup: profile.ipsecQosGroup });
  const { byClass, byQosGroup } = trafficClasses(config);
  for (const [group, trafficClass] of byQosGroup) intermediate.classMap.set(group, trafficClass);
  // The NIC classifies received ESP by the same map, through the tag in its SA table.
  intermediate.base.setQosClasses(intermediate.classMap);
  // And schedules its queues by the policy map: priority classes strict, bandwidth classes by percent.
  const policy = config.policyMaps[0];
  const schedules = new Map<number, TxSchedule>();
  for (const { klass, schedule } of classSchedules(policy)) {
    const trafficClass = byClass.get(klass.name);
    if (trafficClass !== undefined) schedules.set(trafficClass, schedule);
  }
  intermediate.base.setSchedules(schedules);
  return byClass;
}
