import { describe, expect, test } from "vitest";
import { ComponentError, ProcessError, SignalError } from "../../sim/errors.js";
import { Channel } from "../../sim/channel.js";
import type { Clocked } from "../../sim/clock-domain.js";
import { Kernel } from "../../sim/kernel.js";
import { delay, edge, until } from "../../sim/process.js";
import { ns } from "../../sim/time.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import { readVcd } from "../support/read-vcd.js";

/** The error a call throws, for tests that inspect its type and fields. */
function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

/** A member that records each edge it runs on and plans its next run by `plan` (Infinity: none), asked for by wakeAt or told by nextWakeTime. */
function plannedTimer(plan: (now: number, runs: number) => number, asks: "wakeAt" | "nextWakeTime", clockOptions: { wakeOnSignalChange?: boolean } = {}) {
  const kernel = new Kernel();
  const clock = kernel.clock("top.clk", 1000, clockOptions);
  const seen: number[] = [];
  let due = 0;
  kernel.clocked(clock, {
    path: "top.timer",
    evaluate: () => {
      seen.push(kernel.now);
      due = plan(kernel.now, seen.length);
      if (asks === "wakeAt" && due !== Infinity) clock.wakeAt(due, kernel.now);
    },
    isIdle: () => kernel.now < due,
    ...(asks === "nextWakeTime" ? { nextWakeTime: () => due } : {}),
  });
  return { kernel, seen };
}

function swapDesign() {
  const kernel = new Kernel();
  const clock = kernel.clock("top.clk", 1000);
  const a = kernel.signal("top.a", 8, { initial: 1 });
  const b = kernel.signal("top.b", 8, { initial: 2 });
  // Two registers that swap each edge: correct only if both read the pre-edge values.
  kernel.clocked(clock, { path: "top.ra", evaluate: () => a.set(b.value), isIdle: () => false });
  kernel.clocked(clock, { path: "top.rb", evaluate: () => b.set(a.value), isIdle: () => false });
  return { kernel, clock, a, b };
}

describe("two-phase signals", () => {
  test("registers that swap values see each other's committed values", () => {
    const { kernel, a, b } = swapDesign();
    kernel.run({ cycles: 1 });
    expect([a.value, b.value]).toEqual([2, 1]);
    kernel.run({ cycles: 1 });
    expect([a.value, b.value]).toEqual([1, 2]);
  });

  test("two different writes to one signal in one phase are an error naming the signal and time", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 1000);
    const s = kernel.signal("top.s", 4);
    kernel.clocked(clock, { path: "top.one", evaluate: () => s.set(1), isIdle: () => false });
    kernel.clocked(clock, { path: "top.two", evaluate: () => s.set(2), isIdle: () => false });
    expect(() => kernel.run({ cycles: 1 })).toThrow(/component 'top.two' threw at 1 ns \(cycle 1\): signal 'top.s' written twice in one phase at 1 ns with different values \(0x1 then 0x2\)/);
  });

  test("values wider than the signal are rejected with the signal's name and width", () => {
    const kernel = new Kernel();
    const s = kernel.signal("top.s", 3);
    expect(() => s.set(8)).toThrow(SignalError);
    expect(() => s.set(8)).toThrow("value 0x8 does not fit signal 'top.s' (3 bits) at 0 ps");
    expect(() => s.set(-1)).toThrow(/does not fit/);
    expect(() => s.set(1.5)).toThrow(/does not fit/);
    const wide = kernel.wideSignal("top.w", 100);
    wide.set((1n << 100n) - 1n);
    expect(() => wide.set(1n << 100n)).toThrow(/does not fit signal 'top.w' \(100 bits\)/);
    expect(() => kernel.signal("top.n", 54)).toThrow(/needs wideSignal/);
  });

  test("registration after time has advanced, duplicate names and bad names are errors", () => {
    const kernel = new Kernel();
    kernel.signal("top.s", 1);
    expect(() => kernel.signal("top.s", 2)).toThrow("duplicate name 'top.s': already registered as a signal");
    expect(() => kernel.signal("top.bad name", 1)).toThrow(/segment 'bad name' is not a valid name/);
    expect(() => kernel.signal("top.v[3]", 1)).toThrow(/not a valid name/);
    kernel.run({ until: ns(5) });
    expect(() => kernel.signal("top.late", 1)).toThrow("cannot register signal 'top.late' after time has advanced (now 5 ns)");
  });
});

