/**
 * An X.500 distinguished name as ID_DER_ASN1_DN carries it (RFC 2407 4.6.2.1: the binary DER
 * encoding of an ASN.1 X.500 Name), from the text a configuration gives ("C=CH, O=Example,
 * CN=gw"). The RDNs are kept in the order written, as strongSwan's and OpenSSL's `-subj` are; `+`
 * joins the attributes of one RDN. Each value takes its attribute's string type (an e-mail address
 * and a domain component IA5Strings, the country and serial number PrintableStrings, a UID a
 * UTF8String, as RFC 5280 and X.520 have them); the others are PrintableStrings where they can be.
 */
import { concatenate } from "../../sim/bytes.js";
import { IdentityError } from "./identity-error.js";

/** The attributes a DN may name, by the names a DN is written with (the first of an OID's names is the one it is read back with), and their OIDs. */
const ATTRIBUTE_NAMES: readonly (readonly [string, string])[] = [
  ["C", "2.5.4.6"],
  ["ST", "2.5.4.8"],
  ["L", "2.5.4.7"],
  ["O", "2.5.4.10"],
  ["OU", "2.5.4.11"],
  ["CN", "2.5.4.3"],
  ["SN", "2.5.4.4"],
  ["serialNumber", "2.5.4.5"],
  ["T", "2.5.4.12"],
  ["GN", "2.5.4.42"],
  ["UID", "0.9.2342.19200300.100.1.1"],
  ["DC", "0.9.2342.19200300.100.1.25"],
  ["E", "1.2.840.113549.1.9.1"],
  ["emailAddress", "1.2.840.113549.1.9.1"],
];
/** An attribute's OID by its name, any case. */
const ATTRIBUTES = new Map(ATTRIBUTE_NAMES.map(([name, oid]) => [name.toUpperCase(), oid]));
/** The name each OID is written back with. */
const NAMES = new Map([...ATTRIBUTE_NAMES].reverse().map(([name, oid]) => [oid, name]));
/** Attributes X.520 and RFC 5280 give a string type of their own; the others are DirectoryStrings. */
const IA5_ATTRIBUTES = new Set(["0.9.2342.19200300.100.1.25", "1.2.840.113549.1.9.1"]);
const PRINTABLE_ATTRIBUTES = new Set(["2.5.4.6", "2.5.4.5"]);
const UTF8_ATTRIBUTES = new Set(["0.9.2342.19200300.100.1.1"]);
const COUNTRY = "2.5.4.6";

const SEQUENCE = 0x30;
const SET = 0x31;
const OBJECT_IDENTIFIER = 0x06;
const UTF8_STRING = 0x0c;
const PRINTABLE_STRING = 0x13;
const IA5_STRING = 0x16;
const STRING_TAGS = new Set([UTF8_STRING, PRINTABLE_STRING, IA5_STRING, 0x14, 0x1e]);
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const ASCII = /^[\x00-\x7f]*$/;
/** What RFC 4514 lets a backslash escape besides a hex pair. */
const SPECIAL = '"+,;<>\\= #';
/** The longest value written here (two length bytes). */
const LONGEST_VALUE = 0xffff;

/**
 * The DER bytes of a DN written as RFC 4514 writes one, but in the order it goes on the wire:
 * `ATTRIBUTE=value` pairs separated by commas, `+` joining the attributes of one RDN, and `\,`
 * (or `\2C`) for a special character in a value.
 */
