/**
 * Scenario fields that hold secrets (pre-shared keys): their values are shown nowhere but where
 * the user gave them. Sweep rows, tables and messages print this instead.
 */
export const REDACTED = "<secret>";

export function isSecretPath(path: string): boolean {
  return /(^|\.)(gatewayPreSharedKey|preSharedKey)$/i.test(path);
}

/** The overrides with every secret's value replaced, inside objects and lists given whole too. */
export function redactSecrets(overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(overrides).map(([path, value]) => [path, redactValue(path, value)]));
}

function redactValue(path: string, value: unknown): unknown {
  if (isSecretPath(path)) return REDACTED;
  if (Array.isArray(value)) return value.map((item, index) => redactValue(`${path}.${index}`, item));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(`${path}.${key}`, item)]));
  return value;
}

/** A command-line message with the values of `path=value` arguments taken out: a misspelt key's path still names it, its value never shows. */
export function redactArguments(text: string): string {
  return text.replace(/argument '([^'=]*)=[^']*'/g, "argument '$1=…'");
}
