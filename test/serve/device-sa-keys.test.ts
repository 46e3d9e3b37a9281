import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { encodeSaRecord, SA_DIRECTION_OUTBOUND } from "../../hw/spec/sa-record.js";
import { stageWords } from "../../hw/spec/sa-stage.js";
import { LoopbackClient } from "./loopback-client.js";

const KEY = Uint8Array.from({ length: 16 }, (_, index) => 0xc0 + index);
const SALT = Uint8Array.of(0x51, 0xa7, 0xb0, 0x0b);

/** From an auditor's check: the key staged for an install could be read back over the protocol, and an SA the NIC alone was given was missing from the key file. */
test("an SA installed through SA_STAGE cannot be read back (a read is 0 and a WRITE_ONLY_REGISTER error), and goes into the key file beside the capture though the peer was never given it", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-device-sa-"));
  const client = new LoopbackClient({ name: "keys", directory, pcap: true });
  client.hello();
  const record = encodeSaRecord({ uniqueId: 7, protocol: 50, direction: SA_DIRECTION_OUTBOUND, spi: 0x1001, esn: false, qosGroup: null, icvLength: 16, keyMaterial: Uint8Array.of(...KEY, ...SALT), source: Uint8Array.of(192, 0, 2, 1, ...new Array(12).fill(0)), destination: Uint8Array.of(192, 0, 2, 2, ...new Array(12).fill(0)) });
  stageWords(record).forEach((value, word) => client.send("MMIO_WRITE", { offset: R.SA_STAGE(word), value }));
  client.send("MMIO_WRITE", { offset: R.SA_COMMAND, value: R.SA_COMMAND_FIELDS.pack({ INDEX: 0, DIRECTION: 0, OPERATION: R.SA_COMMAND_FIELDS.OPERATION.values.INSTALL }) });
  for (const word of [5, 8]) expect(client.request("MMIO_READ", { offset: R.SA_STAGE(word) })).toMatchObject({ name: "MMIO_READ_REPLY", values: { value: 0 } });
  expect(client.request("MMIO_READ", { offset: R.SA_STATUS })).toMatchObject({ name: "MMIO_READ_REPLY" });
  client.request("GOODBYE", {});
  expect(client.run.design.top.nic.diagnostics.filter((diagnostic) => diagnostic.code === "WRITE_ONLY_REGISTER")).toHaveLength(2);
  expect(client.run.design.top.nic.offload.cache.counts.installs).toBe(1);
  // No reply carried a key or salt byte.
  const replies = JSON.stringify(client.received);
  for (const secret of [SALT, KEY.subarray(0, 4)]) expect(replies).not.toContain(String(Buffer.from(secret).readUInt32LE(0)));
  const file = join(directory, "keys.esp_sa");
  expect(readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith('"'))).toEqual([
    `"IPv4","192.0.2.1","192.0.2.2","0x00001001","AES-GCM with 16 octet ICV [RFC4106]","0x${Buffer.from(KEY).toString("hex")}${Buffer.from(SALT).toString("hex")}","NULL",""`,
  ]);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test("given the peer another key for an SA the NIC encrypts with, the key file lists the NIC's first (Wireshark takes an SPI's first line): the frames decrypt as sent (a check of the fixes: none did)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-device-sa-"));
  const client = new LoopbackClient({ name: "keys", directory, pcap: true });
  client.hello();
  const wrong = Uint8Array.of(...KEY.map((byte) => byte ^ 0xff), ...SALT);
  client.send("PEER_SA", { spi: 0x1001, source: 0xc0000201, destination: 0xc0000202, direction: 0, icv_bytes: 16, key_material: wrong });
  const record = encodeSaRecord({ uniqueId: 7, protocol: 50, direction: SA_DIRECTION_OUTBOUND, spi: 0x1001, esn: false, qosGroup: null, icvLength: 16, keyMaterial: Uint8Array.of(...KEY, ...SALT), source: Uint8Array.of(192, 0, 2, 1, ...new Array(12).fill(0)), destination: Uint8Array.of(192, 0, 2, 2, ...new Array(12).fill(0)) });
  stageWords(record).forEach((value, word) => client.send("MMIO_WRITE", { offset: R.SA_STAGE(word), value }));
  client.send("MMIO_WRITE", { offset: R.SA_COMMAND, value: R.SA_COMMAND_FIELDS.pack({ INDEX: 0, DIRECTION: 0, OPERATION: R.SA_COMMAND_FIELDS.OPERATION.values.INSTALL }) });
  // The status read flushes the posted writes, as a driver's does after a command.
  client.request("MMIO_READ", { offset: R.SA_STATUS });
  client.request("GOODBYE", {});
  const keys = readFileSync(join(directory, "keys.esp_sa"), "utf8").split("\n").filter((line) => line.startsWith('"')).map((line) => line.split(",")[5]);
  expect(keys).toEqual([`"0x${Buffer.from(KEY).toString("hex")}${Buffer.from(SALT).toString("hex")}"`, `"0x${Buffer.from(wrong).toString("hex")}"`]);
});

// From an outside check: a run without SAs wrote no key file, and an earlier run's of the same name, holding other keys, was left beside the new capture.
test("a run whose client gave no SA writes its key file all the same, holding none: no earlier run's keys are left beside its capture", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-device-sa-"));
  writeFileSync(join(directory, "keys.esp_sa"), '"IPv4","192.0.2.1","192.0.2.2","0x00001001","AES-GCM with 16 octet ICV [RFC4106]","0xc0c1c2c3c4c5c6c7c8c9cacbcccdcecf51a7b00b","NULL",""\n');
  const client = new LoopbackClient({ name: "keys", directory, pcap: true });
  client.hello();
  client.request("GOODBYE", {});
  expect(readFileSync(join(directory, "keys.esp_sa"), "utf8")).toBe("# Wireshark ESP SAs written by nicsim: these lines hold keys.\n");
  expect(client.result!.summary.files).toContain("keys.esp_sa");
});
