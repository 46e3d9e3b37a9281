/**
 * The SA payloads this node offers and accepts. Phase 1: AES-CBC-128, SHA or SHA2-256, pre-shared
 * key, MODP group 14, lifetime in seconds. Quick Mode: ESP_AES_GCM_16 with a 128-bit key, tunnel
 * mode, lifetimes in seconds and kilobytes, no PFS.
 */
import type { IkeHashAlgorithm } from "./ike-crypto.js";
import type { Lifetime } from "./ike-types.js";
import {
  AUTHENTICATION_PRE_SHARED_KEY,
  DOI_IPSEC,
  ENCAPSULATION_TUNNEL,
  ENCRYPTION_AES_CBC,
  ESP_AES_GCM_16,
  HASH_ALGORITHM,
  IPSEC_ATTRIBUTE,
  KEY_IKE,
  LIFE_TYPE,
  MODP_GROUP_14,
  PHASE1_ATTRIBUTE,
  PROTOCOL,
  SITUATION_IDENTITY_ONLY,
} from "./isakmp-numbers.js";
import { attributeNumber, attributeValue, type DataAttribute, type SaPayload, type Transform } from "./isakmp-payloads.js";

export const PHASE1_KEY_BYTES = 16;
export const ESP_KEY_BITS = 128;
/** RFC 2407 4.5: the lifetime when none is proposed. */
const DEFAULT_LIFETIME_SECONDS = 28800;

const HASH_NUMBER: Record<IkeHashAlgorithm, number> = { sha1: HASH_ALGORITHM.SHA, sha256: HASH_ALGORITHM.SHA2_256 };

export interface Phase1Suite {
  readonly hash: IkeHashAlgorithm;
  readonly lifetimeSeconds: number;
}

function saPayload(protocolId: number, spi: Uint8Array, transformId: number, attributes: readonly DataAttribute[]): SaPayload {
  return {
    type: "SA",
    doi: DOI_IPSEC,
    situation: SITUATION_IDENTITY_ONLY,
    proposals: [{ proposalNumber: 1, protocolId, spi, transforms: [{ transformNumber: 1, transformId, attributes }] }],
  };
}

export function phase1SaPayload(suite: Phase1Suite): SaPayload {
  return saPayload(PROTOCOL.ISAKMP, new Uint8Array(0), KEY_IKE, [
    { type: PHASE1_ATTRIBUTE.ENCRYPTION_ALGORITHM, value: ENCRYPTION_AES_CBC },
    { type: PHASE1_ATTRIBUTE.KEY_LENGTH, value: PHASE1_KEY_BYTES * 8 },
    { type: PHASE1_ATTRIBUTE.HASH_ALGORITHM, value: HASH_NUMBER[suite.hash] },
    { type: PHASE1_ATTRIBUTE.AUTHENTICATION_METHOD, value: AUTHENTICATION_PRE_SHARED_KEY },
    { type: PHASE1_ATTRIBUTE.GROUP_DESCRIPTION, value: MODP_GROUP_14 },
    { type: PHASE1_ATTRIBUTE.LIFE_TYPE, value: LIFE_TYPE.SECONDS },
    { type: PHASE1_ATTRIBUTE.LIFE_DURATION, value: attributeValue(suite.lifetimeSeconds) },
  ]);
}

function phase1Transform(transform: Transform): Phase1Suite | null {
  if (transform.transformId !== KEY_IKE) return null;
  let hash: IkeHashAlgorithm | null = null;
  let lifetimeSeconds = DEFAULT_LIFETIME_SECONDS;
  let lifeType: number | null = null;
  const seen = new Set<number>();
  for (const attribute of transform.attributes) {
    const value = attributeNumber(attribute);
    seen.add(attribute.type);
    switch (attribute.type) {
      case PHASE1_ATTRIBUTE.ENCRYPTION_ALGORITHM:
        if (value !== ENCRYPTION_AES_CBC) return null;
        break;
      case PHASE1_ATTRIBUTE.KEY_LENGTH:
        if (value !== PHASE1_KEY_BYTES * 8) return null;
        break;
      case PHASE1_ATTRIBUTE.HASH_ALGORITHM:
        hash = value === HASH_ALGORITHM.SHA ? "sha1" : value === HASH_ALGORITHM.SHA2_256 ? "sha256" : null;
        if (hash === null) return null;
        break;
      case PHASE1_ATTRIBUTE.AUTHENTICATION_METHOD:
        if (value !== AUTHENTICATION_PRE_SHARED_KEY) return null;
        break;
      case PHASE1_ATTRIBUTE.GROUP_DESCRIPTION:
        if (value !== MODP_GROUP_14) return null;
        break;
      case PHASE1_ATTRIBUTE.LIFE_TYPE:
        lifeType = value;
        if (value !== LIFE_TYPE.SECONDS && value !== LIFE_TYPE.KILOBYTES) return null;
        break;
      case PHASE1_ATTRIBUTE.LIFE_DURATION:
        if (value === null || value === 0 || lifeType === null) return null;
        if (lifeType === LIFE_TYPE.SECONDS) lifetimeSeconds = value;
        break;
      default:
        return null;
    }
  }
  const required = [PHASE1_ATTRIBUTE.ENCRYPTION_ALGORITHM, PHASE1_ATTRIBUTE.KEY_LENGTH, PHASE1_ATTRIBUTE.HASH_ALGORITHM, PHASE1_ATTRIBUTE.AUTHENTICATION_METHOD, PHASE1_ATTRIBUTE.GROUP_DESCRIPTION];
  if (hash === null || required.some((type) => !seen.has(type))) return null;
  return { hash, lifetimeSeconds };
}

