import { describe, expect, test } from "vitest";
import { sequencedFrame, frameSequence } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { ms, us } from "../../sim/time.js";
import { system } from "../support/nic.js";
import { container } from "../../sim/di.js";
import { ClassScheduler, EMPTY, type QueueSchedulerFactory, QueueSchedulerFactoryToken, WAITING } from "../../hw/qos/class-scheduler.js";
import { wireBytes } from "../../sim/packet/ethernet.js";
import { expectedShares } from "../../system/validation/share-closed-form.js";

/**
 * All four classes backlogged on the wire: class 7 a priority class policed to 20%, classes 6
 * and 5 bandwidth 30% and 20%, class 0 the rest (30%). Returns wire bytes per class in a window.
 */
function backlogged(window: number) {
  const { kernel, top } = system({ "top.nic.queues": 8, "top.driver.base.txRingDescriptors": 256, "top.driver.base.postNanoseconds": 0, "top.driver.base.copyBytesPerNanosecond": 1_000_000 });
  const driver = top.driver.base;
  driver.setSchedules(new Map([[7, { strict: true, percent: 20 }], [6, { strict: false, percent: 30 }], [5, { strict: false, percent: 20 }], [0, { strict: false, percent: 0 }]]));
  top.peer.keepReceived = false;
  const bytes = new Map<number, number>();
  const start = us(500);
  top.wire.tap((time, frame, from) => {
    if (from !== "nic" || time < start || time >= start + window) return;
    const { trafficClass } = frameSequence(frame.bytes);
    bytes.set(trafficClass, (bytes.get(trafficClass) ?? 0) + frame.bytes.length + 24);
  });
  for (const trafficClass of [7, 6, 5, 0]) {
    kernel.process(`sender${trafficClass}`, function* () {
      yield driver.whenReady();
      const frame = sequencedFrame("to-peer", trafficClass, 0, 1514);
      for (;;) yield* driver.transmit(trafficClass, frame, { more: true });
    });
  }
  kernel.run({ until: start + window });
  const total = [...bytes.values()].reduce((a, b) => a + b, 0);
  return new Map([...bytes].map(([trafficClass, count]) => [trafficClass, count / total]));
}

describe("the policy map's schedulers", () => {
  test("with every class backlogged, each class gets the share the closed form gives (IOS XE: minimums, then the excess split equally), within 0.5 points, and the priority class keeps to its rate", () => {
    const shares = backlogged(ms(10));
    const expected = expectedShares([
      { name: "7", priorityPercent: 20, offered: Infinity },
      { name: "6", bandwidthPercent: 30, offered: Infinity },
      { name: "5", bandwidthPercent: 20, offered: Infinity },
      { name: "0", offered: Infinity },
    ]);
    expect(Object.fromEntries(expected)).toEqual({ 7: expect.closeTo(0.2, 10), 6: expect.closeTo(0.4, 10), 5: expect.closeTo(0.3, 10), 0: expect.closeTo(0.1, 10) });
    expect(shares.get(7)!).toBeLessThanOrEqual(0.2 + 0.005);
    for (const [trafficClass, share] of expected) expect(Math.abs(shares.get(Number(trafficClass))! - share), `class ${trafficClass}`).toBeLessThanOrEqual(0.005);
  });

  test("a strict class's frames go ahead of backlogged bulk at frame start and at the wire; a scheduler registered under the token replaces the policy map's", () => {
    const run = (strict: boolean, scheduler?: QueueSchedulerFactory) => {
      const scope = container.createChildContainer();
      if (scheduler) scope.register(QueueSchedulerFactoryToken, { useValue: scheduler });
      const { kernel, top } = system({ "top.nic.queues": 8 }, { container: scope });
      const driver = top.driver.base;
      if (strict) driver.setSchedules(new Map([[7, { strict: true, percent: 20 }]]));
      const latencies: number[] = [];
      const sentAt = new Map<number, number>();
      top.peer.onReceive = (frame) => {
        const { trafficClass, sequence } = frameSequence(frame.bytes);
        if (trafficClass === 7) latencies.push(frame.time - sentAt.get(sequence)!);
      };
      top.peer.keepReceived = false;
      for (const trafficClass of [0, 1, 2]) {
        kernel.process(`bulk${trafficClass}`, function* () {
          yield driver.whenReady();
          const frame = sequencedFrame("to-peer", trafficClass, 0, 1514);
          for (;;) yield* driver.transmit(trafficClass, frame, { more: true });
        });
      }
      kernel.process("sparse", function* () {
        yield driver.whenReady();
        yield delay(us(100));
        for (let sequence = 0; sequence < 30; sequence++) {
          sentAt.set(sequence, kernel.now);
          yield* driver.transmit(7, sequencedFrame("to-peer", 7, sequence, 128));
          yield delay(us(10));
        }
      });
      kernel.run({ until: us(500) });
      return Math.max(...latencies);
    };
    const withPriority = run(true);
    const without = run(false);
    expect(withPriority).toBeLessThan(without);
    // A round robin that ignores TX_SCHED: the same configuration no longer helps the strict class.
    const roundRobin: QueueSchedulerFactory = (queues) => {
      let next = 0;
      const schedules = Array.from({ length: queues }, () => ({ strict: false, percent: 0, remaining: 0 }));
      return {
        schedules,
        strictQueues: [],
        configure: () => {},
        pick: (_, size) => {
          for (let step = 0; step < queues; step++) {
            const queue = (next + step) % queues;
            if (size(queue) >= 0) return (next = (queue + 1) % queues), queue;
          }
          return -1;
        },
        charge: () => {},
        readyAt: () => Infinity,
      };
    };
    expect(run(true, roundRobin)).toBeGreaterThan(withPriority);
    // Doorbell write, descriptor and buffer reads, at most one frame already on the wire, then its own.
    expect(withPriority).toBeLessThan(us(4));
  });
});

