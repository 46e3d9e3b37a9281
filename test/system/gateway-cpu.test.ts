import { expect, test } from "vitest";
import { Kernel } from "../../sim/kernel.js";
import { noWork } from "../../sim/ike/ike-crypto.js";
import type { IkeStep } from "../../sim/ike/ike-types.js";
import { GatewayCpu } from "../../system/gateway-cpu.js";

const costs = { cyclesPerMessage: 20_000, cyclesPerModularExponentiation: 0, cyclesPerHash: 0, cyclesPerCipherByte: 0 };

// From a re-check: a rekey the host's Quick Mode had overtaken still cost the gateway a message's work (10 µs at 2 GHz), and the host's QM3s behind it waited, their pairs' packets dropped meanwhile.
test("a gateway's CPU takes a message's work per step, and nothing for a computation that finds nothing to do", () => {
  const kernel = new Kernel();
  const done: number[] = [];
  const cpu = new GatewayCpu(kernel, "gateway.ike", costs, (step) => done.push(step.at));
  const step = (now: number): IkeStep => ({ actions: [], work: noWork(), at: now, armed: [] });
  cpu.handle(step);
  cpu.handle(() => null);
  cpu.handle(() => null);
  cpu.handle(step);
  kernel.run();
  // 20,000 cycles at 2 GHz: 10 µs each, the second starting when the first is done.
  expect(done).toEqual([0, 10e6]);
  expect(kernel.now).toBe(20e6);
  // Nothing but computations with nothing to do: the CPU is idle at once.
  const idle = new GatewayCpu(kernel, "idle.ike", costs, () => expect.unreachable());
  idle.handle(() => null);
  expect(idle.busy).toBe(false);
});