/** The first acceptable phase-1 transform, and the SA payload that answers with it; null: NO-PROPOSAL-CHOSEN. */
export function choosePhase1(sa: SaPayload): { suite: Phase1Suite; reply: SaPayload } | null {
  if (sa.doi !== DOI_IPSEC || sa.situation !== SITUATION_IDENTITY_ONLY) return null;
  for (const proposal of sa.proposals) {
    if (proposal.protocolId !== PROTOCOL.ISAKMP) continue;
    for (const transform of proposal.transforms) {
      const suite = phase1Transform(transform);
      if (suite !== null) return { suite, reply: { ...sa, proposals: [{ ...proposal, transforms: [transform] }] } };
    }
  }
  return null;
}

/** The responder's answer must be exactly one of the transforms offered. */
export function acceptPhase1Reply(offered: Phase1Suite, reply: SaPayload): Phase1Suite | null {
  if (reply.proposals.length !== 1 || reply.proposals[0]!.transforms.length !== 1) return null;
  const chosen = choosePhase1(reply);
  return chosen !== null && chosen.suite.hash === offered.hash ? chosen.suite : null;
}

export function quickModeSaPayload(spi: number, lifetime: Lifetime): SaPayload {
  // No seconds lifetime is proposed as none given: the peer takes RFC 2407's default of 28800 s (a duration of 0 is refused).
  const attributes: DataAttribute[] = lifetime.seconds > 0 ? [{ type: IPSEC_ATTRIBUTE.SA_LIFE_TYPE, value: LIFE_TYPE.SECONDS }, { type: IPSEC_ATTRIBUTE.SA_LIFE_DURATION, value: attributeValue(lifetime.seconds) }] : [];
  if (lifetime.kilobytes > 0) {
    attributes.push({ type: IPSEC_ATTRIBUTE.SA_LIFE_TYPE, value: LIFE_TYPE.KILOBYTES }, { type: IPSEC_ATTRIBUTE.SA_LIFE_DURATION, value: attributeValue(lifetime.kilobytes) });
  }
  attributes.push({ type: IPSEC_ATTRIBUTE.ENCAPSULATION_MODE, value: ENCAPSULATION_TUNNEL }, { type: IPSEC_ATTRIBUTE.KEY_LENGTH, value: ESP_KEY_BITS });
  return saPayload(PROTOCOL.IPSEC_ESP, spiBytes(spi), ESP_AES_GCM_16, attributes);
}

function quickModeTransform(transform: Transform): Lifetime | null {
  if (transform.transformId !== ESP_AES_GCM_16) return null;
  let seconds = DEFAULT_LIFETIME_SECONDS;
  let kilobytes = 0;
  let lifeType: number | null = null;
  let tunnel = false;
  let keyBits: number | null = null;
  for (const attribute of transform.attributes) {
    const value = attributeNumber(attribute);
    switch (attribute.type) {
      case IPSEC_ATTRIBUTE.SA_LIFE_TYPE:
        if (value !== LIFE_TYPE.SECONDS && value !== LIFE_TYPE.KILOBYTES) return null;
        lifeType = value;
        break;
      case IPSEC_ATTRIBUTE.SA_LIFE_DURATION:
        if (value === null || value === 0 || lifeType === null) return null;
        if (lifeType === LIFE_TYPE.SECONDS) seconds = value;
        else kilobytes = value;
        break;
      case IPSEC_ATTRIBUTE.ENCAPSULATION_MODE:
        tunnel = value === ENCAPSULATION_TUNNEL;
        break;
      case IPSEC_ATTRIBUTE.KEY_LENGTH:
        keyBits = value;
        break;
      default:
        // An authentication algorithm (GCM has none) or a group (PFS, not offered here).
        return null;
    }
  }
  return tunnel && keyBits === ESP_KEY_BITS ? { seconds, kilobytes } : null;
}

export interface QuickModeChoice {
  readonly peerSpi: number;
  readonly lifetime: Lifetime;
  /** The responder's SA payload: the chosen proposal and transform with its own SPI. */
  reply(spi: number): SaPayload;
}

export function chooseQuickMode(sa: SaPayload): QuickModeChoice | null {
  if (sa.doi !== DOI_IPSEC || sa.situation !== SITUATION_IDENTITY_ONLY) return null;
  for (const proposal of sa.proposals) {
    if (proposal.protocolId !== PROTOCOL.IPSEC_ESP || proposal.spi.length !== 4) continue;
    for (const transform of proposal.transforms) {
      const lifetime = quickModeTransform(transform);
      if (lifetime === null) continue;
      return { peerSpi: spiNumber(proposal.spi), lifetime, reply: (spi) => ({ ...sa, proposals: [{ ...proposal, spi: spiBytes(spi), transforms: [transform] }] }) };
    }
  }
  return null;
}

export function spiBytes(spi: number): Uint8Array {
  return Uint8Array.of(spi >>> 24, (spi >>> 16) & 0xff, (spi >>> 8) & 0xff, spi & 0xff);
}

export function spiNumber(bytes: Uint8Array): number {
  return (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
}
