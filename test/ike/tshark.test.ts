import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { identity } from "../../driver/intermediate/identity.js";
import { identityToIdPayload } from "../../driver/intermediate/identity-payload.js";
import type { IkeHashAlgorithm } from "../../sim/ike/ike-crypto.js";
import type { IdPayload } from "../../sim/ike/ike-types.js";
import { writeIkev1DecryptionTable } from "../../sim/ike/wireshark-ikev1-table.js";
import { macAddress } from "../../sim/packet/ethernet.js";
import { PcapWriter } from "../../sim/packet/pcap.js";
import { ipv4Address, udpFrame, UDP_FRAME_OVERHEAD } from "../../sim/packet/udp-frame.js";
import { requireTool } from "../support/tools.js";
import { gatewayOptions, GATEWAY_ADDRESS, HOST_ADDRESS, hostOptions, IkePair } from "./ike-pair.js";

const subnet = (a: number, b: number) => ({ type: 4, protocolId: 0, port: 0, data: Uint8Array.of(10, a, b, 0, 255, 255, 255, 0) });

/** A whole conversation: phase 1, a quick mode with IDci/IDcr, an ESP delete and an ISAKMP delete, as UDP 500 frames. */
function capture(mode: "main" | "aggressive", hash: IkeHashAlgorithm, gatewayIdentity?: IdPayload): { folder: string; pair: IkePair } {
  const folder = mkdtempSync(join(tmpdir(), `nicsim-ike-${mode}-`));
  const pair = new IkePair(gatewayOptions({ hash, ...(gatewayIdentity ? { identity: gatewayIdentity } : {}) }), hostOptions());
  pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, mode, 0));
  const up = pair.of("gateway", "phase1-up")[0]!;
  pair.run("gateway", pair.gateway.quickMode(up.session, 0, { local: subnet(1, 2), remote: subnet(3, 4) }));
  pair.run("gateway", pair.gateway.deleteEsp(up.session, [0x1000], 0));
  pair.run("gateway", pair.gateway.deleteIsakmp(up.session, 0));
  const pcap = new PcapWriter(join(folder, "ike.pcap"));
  pair.wire.forEach((delivery, index) => {
    const fromGateway = delivery.from === "gateway";
    const frame = udpFrame({
      destination: macAddress("02:00:00:00:00:01"),
      source: macAddress("02:00:00:00:00:02"),
      sourceIp: ipv4Address(fromGateway ? GATEWAY_ADDRESS : HOST_ADDRESS),
      destinationIp: ipv4Address(fromGateway ? HOST_ADDRESS : GATEWAY_ADDRESS),
      sourcePort: 500,
      destinationPort: 500,
      dscp: 0,
      frameLength: UDP_FRAME_OVERHEAD + delivery.action.bytes.length,
      fill: (payload) => payload.set(delivery.action.bytes),
    });
    pcap.record(index * 1_000_000, frame);
  });
  pcap.close();
  writeIkev1DecryptionTable(join(folder, "ikev1_decryption_table"), [up]);
  return { folder, pair };
}

const FIELDS = ["isakmp.exchangetype", "isakmp.id.data.ipv4_addr", "isakmp.hash", "isakmp.trans.id", "isakmp.delete.spi", "_ws.malformed", "_ws.expert.severity"];
/** Wireshark's PI_ERROR severity. */
const SEVERITY_ERROR = String(0x00800000);

