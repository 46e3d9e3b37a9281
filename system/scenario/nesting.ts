/**
 * How deeply `root` nests (a leaf: 0), found without recursion: a value may be nested past what a
 * stack holds, and the walks over a scenario recurse. `children` gives a node's children, or null
 * for a leaf.
 */
export function nestingDepth<Node>(root: Node, children: (node: Node) => Iterable<Node> | null): number {
  return deepestNode(root, children).depth;
}

/** As nestingDepth, with the deepest collection itself (null for a leaf): where a message can place a value nested too deeply. */
export function deepestNode<Node>(root: Node, children: (node: Node) => Iterable<Node> | null): { depth: number; node: Node | null } {
  let deepest: { depth: number; node: Node | null } = { depth: 0, node: null };
  const pending: Array<[Node, number]> = [[root, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    const below = children(node);
    if (below === null) continue;
    if (depth + 1 > deepest.depth) deepest = { depth: depth + 1, node };
    for (const child of below) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** The children of a JSON or YAML value: a mapping's values, a list's items. */
export const valueChildren = (value: unknown): Iterable<unknown> | null => (typeof value === "object" && value !== null ? Object.values(value) : null);

/** Brackets nested deeper than the YAML library is given to read: far past a scenario's nesting limit, short of what ran it out of memory (20,000). */
export const FLOW_DEPTH_READ = 2000;

/**
 * Whether '[' and '{' stand more than `limit` deep, counted whatever quotes them (a text of 2,000
 * open brackets is no scenario either): then where they first stood more than `placed` deep, the
 * place a message names (the nesting limit's), or null.
 */
export function bracketsDeeperThan(text: string, limit: number, placed: number): number | null {
  let depth = 0;
  let firstPast = -1;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > placed && firstPast < 0) firstPast = index;
      if (depth > limit) return firstPast;
    } else if ((char === 0x5d || char === 0x7d) && depth > 0) depth--;
  }
  return null;
}