export function encodeDistinguishedName(text: string): Uint8Array {
  const problem = (why: string): never => {
    throw new IdentityError(`ID_DER_ASN1_DN '${text.length > 80 ? `${text.slice(0, 77)}…` : text}': ${why}`);
  };
  const rdns = splitUnescaped(text, ",", problem);
  if (rdns.every((rdn) => rdn.trim() === "")) throw new IdentityError(`ID_DER_ASN1_DN '${text}' is empty`);
  const encoded = rdns.map((rdn) => {
    const pairs = splitUnescaped(rdn, "+", problem).map((pair) => {
      const equals = pair.indexOf("=");
      if (equals <= 0 || pair.slice(0, equals).trim() === "") problem(`'${pair.trim()}' is not ATTRIBUTE=value (a distinguished name such as C=CH, O=Example, CN=gw)`);
      const name = pair.slice(0, equals).trim();
      const oid = /^\d+(\.\d+)+$/.test(name) ? name : ATTRIBUTES.get(name.toUpperCase());
      if (oid === undefined) problem(`no attribute '${name}' (one of ${[...ATTRIBUTES.keys()].join(", ")}, or an OID such as 2.5.4.3)`);
      const value = unescapeValue(pair.slice(equals + 1), problem);
      if (value === "") problem(`${name} has no value`);
      return tlv(SEQUENCE, concatenate([tlv(OBJECT_IDENTIFIER, encodeOid(oid!, problem)), encodeValue(name, oid!, value, problem)]));
    });
    // DER orders a SET OF by its members' encodings.
    return tlv(SET, concatenate(pairs.sort(compareBytes)));
  });
  return tlv(SEQUENCE, concatenate(encoded));
}

function encodeValue(name: string, oid: string, value: string, problem: (why: string) => never): Uint8Array {
  const bytes = new TextEncoder().encode(value);
  if (bytes.length > LONGEST_VALUE) problem(`${name} is ${bytes.length} bytes long; at most ${LONGEST_VALUE}`);
  if (IA5_ATTRIBUTES.has(oid)) {
    if (!ASCII.test(value)) problem(`${name} takes ASCII only (an IA5String): '${value}'`);
    return tlv(IA5_STRING, bytes);
  }
  if (PRINTABLE_ATTRIBUTES.has(oid)) {
    if (!PRINTABLE.test(value)) problem(`${name} takes the PrintableString characters only (letters, digits, space and '()+,-./:=?): '${value}'`);
    if (oid === COUNTRY && !/^[A-Za-z]{2}$/.test(value)) problem(`C is a two-letter country code (ISO 3166), not '${value}'`);
    return tlv(PRINTABLE_STRING, bytes);
  }
  if (UTF8_ATTRIBUTES.has(oid)) return tlv(UTF8_STRING, bytes);
  return tlv(PRINTABLE.test(value) ? PRINTABLE_STRING : UTF8_STRING, bytes);
}

/** A value with its unescaped surrounding spaces dropped and its escapes (`\,` or `\2C`, UTF-8 bytes in hex) resolved. */
function unescapeValue(raw: string, problem: (why: string) => never): string {
  let start = 0;
  while (start < raw.length && raw[start] === " ") start++;
  let end = raw.length;
  // A trailing space stays when escaped: count the backslashes before it.
  while (end > start && raw[end - 1] === " " && !escapedAt(raw, end - 1)) end--;
  const text = raw.slice(start, end);
  // RFC 4514: these stand escaped in a value, and a leading '#' starts BER in hex, which is not taken here.
  const unescaped = /(^|[^\\])(?:\\\\)*[";<>]/.exec(text);
  if (unescaped) problem(`'${unescaped[0].at(-1)}' in a value must be escaped (\\${unescaped[0].at(-1)})`);
  if (text.startsWith("#")) problem(`a value starting with '#' is BER in hex in RFC 4514, which is not taken here: escape it (\\#)`);
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let index = 0; index < text.length; index++) {
    const character = String.fromCodePoint(text.codePointAt(index)!);
    if (character !== "\\") {
      bytes.push(...encoder.encode(character));
      index += character.length - 1;
      continue;
    }
    const next = text.slice(index + 1, index + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(next)) {
      bytes.push(Number.parseInt(next, 16));
      index += 2;
    } else if (index + 1 < text.length && SPECIAL.includes(text[index + 1]!)) {
      bytes.push(text.charCodeAt(++index));
    } else if (index + 1 < text.length) {
      problem(`'\\${text.slice(index + 1, index + 3)}' is no escape: a backslash takes one of ${SPECIAL.replace(" ", "").split("").join(" ")}, a space or two hex digits`);
    } else problem(`a value ends in a lone backslash: escape it as \\\\`);
  }
  const decoded = new TextDecoder("utf-8", { fatal: true });
  try {
    return decoded.decode(Uint8Array.from(bytes));
  } catch {
    return problem(`a hex escape gives bytes that are not UTF-8`);
  }
}

