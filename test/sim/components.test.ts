import { describe, expect, test } from "vitest";
import { buildDesign, ClockedComponent, Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { buildPipelineDemo } from "../../sim/demo/build.js";
import { Consumer } from "../../sim/demo/pipeline.js";
import { container, inject, injectable } from "../../sim/di.js";
import { ParameterError } from "../../sim/errors.js";
import { Kernel } from "../../sim/kernel.js";
import { parameterTable } from "../../sim/parameter-table.js";
import { param } from "../../sim/parameters.js";
import { ns, periodOfMegahertz, ps, formatTime } from "../../sim/time.js";

@injectable()
class Leaf extends ClockedComponent {
  readonly params = this.parameters({
    depth: param.integer(16, "Entries", { minimum: 1, maximum: 64 }),
    mode: param.choice("fast", ["fast", "slow"], "Speed grade"),
  });
  readonly out = this.signal("out", 8);
  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }
  evaluate(): void {
    this.out.set(this.params.depth);
  }
}

@injectable()
class SlowLeaf extends Leaf {
  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }
  override evaluate(): void {
    this.out.set(1);
  }
}

const LeafToken = Symbol("Leaf");

@injectable()
class Root extends Component {
  readonly left: Leaf;
  readonly right: Leaf;
  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.left = this.child<Leaf>(LeafToken, "left");
    this.right = this.child<Leaf>(LeafToken, "right");
  }
}

function build(parameters: Record<string, unknown> = {}, swap = false) {
  const kernel = new Kernel();
  const clock = kernel.clock("top.clk", 1000);
  const scope = container.createChildContainer();
  scope.register(LeafToken, { useClass: swap ? SlowLeaf : Leaf });
  return buildDesign(kernel, Root, { container: scope, parameters, clock, parametersSource: "scenario.yaml" });
}

describe("component tree", () => {
  test("a clock domain of another kernel is refused as the design is built, naming the block and the domain (the block was never evaluated, without a word; from a new user's check)", () => {
    const kernel = new Kernel();
    const other = new Kernel().clock("top.clk", 1000);
    const scope = container.createChildContainer();
    scope.register(LeafToken, { useClass: Leaf });
    expect(() => buildDesign(kernel, Root, { container: scope, clock: other })).toThrow("'top.left': its clock domain 'top.clk' is not this kernel's; make it with this kernel's clock(path, period)");
  });

  test("names are hierarchical and parameters resolve from defaults and overrides", () => {
    const { top, kernel } = build({ "top.left.depth": 32, top: { right: { mode: "slow" } } });
    expect([...top.walk()].map((component) => component.path)).toEqual(["top", "top.left", "top.right"]);
    expect(top.left.params).toEqual({ depth: 32, mode: "fast" });
    expect(top.right.params).toEqual({ depth: 16, mode: "slow" });
    kernel.run({ cycles: 1 });
    expect(top.left.out.value).toBe(32);
    expect(kernel.signals.map((signal) => signal.path)).toEqual(["top.left.out", "top.right.out"]);
  });

  test("bad parameter values and unknown names are rejected before the run, naming the path", () => {
    expect(() => build({ "top.left.depth": 65 })).toThrow(ParameterError);
    expect(() => build({ "top.left.depth": 65 })).toThrow("scenario.yaml: top.left.depth = 65: expected at most 64 (Entries)");
    expect(() => build({ "top.left.depth": 2.5 })).toThrow("expected an integer");
    expect(() => build({ "top.right.mode": "medium" })).toThrow("expected one of fast, slow (Speed grade)");
    expect(() => build({ "top.left.detph": 8 })).toThrow("scenario.yaml: 1 value(s) match no declared parameter:\n  top.left.detph: no such parameter (did you mean top.left.depth?)");
  });

  test("a class registered under a token replaces the default everywhere it is created", () => {
    const { top, kernel } = build({}, true);
    expect(top.left).toBeInstanceOf(SlowLeaf);
    kernel.run({ cycles: 1 });
    expect(top.right.out.value).toBe(1);
  });

  test("the parameter table lists every parameter with value, default, unit and description", () => {
    const table = parameterTable(buildPipelineDemo({ parameters: { "top.fifo.depth": 8 } }).top);
    expect(table).toContain("| `top.fifo.depth` | 8 | 16 |  | 1..4096 | FIFO depth in 32-bit words |");
    expect(table).toContain("| `top.consumer.wordCycles` | 4 | 4 | cycles | 1.. | Line cycles to serialise one word |");
    expect(table.split("\n").filter((line) => line.startsWith("| `")).length).toBe(6);
  });

  test("a clocked component without a clock domain says so", () => {
    expect(() => buildDesign(new Kernel(), Consumer)).toThrow("clocked component 'top' has no clock domain");
  });
});

describe("time", () => {
  test("units convert to integer picoseconds and refuse fractions of a picosecond", () => {
    expect([ps(5), ns(1.5), periodOfMegahertz(250), periodOfMegahertz(156.25)]).toEqual([5, 1500, 4000, 6400]);
    expect(() => ns(0.0001)).toThrow("0.0001 ns is not a whole, non-negative number of picoseconds");
    expect(() => periodOfMegahertz(300)).toThrow(/not a whole number of picoseconds/);
    expect([formatTime(0), formatTime(1500), formatTime(3_000_000), formatTime(7)]).toEqual(["0 ps", "1500 ps", "3 µs", "7 ps"]);
  });
});
