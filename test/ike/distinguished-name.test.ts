import { describe, expect, test } from "vitest";
import { decodeDistinguishedName, encodeDistinguishedName } from "../../driver/intermediate/distinguished-name.js";
import { identity, IdentityError } from "../../driver/intermediate/identity.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("ID_DER_ASN1_DN: a distinguished name as DER (RFC 2407 4.6.2.1)", () => {
  test("C=CH, O=Example Co, CN=gw11 gives the DER OpenSSL reads back (openssl asn1parse: countryName, organizationName, commonName as PRINTABLESTRINGs)", () => {
    expect(hex(encodeDistinguishedName("C=CH, O=Example Co, CN=gw11"))).toBe("3031310b300906035504061302434831133011060355040a130a4578616d706c6520436f310d300b0603550403130467773131");
  });

  test("a value that is no PrintableString is a UTF8String; e-mail and domain components are IA5Strings; an escaped comma stays in its value; OIDs may be given as numbers", () => {
    const bytes = encodeDistinguishedName("CN=a\\,b, E=x@y.z, O=Zürich, 2.5.4.11=Lab");
    expect(hex(bytes)).toContain("0c075ac3bc72696368");
    expect(hex(bytes)).toContain("06092a864886f70d0109011605" + hex(new TextEncoder().encode("x@y.z")));
    expect(decodeDistinguishedName(bytes)).toBe("CN=a\\,b, E=x@y.z, O=Zürich, OU=Lab");
  });

  test("escapes as RFC 4514 has them (a special character, a hex byte of UTF-8, an escaped trailing space), '+' joining an RDN's attributes in DER's order, and each attribute's own string type", () => {
    const text = (value: string) => decodeDistinguishedName(encodeDistinguishedName(value));
    expect(text("OU=trail\\ ")).toBe("OU=trail\\ ");
    expect(text("ST=x\\2Cy")).toBe("ST=x\\,y");
    expect(text("CN=\\E2\\82\\AC")).toBe("CN=€");
    expect(text("CN=x\\+y")).toBe("CN=x\\+y");
    // A SET OF is ordered by its members' encodings: OU (2.5.4.11) before T (2.5.4.12).
    expect(hex(encodeDistinguishedName("T=a+OU=b"))).toBe("301631143008060355040b1301623008060355040c130161");
    expect(text("T=a+OU=b")).toBe("OU=b+T=a");
    // UID is a UTF8String (Wireshark flagged a PrintableString malformed), the country a PrintableString.
    expect(hex(encodeDistinguishedName("UID=u1"))).toBe("301431123010060a0992268993f22c6401010c027531");
  });

  test("a DN read back is written so that it reads as itself: every escape and special kept", () => {
    for (const written of ["CN=\\#0402", "CN=x\\;y", "O=Ex\\, Inc+OU=R\\2CD", "CN=gw\\ ", "CN=a=b", "OU=trail\\ ", "CN=\\20", "O=\\ +CN=x", "CN=\\ \\ "]) {
      const bytes = encodeDistinguishedName(written);
      expect(hex(encodeDistinguishedName(decodeDistinguishedName(bytes)!)), written).toBe(hex(bytes));
    }
  });

  test("an identity built from text carries the DER, and one read from a payload's bytes is described by its attributes", () => {
    const given = identity("ID_DER_ASN1_DN", "CN=gw5,O=Example");
    expect(given.type === "ID_DER_ASN1_DN" && hex(given.bytes)).toBe(hex(encodeDistinguishedName("CN=gw5, O=Example")));
    const read = identity("ID_DER_ASN1_DN", (given as { bytes: Uint8Array }).bytes);
    expect((read as { text: string }).text).toBe("CN=gw5, O=Example");
    // Bytes that are not a Name are shown as hex, not misread.
    expect(decodeDistinguishedName(Uint8Array.of(0x30, 0x03, 0x31, 0x01, 0x00))).toBeNull();
    expect(decodeDistinguishedName(Uint8Array.of(0x30, 0x10))).toBeNull();
  });

  test("text that is no distinguished name is refused, naming what is wrong", () => {
    expect(() => identity("ID_DER_ASN1_DN", "gw11")).toThrow(new IdentityError("ID_DER_ASN1_DN 'gw11': 'gw11' is not ATTRIBUTE=value (a distinguished name such as C=CH, O=Example, CN=gw)"));
    expect(() => identity("ID_DER_ASN1_DN", "XX=1")).toThrow(/no attribute 'XX' \(one of C, ST, L, O, OU, CN/);
    expect(() => identity("ID_DER_ASN1_DN", "CN=")).toThrow("CN has no value");
    expect(() => identity("ID_DER_ASN1_DN", " , ")).toThrow("is empty");
    expect(() => identity("ID_DER_ASN1_DN", "CN=gw\\")).toThrow("a value ends in a lone backslash");
    expect(() => identity("ID_DER_ASN1_DN", "E=jürg@x.ch")).toThrow("E takes ASCII only (an IA5String)");
    expect(() => identity("ID_DER_ASN1_DN", "C=ü")).toThrow("C takes the PrintableString characters only");
    expect(() => identity("ID_DER_ASN1_DN", "C=Schweiz")).toThrow("C is a two-letter country code (ISO 3166), not 'Schweiz'");
    expect(() => identity("ID_DER_ASN1_DN", "CN=\\FF")).toThrow("a hex escape gives bytes that are not UTF-8");
    expect(() => identity("ID_DER_ASN1_DN", "99.1=x")).toThrow("ID_DER_ASN1_DN '99.1=x': '99.1' is not an object identifier");
    // RFC 4514's escapes only, and its specials escaped; a leading '#' (BER in hex there) is not taken.
    expect(() => identity("ID_DER_ASN1_DN", "CN=a\\2")).toThrow("'\\2' is no escape: a backslash takes one of \" + , ; < > \\ = #, a space or two hex digits");
    expect(() => identity("ID_DER_ASN1_DN", "O=q\\q")).toThrow("'\\q' is no escape");
    expect(() => identity("ID_DER_ASN1_DN", "CN=a;b")).toThrow("';' in a value must be escaped (\\;)");
    expect(() => identity("ID_DER_ASN1_DN", "CN=#0402")).toThrow("a value starting with '#' is BER in hex in RFC 4514");
  });
});
