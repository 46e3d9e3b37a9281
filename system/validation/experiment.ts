/** How close a measured value must be to its closed form. */
export type Tolerance =
  /** |measured − expected| ≤ value × |expected|. */
  | { readonly kind: "relative"; readonly value: number }
  /** |measured − expected| ≤ value, in the quantity's unit (shares: fractions of the line). */
  | { readonly kind: "absolute"; readonly value: number }
  /** measured ≤ expected: the closed form is a bound. */
  | { readonly kind: "at-most" }
  /** measured ≥ expected: a floor. */
  | { readonly kind: "at-least" }
  /** floor ≤ measured ≤ expected: a budget, and a floor under which the count has stopped counting (or the budget is out of date). */
  | { readonly kind: "budget"; readonly floor: number }
  /** measured = expected: counts. */
  | { readonly kind: "exact" };

export const RATE_TOLERANCE: Tolerance = { kind: "relative", value: 0.01 };

/** One quantity an experiment measured, beside what its closed form says. */
export interface Measurement {
  readonly quantity: string;
  readonly unit: string;
  readonly expected: number;
  readonly measured: number;
  readonly tolerance: Tolerance;
}

export interface Row extends Measurement {
  readonly experiment: string;
  /** (measured − expected) / expected; null where expected is 0. */
  readonly relativeError: number | null;
  readonly pass: boolean;
}

/** How much of an experiment to run: `fast` is the subset `npm test` runs, `full` is `npm run validate`. */
export type Scale = "fast" | "full";

/** A named experiment: it runs the model, and states the closed form its measurements are held to. */
export interface Experiment {
  readonly name: string;
  readonly title: string;
  /** The closed form, in words and symbols, as docs/validation.md prints it. */
  readonly closedForm: string;
  run(scale: Scale): Measurement[] | Promise<Measurement[]>;
}

export function verdict(measurement: Measurement): boolean {
  const { expected, measured, tolerance } = measurement;
  if (!Number.isFinite(measured)) return false;
  switch (tolerance.kind) {
    case "relative":
      return Math.abs(measured - expected) <= tolerance.value * Math.abs(expected);
    case "absolute":
      return Math.abs(measured - expected) <= tolerance.value;
    case "at-most":
      return measured <= expected;
    case "at-least":
      return measured >= expected;
    case "budget":
      return measured >= tolerance.floor && measured <= expected;
    case "exact":
      return measured === expected;
  }
}

export function row(experiment: string, measurement: Measurement): Row {
  const relativeError = measurement.expected !== 0 ? (measurement.measured - measurement.expected) / measurement.expected : null;
  return { experiment, ...measurement, relativeError, pass: verdict(measurement) };
}

export function describeTolerance(tolerance: Tolerance, unit: string): string {
  switch (tolerance.kind) {
    case "relative":
      return `±${(tolerance.value * 100).toFixed(tolerance.value < 0.01 ? 2 : 0)} %`;
    case "absolute":
      return unit === "share" ? `±${(tolerance.value * 100).toFixed(1)} pt` : `±${tolerance.value} ${unit}`;
    case "at-most":
      return "≤ expected";
    case "at-least":
      return "≥ expected";
    case "budget":
      return `≤ expected, ≥ ${Number(tolerance.floor.toPrecision(6))}`;
    case "exact":
      return "exact";
  }
}