describe("the end of time", () => {
  test("the kernel's time ends at 2^53 - 1 ps: a callback, a delay or a clock edge due later never comes, and the run ends there (frames sent hours apart, or a day's lifetime, threw 'not a non-negative integer of picoseconds')", () => {
    const kernel = new Kernel();
    // A clock whose second edge (2^53) is past the end.
    const clock = kernel.clock("clk", 2 ** 52);
    let edges = 0;
    const seen: string[] = [];
    kernel.process("sleeper", function* () {
      yield delay(Number.MAX_SAFE_INTEGER - 10);
      seen.push(`awake at ${kernel.now}`);
      yield delay(2 ** 60);
      seen.push("never");
    });
    kernel.schedule(2 ** 53, "past the end", () => seen.push("never"));
    kernel.schedule(Number.MAX_SAFE_INTEGER, "at the end", () => seen.push(`last at ${kernel.now}`));
    kernel.clocked(clock, { path: "clk.member", evaluate: () => void edges++, isIdle: () => false });
    expect(kernel.run({ until: 1_000_000 }).reason).toBe("until");
    // The member is never idle: its edges go on to the last one before the end, then there are none.
    const result = kernel.run();
    expect(edges).toBe(1);
    expect(result).toEqual({ reason: "exhausted", time: Number.MAX_SAFE_INTEGER });
    expect(seen).toEqual([`awake at ${Number.MAX_SAFE_INTEGER - 10}`, `last at ${Number.MAX_SAFE_INTEGER}`]);
    expect(() => kernel.schedule(-1, "before now", () => {})).toThrow(RangeError);
    expect(() => delay(1.5)).toThrow(RangeError);
  });
});

