import { describe, expect, test } from "vitest";
import type { IkeSessionId } from "../../sim/ike/ike-types.js";
import { fqdnId, gatewayOptions, GATEWAY_ADDRESS, HOST_ADDRESS, hostOptions, IkePair, ipv4Id } from "./ike-pair.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function phase1(mode: "main" | "aggressive", pair = new IkePair(gatewayOptions(), hostOptions())): { pair: IkePair; gatewaySession: IkeSessionId; hostSession: IkeSessionId } {
  pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, mode, pair.now));
  const [gatewayUp] = pair.of("gateway", "phase1-up");
  const [hostUp] = pair.of("host", "phase1-up");
  if (gatewayUp === undefined || hostUp === undefined) throw new Error(`phase 1 did not come up: ${pair.messages().join(" ")}`);
  return { pair, gatewaySession: gatewayUp.session, hostSession: hostUp.session };
}

describe.each(["main", "aggressive"] as const)("%s mode then quick mode between two nodes", (mode) => {
  test("phase 1 comes up on both sides with each other's identity and the same cookies and key", () => {
    const { pair } = phase1(mode);
    expect(pair.messages()).toEqual(mode === "main" ? ["gateway:MM1", "host:MM2", "gateway:MM3", "host:MM4", "gateway:MM5", "host:MM6"] : ["gateway:AM1", "host:AM2", "gateway:AM3"]);
    const [gatewayUp] = pair.of("gateway", "phase1-up");
    const [hostUp] = pair.of("host", "phase1-up");
    expect(hex(gatewayUp!.peerIdentity.data)).toBe(hex(ipv4Id(HOST_ADDRESS).data));
    expect(hex(hostUp!.peerIdentity.data)).toBe(hex(ipv4Id(GATEWAY_ADDRESS).data));
    expect(hex(gatewayUp!.initiatorCookie)).toBe(hex(hostUp!.initiatorCookie));
    expect(hex(gatewayUp!.responderCookie)).toBe(hex(hostUp!.responderCookie));
    expect(hex(gatewayUp!.encryptionKey)).toBe(hex(hostUp!.encryptionKey));
    expect(gatewayUp!.encryptionKey).toHaveLength(16);
    expect(pair.of("host", "dropped")).toEqual([]);
    expect(pair.of("gateway", "dropped")).toEqual([]);
  });

  test("quick mode gives both sides the same ESP keys, inbound of one being outbound of the other", () => {
    const { pair, gatewaySession } = phase1(mode);
    const selectors = { local: { type: 4, protocolId: 0, port: 0, data: Uint8Array.of(10, 1, 0, 0, 255, 255, 0, 0) }, remote: { type: 4, protocolId: 0, port: 0, data: Uint8Array.of(10, 2, 0, 0, 255, 255, 0, 0) } };
    pair.run("gateway", pair.gateway.quickMode(gatewaySession, pair.now, selectors));
    expect(pair.messages().slice(-3)).toEqual(["gateway:QM1", "host:QM2", "gateway:QM3"]);
    const [gatewaySa] = pair.of("gateway", "quick-mode-up");
    const [hostSa] = pair.of("host", "quick-mode-up");
    expect(gatewaySa!.inbound.spi).toBe(0x1000);
    expect(hostSa!.inbound.spi).toBe(0x9000);
    expect(gatewaySa!.outbound.spi).toBe(hostSa!.inbound.spi);
    expect(hostSa!.outbound.spi).toBe(gatewaySa!.inbound.spi);
    expect(hex(gatewaySa!.outbound.keyMaterial)).toBe(hex(hostSa!.inbound.keyMaterial));
    expect(hex(hostSa!.outbound.keyMaterial)).toBe(hex(gatewaySa!.inbound.keyMaterial));
    expect(gatewaySa!.inbound.keyMaterial).toHaveLength(20);
    expect(hex(gatewaySa!.inbound.keyMaterial)).not.toBe(hex(gatewaySa!.outbound.keyMaterial));
    expect(gatewaySa!.lifetime).toEqual({ seconds: 3600, kilobytes: 4_608_000 });
    expect(hostSa!.lifetime).toEqual({ seconds: 3600, kilobytes: 4_608_000 });
    expect(hex(hostSa!.selectors!.remote.data)).toBe(hex(selectors.local.data));
    expect(hex(hostSa!.selectors!.local.data)).toBe(hex(selectors.remote.data));
    expect(pair.gateway.sessionInfo(gatewaySession)?.state).toBe("ESTABLISHED");
  });

  test("the responder can start a quick mode too (the host's rekey), without selectors", () => {
    const { pair, hostSession } = phase1(mode);
    pair.run("host", pair.host.quickMode(hostSession, pair.now));
    const [hostSa] = pair.of("host", "quick-mode-up");
    const [gatewaySa] = pair.of("gateway", "quick-mode-up");
    expect(hex(hostSa!.outbound.keyMaterial)).toBe(hex(gatewaySa!.inbound.keyMaterial));
    expect(hostSa!.selectors).toBeUndefined();
  });

  test("Informational Delete of ESP SPIs and then of the ISAKMP SA reaches the peer", () => {
    const { pair, gatewaySession, hostSession } = phase1(mode);
    pair.run("gateway", pair.gateway.quickMode(gatewaySession, pair.now));
    pair.run("host", pair.host.deleteEsp(hostSession, [0x9000], pair.now));
    expect(pair.of("gateway", "delete-received")).toEqual([{ kind: "delete-received", session: gatewaySession, peerAddress: HOST_ADDRESS, protocol: "ESP", spis: [0x9000] }]);
    pair.run("gateway", pair.gateway.deleteIsakmp(gatewaySession, pair.now));
    expect(pair.of("host", "delete-received").at(-1)).toEqual({ kind: "delete-received", session: hostSession, peerAddress: GATEWAY_ADDRESS, protocol: "ISAKMP", spis: [] });
    expect(pair.host.sessionInfo(hostSession)).toBeNull();
    expect(pair.gateway.sessionInfo(gatewaySession)).toBeNull();
  });
});

