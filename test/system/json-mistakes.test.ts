import fc from "fast-check";
import { expect, test } from "vitest";
import { jsonMistakes } from "../../system/scenario/json-mistakes.js";

/** JSON texts, compact or indented, with fast-check's own generator (strings with escapes and non-ASCII, numbers with exponents). */
const jsonText = fc.tuple(fc.jsonValue(), fc.constantFrom(undefined, 2, "\t")).map(([value, indent]) => JSON.stringify(value, null, indent));

test("the reading of a text's JSON mistakes finds none in JSON that JSON.parse takes (fast-check's generator, 2,000 texts)", () => {
  fc.assert(
    fc.property(jsonText, (text) => {
      expect(jsonMistakes(text)).toEqual([]);
    }),
    { numRuns: 2000, seed: 4817 },
  );
});

test("a JSON text with one character taken out, put in or changed, which JSON.parse refuses, has at least one mistake found, each inside the text or at its end", () => {
  const edit = fc.tuple(jsonText, fc.nat(), fc.constantFrom("delete", "insert", "replace"), fc.constantFrom(",", ":", "{", "}", "[", "]", '"', "'", "/", "0", "a", " ", "\t", "\n", "\\"));
  fc.assert(
    fc.property(edit, ([text, place, kind, char]) => {
      const at = text.length === 0 ? 0 : place % text.length;
      const edited = kind === "delete" ? text.slice(0, at) + text.slice(at + 1) : kind === "insert" ? text.slice(0, at) + char + text.slice(at) : text.slice(0, at) + char + text.slice(at + 1);
      let parsed = true;
      try {
        JSON.parse(edited);
      } catch {
        parsed = false;
      }
      const found = jsonMistakes(edited);
      if (parsed) expect(found).toEqual([]);
      else expect(found.length).toBeGreaterThan(0);
      for (const { position } of found) expect(position).toBeLessThanOrEqual(edited.length);
    }),
    { numRuns: 3000, seed: 90125 },
  );
});
