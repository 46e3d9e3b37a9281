import type { Random } from "../../sim/random.js";

/** ISAKMP header bytes (RFC 2408 3.1): cookies, next payload, version, exchange, flags, message ID, length. */
const HEADER_BYTES = 28;

/**
 * A message a broken or hostile gateway might send to port 500: too short for a header, a header
 * whose length disagrees with the datagram, a payload chain running past the end, or noise.
 */
export function malformedIsakmp(random: Random): Uint8Array {
  const header = (length: number, declared: number) => {
    const bytes = random.bytes(length);
    bytes[17] = 0x10;
    bytes[18] = 2;
    bytes[19] = 0;
    new DataView(bytes.buffer).setUint32(24, declared);
    return bytes;
  };
  switch (random.integer(0, 3)) {
    case 0:
      return random.bytes(random.integer(1, HEADER_BYTES - 1));
    case 1:
      return header(HEADER_BYTES + 8, HEADER_BYTES + 200);
    case 2: {
      // A Security Association payload header claiming more bytes than follow.
      const bytes = header(HEADER_BYTES + 12, HEADER_BYTES + 12);
      bytes[16] = 1;
      bytes[HEADER_BYTES] = 0;
      bytes[HEADER_BYTES + 2] = 0x01;
      bytes[HEADER_BYTES + 3] = 0x00;
      return bytes;
    }
    default:
      return random.bytes(random.integer(HEADER_BYTES, 300));
  }
}
