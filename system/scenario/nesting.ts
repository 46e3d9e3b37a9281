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
