import { expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";

test("a timestep is a time something ran at: a run's limit reached with nothing there is none (a scenario stepping a long quiet wait a microsecond at a time counted 258,000 of them), and work done later at that time counts once", () => {
  const kernel = new Kernel();
  let ran = 0;
  kernel.schedule(5_000, "early", () => ran++);
  kernel.run({ until: 10_000 });
  expect(kernel.statistics.timesteps).toBe(1);
  // A thousand steps through a quiet wait.
  for (let step = 1; step <= 1000; step++) kernel.run({ until: 10_000 + step * 1_000_000 });
  expect(kernel.statistics.timesteps).toBe(1);
  // Work at the time the last step stopped at: that time counts now, once for its two phases.
  kernel.schedule(0, "at the limit", () => {
    ran++;
    kernel.schedule(0, "a delta later", () => ran++);
  });
  kernel.run({ until: kernel.now });
  expect(ran).toBe(3);
  expect(kernel.statistics.timesteps).toBe(2);
  expect(kernel.statistics.phases).toBeGreaterThanOrEqual(2);
});
