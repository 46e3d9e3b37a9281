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
      fc.record({ kind: fc.constant("push" as const), count: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant("shift" as const), count: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant("take" as const), count: fc.integer({ min: 0, max: 80 }) }),
      fc.record({ kind: fc.constant("clear" as const), count: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
        const fifo = new Fifo<number>();
        const model: number[] = [];
        let next = 0;
        for (const { kind, count } of operations) {
          if (kind === "push") for (let index = 0; index < count; index++) fifo.push(next), model.push(next++);
          else if (kind === "shift") for (let index = 0; index < count; index++) expect(fifo.shift()).toBe(model.shift());
          else if (kind === "take") expect(fifo.take(count)).toEqual(model.splice(0, count));
          else fifo.clear(), (model.length = 0);
          expect(fifo.length).toBe(model.length);
          expect([fifo.at(0), fifo.at(model.length - 1), fifo.at(model.length)]).toEqual([model[0], model[model.length - 1], undefined]);
        }
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });
});
