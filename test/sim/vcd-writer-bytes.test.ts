import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { BUFFER_CAPACITY } from "../../sim/vcd/output-buffer.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { type VcdVariable, type VcdVariableType, VcdWriter } from "../../sim/vcd/writer.js";

/**
 * The byte-buffer writer against a reference formatter written here from IEEE 1364 §18.2 and the
 * writer's documented behaviour (header, scopes in first-seen order, codes base 94 from '!',
 * `#time` only before the first change at a time, a change equal to the last value not written).
 * The reference builds one string and never touches a byte buffer, so the two share no formatting code.
 */

const MAX_TIME = Number.MAX_SAFE_INTEGER;

interface Declaration {
  path: string;
  type: VcdVariableType;
  width: number;
}

type Step =
  | { kind: "time"; time: number }
  | { kind: "change"; variable: number; value: number | bigint }
  | { kind: "trigger"; variable: number }
  | { kind: "flush" };

interface Model {
  header: { date: string; version: string; comment?: string };
  declarations: Declaration[];
  /** Null: the dump is closed without begin() (close() begins it at the final time, values 0). */
  beginTime: number | null;
  initial: Array<number | bigint>;
  steps: Step[];
  /** endDump(first) then close(second, runEnd); or close(second, runEnd) alone when first is null. */
  endDumpTime: number | null;
  closeTime: number;
  runEnd?: number;
}

function referenceCode(index: number): string {
  let code = "";
  for (let rest = index; rest >= 0; rest = Math.floor(rest / 94) - 1) code += String.fromCharCode(33 + (rest % 94));
  return code;
}

function referenceText(model: Model): { text: string; changes: number } {
  const { header, declarations } = model;
  const codes = declarations.map((_, index) => referenceCode(index));
  const scalar = declarations.map((d) => d.width === 1 && d.type !== "integer");
  const valueLine = (index: number, value: number | bigint) => (scalar[index] ? `${BigInt(value)}${codes[index]}\n` : `b${BigInt(value).toString(2)} ${codes[index]}\n`);
  interface Scope { variables: number[]; children: Map<string, Scope> }
  const root: Scope = { variables: [], children: new Map() };
  declarations.forEach((declaration, index) => {
    let scope = root;
    for (const segment of declaration.path.split(".").slice(0, -1)) {
      if (!scope.children.has(segment)) scope.children.set(segment, { variables: [], children: new Map() });
      scope = scope.children.get(segment)!;
    }
    scope.variables.push(index);
  });
  const scopeText = (scope: Scope): string =>
    scope.variables.map((index) => `$var ${declarations[index]!.type} ${declarations[index]!.width} ${codes[index]} ${declarations[index]!.path.split(".").at(-1)} $end\n`).join("") +
    [...scope.children].map(([name, child]) => `$scope module ${name} $end\n${scopeText(child)}$upscope $end\n`).join("");

  let text = `$date\n\t${header.date}\n$end\n$version\n\t${header.version}\n$end\n`;
  if (header.comment) text += `$comment\n\t${header.comment}\n$end\n`;
  text += `$timescale 1ps $end\n${scopeText(root)}$enddefinitions $end\n`;
  const beginTime = model.beginTime ?? model.endDumpTime ?? model.closeTime;
  const initial = model.beginTime === null ? declarations.map(() => 0) : model.initial;
  text += `#${beginTime}\n$dumpvars\n`;
  const last: Array<number | bigint | null> = declarations.map(() => null);
  declarations.forEach((declaration, index) => {
    if (declaration.type === "event") return;
    last[index] = initial[index]!;
    text += valueLine(index, initial[index]!);
  });
  text += "$end\n";
  let time = beginTime;
  let timeWritten = true;
  let changes = 0;
  const write = (line: string) => {
    if (!timeWritten) text += `#${time}\n`;
    timeWritten = true;
    text += line;
    changes++;
  };
  for (const step of model.beginTime === null ? [] : model.steps) {
    if (step.kind === "time" && step.time !== time) [time, timeWritten] = [step.time, false];
    if (step.kind === "trigger") write(`1${codes[step.variable]}\n`);
    if (step.kind === "change" && step.value !== last[step.variable]) {
      last[step.variable] = step.value;
      write(valueLine(step.variable, step.value));
    }
  }
  const final = model.endDumpTime ?? model.closeTime;
  if (final > time) text += `#${final}\n`;
  if (model.runEnd !== undefined) text += `$comment\n\tnicsim: end of dump; the run finished at ${model.runEnd} ps\n$end\n`;
  return { text, changes };
}

