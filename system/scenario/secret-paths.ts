import { didYouMean } from "../../sim/suggest.js";
import { schemaFields } from "./overrides.js";

/**
 * Scenario fields that hold secrets (pre-shared keys): their values are shown nowhere but where
 * the user gave them. Sweep rows, tables and messages print this instead.
 */
export const REDACTED = "<secret>";

/** A key on a sweep's axis of keys, by which of the axis's values it is (1 for the first given): `<secret 2>`. */
export function numberedSecret(number: number): string {
  return `<secret ${number}>`;
}

/** A value as a sweep's rows show it: each key `<secret N>`, N its number among the sweep's keys (a mapping given whole may hold several); a key with no number `<secret>`. */
export function numberSecrets(path: string, value: unknown, numbers: ReadonlyMap<string, number>): unknown {
  const redacted = redactValue(path, value);
  if (redacted === REDACTED) return typeof value === "string" && numbers.has(value) ? numberedSecret(numbers.get(value)!) : REDACTED;
  if (Array.isArray(value)) return value.map((item, index) => numberSecrets(`${path}.${index}`, item, numbers));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, numberSecrets(`${path}.${key}`, item, numbers)]));
  return value;
}

/** Every `<secret N>` in a value made <secret> again (to compare it with a redaction). */
export function unnumberSecrets(value: unknown): unknown {
  if (isNumberedSecret(value)) return REDACTED;
  if (Array.isArray(value)) return value.map(unnumberSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unnumberSecrets(item)]));
  return value;
}

/** Whether a value is a numberedSecret: no key, only which of an axis's values it was. */
export function isNumberedSecret(value: unknown): boolean {
  return typeof value === "string" && /^<secret \d+>$/.test(value);
}

/**
 * A field that holds a key: preSharedKey and gatewayPreSharedKey, and any misspelling of a key's
 * name (pre_shared_key, psk, secret, passphrase), whose value is a key all the same.
 */
export function isSecretPath(path: string): boolean {
  const field = path.slice(path.lastIndexOf(".") + 1);
  const last = field.toLowerCase().replace(/[_-]/g, "");
  if (/key$|psk|secret|pass|preshared/.test(last)) return true;
  // Under a customer's ike, a field the schema does not have is a misspelling of something; it may be the key (pwd, token).
  // Only a customer's: the host daemon's ike (driver.intermediate.ike) has parameters, not keys.
  return /^customers\.\d+\.ike\.[^.]+$/.test(path) && !IKE_FIELDS.includes(field);
}

const IKE_FIELDS = schemaFields(["customers", 0, "ike"]);

/**
 * Whether a field name given in a mapping at `path` may be shown: a name with ':', '=' or a blank
 * may hold a value written without its ':' (`preSharedKey secret`), and under a customer's ike a
 * name that is no field and near none may be the key written as a name (`ike: { preSharedKey, S3cret }`).
 */
export function fieldNameShown(path: string, name: string): boolean {
  if (/[:=\s]/.test(name)) return false;
  return !/^customers\.\d+\.ike$/.test(path) || IKE_FIELDS.includes(name) || didYouMean(name, IKE_FIELDS) !== "";
}

/** A place above a key (a customer, its ike): a text given there whole may be the key put one level too high. */
function holdsSecrets(path: string): boolean {
  return /^customers(\.\d+(\.ike)?)?$/.test(path);
}

/** The overrides with every secret's value replaced, inside objects and lists given whole too. */
export function redactSecrets(overrides: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(overrides).map(([path, value]) => [path, redactValue(path, value)]));
}

/** A value as messages may show it: <secret> for a key, and for any key inside it. */
export function redactValue(path: string, value: unknown): unknown {
  if (isSecretPath(path) || (holdsSecrets(path) && typeof value === "string")) return REDACTED;
  if (Array.isArray(value)) return value.map((item, index) => redactValue(`${path}.${index}`, item));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(`${path}.${key}`, item)]));
  return value;
}

/** The texts a scenario holds as keys (wherever they are: a YAML alias may repeat one under another field). */
export function secretTexts(value: unknown, path = ""): string[] {
  if (typeof value === "string") return path !== "" && (isSecretPath(path) || holdsSecrets(path)) ? [value] : [];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => secretTexts(item, path === "" ? key : `${path}.${key}`));
}

/**
 * Messages with each key shown as a message shows a text (quoted, as JSON or in single quotes, or
 * as a signal name writes it, '-' as '_') replaced by <secret>: a key repeated elsewhere by a YAML
 * alias is still a key.
 */
export function withoutSecretTexts(messages: readonly string[], secrets: readonly string[]): string[] {
  const shown = secrets.filter((secret) => secret.length > 0).flatMap((secret) => [JSON.stringify(secret), `'${secret}'`, `'${secret.replaceAll("-", "_")}'`]);
  return messages.map((message) => shown.reduce((text, form) => text.split(form).join(REDACTED), message));
}

/**
 * A command-line message with the values of `path=value` arguments taken out: a misspelt key's
 * path still names it, its value never shows; a --set or --grid argument without '=' shows not at
 * all (it may be a key with ':' for '=').
 */
export function redactArguments(text: string): string {
  return text
    .replace(/(option '--(?:set|grid) [^']*' argument ')[^'=]*(')/g, "$1…$2")
    // An option commander does not know, written with its value (`--sed=path=key`, `--sed:key`, `-xkey`): its name only.
    .replace(/(unknown option ')(--[A-Za-z0-9-]*)[^A-Za-z0-9-'][^']*(')/g, "$1$2…$3")
    .replace(/(unknown option ')(-[^-'])[^']+(')/g, "$1$2…$3")
    .replace(/argument '([^'=]*)=[^']*'/g, "argument '$1=…'");
}
