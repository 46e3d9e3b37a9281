/** VCD identifier codes: base 94 over the printable characters '!' (33) to '~' (126), shortest first. */
export function identifierCode(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`identifier index ${index} must be a non-negative integer`);
  let code = "";
  let rest = index;
  do {
    code += String.fromCharCode(33 + (rest % 94));
    rest = Math.floor(rest / 94) - 1;
  } while (rest >= 0);
  return code;
}
