/** A count and its noun, singular for one: "1 eviction", "2 evictions" ("1 evictions decided" read as a slip; from an outside check). */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}
