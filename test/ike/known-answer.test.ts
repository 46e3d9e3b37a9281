import { spawnSync } from "node:child_process";
import { getDiffieHellman } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DiffieHellmanKeyPair, MODP_GROUP_14_PRIME, noWork } from "../../sim/ike/ike-crypto.js";
import { decodeMessage, type DecodedPayload } from "../../sim/ike/isakmp-codec.js";
import { Random } from "../../sim/random.js";
import { requireTool } from "../support/tools.js";
import { gatewayOptions, HOST_ADDRESS, hostOptions, IkePair, PRE_SHARED_KEY } from "./ike-pair.js";

const toBigInt = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString("hex") || "0"}`);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) if (e & 1n) result = (result * b) % modulus;
  return result;
}

describe("MODP group 14 Diffie-Hellman (RFC 3526 section 3)", () => {
  test("the prime is RFC 3526's 2048-bit MODP prime, as OpenSSL's table holds it", () => {
    expect(hex(MODP_GROUP_14_PRIME)).toBe(getDiffieHellman("modp14").getPrime("hex"));
    // RFC 3526: p = 2^2048 - 2^1984 - 1 + 2^64 * ( [2^1918 pi] + 124476 ); its top and bottom 64 bits are all ones.
    const prime = toBigInt(MODP_GROUP_14_PRIME);
    expect(prime >> 1984n).toBe((1n << 64n) - 1n);
    expect(prime & ((1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
  });

  test("the public value is 2^x mod p for the exponent drawn from the seeded Random, and both sides share g^xy", () => {
    const exponentOf = (seed: number) => {
      const exponent = Random.derive(seed, "dh").bytes(32);
      exponent[0]! |= 0x80;
      return toBigInt(exponent);
    };
    const prime = toBigInt(MODP_GROUP_14_PRIME);
    const work = noWork();
    const alice = new DiffieHellmanKeyPair(work, Random.derive(1, "dh"));
    const bob = new DiffieHellmanKeyPair(work, Random.derive(2, "dh"));
    expect(alice.public).toHaveLength(256);
    expect(toBigInt(alice.public)).toBe(modPow(2n, exponentOf(1), prime));
    expect(toBigInt(bob.public)).toBe(modPow(2n, exponentOf(2), prime));
    const shared = alice.sharedSecret(work, bob.public)!;
    expect(shared).toHaveLength(256);
    expect(hex(shared)).toBe(hex(bob.sharedSecret(work, alice.public)!));
    expect(toBigInt(shared)).toBe(modPow(toBigInt(bob.public), exponentOf(1), prime));
    expect(work.modularExponentiations).toBe(4);
  });

  test("public values outside 2..p-2 are refused", () => {
    const work = noWork();
    const pair = new DiffieHellmanKeyPair(work, Random.derive(3, "dh"));
    const one = new Uint8Array(256);
    one[255] = 1;
    const pMinusOne = MODP_GROUP_14_PRIME.slice();
    pMinusOne[255]! -= 1;
    expect(pair.sharedSecret(work, one)).toBeNull();
    expect(pair.sharedSecret(work, pMinusOne)).toBeNull();
    expect(pair.sharedSecret(work, new Uint8Array(255).fill(7))).toBeNull();
  });
});

/**
 * psk-crack (Debian package ike-scan, by Roy Hills) computes SKEYID = prf(PSK, Ni_b | Nr_b) and
 * HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b) itself (RFC 2409 5.4) from an
 * Aggressive Mode exchange; it finds the key only if our HASH_R is right. It handles SHA1 only.
 */
describe.runIf(requireTool("psk-crack", "ike-scan"))("psk-crack recovers the pre-shared key from our Aggressive Mode exchange", () => {
  function pskParameters(): string {
    const pair = new IkePair(gatewayOptions({ hash: "sha1" }), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "aggressive", 0));
    expect(pair.messages()).toEqual(["gateway:AM1", "host:AM2", "gateway:AM3"]);
    const decode = (bytes: Uint8Array) => {
      const result = decodeMessage(bytes);
      if (result.kind !== "ok" || result.message.body.kind !== "plain") throw new Error("AM1/AM2 do not decode");
      return { header: result.message.header, payloads: result.message.body.payloads };
    };
    const am1 = decode(pair.wire[0]!.action.bytes);
    const am2 = decode(pair.wire[1]!.action.bytes);
    const body = (payloads: readonly DecodedPayload[], type: string) => hex(payloads.find((entry) => entry.payload.type === type)!.raw.subarray(4));
    return [body(am2.payloads, "KE"), body(am1.payloads, "KE"), hex(am2.header.responderCookie), hex(am2.header.initiatorCookie), body(am1.payloads, "SA"), body(am2.payloads, "ID"), body(am1.payloads, "NONCE"), body(am2.payloads, "NONCE"), body(am2.payloads, "HASH")].join(":");
  }

  function crack(words: readonly string[]): string {
    const folder = mkdtempSync(join(tmpdir(), "nicsim-psk-crack-"));
    writeFileSync(join(folder, "parameters"), `${pskParameters()}\n`);
    writeFileSync(join(folder, "dictionary"), `${words.join("\n")}\n`);
    const result = spawnSync("psk-crack", ["-d", join(folder, "dictionary"), join(folder, "parameters")], { encoding: "utf8" });
    return result.stdout + result.stderr;
  }

  test("with the key in its dictionary, psk-crack finds it", () => {
    const secret = new TextDecoder().decode(PRE_SHARED_KEY);
    expect(crack(["letmein", "cisco123", secret, "hunter2"])).toContain(`key "${secret}" matches SHA1 hash`);
  });

  test("without it, psk-crack finds nothing (the match above is not by chance)", () => {
    expect(crack(["letmein", "cisco123", "hunter2"])).not.toContain("matches");
  });
});
