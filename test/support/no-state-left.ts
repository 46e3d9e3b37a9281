import { afterAll, beforeAll, expect } from "vitest";
import { container, type InjectionToken } from "../../sim/di.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { QueueSchedulerFactoryToken } from "../../hw/qos/class-scheduler.js";
import { SaPlacementPolicyToken } from "../../driver/intermediate/policy.js";

/**
 * Run with every test file (vitest's setupFiles): the files share their worker's process (the
 * suite is not isolated), so a file fails here if it leaves behind what would change a later
 * file's results or outputs: signal and exit listeners (a server or lock still held), an exit
 * status, a property on Object.prototype, or a swap point registered on the root container,
 * which every design built afterwards would take (they look their swap points up through it).
 */
const EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "exit"] as const;
const SWAP_POINTS: Record<string, InjectionToken<unknown>> = { AesGcmBackendToken, QueueSchedulerFactoryToken, SaPlacementPolicyToken };
const listeners = () => Object.fromEntries(EVENTS.map((event) => [event, process.listenerCount(event)]));
let before: Record<string, number> = {};
let exitCodeBefore: typeof process.exitCode;

beforeAll(() => {
  before = listeners();
  exitCodeBefore = process.exitCode;
});

afterAll(() => {
  const left: string[] = [];
  const after = listeners();
  for (const event of EVENTS) if (after[event] !== before[event]) left.push(`${after[event]! - before[event]!} process '${event}' listener(s)`);
  if (process.exitCode !== exitCodeBefore) left.push(`process.exitCode ${String(process.exitCode)} (${String(exitCodeBefore)} before this file)`);
  for (const key in Object.prototype) left.push(`Object.prototype.${key}`);
  for (const [name, token] of Object.entries(SWAP_POINTS)) if (container.isRegistered(token)) left.push(`${name} registered on the root container`);
  expect(left, "left behind by this file for the files after it in this worker").toEqual([]);
});