/** Whether the character at `index` follows an odd number of backslashes. */
function escapedAt(text: string, index: number): boolean {
  let backslashes = 0;
  for (let at = index - 1; at >= 0 && text[at] === "\\"; at--) backslashes++;
  return backslashes % 2 === 1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) if (a[index] !== b[index]) return a[index]! - b[index]!;
  return a.length - b.length;
}

/** A DN's DER bytes written as text (`C=CH, O=Example, CN=gw`), or null when they are not a Name of string attributes. */
export function decodeDistinguishedName(bytes: Uint8Array): string | null {
  const name = readTlv(bytes, 0);
  if (name === null || name.tag !== SEQUENCE || name.end !== bytes.length) return null;
  const parts: string[] = [];
  for (let at = name.start; at < name.end; ) {
    const rdn = readTlv(bytes, at);
    if (rdn === null || rdn.tag !== SET || rdn.end > name.end) return null;
    const members: string[] = [];
    for (let inner = rdn.start; inner < rdn.end; ) {
      const pair = readTlv(bytes, inner);
      if (pair === null || pair.tag !== SEQUENCE || pair.end > rdn.end) return null;
      const oid = readTlv(bytes, pair.start);
      if (oid === null || oid.tag !== OBJECT_IDENTIFIER) return null;
      const value = readTlv(bytes, oid.end);
      if (value === null || !STRING_TAGS.has(value.tag) || value.end !== pair.end) return null;
      const oidText = decodeOid(bytes.subarray(oid.start, oid.end));
      const text = escapeValue(new TextDecoder().decode(bytes.subarray(value.start, value.end)));
      members.push(`${NAMES.get(oidText) ?? oidText}=${text}`);
      inner = pair.end;
    }
    if (members.length === 0) return null;
    parts.push(members.join("+"));
    at = rdn.end;
  }
  return parts.length > 0 ? parts.join(", ") : null;
}

/** A value written so that it reads back as itself: RFC 4514's specials escaped, and a leading '#' or space and a trailing space. */
function escapeValue(value: string): string {
  const escaped = value.replace(/["+,;<>\\=]/g, "\\$&");
  const leading = /^[# ]/.test(escaped) ? `\\${escaped}` : escaped;
  // A value of one space has it escaped as the leading one already.
  return value.length > 1 && leading.endsWith(" ") ? `${leading.slice(0, -1)}\\ ` : leading;
}

/** The text split at each unescaped separator, escapes kept for unescapeValue. */
function splitUnescaped(text: string, separator: string, problem: (why: string) => never): string[] {
  const parts: string[] = [];
  let current = "";
  for (let index = 0; index < text.length; index++) {
    const character = text[index]!;
    if (character === "\\") {
      if (index + 1 >= text.length) problem(`a value ends in a lone backslash: escape it as \\\\`);
      current += character + text[++index];
    } else if (character === separator) {
      parts.push(current);
      current = "";
    } else current += character;
  }
  parts.push(current);
  return parts;
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const length = content.length;
  const lengthBytes = length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
  if (length > LONGEST_VALUE) throw new IdentityError(`ID_DER_ASN1_DN of more than ${LONGEST_VALUE} bytes in one element (${length})`);
  return concatenate([Uint8Array.from([tag, ...lengthBytes]), content]);
}

function readTlv(bytes: Uint8Array, at: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > bytes.length) return null;
  const tag = bytes[at]!;
  let length = bytes[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 2 || start + count > bytes.length) return null;
    length = 0;
    for (let index = 0; index < count; index++) length = (length << 8) | bytes[start + index]!;
    start += count;
  }
  const end = start + length;
  return end <= bytes.length ? { tag, start, end } : null;
}

function encodeOid(oid: string, problem: (why: string) => never): Uint8Array {
  const arcs = oid.split(".").map(Number);
  if (arcs.length < 2 || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! > 39) || arcs.some((arc) => !Number.isSafeInteger(arc))) problem(`'${oid}' is not an object identifier`);
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const septets: number[] = [];
    let rest = arc;
    do {
      septets.unshift(rest % 128);
      rest = Math.floor(rest / 128);
    } while (rest > 0);
    septets.forEach((septet, index) => out.push(index < septets.length - 1 ? septet | 0x80 : septet));
  }
  return Uint8Array.from(out);
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  const first = arcs.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join(".");
}
