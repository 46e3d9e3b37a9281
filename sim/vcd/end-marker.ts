/**
 * VCD has no end marker of its own: a dump cut off at a line boundary (what a killed run leaves)
 * reads as a shorter, whole one. nicsim ends every dump of a finished run with this comment
 * (IEEE 1364 §18.2 allows $comment among the value changes; GTKWave and VCD readers skip it), and
 * `inspect` warns when a file nicsim wrote lacks it.
 */
export const END_MARKER = "nicsim: end of dump";

/** The comment that ends a finished run's dump: the time the run ended, ps (later than the last change when the window closed early). */
export function endMarkerComment(runEnd: number): string {
  return `$comment\n\t${END_MARKER}; the run finished at ${runEnd} ps\n$end\n`;
}

/** Whether a $version text names nicsim as the writer (whose finished dumps carry the marker). */
export function writtenByNicsim(version: string | null): boolean {
  return version !== null && /^nicsim\b/.test(version);
}