describe("processes", () => {
  test("a wait on an event with a condition is resumed by the first fire after which it holds, and not by the fires before (each such resumption counted)", () => {
    const kernel = new Kernel();
    const turn = kernel.event("top.turn");
    let serving = 0;
    const log: string[] = [];
    // Ten in line, each waiting its turn: only the one whose turn came is resumed by a fire.
    for (let ticket = 1; ticket <= 10; ticket++) {
      kernel.process(`top.waiter${ticket}`, function* () {
        yield turn.when(() => serving === ticket, `ticket ${ticket}`);
        log.push(`${ticket}@${kernel.now}`);
      });
    }
    kernel.process("top.server", function* () {
      for (let ticket = 1; ticket <= 10; ticket++) {
        yield delay(ns(1));
        serving = ticket;
        turn.fire();
      }
    });
    const before = kernel.statistics.processResumptions;
    kernel.run();
    expect(log).toEqual(Array.from({ length: 10 }, (_, index) => `${index + 1}@${(index + 1) * 1000}`));
    // Each waiter twice (its start, its turn), the server eleven times: no waiter was woken only to wait again.
    expect(kernel.statistics.processResumptions - before).toBe(10 * 2 + 11);
    expect(turn.fireCount).toBe(10);
  });

  test("delay, edge, until and events resume at the right simulated times", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 4000, { phase: 1000 });
    const flag = kernel.signal("top.flag", 1);
    const go = kernel.event("top.go");
    const log: string[] = [];
    kernel.process("top.writer", function* () {
      yield delay(ns(10));
      flag.set(1);
      log.push(`set@${kernel.now}`);
      yield delay(ns(3));
      go.fire();
    });
    kernel.process("top.reader", function* () {
      const value: number = yield until(flag, 1);
      log.push(`until@${kernel.now}=${value}`);
      yield edge(clock);
      log.push(`edge@${kernel.now}`);
      yield go;
      log.push(`go@${kernel.now}`);
      yield edge(clock, 3);
      log.push(`edge3@${kernel.now}`);
    });
    kernel.run();
    // Edges at 1, 5, 9, 13, 17 ... ns (phase 1 ns, period 4 ns).
    expect(log).toEqual(["set@10000", "until@10000=1", "edge@13000", "go@13000", "edge3@25000"]);
  });

  test("live processes are listed with what each waits for; finished ones are dropped", () => {
    const kernel = new Kernel();
    const ready = kernel.signal("top.ready", 1);
    kernel.process("top.short", function* () {
      yield delay(ns(1));
    });
    kernel.process("top.waiter", function* () {
      yield until(ready, 1);
    });
    kernel.run({ until: ns(5) });
    expect(kernel.liveProcesses()).toEqual([{ name: "top.waiter", waitingFor: "until(top.ready == 1)" }]);
  });

  test("a process resumed by edge() reads the values before the edge, as the clocked logic does", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 1000);
    const count = kernel.signal("top.count", 8);
    kernel.clocked(clock, { path: "top.counter", evaluate: () => count.set(count.value + 1), isIdle: () => false });
    const seen: number[] = [];
    kernel.process("top.monitor", function* () {
      for (let index = 0; index < 3; index++) {
        yield edge(clock);
        seen.push(count.value);
      }
    });
    kernel.run({ cycles: 5 });
    expect(seen).toEqual([0, 1, 2]);
  });

  test("a throwing process is reported by name and simulated time, and the waveform so far survives", async () => {
    const kernel = new Kernel();
    const s = kernel.signal("top.s", 8);
    const sink = new MemorySink();
    kernel.traceWith(new VcdTracer({ sink }));
    kernel.process("top.driver.main", function* () {
      yield delay(ns(1));
      s.set(7);
      yield delay(ns(2));
      throw new Error("descriptor ring overrun");
    });
    const caught = thrown(() => kernel.run());
    expect(caught).toBeInstanceOf(ProcessError);
    expect((caught as ProcessError).message).toBe("process 'top.driver.main' threw at 3 ns: descriptor ring overrun");
    expect((caught as ProcessError).time).toBe(3000);
    expect(sink.closed).toBe(true);
    const parsed = await readVcd(sink.text());
    expect(parsed.changes.filter((change) => change.path === "top.s")).toEqual([{ time: 0, path: "top.s", value: 0n }, { time: 1000, path: "top.s", value: 7n }]);
    expect(parsed.endTime).toBe(3000);
    expect(() => kernel.run()).toThrow(/cannot run: the simulation already failed/);
  });

  test("a throwing component is reported with its path, time and cycle", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 2000);
    let calls = 0;
    const fail = () => {
      if (++calls === 3) throw new RangeError("address out of range");
    };
    kernel.clocked(clock, { path: "top.nic.dma", evaluate: fail, isIdle: () => false });
    const caught = thrown(() => kernel.run());
    expect(caught).toBeInstanceOf(ComponentError);
    expect((caught as ComponentError).message).toBe("component 'top.nic.dma' threw at 6 ns (cycle 3): address out of range");
  });

  test("yielding something that is not a command is a clear error", () => {
    const kernel = new Kernel();
    kernel.process("top.p", function* () {
      yield 42 as never;
    });
    expect(() => kernel.run()).toThrow("process 'top.p' threw at 0 ps: yielded 42, which is not a command (delay, edge, until or an event)");
  });

  test("until and edge given no signal or clock (a misspelt name), or until a predicate alone, are the process's error, not the kernel's internal one (from an outside check)", () => {
    const misuses: Array<[() => unknown, string]> = [
      [() => until(undefined as never, 1), "until(signal, value or predicate): expected a signal (top.nic.mac.rxBusy, …), not undefined"],
      [() => until((() => false) as never, 1), "until(signal, value or predicate): expected a signal (top.nic.mac.rxBusy, …), not a function"],
      [() => edge(undefined as never), "edge(clock, count): expected a clock domain (top.nic.coreClock, …), not undefined"],
    ];
    for (const [misuse, message] of misuses) {
      const kernel = new Kernel();
      kernel.process("top.p", function* () {
        yield misuse() as never;
      });
      expect(() => kernel.run()).toThrow(`process 'top.p' threw at 0 ps: ${message}`);
    }
    const kernel = new Kernel();
    const signal = kernel.signal("top.s", 1);
    expect(() => until(signal, undefined as never)).toThrow("until(top.s, value or predicate): expected the value to wait for (a number or bigint) or a predicate of the value, not undefined");
  });

  test("a zero-delay loop is reported instead of hanging", () => {
    const kernel = new Kernel();
    kernel.process("top.spin", function* () {
      for (;;) yield delay(0);
    });
    expect(() => kernel.run()).toThrow(/more than 100000 delta cycles at 0 ps: a zero-delay loop \(next: 'top.spin'\)/);
  });
});

