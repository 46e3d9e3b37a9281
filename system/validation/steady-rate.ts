/**
 * Events (or, given each one's amount, their amounts) per unit of time over a steady stretch: the
 * least-squares slope of their running count against their times. Counted from the first to the
 * last, (n − 1) / span, completions that come in bursts (a descriptor write-back's frames, reads
 * landing on several tags) read over the line's own ceiling where the stretch began late in one
 * burst and ended early in another: 64-byte frames at 3.72098e7 a second against 3.72024e7 (from an
 * architect's check).
 */
export function steadyRate(times: readonly number[], amounts?: readonly number[]): number {
  const count = times.length;
  if (count < 2) throw new RangeError(`a steady rate needs two events or more, not ${count}`);
  const running: number[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) running.push((total += amounts ? amounts[index]! : 1));
  const meanTime = times.reduce((sum, time) => sum + time, 0) / count;
  const meanRunning = running.reduce((sum, value) => sum + value, 0) / count;
  let covariance = 0;
  let variance = 0;
  for (let index = 0; index < count; index++) {
    const dt = times[index]! - meanTime;
    covariance += dt * (running[index]! - meanRunning);
    variance += dt * dt;
  }
  return covariance / variance;
}