test("an identity the responder has no profile for still completes phase 1 (profile matching is the caller's)", () => {
  const { pair } = phase1("aggressive", new IkePair(gatewayOptions({ identity: fqdnId("branch-17.customer.example") }), hostOptions()));
  expect(new TextDecoder().decode(pair.of("host", "phase1-up")[0]!.peerIdentity.data)).toBe("branch-17.customer.example");
});

describe("determinism", () => {
  function conversation(seed: number): string[] {
    const pair = new IkePair(gatewayOptions({ seed }), hostOptions({ seed }));
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    pair.run("gateway", pair.gateway.quickMode(pair.of("gateway", "phase1-up")[0]!.session, 0));
    return pair.wire.map((delivery) => hex(delivery.action.bytes));
  }

  test("the same seed gives the same bytes on the wire; another seed gives other bytes", () => {
    const first = conversation(11);
    expect(first).toHaveLength(9);
    expect(conversation(11)).toEqual(first);
    const other = conversation(12);
    expect(other).toHaveLength(9);
    other.forEach((bytes, index) => expect(bytes).not.toBe(first[index]));
  });

  test("the work is counted: one DH key pair and one g^xy per side, seven hashes per side in Main Mode, and the bytes through AES-CBC", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    const encrypted = (message: string) => pair.wire.find((delivery) => delivery.action.message === message)!.action.bytes.length - 28;
    // SKEYID, SKEYID_d, SKEYID_a, SKEYID_e, the first IV, HASH_I and HASH_R on each side.
    expect(pair.gatewayWork).toEqual({ modularExponentiations: 2, hashes: 7, cipherBytes: encrypted("MM5") + encrypted("MM6") });
    expect(pair.hostWork).toEqual({ modularExponentiations: 2, hashes: 7, cipherBytes: encrypted("MM5") + encrypted("MM6") });
  });
});
