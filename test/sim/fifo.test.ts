import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Fifo } from "../../sim/fifo.js";

/**
 * The Fifo against a plain array doing the same: the descriptor caches take their first items
 * from it every frame, and a slip would hand a frame another's descriptors.
 */
describe("Fifo", () => {
  test("push, shift, take, at and clear agree with an array on random work, through its compactions", () => {
    const operation = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant("push" as const), count: fc.integer({ min: 1, max: 900 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("shift" as const), count: fc.integer({ min: 1, max: 700 }) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("take" as const), count: fc.integer({ min: 0, max: 700 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("clear" as const), count: fc.constant(0) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("insertSorted" as const), count: fc.integer({ min: 1, max: 40 }) }) },
    );
    // Items keyed by value / 7 (many equal keys): insertSorted keeps equal ones in arrival order.
    const before = (first: number, second: number) => Math.floor(first / 7) < Math.floor(second / 7);
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        let next = 0;
        for (const { kind, count } of operations) {
          if (kind === "push") for (let index = 0; index < count; index++) fifo.push(next), model.push(next++);
          else if (kind === "shift") for (let index = 0; index < count; index++) expect(fifo.shift()).toBe(model.shift());
          else if (kind === "take") expect(fifo.take(count)).toEqual(model.splice(0, count));
          else if (kind === "insertSorted") {
            for (let index = 0; index < count; index++) {
              // Keys around the ones held, so that items go in at the front, the middle and the back.
              const item = (next++ * 37) % 1000;
              fifo.insertSorted(item, before);
              let at = model.length;
              while (at > 0 && before(item, model[at - 1]!)) at--;
              model.splice(at, 0, item);
            }
          } else fifo.clear(), (model.length = 0);
          expect(fifo.length).toBe(model.length);
          expect([fifo.at(0), fifo.at(model.length - 1), fifo.at(model.length)]).toEqual([model[0], model[model.length - 1], undefined]);
          // The array it reuses holds the items and nothing else: no item it has handed out stays reachable through it.
          const slots = (fifo as unknown as { items: (number | undefined)[] }).items;
          expect(slots.filter((slot) => slot !== undefined)).toEqual(model);
        }
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });

  test("a long queue that never empties is compacted and keeps its order", () => {
    const fifo = new Fifo<number>();
    for (let index = 0; index < 3000; index++) fifo.push(index);
    for (let index = 0; index < 2000; index++) expect(fifo.shift()).toBe(index);
    for (let index = 3000; index < 3100; index++) fifo.push(index);
    expect(fifo.take(600)).toEqual(Array.from({ length: 600 }, (_, index) => 2000 + index));
    expect([fifo.length, fifo.at(0), fifo.at(499)]).toEqual([500, 2600, 3099]);
  });

  test("a count below 1 takes nothing, and a negative index reaches no item already taken (from an outside check: slice() counted them from the end)", () => {
    const fifo = new Fifo<number>();
    for (let index = 0; index < 5; index++) fifo.push(index);
    expect(fifo.shift()).toBe(0);
    expect([fifo.take(-1), fifo.take(0), fifo.length, fifo.at(-1)]).toEqual([[], [], 4, undefined]);
  });

  // From an outside check: a fraction moved the head by it (head 1.5), and the items after it were lost.
  test("a count that is no whole number takes what splice(0, count) would, and loses nothing", () => {
    for (const count of [1.5, 0.5, Number.NaN, 2.999, Infinity]) {
      const fifo = new Fifo<number>();
      const model = [0, 1, 2, 3, 4];
      for (const item of model) fifo.push(item);
      expect(fifo.take(count), String(count)).toEqual(model.splice(0, count));
      expect(fifo.length, String(count)).toBe(model.length);
      const rest: (number | undefined)[] = [];
      while (fifo.length > 0) rest.push(fifo.shift());
      expect(rest, String(count)).toEqual(model);
    }
  });
});
