/**
 * How a stream's packets go round its customer's SAs, as a function of the packet's sequence
 * number (so that a packet can be rebuilt from its number to check what arrived): `even` in turn;
 * `zipf` SA k (from 1) with a share proportional to 1/k, a few hot SAs and a tail as real tunnel
 * populations have, drawn by a hash of the sequence number and the stream's salt (from the run's
 * seed).
 */
export function laneChooser(spread: "even" | "zipf", lanes: number, salt: number): (sequence: number) => number {
  if (spread === "even" || lanes === 1) return (sequence) => sequence % lanes;
  const weights = Array.from({ length: lanes }, (_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight / total));
  return (sequence) => {
    const uniform = mix(sequence, salt) / 0x1_0000_0000;
    const lane = cumulative.findIndex((bound) => uniform < bound);
    return lane < 0 ? lanes - 1 : lane;
  };
}

/** A 32-bit hash of two integers (splitmix32's finaliser): uniform enough to draw from, and the same on every run. */
function mix(value: number, salt: number): number {
  let x = (value ^ Math.imul(salt, 0x9e3779b9)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}
