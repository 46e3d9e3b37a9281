/** Assigned numbers of ISAKMP (RFC 2408), IKEv1 (RFC 2409 Appendix A) and the IPsec DOI (RFC 2407). */

export const ISAKMP_VERSION = 0x10;
export const ISAKMP_HEADER_BYTES = 28;
export const GENERIC_PAYLOAD_HEADER_BYTES = 4;
export const COOKIE_BYTES = 8;

/** Exchange types (RFC 2408 3.1, RFC 2409 Quick Mode). */
export const EXCHANGE = { MAIN_MODE: 2, AGGRESSIVE_MODE: 4, INFORMATIONAL: 5, QUICK_MODE: 32 } as const;
export const KNOWN_EXCHANGES: readonly number[] = Object.values(EXCHANGE);

/** Header flags (RFC 2408 3.1). */
export const FLAG = { ENCRYPTION: 0x01, COMMIT: 0x02, AUTHENTICATION_ONLY: 0x04 } as const;

/** Payload type numbers (RFC 2408 3.1). */
export const PAYLOAD_NUMBER = {
  SA: 1,
  PROPOSAL: 2,
  TRANSFORM: 3,
  KE: 4,
  ID: 5,
  HASH: 8,
  NONCE: 10,
  NOTIFICATION: 11,
  DELETE: 12,
  VENDOR_ID: 13,
} as const;

export const DOI_IPSEC = 1;
export const SITUATION_IDENTITY_ONLY = 1;

/** Protocol identifiers of proposals, notifications and deletes (RFC 2407 4.4.1). */
export const PROTOCOL = { ISAKMP: 1, IPSEC_AH: 2, IPSEC_ESP: 3 } as const;

/** Phase-1 transform ID (RFC 2407 4.4.2) and attribute classes (RFC 2409 Appendix A). */
export const KEY_IKE = 1;
export const PHASE1_ATTRIBUTE = {
  ENCRYPTION_ALGORITHM: 1,
  HASH_ALGORITHM: 2,
  AUTHENTICATION_METHOD: 3,
  GROUP_DESCRIPTION: 4,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  KEY_LENGTH: 14,
} as const;
export const ENCRYPTION_AES_CBC = 7;
export const HASH_ALGORITHM = { SHA: 2, SHA2_256: 4 } as const;
export const AUTHENTICATION_PRE_SHARED_KEY = 1;
export const MODP_GROUP_14 = 14;
export const LIFE_TYPE = { SECONDS: 1, KILOBYTES: 2 } as const;

/** IPsec DOI: ESP transform IDs (RFC 4106 8) and SA attributes (RFC 2407 4.5). */
export const ESP_AES_GCM_16 = 20;
export const IPSEC_ATTRIBUTE = { SA_LIFE_TYPE: 1, SA_LIFE_DURATION: 2, ENCAPSULATION_MODE: 4, KEY_LENGTH: 6 } as const;
export const ENCAPSULATION_TUNNEL = 1;

/** Notify message types (RFC 2408 3.14.1). */
export const NOTIFY = { INVALID_PAYLOAD_TYPE: 1, NO_PROPOSAL_CHOSEN: 14, INVALID_HASH_INFORMATION: 23, AUTHENTICATION_FAILED: 24 } as const;