describe("the class scheduler alone, on a line that is always busy", () => {
  /** Serve backlogged queues of fixed frame sizes for `seconds`, at `capacity` of the line's rate (a slower bottleneck before it); returns each queue's share of what was served. */
  function serve(frames: Record<number, number>, schedules: Record<number, { strict: boolean; percent: number; remaining?: number }>, seconds = 0.01, capacity = 1) {
    const lineBytesPerPicosecond = 25 / 8000;
    const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
    for (const [queue, schedule] of Object.entries(schedules)) scheduler.configure(Number(queue), { remaining: 0, ...schedule }, 0);
    const used = new Map<number, number>();
    let now = 0;
    while (now < seconds * 1e12) {
      const queue = scheduler.pick(now, (candidate) => frames[candidate] ?? -1);
      if (queue < 0) throw new Error(`nothing picked at ${now} ps though every queue is backlogged`);
      const bytes = wireBytes(frames[queue]!);
      scheduler.charge(queue, frames[queue]!);
      used.set(queue, (used.get(queue) ?? 0) + bytes);
      now += bytes / (lineBytesPerPicosecond * capacity);
    }
    const total = [...used.values()].reduce((sum, value) => sum + value, 0);
    return (queue: number) => (used.get(queue) ?? 0) / total;
  }

  test("shares are of line time, whatever the frame sizes: 64-byte frames against 1514- and 9000-byte ones", () => {
    const share = serve({ 1: 64, 2: 1514, 3: 9000 }, { 1: { strict: false, percent: 50 }, 2: { strict: false, percent: 30 }, 3: { strict: false, percent: 20 } });
    expect(share(1)).toBeCloseTo(0.5, 2);
    expect(share(2)).toBeCloseTo(0.3, 2);
    expect(share(3)).toBeCloseTo(0.2, 2);
  });

  // From an outside check: served a frame each in turn, three minimums of 30 % in 64-, 1500- and 9000-byte frames over a DMA link of 0.63 of the line got 0.03, 0.30 and 0.30 of it.
  test.each([
    [{ 1: 64, 2: 1500, 3: 9000 }, [30, 30, 30]],
    [{ 1: 256, 2: 1500, 3: 9000 }, [40, 20, 10]],
    [{ 1: 9000, 2: 1500, 3: 64 }, [40, 20, 10]],
  ])("minimums a bottleneck of 0.4 of the line cannot all meet share it by their percents in line time, whatever the frame sizes: %o at %o %", (frames, percents) => {
    const share = serve(frames, Object.fromEntries(percents.map((percent, index) => [index + 1, { strict: false, percent }])), 0.01, 0.4);
    const sum = percents.reduce((total, percent) => total + percent, 0);
    percents.forEach((percent, index) => expect(share(index + 1)).toBeCloseTo(percent / sum, 2));
  });

  // From an outside check: by deficit round robin a class took its turn as the round reached it, and a class whose frame was on its way (WAITING) as the round passed lost the turn; a class of 64-byte frames, ready one pick in three, was served at 602 of its 10,000 ready picks.
  test("a class ready only now and then is served whenever it is ready and under its share of the excess; the classes always ready share the rest equally in time on the wire", () => {
    const lineBytesPerPicosecond = 25 / 8000;
    const frames: Record<number, number> = { 0: 1514, 6: 576, 7: 64 };
    const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
    for (const queue of [0, 6, 7]) scheduler.configure(queue, { strict: false, percent: 0, remaining: 33 }, 0);
    const served = new Map<number, number>();
    let readyPicks = 0;
    let now = 0;
    for (let pick = 0; pick < 30_000; pick++) {
      const sometimes = pick % 3 === 0;
      if (sometimes) readyPicks++;
      const queue = scheduler.pick(now, (candidate) => (candidate === 7 ? (sometimes ? frames[7]! : WAITING) : (frames[candidate] ?? EMPTY)));
      scheduler.charge(queue, frames[queue]!);
      served.set(queue, (served.get(queue) ?? 0) + 1);
      now += wireBytes(frames[queue]!) / (lineBytesPerPicosecond * 0.5);
    }
    expect(served.get(7)! / readyPicks).toBeGreaterThan(0.99);
    const time = (queue: number) => served.get(queue)! * wireBytes(frames[queue]!);
    expect(time(0) / time(6)).toBeCloseTo(1, 1);
  });

  test("a pick whose frame is not served changes no later turn: asked five times before each frame it serves, the scheduler serves the frames in the same order", () => {
    const lineBytesPerPicosecond = 25 / 8000;
    const frames: Record<number, number> = { 0: 1514, 2: 64, 4: 576, 6: 9000 };
    const order = (asks: number) => {
      const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
      scheduler.configure(2, { strict: false, percent: 30, remaining: 10 }, 0);
      scheduler.configure(4, { strict: false, percent: 0, remaining: 60 }, 0);
      scheduler.configure(6, { strict: false, percent: 10, remaining: 20 }, 0);
      scheduler.configure(0, { strict: false, percent: 0, remaining: 10 }, 0);
      const served: number[] = [];
      let now = 0;
      for (let frame = 0; frame < 2000; frame++) {
        for (let ask = 1; ask < asks; ask++) scheduler.pick(now, (queue) => frames[queue] ?? -1);
        const queue = scheduler.pick(now, (queue) => frames[queue] ?? -1);
        scheduler.charge(queue, frames[queue]!);
        served.push(queue);
        now += wireBytes(frames[queue]!) / (lineBytesPerPicosecond * 0.5);
      }
      return served;
    };
    expect(order(5)).toEqual(order(1));
  });

  test("a strict queue of jumbo frames is policed to its rate and still sends, though a frame costs more than the bucket holds", () => {
    const share = serve({ 7: 9000, 0: 1514 }, { 7: { strict: true, percent: 10 } });
    expect(share(7)).toBeGreaterThan(0.09);
    expect(share(7)).toBeLessThanOrEqual(0.1 + 0.01);
  });

  test("an unpoliced strict queue (0%) takes the whole line while it has frames", () => {
    const share = serve({ 7: 128, 0: 1514 }, { 7: { strict: true, percent: 0 } });
    expect(share(7)).toBe(1);
  });
});

