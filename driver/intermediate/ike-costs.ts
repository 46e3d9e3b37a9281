import { param } from "../../sim/parameters.js";

import type { IkeWork } from "../../sim/ike/ike-crypto.js";

/** CPU cycles of IKE work: the host's daemon and the remote gateways price it alike. */
export const ikeCostParameters = {
  cyclesPerMessage: param.integer(20_000, "CPU cycles of an IKE message besides its cryptography (parsing, state, the socket)", { minimum: 0, maximum: 1e10, unit: "cycles" }),
  cyclesPerModularExponentiation: param.integer(800_000, "CPU cycles of one 2048-bit modular exponentiation (MODP group 14) with a 256-bit exponent: node:crypto (OpenSSL) took 330 µs at 2.45 GHz", { minimum: 0, maximum: 1e10, unit: "cycles" }),
  cyclesPerHash: param.integer(1_500, "CPU cycles of one PRF or hash (HMAC-SHA-256 over a few hundred bytes)", { minimum: 0, maximum: 1e10, unit: "cycles" }),
  cyclesPerCipherByte: param.number(4, "CPU cycles per byte of phase-1 AES-CBC", { minimum: 0, maximum: 1e6, unit: "cycles" }),
};

export interface IkeCosts {
  readonly cyclesPerMessage: number;
  readonly cyclesPerModularExponentiation: number;
  readonly cyclesPerHash: number;
  readonly cyclesPerCipherByte: number;
}

export function ikeWorkCycles(work: IkeWork, costs: IkeCosts): number {
  return costs.cyclesPerMessage + work.modularExponentiations * costs.cyclesPerModularExponentiation + work.hashes * costs.cyclesPerHash + work.cipherBytes * costs.cyclesPerCipherByte;
}