describe("run control", () => {
  test("until, cycles, stop conditions, stop() and exhaustion each end the run where they say", () => {
    const { kernel, clock } = swapDesign();
    expect(kernel.run({ cycles: 10 })).toEqual({ reason: "cycles", time: 10_000 });
    expect(kernel.run({ until: 12_500 })).toEqual({ reason: "until", time: 12_500 });
    expect(kernel.now).toBe(12_500);
    expect(kernel.run({ cycles: 1 })).toEqual({ reason: "cycles", time: 13_000 });
    expect(kernel.run({ stopWhen: (k) => k.now >= 20_000 })).toEqual({ reason: "stop-condition", time: 20_000 });
    kernel.process("top.stopper", function* () {
      yield edge(clock, 2);
      kernel.stop("enough");
    });
    expect(kernel.run()).toEqual({ reason: "stopped", time: 22_000, message: "enough" });
    const empty = new Kernel();
    empty.process("top.once", function* () {
      yield delay(ns(7));
    });
    expect(empty.run()).toEqual({ reason: "exhausted", time: 7000 });
    expect(() => kernel.run({ until: 5 })).toThrow(/not before now/);
  });

  test("clock domains keep their own periods and phases", () => {
    const kernel = new Kernel();
    const fast = kernel.clock("top.fast", 4000);
    const slow = kernel.clock("top.slow", 6400, { phase: 1000 });
    const edges: string[] = [];
    kernel.clocked(fast, { path: "top.f", evaluate: () => edges.push(`f${kernel.now}`), isIdle: () => false });
    kernel.clocked(slow, { path: "top.s", evaluate: () => edges.push(`s${kernel.now}`), isIdle: () => false });
    kernel.run({ until: 14_000 });
    expect(edges).toEqual(["s1000", "f4000", "s7400", "f8000", "f12000", "s13800"]);
    // The evaluations, block by block: the statistics' count split by where it went.
    expect(kernel.evaluationsByBlock()).toEqual({ "top.f": 3, "top.s": 3 });
    expect(kernel.statistics.componentEvaluations).toBe(6);
    expect(slow.cycleAt(13_800)).toBe(3);
    expect(fast.cycleAt(12_000)).toBe(3);
    expect(() => kernel.clock("top.odd", 1000, { phase: 1000 })).toThrow(/phase 1000 ps must be an integer in \[0, 1000\)/);
  });

  test("idle domains are skipped: only the edges where something can happen are evaluated", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 1000);
    const start = kernel.signal("top.start", 1);
    let busy = 0;
    let evaluations = 0;
    kernel.clocked(clock, {
      path: "top.worker",
      evaluate: () => {
        evaluations++;
        if (start.value === 1 && busy === 0) busy = 5;
        else if (busy > 0) busy--;
      },
      isIdle: () => busy === 0 && start.value === 0,
    });
    kernel.process("top.host", function* () {
      yield delay(ns(100));
      start.set(1);
      yield delay(ns(1));
      start.set(0);
    });
    kernel.run({ until: ns(1000) });
    // One edge at 1 ns before sleeping (the idle member is passed over); then the pulse and the 5 busy cycles.
    expect(evaluations).toBeLessThan(12);
    expect(kernel.statistics.componentEvaluations).toBe(evaluations);
    expect(kernel.evaluationsByBlock()).toEqual({ "top.worker": evaluations });
    expect(kernel.statistics.edgesEvaluated).toBe(evaluations + 1);
    expect(kernel.now).toBe(ns(1000));
  });

  test("wakeAt lets a sleeping domain take exactly the edge a member asked for", () => {
    const { kernel, seen } = plannedTimer((now, runs) => (runs === 1 ? now + ns(40) : Infinity), "wakeAt");
    kernel.run({ until: ns(100) });
    expect(seen).toEqual([ns(1), ns(41)]);
    expect(kernel.statistics.edgesEvaluated).toBe(2);
  });

  test("a domain sleeping until a wakeAt edge still wakes early when woken", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 1000);
    const seen: number[] = [];
    let armed = false;
    let poked = true;
    kernel.clocked(clock, {
      path: "top.timer",
      evaluate: () => {
        seen.push(kernel.now);
        poked = false;
        if (!armed) {
          armed = true;
          clock.wakeAt(ns(500), kernel.now);
        }
      },
      isIdle: () => !poked && kernel.now !== ns(500),
    });
    kernel.schedule(ns(100) + 500, "poke", () => {
      poked = true;
      clock.wakeAfter(kernel.now);
    });
    kernel.run({ until: ns(1000) });
    expect(seen).toEqual([ns(1), ns(101), ns(500)]);
  });

  test("a member added during an edge by one evaluated before it is asked as it says on that edge (from an outside check: its flags were read only at the next)", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 4000);
    const seen: string[] = [];
    let added = false;
    // Busy beyond this edge, idle for it: passed over now, evaluated at the next.
    const late: Clocked = { path: "top.late", evaluate: () => seen.push(`late@${kernel.now}`), isIdle: () => seen.length > 2, idleThisEdge: () => !seen.some((entry) => entry.startsWith("early@8000")) };
    const early: Clocked = {
      path: "top.early",
      evaluate: () => {
        seen.push(`early@${kernel.now}`);
        if (!added) kernel.clocked(clock, late);
        added = true;
      },
      isIdle: () => seen.length > 2,
    };
    kernel.clocked(clock, early);
    kernel.run({ until: ns(20) });
    expect(seen).toEqual(["early@4000", "early@8000", "late@8000"]);
  });

  test("a sleeping domain woken by a callback at one of its edge times takes that edge, as it would awake", () => {
    for (const skipIdle of [true, false]) {
      const kernel = new Kernel({ skipIdle });
      const clock = kernel.clock("top.clk", 1000);
      const seen: number[] = [];
      let work = 0;
      const member: Clocked = { path: "top.worker", evaluate: () => work > 0 && seen.push(kernel.now) && work--, isIdle: () => work === 0 };
      kernel.clocked(clock, member);
      kernel.schedule(ns(50), "arrive", () => {
        work = 1;
        member.slot!.woken = true;
        clock.wakeAfter(kernel.now, kernel.edgesPending);
      });
      kernel.run({ until: ns(100) });
      expect(seen, `skipIdle ${skipIdle}`).toEqual([ns(50)]);
    }
  });

  test("a domain no signal change wakes sleeps once its members are idle, even after an edge that changed a signal", () => {
    const kernel = new Kernel();
    const clock = kernel.clock("top.clk", 1000, { wakeOnSignalChange: false });
    const level = kernel.signal("top.level", 8);
    let writes = 3;
    kernel.clocked(clock, { path: "top.writer", evaluate: () => writes > 0 && level.set(level.value + writes--), isIdle: () => writes === 0 });
    kernel.run({ until: ns(100) });
    expect(level.value).toBe(6);
    // The three writing edges and nothing after: the edge that wrote last puts the domain to sleep.
    expect(kernel.statistics.edgesEvaluated).toBe(3);
  });

  test("an item pushed into a later domain's channel at an edge both share is taken at the consumer's next edge, changes or not", () => {
    for (const changeSignal of [false, true]) {
      const kernel = new Kernel();
      const fast = kernel.clock("top.fast", 1000, { wakeOnSignalChange: false });
      const slow = kernel.clock("top.slow", 4000, { wakeOnSignalChange: false });
      const marker = kernel.signal("top.marker", 1);
      const channel = new Channel<number>(kernel, slow);
      const taken: number[] = [];
      let sent = false;
      // The producer pushes at 4 ns, an edge of both domains; the consumer, evaluated after it, cannot take the item yet.
      kernel.clocked(fast, {
        path: "top.producer",
        evaluate: () => {
          if (kernel.now !== ns(4)) return;
          channel.push(7);
          sent = true;
          if (changeSignal) marker.set(1);
        },
        isIdle: () => sent,
      });
      kernel.clocked(slow, { path: "top.consumer", evaluate: () => void (channel.ready && taken.push(kernel.now, channel.take()!)), isIdle: () => !channel.ready });
      kernel.run({ until: ns(100) });
      expect(taken, `signal changed: ${changeSignal}`).toEqual([ns(8), 7]);
    }
  });

  test("a member's nextWakeTime, asked as its domain goes to sleep, sets the edges it takes", () => {
    // Each run plans the next: 10 ns on, then 20 ns less half an edge, then nothing.
    const plan = (now: number, runs: number) => (runs === 1 ? now + ns(10) : runs === 2 ? now + ns(20) - 500 : Infinity);
    const { kernel, seen } = plannedTimer(plan, "nextWakeTime", { wakeOnSignalChange: false });
    kernel.run({ until: ns(100) });
    // 30.5 ns falls between edges: the first edge after it is taken.
    expect(seen).toEqual([ns(1), ns(11), ns(31)]);
    expect(kernel.statistics.emptyEdges).toBe(0);
  });
});