describe("the policer's tokens, however often they are looked at", () => {
  const lineBytesPerPicosecond = 25 / 8000;
  /**
   * A strict queue of `percent` against a backlogged bulk queue, asked at those times only: whether
   * it may go as priority, and when it next may (readyAt, to the picosecond: it shows the tokens' every rounding).
   */
  function decisions(percent: number, askedAt: readonly number[], charges: ReadonlyMap<number, number>, bytes: number): Map<number, string> {
    const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
    scheduler.configure(7, { strict: true, percent, remaining: 0 }, 0);
    const sizes = (queue: number) => (queue === 0 ? 1514 : queue === 7 ? bytes : -1);
    const seen = new Map<number, string>();
    for (const time of askedAt) {
      const account = scheduler.strictMayGo(time, 7, bytes, sizes);
      seen.set(time, account === "priority" ? "priority" : `ready at ${scheduler.readyAt(time, sizes)}`);
      const charge = charges.get(time);
      if (charge !== undefined && account === "priority") scheduler.charge(7, charge, "priority");
    }
    return seen;
  }

  test("a scheduler asked at every edge and one asked only where it charges and at a few times decide alike there (seeded times)", () => {
    let state = 20261204;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const percent of [1, 3, 7, 10, 33]) {
      const edges = Array.from({ length: 40_000 }, (_, index) => (index + 1) * 4000);
      // Charges of odd sizes at random edges drain the bucket below a frame now and then.
      const charges = new Map(edges.filter(() => next() < 0.05).map((time) => [time, 64 + Math.floor(next() * 9000)] as [number, number]));
      const sparse = edges.filter((time) => charges.has(time) || next() < 0.01);
      const every = decisions(percent, edges, charges, 1514);
      const few = decisions(percent, sparse, charges, 1514);
      for (const time of sparse) expect(few.get(time), `${percent} %: at ${time} ps`).toBe(every.get(time));
    }
  });

  test("readyAt is the first picosecond at which the queue may go: not a picosecond later, nor one before", () => {
    for (const percent of [1, 3, 7, 10, 33]) {
      const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
      scheduler.configure(7, { strict: true, percent, remaining: 0 }, 0);
      const bulk = (queue: number) => (queue === 0 ? 1514 : queue === 7 ? 1514 : -1);
      // Empty the bucket: charge jumbo frames until it holds less than a frame.
      let now = 1000;
      while (scheduler.strictMayGo(now, 7, 1514, bulk) === "priority") scheduler.charge(7, 9000, "priority");
      for (let round = 0; round < 20; round++) {
        const ready = scheduler.readyAt(now, bulk);
        expect(ready).toBeGreaterThan(now);
        // Asked a picosecond before: still held back.
        expect(scheduler.strictMayGo(ready - 1, 7, 1514, bulk), `${percent} %, round ${round}: a picosecond before readyAt`).toBeNull();
        expect(scheduler.strictMayGo(ready, 7, 1514, bulk), `${percent} %, round ${round}: at readyAt`).toBe("priority");
        scheduler.charge(7, 1514 + round * 97, "priority");
        now = ready + 1;
      }
    }
  });
});

