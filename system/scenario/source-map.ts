import { isAlias, isMap, isScalar, isSeq, type LineCounter, type Document, type Node, type YAMLMap } from "yaml";

/** Where each path of a parsed YAML or JSON document starts, for messages. */
export class SourceMap {
  constructor(
    readonly file: string,
    private readonly document: Document | null,
    private readonly lines: LineCounter | null,
    /** Dotted paths set from outside the file (`--set`): values at or below them are named by the option. */
    private readonly overrides: readonly string[] = [],
    /** The file's text, to place positions inside a block of text (the QoS policy) at their true column. */
    private readonly text: string = "",
    /** The scenario as set (the file's values with the `--set`s'), to tell a value a `--set` of a whole mapping gave from one it left to its default. */
    private readonly values: unknown = undefined,
  ) {}

  /** `file:line:column` of the deepest node on the path that exists (of its key, for a mapping's entry), or the `--set` that gave the value; naming a `--set` that changed something inside it too. */
  locate(path: readonly PropertyKey[], text?: string, parts?: ReadonlyArray<readonly PropertyKey[]>): string {
    const dotted = path.map(String).join(".");
    const override = this.overrides.find((set) => dotted === set || dotted.startsWith(`${set}.`));
    if (override !== undefined) return `--set ${override}`;
    // A place the file does not have, made by a `--set` below it (`--set outputs.waveformScopes.0=x` makes a mapping there): the option made it.
    const below = this.overrides.find((set) => set.startsWith(`${dotted}.`));
    if (!this.document || !this.lines) return below !== undefined ? `--set ${below}` : this.file;
    const { found, range } = this.walk(path);
    // The file stops short of the path where a `--set` made a mapping (`--set customers.0.ike.address=…` where the customer has no ike): the option made that place.
    const madeBy = found < path.length ? this.overrides.find((set) => sameStart(set.split("."), path, found + 1)) : undefined;
    if (madeBy !== undefined) return `--set ${madeBy}`;
    if (!range) return this.file;
    const { line, col } = this.lines.linePos(range[0]);
    // A place of the file that a `--set` changed inside (a stream given a load beside its gap): both had a part; a `--set` of a field the message does not name had none.
    // Every such `--set`: a policy map's sum named the first of two that made it (from an architect's check); where the values that made the problem are known (`parts`), those among them alone.
    const inside = this.overrides.filter((set) => set.startsWith(`${dotted}.`));
    const made = parts?.map((part) => part.map(String).join("."));
    const named = made !== undefined ? inside.filter((set) => made.some((part) => part === set || part.startsWith(`${set}.`))) : text === undefined ? inside : inside.filter((set) => text.includes(set.slice(dotted.length + 1).split(".")[0]!));
    return `${this.file}:${line}:${col}${named.length > 0 ? ` (with ${named.map((part) => `--set ${part}`).join(", ")})` : ""}`;
  }

