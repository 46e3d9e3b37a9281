import { expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { Mailbox } from "../../sim/mailbox.js";

test("a mailbox hands its items over in order; one taken out of turn (takeAt) leaves the others in theirs, and a place with no item is refused by name", () => {
  const kernel = new Kernel();
  const mailbox = new Mailbox<string>(kernel, "letters");
  const taken: string[] = [];
  kernel.process("consumer", function* () {
    for (;;) taken.push(yield* mailbox.take());
  });
  kernel.process("producer", function* () {
    yield* [];
    for (const letter of ["a", "b", "c", "d"]) mailbox.push(letter);
    taken.push(mailbox.takeAt(2));
  });
  kernel.run({ until: 1000 });
  expect(taken).toEqual(["c", "a", "b", "d"]);
  expect(() => mailbox.takeAt(0)).toThrow("letters: no item waiting at 0 (0 waiting)");
});
