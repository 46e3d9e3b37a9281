/** A time a warning weighs against another, to three figures, or as many more as show it longer than `than` (50.008 µs was "50 µs", no longer than a traffic of 50; an outside check). */
export function longerShown(microseconds: number, than: number): number {
  for (let figures = 3; figures < 15; figures++) {
    const shown = Number(microseconds.toPrecision(figures));
    if (shown > than) return shown;
  }
  return microseconds;
}
