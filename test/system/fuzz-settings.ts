/** The fuzzer's settings (`npm run fuzz`), from the environment. */
export interface FuzzSettings {
  /** Random scenarios to run. */
  readonly runs: number;
  readonly seed: number;
  /** The longest time shrinking a failure may take. */
  readonly shrinkSeconds: number;
  /** Whether DMA read errors and completion timeouts are among the draws. */
  readonly dmaFaults: boolean;
}

/**
 * Read FUZZ_RUNS, FUZZ_SEED, FUZZ_SHRINK_SECONDS and FUZZ_DMA_FAULTS; an unset one takes its
 * default. A value that is not one the fuzzer can use is refused with the variable's name, rather
 * than read as NaN (a run "with seed NaN", or none at all).
 */
export function fuzzSettings(environment: Readonly<Record<string, string | undefined>>): FuzzSettings {
  const whole = (name: string, fallback: number, minimum: number, maximum: number): number => {
    const text = environment[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < minimum || value > maximum) throw new Error(`${name}='${text}': expected a whole number from ${minimum} to ${maximum} (digits only)`);
    return value;
  };
  const dmaFaults = environment.FUZZ_DMA_FAULTS;
  if (dmaFaults !== undefined && dmaFaults !== "0" && dmaFaults !== "1") throw new Error(`FUZZ_DMA_FAULTS='${dmaFaults}': expected 0 (leave DMA faults out) or 1 (draw them, the default)`);
  return {
    runs: whole("FUZZ_RUNS", 200, 1, 10_000_000),
    // fast-check seeds are 32-bit.
    seed: whole("FUZZ_SEED", 2026, 0, 2 ** 32 - 1),
    shrinkSeconds: whole("FUZZ_SHRINK_SECONDS", 120, 0, 86_400),
    dmaFaults: dmaFaults !== "0",
  };
}
