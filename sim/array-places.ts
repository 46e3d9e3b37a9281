/**
 * Removing or inserting one item of an array in place. splice() makes an array of what it removed
 * even when nobody reads it: on the per-frame paths that was garbage per frame.
 */
export function removeAt<T>(items: T[], index: number): void {
  for (let at = index; at < items.length - 1; at++) items[at] = items[at + 1]!;
  items.pop();
}

export function insertAt<T>(items: T[], index: number, item: T): void {
  items.push(item);
  for (let at = items.length - 1; at > index; at--) items[at] = items[at - 1]!;
  items[index] = item;
}