describe("a TX_SCHED write mid-run", () => {
  test("counts the tokens to the write at the old rate, however long before it the scheduler last looked", () => {
    const lineBytesPerPicosecond = 25 / 8000;
    const sizes = (queue: number) => (queue === 0 ? 1514 : queue === 7 ? 9000 : -1);
    const readyAfterRaise = (lastLook: number) => {
      const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
      scheduler.configure(7, { strict: true, percent: 5, remaining: 0 }, 0);
      // Empty the bucket at time 1000, then look once more at `lastLook`.
      while (scheduler.strictMayGo(1000, 7, 9000, sizes) === "priority") scheduler.charge(7, 9000, "priority");
      scheduler.strictMayGo(lastLook, 7, 9000, sizes);
      scheduler.configure(7, { strict: true, percent: 50, remaining: 0 }, 2_000_000);
      return scheduler.readyAt(2_000_000, sizes);
    };
    expect(readyAfterRaise(1_999_000)).toBe(readyAfterRaise(5_000));
  });

  // From an outside check: the class's lead in virtual time, counted at 1 %, was kept, and it waited 146 µs for the others to catch up.
  test("a minimum raised where the bottleneck cannot meet every minimum is served at once, not after its old percent's lead", () => {
    const lineBytesPerPicosecond = 25 / 8000;
    const frames: Record<number, number> = { 1: 9000, 2: 64, 3: 64 };
    const scheduler = new ClassScheduler(8, lineBytesPerPicosecond);
    const configure = (percents: Record<number, number>, now: number) => {
      for (const [queue, percent] of Object.entries(percents)) scheduler.configure(Number(queue), { strict: false, percent, remaining: 0 }, now);
    };
    configure({ 1: 1, 2: 49, 3: 49 }, 0);
    const raisedAt = 100e6;
    let now = 0;
    let firstAfter = Infinity;
    while (now < raisedAt + 50e6 && firstAfter === Infinity) {
      if (now >= raisedAt && scheduler.schedules[1]!.percent === 1) configure({ 1: 50, 2: 25, 3: 25 }, now);
      const queue = scheduler.pick(now, (candidate) => frames[candidate] ?? -1);
      scheduler.charge(queue, frames[queue]!);
      if (queue === 1 && now >= raisedAt) firstAfter = now;
      // A bottleneck of 0.4 of the line.
      now += wireBytes(frames[queue]!) / (lineBytesPerPicosecond * 0.4);
    }
    // Within two of its frames' time at the bottleneck (7.2 µs each), as a class given 50 % from the start would be.
    expect(firstAfter - raisedAt).toBeLessThan(2 * (wireBytes(9000) / (lineBytesPerPicosecond * 0.4)));
  });
});
