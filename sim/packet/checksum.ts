/** The Internet checksum (RFC 1071) of bytes[start, end), folded and complemented. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  for (let index = start; index + 1 < end; index += 2) sum += (bytes[index]! << 8) | bytes[index + 1]!;
  if ((end - start) % 2 === 1) sum += bytes[end - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
