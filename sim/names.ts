import { SignalError } from "./errors.js";
import { valueKind } from "./shown-value.js";

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Hierarchical names are dot-separated identifiers: what GTKWave, VCD parsers and glob
 * selections all read without quoting (no whitespace, brackets or dots inside a name).
 */
export function checkPath(path: string, what: string): void {
  if (typeof path !== "string") throw new SignalError(`${what} name ${String(path)}: expected a dotted path (a string), not ${valueKind(path)}`);
  for (const segment of path.split(".")) {
    if (!SEGMENT.test(segment)) {
      throw new SignalError(
        `${what} '${path}': segment '${segment}' is not a valid name (letters, digits, '_' and '$', not starting with a digit; no whitespace or brackets)`,
      );
    }
  }
}

export function joinPath(scope: string, name: string): string {
  return scope === "" ? name : `${scope}.${name}`;
}