function dissect(folder: string, table: readonly string[]): string[][] {
  const result = spawnSync(
    "tshark",
    ["-r", join(folder, "ike.pcap"), ...table.flatMap((line) => ["-o", `uat:ikev1_decryption_table:${line}`]), "-T", "fields", ...FIELDS.flatMap((field) => ["-e", field])],
    { encoding: "utf8" },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.replace(/\n$/, "").split("\n").map((line) => line.split("\t"));
}

function tableLines(folder: string): string[] {
  return readFileSync(join(folder, "ikev1_decryption_table"), "utf8").split("\n").filter((line) => line !== "" && !line.startsWith("#"));
}

describe.runIf(requireTool("tshark", "tshark"))("tshark dissects and decrypts the IKEv1 exchanges with the table the model writes", () => {
  test.each(["sha256", "sha1"] as const)("Main Mode + Quick Mode + Deletes, hash %s", (hash) => {
    const { folder } = capture("main", hash);
    const rows = dissect(folder, tableLines(folder));
    expect(rows.map((row) => row[0])).toEqual(["2", "2", "2", "2", "2", "2", "32", "32", "32", "5", "5"]);
    for (const row of rows) {
      expect(row[5], "malformed").toBe("");
      expect(row[6]!.split(","), "expert severity").not.toContain(SEVERITY_ERROR);
    }
    // MM5 and MM6 decrypted: each side's identity; HASH_I and HASH_R present.
    expect(rows[4]![1]).toBe(GATEWAY_ADDRESS);
    expect(rows[5]![1]).toBe(HOST_ADDRESS);
    const hashBytes = hash === "sha256" ? 64 : 40;
    for (const index of [4, 5, 6, 7, 8, 9, 10]) expect(rows[index]![2], `HASH in frame ${index + 1}`).toHaveLength(hashBytes);
    // QM1 and QM2 decrypted: IDci/IDcr and the ESP_AES_GCM_16 transform.
    expect(rows[6]![1]).toBe("10.1.2.0,10.3.4.0");
    expect(rows[7]![1]).toBe("10.1.2.0,10.3.4.0");
    expect(rows[6]![3]).toBe("20");
    // The informational deletes decrypted: the ESP SPI and the cookies.
    expect(rows[9]![4]).toBe("00001000");
    expect(rows[10]![4]).toHaveLength(32);
  });

  test("Aggressive Mode + Quick Mode: the clear identities, the encrypted AM3 and the quick mode decrypted", () => {
    const { folder } = capture("aggressive", "sha256");
    const rows = dissect(folder, tableLines(folder));
    expect(rows.map((row) => row[0])).toEqual(["4", "4", "4", "32", "32", "32", "5", "5"]);
    for (const row of rows) {
      expect(row[5], "malformed").toBe("");
      expect(row[6]!.split(","), "expert severity").not.toContain(SEVERITY_ERROR);
    }
    expect(rows[0]![1]).toBe(GATEWAY_ADDRESS);
    expect(rows[1]![1]).toBe(HOST_ADDRESS);
    expect(rows[2]![2], "HASH_I in the encrypted AM3").toHaveLength(64);
    expect(rows[3]![1]).toBe("10.1.2.0,10.3.4.0");
    expect(rows[3]![3]).toBe("20");
  });

  test("an ID_DER_ASN1_DN identity given as text goes on the wire as DER: Wireshark reads its attributes (it showed nothing when the text itself was sent)", () => {
    const dn = identityToIdPayload(identity("ID_DER_ASN1_DN", "C=CH, O=Example Co+OU=Lab, UID=u1, CN=gw.example"));
    const { folder } = capture("aggressive", "sha256", dn);
    const result = spawnSync("tshark", ["-r", join(folder, "ike.pcap"), "-Y", "isakmp.id.type == 9", "-T", "fields", "-e", "x509if.oid", "-e", "x509sat.CountryName", "-e", "x509sat.printableString", "-e", "_ws.malformed"], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    // The multi-valued RDN's attributes in DER's order, by their encodings (the shorter OU=Lab first); UID a UTF8String; nothing malformed.
    expect(result.stdout.split("\n")[0]).toBe("2.5.4.6,2.5.4.11,2.5.4.10,0.9.2342.19200300.100.1.1,2.5.4.3\tCH\tLab,Example Co,gw.example\t");
  });

  test("without the right key nothing encrypted is readable (the check above depends on decryption)", () => {
    const { folder } = capture("main", "sha256");
    const [cookie] = tableLines(folder)[0]!.split(",");
    const rows = dissect(folder, [`${cookie},${"00".repeat(16)}`]);
    expect(rows[4]![1]).toBe("");
    expect(rows[6]![1]).toBe("");
  });
});
