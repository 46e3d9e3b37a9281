import { constants } from "node:os";
import { STOPPING_SIGNALS, type StoppingSignal } from "../serve/stop-request.js";

/**
 * Until a command listens for a stopping signal itself, one that comes (a batch job cancelled as
 * it starts) is said, where Node.js would end the process without a word: loading nicsim takes
 * most of a second. The command's own listener for a signal retires this one's.
 */
export function sayStopsWhileStarting(): void {
  const onSignal = (signal: StoppingSignal) => {
    process.stderr.write(`nicsim: ${signal} while starting, before any run began: stopped\n`);
    process.exit(128 + constants.signals[signal]);
  };
  const waiting = new Set<string | symbol>(STOPPING_SIGNALS);
  const retire = (event: string | symbol, listener: unknown) => {
    if (listener === onSignal || !waiting.delete(event)) return;
    if (waiting.size === 0) process.off("newListener", retire);
    // Once the command's listener is in: a signal left with none would get Node.js's default again, and one arriving meanwhile would be lost.
    queueMicrotask(() => process.off(event, onSignal));
  };
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
  process.on("newListener", retire);
}
