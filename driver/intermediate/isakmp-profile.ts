import { equalConstantTime } from "../../sim/bytes.js";
import { type AddressFamily, type AddressSpan, IdentityError, type IkeIdentity, rangeSpan, subnetSpan, addressSpan } from "./identity.js";

/** One `match identity …` line of an ISAKMP profile. */
export type IdentityMatch =
  | { readonly kind: "address"; readonly span: AddressSpan }
  | { readonly kind: "host"; readonly name: string; readonly domain: boolean }
  | { readonly kind: "user"; readonly name: string; readonly domain: boolean }
  | { readonly kind: "bytes"; readonly type: "ID_KEY_ID" | "ID_DER_ASN1_DN" | "ID_DER_ASN1_GN"; readonly bytes: Uint8Array };

/** `10.0.0.0/8`, `10.0.0.5-10.0.0.9`, `10.0.0.7`, or the IPv6 forms. */
export function matchAddress(text: string): IdentityMatch {
  const family: AddressFamily = text.includes(":") ? 6 : 4;
  const span = text.includes("/") ? subnetSpan(family, text) : text.includes("-") ? rangeSpan(family, text) : addressSpan(family, text);
  return { kind: "address", span };
}
/** ID_FQDN equal to the name. */
export const matchHost = (name: string): IdentityMatch => ({ kind: "host", name: name.toLowerCase(), domain: false });
/** ID_FQDN in the domain (the name itself or below it). */
export const matchHostDomain = (domain: string): IdentityMatch => ({ kind: "host", name: domain.toLowerCase(), domain: true });
/** ID_USER_FQDN equal to user@domain. */
export const matchUser = (address: string): IdentityMatch => ({ kind: "user", name: address.replace(/@(.*)$/, (_, domain: string) => `@${domain.toLowerCase()}`), domain: false });
/** ID_USER_FQDN whose domain is this one. */
export const matchUserDomain = (domain: string): IdentityMatch => ({ kind: "user", name: domain.toLowerCase(), domain: true });
/** ID_KEY_ID equal to the group name (a VPN client group). */
export const matchGroup = (group: string): IdentityMatch => ({ kind: "bytes", type: "ID_KEY_ID", bytes: new TextEncoder().encode(group) });
/** ID_DER_ASN1_DN or ID_DER_ASN1_GN equal to these DER bytes. */
export const matchDer = (type: "ID_DER_ASN1_DN" | "ID_DER_ASN1_GN", bytes: Uint8Array): IdentityMatch => ({ kind: "bytes", type, bytes });

function within(inner: AddressSpan, outer: AddressSpan): boolean {
  return inner.family === outer.family && inner.first >= outer.first && inner.last <= outer.last;
}

/** Whether a peer's identity satisfies one match line: an address, subnet or range identity must lie wholly inside. */
export function identityMatches(match: IdentityMatch, id: IkeIdentity): boolean {
  switch (match.kind) {
    case "address":
      return "span" in id && within(id.span, match.span);
    case "host":
      return id.type === "ID_FQDN" && (id.name === match.name || (match.domain && id.name.endsWith(`.${match.name}`)));
    case "user":
      return id.type === "ID_USER_FQDN" && (match.domain ? id.name.slice(id.name.lastIndexOf("@") + 1) === match.name : id.name === match.name);
    case "bytes":
      return id.type === match.type && equalConstantTime(id.bytes, match.bytes);
  }
}

export interface IsakmpProfile {
  readonly name: string;
  readonly matches: readonly IdentityMatch[];
  /** The tag the profile sets on IKE SAs it matches (`set ipsec_qos_group N`), if any. */
  readonly ipsecQosGroup?: number;
}

/** Of profiles in their configured order, the first with a line matching the identity (IOS's rule). */
export function firstMatchingProfile<Profile extends { readonly matches: readonly IdentityMatch[] }>(profiles: readonly Profile[], id: IkeIdentity): Profile | undefined {
  return profiles.find((profile) => profile.matches.some((line) => identityMatches(line, id)));
}

/** The configured ISAKMP profiles, in order: the first with a matching line wins. */
export class IsakmpProfiles {
  private readonly profiles: IsakmpProfile[] = [];

  add(profile: IsakmpProfile): void {
    if (this.profiles.some((existing) => existing.name === profile.name)) throw new IdentityError(`ISAKMP profile '${profile.name}' already exists`);
    if (profile.matches.length === 0) throw new IdentityError(`ISAKMP profile '${profile.name}' has no match identity line`);
    const tag = profile.ipsecQosGroup;
    if (tag !== undefined && (!Number.isInteger(tag) || tag < 0 || tag > 255)) throw new IdentityError(`ISAKMP profile '${profile.name}': ipsec_qos_group ${tag} must be 0 to 255`);
    this.profiles.push(profile);
  }

  match(id: IkeIdentity): IsakmpProfile | null {
    return firstMatchingProfile(this.profiles, id) ?? null;
  }
}
