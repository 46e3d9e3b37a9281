import { describe, expect, test } from "vitest";
import { noWork } from "../../sim/ike/ike-crypto.js";
import { derivePhase1Keys, encryptionKey, expandKeyMaterial, skeyidChain } from "../../sim/ike/ike-keys.js";

/**
 * Known answers from outside this project: NSS's IKE PRF test vectors for HMAC-SHA-256
 * (nss/gtests/pk11_gtest/pk11_ike_unittest.cc with testvectors/ike-sha256-vectors.h). Vectors 2-5
 * are, in NSS's words, "from this NIST samples" (the CAVS SP 800-135 IKEv1 KDF); 11-16 NSS
 * generated itself for RFC 2409 Appendix B and KEYMAT's expansion. None came from this code.
 */
const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

const SKEYID = hex("750c5c94b9c2ec20b68033e024dadf0fa87e8b48c6561b21c72478451a06583d");
const GXY = hex("a1ff3dc6cf9b4c04709943cb4ca1f1789bcf360b03f1d027de3ae8ee039e9155");
const CKY_I = hex("6c6beb72631ddc3d");
const CKY_R = hex("b84e24b22cffbd14");
const KEY = hex("5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe");
const APPENDIX_B_132 =
  "b10fff32cbeaa1e7afe6ab0b191e0bd63cd524849a4b56019146d232a24cf9af6b89494d2a360b06825db8bb0324c15cecf47fc0bc99e39bf1171a7f4bf1733dc49ef64c642e73b054b2e82456e34fa3c822da475e27e403b3da3929da50e6aa9e7f9252c68fa069b4b0edd374e80d35378c4f5e8ec285a1b169c92bbb5353d05ba94165";
const KEYMAT_132 =
  "b10fff32cbeaa1e7afe6ab0b191e0bd63cd524849a4b56019146d232a24cf9af59f18ed9aabbb2dbbafecf48d72a34a8f72fab2ff4f37e5c917288a78ce00933612e9531a7469995c7f7cc33c7627cac3efbc819330c4fe3bfa3788799630f37bcb74800d82bbebd17b1906e304a786f4f810c266c15be1a30576039c293272748d65966";

describe("IKEv1 key derivation against NIST's and NSS's known answers (HMAC-SHA-256)", () => {
  test("SKEYID for a pre-shared key: prf(pre-shared key, Ni_b | Nr_b) (NSS vector 5, NIST)", () => {
    const keys = derivePhase1Keys(noWork(), {
      hash: "sha256",
      preSharedKey: hex("a0"),
      initiatorNonce: hex("ead9ced494868f41"),
      responderNonce: hex("f1aff4f425a94f18"),
      sharedSecret: GXY,
      initiatorCookie: CKY_I,
      responderCookie: CKY_R,
      encryptionKeyBytes: 16,
    });
    expect(toHex(keys.skeyid)).toBe("558a99b299773d267cf7c8ef073bf3b7af362c206c75a538403c5ef884d4cace");
  });

  test("SKEYID_d, SKEYID_a and SKEYID_e from SKEYID, g^xy and the cookies (NSS vectors 2-4, NIST)", () => {
    const chain = skeyidChain(noWork(), "sha256", SKEYID, GXY, CKY_I, CKY_R);
    expect(toHex(chain.skeyidD)).toBe("a4f7ca7de913814813e3312099e7c943bd293483f387532330237f1b20957310");
    expect(toHex(chain.skeyidA)).toBe("1d4b705746c43b0a6fcbb8db33983c0f24ff6f8b6543e3779fed227c6067f004");
    expect(toHex(chain.skeyidE)).toBe("03e6f16cd9ce9f64b5cdc5b34cca7163483ba5389a30afebef3d14640b0a815e");
  });

  test("Appendix B: an encryption key longer than SKEYID_e is K1 | K2 | …; a shorter one is its first bytes (NSS vectors 11-13)", () => {
    expect(toHex(encryptionKey(noWork(), "sha256", KEY, 132))).toBe(APPENDIX_B_132);
    expect(toHex(encryptionKey(noWork(), "sha256", KEY, 32))).toBe(toHex(KEY));
    expect(toHex(encryptionKey(noWork(), "sha256", KEY, 15))).toBe(toHex(KEY).slice(0, 30));
  });

  test("KEYMAT's expansion: K1 = prf(SKEYID_d, seed), Kn = prf(SKEYID_d, Kn-1 | seed) (NSS vectors 14-16, seed 0x00)", () => {
    expect(toHex(expandKeyMaterial(noWork(), "sha256", KEY, [hex("00")], 132))).toBe(KEYMAT_132);
    expect(toHex(expandKeyMaterial(noWork(), "sha256", KEY, [hex("00")], 32))).toBe(KEYMAT_132.slice(0, 64));
    expect(toHex(expandKeyMaterial(noWork(), "sha256", KEY, [hex("00")], 15))).toBe(KEYMAT_132.slice(0, 30));
  });
});