function runWriter(model: Model): { sink: MemorySink; writer: VcdWriter } {
  const sink = new MemorySink();
  const writer = new VcdWriter(sink, model.header);
  const variables: VcdVariable[] = model.declarations.map((d) => writer.declare(d.path, d.type, d.width));
  if (model.beginTime !== null) {
    writer.begin(model.beginTime, (variable) => model.initial[variables.indexOf(variable)]!);
    for (const step of model.steps) {
      if (step.kind === "time") writer.setTime(step.time);
      else if (step.kind === "change") writer.change(variables[step.variable]!, step.value);
      else if (step.kind === "trigger") writer.trigger(variables[step.variable]!);
      else writer.flush();
    }
  }
  if (model.endDumpTime !== null) writer.endDump(model.endDumpTime);
  writer.close(model.closeTime, model.runEnd);
  return { sink, writer };
}

function expectSameBytes(model: Model): void {
  const { sink, writer } = runWriter(model);
  const expected = referenceText(model);
  const written = sink.bytes();
  const wanted = Buffer.from(expected.text, "utf8");
  if (!written.equals(wanted)) expect(written.toString("utf8")).toBe(expected.text);
  expect(written.equals(wanted)).toBe(true);
  expect(writer.bytesWritten).toBe(wanted.length);
  expect(writer.changesWritten).toBe(expected.changes);
  expect(sink.closed).toBe(true);
}

const segment = fc.constantFrom("top", "nic", "tx", "rx", "q0", "q1", "a_1", "B$x", "state", "crypto", "sa", "_");
const widthArbitrary = fc.oneof(fc.constantFrom(1, 2, 31, 32, 33, 52, 53, 54, 64, 65, 100), fc.integer({ min: 1, max: 300 }));
const declarationArbitrary = fc.record({
  segments: fc.array(segment, { minLength: 1, maxLength: 4 }),
  type: fc.constantFrom<VcdVariableType>("wire", "reg", "integer", "event"),
  width: widthArbitrary,
});
/** Raw material for one step; turned into a valid step against the declarations and the time so far. */
const rawStepArbitrary = fc.record({
  kind: fc.constantFrom("time", "time", "change", "change", "change", "trigger", "flush", "burst"),
  index: fc.nat(),
  bits: fc.bigInt({ min: 0n, max: (1n << 300n) - 1n }),
  form: fc.constantFrom("number", "bigint", "same", "power of two"),
  jump: fc.oneof(fc.constantFrom(0, 1, 2 ** 32), fc.nat({ max: 1000 }), fc.nat({ max: MAX_TIME })),
  count: fc.nat({ max: 3000 }),
});
const modelArbitrary = fc.record({
  header: fc.record({ date: fc.string({ unit: "binary" }), version: fc.string(), comment: fc.option(fc.string({ unit: "binary" }), { nil: undefined }) }),
  rawDeclarations: fc.array(declarationArbitrary, { minLength: 1, maxLength: 40 }),
  begins: fc.boolean(),
  beginTime: fc.oneof(fc.nat({ max: 100 }), fc.nat({ max: MAX_TIME })),
  initialBits: fc.array(fc.bigInt({ min: 0n, max: (1n << 300n) - 1n }), { minLength: 40, maxLength: 40 }),
  rawSteps: fc.array(rawStepArbitrary, { maxLength: 400 }),
  ends: fc.record({ endDumpFirst: fc.boolean(), first: fc.nat({ max: MAX_TIME }), second: fc.nat({ max: MAX_TIME }), runEnd: fc.option(fc.nat({ max: MAX_TIME }), { nil: undefined }) }),
});

type Raw = typeof modelArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Distinct paths where no path is also another's scope, each with a type and width the writer accepts. */
function declarationsOf(raw: Raw["rawDeclarations"]): Declaration[] {
  const declarations: Declaration[] = [];
  for (const { segments, type, width } of raw) {
    const path = segments.join(".");
    const clash = declarations.some((d) => d.path === path || d.path.startsWith(`${path}.`) || path.startsWith(`${d.path}.`));
    if (!clash) declarations.push({ path, type, width: type === "event" ? 1 : width });
  }
  return declarations;
}

function valueOf(declaration: Declaration, bits: bigint, form: string, exponent: number, last: number | bigint): number | bigint {
  const value = bits & ((1n << BigInt(declaration.width)) - 1n);
  if (form === "same") return last;
  // A number past 2^53 is still exact when it is a power of two: the writer takes those too.
  if (form === "power of two") return 2 ** (exponent % declaration.width);
  if (form === "number" && value <= BigInt(MAX_TIME)) return Number(value);
  return value;
}