  /**
   * `place: text`, for a text that starts by naming the path; a `--set` of that very path is named
   * once (`--set cryptoBackend: "x": …`, not `--set cryptoBackend: cryptoBackend: "x": …`).
   */
  at(path: readonly PropertyKey[], text: string): string {
    const place = this.locate(path, text);
    const dotted = path.map(String).join(".");
    // The text may name the path with its indices in brackets (traffic[0].load).
    const bracketed = path.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index > 0 ? "." : ""}${String(key)}`)).join("");
    const named = [dotted, bracketed].find((form) => text.startsWith(form));
    const set = place.startsWith("--set ") ? place.slice("--set ".length) : null;
    if (named === undefined || set === null) return `${place}: ${text}`;
    // The option's own path, and a place inside the value it set (a list's element), in the option's spelling: `--set traffic[0].customer` beside `--set traffic.0` read as two places (from an architect's check).
    return dotted === set || dotted.startsWith(`${set}.`) ? `--set ${dotted}${text.slice(named.length)}` : `${place}: ${text}`;
  }

  /** Where a value was given: the `--set` that gave it, or its line in the file; null where neither did (its default stands). */
  private origin(path: readonly PropertyKey[]): string | null {
    const dotted = path.map(String).join(".");
    const override = this.overrides.find((set) => dotted === set || dotted.startsWith(`${set}.`));
    // A mapping set whole gave only what it holds.
    if (override !== undefined && (dotted === override || this.values === undefined || valueAt(this.values, path) !== undefined)) return `--set ${override}`;
    if (override !== undefined) return null;
    if (!this.lines) return null;
    const { found, range } = this.walk(path);
    if (found < path.length || !range) return null;
    const { line, col } = this.lines.linePos(range[0]);
    return `${this.file}:${line}:${col}`;
  }

  /** Where a value was given, as a message says it after the value: `by --set X` or `at file:line:column`; null for a default. */
  givenBy(path: readonly PropertyKey[]): string | null {
    const origin = this.origin(path);
    return origin === null ? null : origin.startsWith("--set ") ? `by ${origin}` : `at ${origin}`;
  }

  /** The scalar the file itself has at a path, before any `--set`: undefined where it has none. */
  fileValue(path: readonly PropertyKey[]): unknown {
    const { found, node } = this.walk(path);
    return found === path.length && isScalar(node) ? node.value : undefined;
  }

  /**
   * `file:line:column` of a line and column inside the text at `path`, when that text is a literal
   * block (`qos: |`) whose lines are the file's lines; null otherwise (a quoted string, JSON, a `--set`).
   */
  inText(path: readonly PropertyKey[], line: number, column: number): string | null {
    if (!this.lines || this.overrides.some((set) => set === path.map(String).join("."))) return null;
    const { found, node } = this.walk(path);
    if (found < path.length || !isScalar(node) || node.type !== "BLOCK_LITERAL" || !node.range) return null;
    // The block's lines follow its header (`|`) line; each lost the block's indentation.
    const fileLine = this.lines.linePos(node.range[0]).line + line;
    const text = (this.text.split("\n")[fileLine - 1] ?? "").replace(/\r$/, "");
    const valueLine = String(node.value).split("\n")[line - 1] ?? "";
    const indent = valueLine === "" ? 0 : Math.max(0, text.length - valueLine.length);
    return `${this.file}:${fileLine}:${column + indent}`;
  }

  /** How far the path goes into the document, the node it reaches, and the range to name (a mapping entry's key). */
  private walk(path: readonly PropertyKey[]): { found: number; node: unknown; range: [number, number, number] | undefined } {
    let node: unknown = this.document?.contents;
    let range: [number, number, number] | undefined = (node as Node | undefined)?.range ?? undefined;
    let found = 0;
    for (const key of path) {
      let next: unknown = undefined;
      let at: unknown = undefined;
      if (isMap(node)) {
        const pair = mergedEntry(this.document!, node, String(key));
        next = pair?.value;
        at = pair?.key;
      } else if (isSeq(node) && typeof key === "number") next = at = node.items[key];
      // An alias (*name) stands for the value its anchor names: the path goes on there.
      if (isAlias(next)) next = next.resolve(this.document!);
      if (!next) break;
      found++;
      node = next;
      range = (at as Node).range ?? (node as Node).range ?? range;
    }
    return { found, node, range };
  }
}

/** A mapping's entry for a key: its own, or one a merge key (`<<: *name`, `<<: [*a, *b]`) brings, the first named first. */
function mergedEntry(document: Document, map: YAMLMap, key: string, depth = 0): { key: unknown; value: unknown } | undefined {
  // A key given twice (refused too) has the later value, as the library reads it: the later is the one named.
  const own = [...map.items].reverse().find((item) => isScalar(item.key) && typeof item.key.value !== "symbol" && String(item.key.value) === key);
  if (own !== undefined || depth > MERGE_DEPTH) return own;
  for (const merge of map.items.filter((item) => isMergeKey(item.key))) {
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      const resolved = isAlias(source) ? source.resolve(document) : source;
      const found = isMap(resolved) ? mergedEntry(document, resolved, key, depth + 1) : undefined;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Merges within merges followed this deep, at most (the file's nesting is bounded far below it). */
const MERGE_DEPTH = 64;

/** The key `<<` of a merge (YAML 1.1, read with the `merge` option): the library gives it as a symbol. */
export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === "symbol";
}

export const formatPath = (path: readonly PropertyKey[]) => path.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`)).join("") || "(top)";

/** Whether two paths agree in their first `count` keys. */
function sameStart(a: readonly string[], b: readonly PropertyKey[], count: number): boolean {
  if (a.length < count || b.length < count) return false;
  for (let index = 0; index < count; index++) if (a[index] !== String(b[index])) return false;
  return true;
}

/** The value at a path of a parsed scenario, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, String(key))) return undefined;
    node = (node as Record<string, unknown>)[String(key)];
  }
  return node;
}
