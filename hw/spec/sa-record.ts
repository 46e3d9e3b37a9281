/**
 * The SA record: how the intermediate driver lays out an IPsec SA in host memory, so that a
 * pointer to it can travel with a packet to the base driver and on to the NIC (seed 002).
 * 128 bytes, 64-byte aligned, little-endian.
 */
export const SA_RECORD_BYTES = 128;
export const SA_RECORD_ALIGNMENT = 64;

export const SA_RECORD = {
  UNIQUE_ID: 0,
  PROTOCOL: 4,
  DIRECTION: 5,
  FLAGS: 6,
  QOS_GROUP: 7,
  SPI: 8,
  KEY_LENGTH: 12,
  ICV_LENGTH: 13,
  SALT: 16,
  KEY: 32,
  SOURCE: 64,
  DESTINATION: 80,
} as const;

/** FLAGS bits. */
export const SA_FLAG_ESN = 1 << 0;
/** The QOS_GROUP byte holds an ipsec_qos_group tag (seed 001); without it, classify by the inner DSCP. */
export const SA_FLAG_HAS_TAG = 1 << 1;
export const SA_FLAG_IPV6 = 1 << 2;

export const SA_DIRECTION_OUTBOUND = 0;
export const SA_DIRECTION_INBOUND = 1;

export const SA_RECORD_FIELDS = [
  { name: "UNIQUE_ID", offset: SA_RECORD.UNIQUE_ID, bytes: 4, description: "The SA's unique id in the SADB" },
  { name: "PROTOCOL", offset: SA_RECORD.PROTOCOL, bytes: 1, description: "IP protocol: 50 (ESP)" },
  { name: "DIRECTION", offset: SA_RECORD.DIRECTION, bytes: 1, description: "0 outbound, 1 inbound" },
  { name: "FLAGS", offset: SA_RECORD.FLAGS, bytes: 1, description: "bit 0 ESN, bit 1 HAS_TAG, bit 2 IPv6 addresses" },
  { name: "QOS_GROUP", offset: SA_RECORD.QOS_GROUP, bytes: 1, description: "ipsec_qos_group tag inherited from the IKE SA (valid with HAS_TAG)" },
  { name: "SPI", offset: SA_RECORD.SPI, bytes: 4, description: "Security Parameter Index" },
  { name: "KEY_LENGTH", offset: SA_RECORD.KEY_LENGTH, bytes: 1, description: "AES key bytes: 16 or 32" },
  { name: "ICV_LENGTH", offset: SA_RECORD.ICV_LENGTH, bytes: 1, description: "ICV bytes: 8, 12 or 16" },
  { name: "SALT", offset: SA_RECORD.SALT, bytes: 4, description: "GCM salt (RFC 4106)" },
  { name: "KEY", offset: SA_RECORD.KEY, bytes: 32, description: "AES key (first KEY_LENGTH bytes)" },
  { name: "SOURCE", offset: SA_RECORD.SOURCE, bytes: 16, description: "Tunnel source address (IPv4 in the first 4 bytes)" },
  { name: "DESTINATION", offset: SA_RECORD.DESTINATION, bytes: 16, description: "Tunnel destination address" },
] as const;
