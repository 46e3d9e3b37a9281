/**
 * The dynamic threshold of shared-buffer switches (Choudhury and Hahne, 1998): a queue of a shared
 * pool takes no more once what it holds is `threshold` times the room still free, or more, so a
 * flood of one class leaves room for the others however fast it comes; a queue holding less than
 * two longest frames is never held back, so a class of jumbo frames in a small pool keeps one
 * coming while one is served. 0: no limit (drop-tail).
 */
export function overDynamicThreshold(held: number, free: number, threshold: number, longestFrame: number): boolean {
  return threshold > 0 && held >= 2 * longestFrame && held >= threshold * free;
}
