import { constants } from "node:os";
import { STOPPING_SIGNALS, type StoppingSignal } from "../serve/stop-request.js";

const onSignal = (signal: StoppingSignal) => {
  process.stderr.write(`nicsim: ${signal} while starting, before any run began: stopped\n`);
  process.exit(128 + constants.signals[signal]);
};

/**
 * While nicsim loads (most of a second), a stopping signal (a batch job cancelled as it starts) is
 * said, where Node.js would end the process without a word.
 */
export function sayStopsWhileStarting(): void {
  for (const signal of STOPPING_SIGNALS) process.on(signal, onSignal);
}

/**
 * Loaded: the signals are Node.js's again, before any command works. A listener left would keep a
 * command that computes without yielding (plain-traffic, validate) from ever hearing one; run,
 * sweep and serve add their own.
 */
export function stopSayingStops(): void {
  for (const signal of STOPPING_SIGNALS) process.off(signal, onSignal);
}
