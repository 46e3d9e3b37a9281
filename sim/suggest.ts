/**
 * "Did you mean": the candidate nearest a misspelt name, by edit distance, when it is near enough
 * to be the name meant: a third of its letters off at most (one for a short name, none for a single letter).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  return closestNames(name, candidates)[0];
}

/** Every candidate as near as the nearest (in the candidates' order), when that is near enough (as closestName). */
export function closestNames(name: string, candidates: Iterable<string>): string[] {
  let best: string[] = [];
  // Until a candidate is found, one more than the farthest allowed; then the nearest found, which ties may share.
  let bestDistance = Math.min(Math.max(1, Math.floor(name.length / 3)), name.length - 1) + 1;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    // The distance is at least the difference in length: such a candidate cannot be near enough (the same answer, without the work).
    const lengths = Math.abs(candidate.length - name.length);
    if (candidate === name || (best.length === 0 ? lengths >= bestDistance : lengths > bestDistance)) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = [candidate];
      bestDistance = distance;
    } else if (distance === bestDistance && best.length > 0 && !best.includes(candidate)) best.push(candidate);
  }
  return best;
}

/** ` (did you mean one of X, Y?)` for names equally near, as commander words it. */
export function didYouMeanAny(name: string, candidates: Iterable<string>): string {
  return didYouMeanOf(closestNames(name, candidates));
}

/** ` (did you mean X?)` or ` (did you mean one of X, Y?)` for these names; nothing for none. */
export function didYouMeanOf(suggestions: readonly string[]): string {
  return suggestions.length === 0 ? "" : ` (did you mean ${suggestions.length === 1 ? "" : "one of "}${suggestions.join(", ")}?)`;
}

/** ` (did you mean X?)`, or nothing when no candidate is near. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = closestName(name, candidates);
  return suggestion === undefined ? "" : ` (did you mean ${suggestion}?)`;
}

/** The keys of `given` that `known` lacks, each with a guess, and the known ones (`no option 'paramters' (did you mean parameters?); the options are …`); null when none. */
export function unknownKeys(given: object, known: readonly string[], noun: string, nouns: string): string | null {
  const unknown = Object.keys(given).filter((key) => !known.includes(key));
  if (unknown.length === 0) return null;
  return `${unknown.map((key) => `no ${noun} '${key}'${didYouMean(key, known)}`).join("; ")}; the ${nouns} are ${known.join(", ")}`;
}

/** Edit distance: insertions, deletions, substitutions and swaps of neighbours (the commonest typo) of one character each. */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j]!, before[j - 2]! + 1);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}
