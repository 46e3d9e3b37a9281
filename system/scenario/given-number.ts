import { accepts, type ParameterSpec } from "../../sim/parameters.js";
import type { SourceMap } from "./source-map.js";

/** A number a scenario gave, or the default where it gave none (checked elsewhere: a wrong type is refused at its place). */
export function givenNumber(value: unknown, otherwise: number): number {
  return typeof value === "number" ? value : otherwise;
}

/**
 * The number a scenario gave for a parameter, or its default where it gave none; null where the
 * parameter's check refuses what it gave (a warning worked out from it spoke of "580000.6 ms" or
 * "1.5 cores" beside the error, or of the default where a text was given; from a re-check).
 */
export function acceptedNumber(value: unknown, spec: ParameterSpec<number>): number | null {
  if (value === undefined) return spec.defaultValue;
  return accepts(spec, value) ? (value as number) : null;
}

/** Where a value a warning worked with was given, as ` (driver.cpu.megahertz by --set driver.cpu.megahertz)`; nothing for a default. */
export function given(source: SourceMap, path: readonly string[]): string {
  const origin = source.givenBy(path);
  return origin === null ? "" : ` (${path.join(".")} ${origin})`;
}
