import { describe, expect, test } from "vitest";
import { formatAddress, identityData, identityFromIdPayload, identityToIdPayload } from "../../driver/intermediate/identity-payload.js";
import { identity, type IdentityType } from "../../driver/intermediate/identity.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));

describe("identities as ID payload data (RFC 2407 4.6.2)", () => {
  const cases: [IdentityType, string | Uint8Array, string][] = [
    ["ID_IPV4_ADDR", "192.0.2.1", "c0000201"],
    ["ID_FQDN", "gw.customer.example", hex(new TextEncoder().encode("gw.customer.example"))],
    ["ID_USER_FQDN", "vpn@Customer.Example", hex(new TextEncoder().encode("vpn@customer.example"))],
    ["ID_IPV4_ADDR_SUBNET", "10.1.0.0/16", "0a010000ffff0000"],
    ["ID_IPV6_ADDR", "2001:db8::1", "20010db8000000000000000000000001"],
    ["ID_IPV6_ADDR_SUBNET", "2001:db8::/32", "20010db8000000000000000000000000ffffffff000000000000000000000000"],
    ["ID_IPV4_ADDR_RANGE", "10.1.0.5-10.1.0.9", "0a0100050a010009"],
    ["ID_IPV6_ADDR_RANGE", "2001:db8::5-2001:db8::9", "20010db800000000000000000000000520010db8000000000000000000000009"],
    ["ID_DER_ASN1_DN", bytes("3011310f300d06035504030c06676174657761"), "3011310f300d06035504030c06676174657761"],
    ["ID_DER_ASN1_GN", bytes("820b6578616d706c652e636f6d"), "820b6578616d706c652e636f6d"],
    ["ID_KEY_ID", bytes("00112233"), "00112233"],
  ];

  test.each(cases)("%s %s: encoded as RFC 2407 lays it out, and decoded back to the same identity", (type, value, data) => {
    const original = identity(type, value);
    const payload = identityToIdPayload(original, 17, 500);
    expect(hex(payload.data)).toBe(data);
    expect({ type: payload.type, protocolId: payload.protocolId, port: payload.port }).toEqual({ type: { ID_IPV4_ADDR: 1, ID_FQDN: 2, ID_USER_FQDN: 3, ID_IPV4_ADDR_SUBNET: 4, ID_IPV6_ADDR: 5, ID_IPV6_ADDR_SUBNET: 6, ID_IPV4_ADDR_RANGE: 7, ID_IPV6_ADDR_RANGE: 8, ID_DER_ASN1_DN: 9, ID_DER_ASN1_GN: 10, ID_KEY_ID: 11 }[type], protocolId: 17, port: 500 });
    expect(identityFromIdPayload(payload)).toEqual({ kind: "ok", identity: original });
  });

  test("a subnet given with host bits set is sent as its network", () => {
    expect(hex(identityData(identity("ID_IPV4_ADDR_SUBNET", "10.1.2.3/24")))).toBe("0a010200ffffff00");
  });

  test("IPv6 text is the RFC 5952 short form", () => {
    expect(formatAddress(6, 0n)).toBe("::");
    expect(formatAddress(6, 1n)).toBe("::1");
    expect(formatAddress(6, 0x20010db8000000010000000000000001n)).toBe("2001:db8:0:1::1");
    expect(formatAddress(6, 0x20010db8000100020003000400050006n)).toBe("2001:db8:1:2:3:4:5:6");
  });

  test.each([
    [{ type: 1, data: bytes("c00002") }, "ID_IPV4_ADDR needs 4 bytes of data, not 3"],
    [{ type: 5, data: bytes("c0000201") }, "ID_IPV6_ADDR needs 16 bytes of data, not 4"],
    [{ type: 4, data: bytes("0a010000ff00ff00") }, "ID_IPV4_ADDR_SUBNET mask 255.0.255.0 is not a contiguous prefix"],
    [{ type: 7, data: bytes("0a0100090a010005") }, "range '10.1.0.9-10.1.0.5' ends before it starts"],
    [{ type: 2, data: new TextEncoder().encode("gw example") }, "ID_FQDN byte 2 (0x20) is not printable ASCII"],
    [{ type: 2, data: new TextEncoder().encode("gw_example!") }, "ID_FQDN 'gw_example!' is not a domain name"],
    [{ type: 3, data: new TextEncoder().encode("no-at-sign") }, "ID_USER_FQDN 'no-at-sign' is not user@domain"],
    [{ type: 2, data: new Uint8Array(0) }, "ID_FQDN is empty"],
    [{ type: 11, data: new Uint8Array(0) }, "ID_KEY_ID is empty"],
    [{ type: 12, data: bytes("00") }, "ID type 12 is not one of RFC 2407's (1 to 11)"],
  ])("bad data %#: an invalid result that says why", (payload, reason) => {
    expect(identityFromIdPayload(payload)).toEqual({ kind: "invalid", reason });
  });
});
