import { decodeDistinguishedName, encodeDistinguishedName } from "./distinguished-name.js";
import { IdentityError } from "./identity-error.js";

/**
 * IKE phase-1 identities (RFC 2407 4.6.2.1) and how an ISAKMP profile matches them. Addresses are
 * held as bigints (32 bits for IPv4, 128 for IPv6) so that subnets and ranges are comparisons.
 */

export type IdentityType =
  | "ID_IPV4_ADDR"
  | "ID_FQDN"
  | "ID_USER_FQDN"
  | "ID_IPV4_ADDR_SUBNET"
  | "ID_IPV6_ADDR"
  | "ID_IPV6_ADDR_SUBNET"
  | "ID_IPV4_ADDR_RANGE"
  | "ID_IPV6_ADDR_RANGE"
  | "ID_DER_ASN1_DN"
  | "ID_DER_ASN1_GN"
  | "ID_KEY_ID";

/** The ID type numbers of RFC 2407. */
export const IDENTITY_TYPE_NUMBER: Record<IdentityType, number> = {
  ID_IPV4_ADDR: 1,
  ID_FQDN: 2,
  ID_USER_FQDN: 3,
  ID_IPV4_ADDR_SUBNET: 4,
  ID_IPV6_ADDR: 5,
  ID_IPV6_ADDR_SUBNET: 6,
  ID_IPV4_ADDR_RANGE: 7,
  ID_IPV6_ADDR_RANGE: 8,
  ID_DER_ASN1_DN: 9,
  ID_DER_ASN1_GN: 10,
  ID_KEY_ID: 11,
};

export type AddressFamily = 4 | 6;

/** An inclusive span of addresses of one family: an address, a subnet or a range. */
export interface AddressSpan {
  readonly family: AddressFamily;
  readonly first: bigint;
  readonly last: bigint;
}

export type IkeIdentity =
  | { readonly type: "ID_IPV4_ADDR" | "ID_IPV6_ADDR" | "ID_IPV4_ADDR_SUBNET" | "ID_IPV6_ADDR_SUBNET" | "ID_IPV4_ADDR_RANGE" | "ID_IPV6_ADDR_RANGE"; readonly span: AddressSpan; readonly text: string }
  | { readonly type: "ID_FQDN" | "ID_USER_FQDN"; readonly name: string }
  | { readonly type: "ID_DER_ASN1_DN" | "ID_DER_ASN1_GN" | "ID_KEY_ID"; readonly bytes: Uint8Array; readonly text: string };

export { IdentityError };

export function parseIpv4(text: string): bigint {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) throw new IdentityError(`'${text}' is not an IPv4 address`);
  return parts.reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

export function parseIpv6(text: string): bigint {
  const halves = text.split("::");
  if (halves.length > 2) throw new IdentityError(`'${text}' is not an IPv6 address`);
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) throw new IdentityError(`'${text}' is not an IPv6 address`);
  const all = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (all.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) throw new IdentityError(`'${text}' is not an IPv6 address`);
  return all.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function parseAddress(family: AddressFamily, text: string): bigint {
  return family === 4 ? parseIpv4(text) : parseIpv6(text);
}

const WIDTH: Record<AddressFamily, bigint> = { 4: 32n, 6: 128n };

/** `10.1.0.0/16` or `2001:db8::/32`. */
export function subnetSpan(family: AddressFamily, text: string): AddressSpan {
  const [address, prefixText] = text.split("/");
  const prefix = Number(prefixText);
  const width = WIDTH[family];
  if (address === undefined || !Number.isInteger(prefix) || prefix < 0 || BigInt(prefix) > width) throw new IdentityError(`'${text}' is not an IPv${family} subnet (address/prefix)`);
  const hostBits = width - BigInt(prefix);
  const first = (parseAddress(family, address) >> hostBits) << hostBits;
  return { family, first, last: first + (1n << hostBits) - 1n };
}

/** `10.1.0.5-10.1.0.9`. */
export function rangeSpan(family: AddressFamily, text: string): AddressSpan {
  const [from, to] = text.split("-");
  if (from === undefined || to === undefined) throw new IdentityError(`'${text}' is not an IPv${family} range (first-last)`);
  const first = parseAddress(family, from.trim());
  const last = parseAddress(family, to.trim());
  if (last < first) throw new IdentityError(`range '${text}' ends before it starts`);
  return { family, first, last };
}

export function addressSpan(family: AddressFamily, text: string): AddressSpan {
  const value = parseAddress(family, text);
  return { family, first: value, last: value };
}

/** Build an identity from its type and the textual value a configuration would give. */
export function identity(type: IdentityType, value: string | Uint8Array): IkeIdentity {
  // Bytes read as text when they are printable ASCII (a key ID that is a group name), a DN's as its attributes, else as hex.
  const dn = type === "ID_DER_ASN1_DN" && typeof value !== "string" ? decodeDistinguishedName(value) : null;
  const text = typeof value === "string" ? value : dn !== null ? dn : /^[\x20-\x7e]+$/.test(Buffer.from(value).toString("latin1")) ? Buffer.from(value).toString("latin1") : Buffer.from(value).toString("hex");
  switch (type) {
    case "ID_IPV4_ADDR":
    case "ID_IPV6_ADDR":
      return { type, span: addressSpan(type === "ID_IPV4_ADDR" ? 4 : 6, text), text };
    case "ID_IPV4_ADDR_SUBNET":
    case "ID_IPV6_ADDR_SUBNET":
      return { type, span: subnetSpan(type === "ID_IPV4_ADDR_SUBNET" ? 4 : 6, text), text };
    case "ID_IPV4_ADDR_RANGE":
    case "ID_IPV6_ADDR_RANGE":
      return { type, span: rangeSpan(type === "ID_IPV4_ADDR_RANGE" ? 4 : 6, text), text };
    case "ID_FQDN":
      if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/.test(text)) throw new IdentityError(`ID_FQDN '${text}' is not a domain name`);
      return { type, name: text.toLowerCase().replace(/\.$/, "") };
    case "ID_USER_FQDN": {
      const at = text.lastIndexOf("@");
      if (at <= 0 || at === text.length - 1) throw new IdentityError(`ID_USER_FQDN '${text}' is not user@domain`);
      // The domain part is case-insensitive; the local part is kept as given.
      return { type, name: `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}` };
    }
    case "ID_DER_ASN1_DN":
    case "ID_DER_ASN1_GN":
    case "ID_KEY_ID": {
      // A DN given as text goes on the wire as DER (RFC 2407), as Wireshark and every IKE peer read it.
      const bytes = typeof value !== "string" ? value : type === "ID_DER_ASN1_DN" ? encodeDistinguishedName(value) : new TextEncoder().encode(value);
      if (bytes.length === 0) throw new IdentityError(`${type} is empty`);
      return { type, bytes, text };
    }
  }
}

export function describeIdentity(id: IkeIdentity): string {
  return `${id.type} ${"span" in id ? id.text : "name" in id ? id.name : id.text}`;
}
