import { describe, expect, test } from "vitest";
import { Channel } from "../../sim/channel.js";
import { buildDesign, ClockedComponent, Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { container, inject, injectable } from "../../sim/di.js";
import { Kernel } from "../../sim/kernel.js";
import { delay } from "../../sim/process.js";
import { ns } from "../../sim/time.js";

const SleepsToken = Symbol("sleeps until woken");

/** A block with work only from its inbox and the times it asks for; it counts how often it is asked isIdle. */
@injectable()
class Worker extends ClockedComponent {
  override readonly sleepsUntilWoken: boolean;
  readonly inbox = new Channel<number>(this.kernel, this);
  readonly handled: Array<[number, number | "due"]> = [];
  idleChecks = 0;
  private due = Infinity;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(SleepsToken) sleeps: boolean) {
    super(context);
    this.sleepsUntilWoken = sleeps;
  }

  /** Be evaluated at `time` with no other wake. */
  later(time: number): void {
    this.due = time;
    this.wakeAt(time);
  }

  /** Whether isIdle counts only the items it can take now (not those pushed during this edge). */
  takeableOnly = false;

  override isIdle(): boolean {
    this.idleChecks++;
    return (this.takeableOnly ? !this.inbox.ready : this.inbox.length === 0) && this.kernel.now < this.due;
  }

  evaluate(): void {
    for (let item = this.inbox.take(); item !== undefined; item = this.inbox.take()) this.handled.push([this.kernel.now, item]);
    if (this.kernel.now >= this.due) {
      this.handled.push([this.kernel.now, "due"]);
      this.due = Infinity;
    }
  }
}

/** Keeps the clock awake for its first `edges` edges, as a busy neighbour does; pushes into `target` on its edge at `pushAt`. */
@injectable()
class Neighbour extends ClockedComponent {
  edges = 100;
  target: Channel<number> | null = null;
  pushAt = -1;
  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }
  override isIdle(): boolean {
    return this.edges === 0;
  }
  evaluate(): void {
    this.edges--;
    if (this.kernel.now === this.pushAt) this.target?.push(9);
  }
}

@injectable()
class Pair extends Component {
  readonly worker = this.child(Worker, "worker");
  readonly neighbour = this.child(Neighbour, "neighbour");
  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }
}

function pair(sleeps: boolean) {
  const kernel = new Kernel();
  const clock = kernel.clock("top.clk", 1000, { wakeOnSignalChange: false });
  const scope = container.createChildContainer();
  scope.register(SleepsToken, { useValue: sleeps });
  const { top } = buildDesign(kernel, Pair, { container: scope, clock });
  return { kernel, worker: top.worker, neighbour: top.neighbour };
}

describe("a member that sleeps until woken", () => {
  test("is not asked isIdle while idle, though a busy neighbour keeps its clock running", () => {
    const polled = pair(false);
    polled.kernel.run({ until: ns(100) });
    const sleeping = pair(true);
    sleeping.kernel.run({ until: ns(100) });
    // Polled, it is asked on each of the neighbour's 100 edges; sleeping, once, when it is found idle.
    expect(polled.worker.idleChecks).toBeGreaterThanOrEqual(100);
    expect(sleeping.worker.idleChecks).toBe(1);
  });

  test("is woken by a push into its channel, a time it asked for, and nothing else", () => {
    for (const sleeps of [false, true]) {
      const { kernel, worker } = pair(sleeps);
      kernel.process("top.host", function* () {
        yield delay(ns(10) + 500);
        worker.inbox.push(7);
        worker.later(ns(40) + 200);
      });
      kernel.run({ until: ns(200) });
      // The item at the first edge after its push; the time at the first edge at or after it.
      expect(worker.handled, `sleeps until woken: ${sleeps}`).toEqual([
        [ns(11), 7],
        [ns(41), "due"],
      ]);
    }
  });

  test("takes an item a block pushed during an edge at the next, even if its isIdle counts only takeable items", () => {
    for (const [sleeps, neighbourEdges] of [[true, 100], [true, 3], [false, 3]] as const) {
      const { kernel, worker, neighbour } = pair(sleeps);
      worker.takeableOnly = true;
      neighbour.edges = neighbourEdges;
      neighbour.target = worker.inbox;
      neighbour.pushAt = ns(3);
      kernel.run({ until: ns(200) });
      expect(worker.handled, `sleeps until woken: ${sleeps}, neighbour busy for ${neighbourEdges} edges`).toEqual([[ns(4), 9]]);
    }
  });
});