function modelOf(raw: Raw): Model {
  const declarations = declarationsOf(raw.rawDeclarations);
  const initial = declarations.map((d, index) => valueOf(d, raw.initialBits[index]!, index % 2 === 0 ? "number" : "bigint", index, 0));
  const last = [...initial];
  const steps: Step[] = [];
  let time = raw.beginTime;
  const later = (jump: number) => Math.min(MAX_TIME, time + (jump % (MAX_TIME - time + 1)));
  const changeOn = (variable: number, bits: bigint, form: string, exponent: number) => {
    const declaration = declarations[variable]!;
    if (declaration.type === "event") return steps.push({ kind: "trigger", variable });
    const value = valueOf(declaration, bits, form, exponent, last[variable]!);
    last[variable] = value;
    return steps.push({ kind: "change", variable, value });
  };
  for (const step of raw.rawSteps) {
    const variable = step.index % declarations.length;
    if (step.kind === "time") steps.push({ kind: "time", time: (time = later(step.jump)) });
    else if (step.kind === "change" || step.kind === "trigger") changeOn(variable, step.bits, step.form, step.index);
    else if (step.kind === "flush") steps.push({ kind: "flush" });
    else {
      // A burst: many short steps, so that runs cross the buffer's capacity many times.
      for (let n = 0; n < step.count; n++) {
        steps.push({ kind: "time", time: (time = later(n % 3)) });
        changeOn((variable + n) % declarations.length, step.bits + BigInt(n), n % 2 === 0 ? "number" : "bigint", n);
      }
    }
  }
  const { endDumpFirst, first, second, runEnd } = raw.ends;
  const base = raw.begins ? time : 0;
  const endDumpTime = endDumpFirst ? later(first) : null;
  // Final times earlier than the last timestamp are accepted and write nothing.
  const closeTime = second % 5 === 0 ? Math.max(0, base - 1) : Math.max(base, later(second));
  return { header: raw.header, declarations, beginTime: raw.begins ? raw.beginTime : null, initial, steps, endDumpTime, closeTime, runEnd };
}

describe("VCD writer formatting into bytes", () => {
  test("writes, for random declarations and value changes, the bytes a straightforward IEEE 1364 formatter writes", () => {
    fc.assert(
      fc.property(modelArbitrary, (raw) => expectSameBytes(modelOf(raw))),
      { numRuns: 200 },
    );
  });

  test("a header longer than the buffer and a vector wider than it come out whole", () => {
    const wide: Declaration = { path: "top.wide", type: "reg", width: BUFFER_CAPACITY + 4000 };
    const many = Array.from({ length: 3000 }, (_, index): Declaration => ({ path: `top.s${index % 7}.a_long_signal_name_to_fill_the_header_${index}`, type: index % 3 === 0 ? "integer" : "wire", width: index % 3 === 0 ? 32 : 1 }));
    const declarations = [wide, ...many];
    const huge = (1n << BigInt(wide.width - 1)) | 12345n;
    const steps: Step[] = [
      { kind: "time", time: 10 },
      { kind: "change", variable: 0, value: huge },
      { kind: "change", variable: 1, value: 7 },
      { kind: "time", time: 2 ** 53 - 1 },
      { kind: "change", variable: 0, value: 2 ** 60 },
      { kind: "change", variable: 2, value: 1n },
    ];
    const model: Model = { header: { date: "é 日本 🙂", version: "test" }, declarations, beginTime: 0, initial: declarations.map(() => 0), steps, endDumpTime: null, closeTime: MAX_TIME, runEnd: MAX_TIME };
    expectSameBytes(model);
    const { sink } = runWriter(model);
    // Chunks stay at the buffer's size except the one line that could not fit it (the wide vector's).
    expect(sink.writes.filter((chunk) => chunk.length > BUFFER_CAPACITY).length).toBeLessThanOrEqual(3);
  });

  test("a long run keeps the writer's buffer at its size: chunks handed over are at most its capacity", () => {
    const sink = new MemorySink();
    const writer = new VcdWriter(sink, { date: "fixed", version: "test" });
    const variables = [writer.declare("top.v", "reg", 100), writer.declare("top.w", "wire", 1)];
    writer.begin(0, () => 0);
    for (let time = 1; time <= 100_000; time++) {
      writer.setTime(time * 1_000_003);
      writer.change(variables[0]!, (1n << 99n) | BigInt(time));
      writer.change(variables[1]!, time % 2);
    }
    writer.close(200_000_000_000);
    expect(sink.writes.length).toBeGreaterThan(100);
    expect(Math.max(...sink.writes.map((chunk) => chunk.length))).toBeLessThanOrEqual(BUFFER_CAPACITY);
    expect(sink.writes.slice(0, -1).every((chunk) => chunk.length > BUFFER_CAPACITY - 150)).toBe(true);
  });
});
