import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { writeIkev1DecryptionTable } from "../../sim/ike/wireshark-ikev1-table.js";
import { writeEspSaFile } from "../../sim/ipsec/wireshark-esp-sa.js";

// From an outside check: with no phase 1 up, the table was its comment and an empty line, and the README's recipe
// (`grep -v '^#'` into `-o uat:ikev1_decryption_table:<line>`) made tshark refuse `uat:ikev1_decryption_table:` and show nothing.
test("the key files have no empty line, with no entry or several: each line the README's recipes pass to tshark is a record", () => {
  const folder = mkdtempSync(join(tmpdir(), "nicsim-key-files-"));
  const lines = (name: string) => readFileSync(join(folder, name), "utf8").split("\n");
  writeIkev1DecryptionTable(join(folder, "none.ikev1_decryption_table"), []);
  expect(lines("none.ikev1_decryption_table")).toEqual(["# Wireshark IKEv1 decryption table written by nicsim: these lines hold keys.", ""]);
  const entry = { initiatorCookie: new Uint8Array(8).fill(1), encryptionKey: new Uint8Array(16).fill(2) };
  writeIkev1DecryptionTable(join(folder, "two.ikev1_decryption_table"), [entry, entry]);
  const records = lines("two.ikev1_decryption_table").slice(1);
  expect(records).toEqual([`${"01".repeat(8)},${"02".repeat(16)}`, `${"01".repeat(8)},${"02".repeat(16)}`, ""]);
  writeEspSaFile(join(folder, "none.esp_sa"), []);
  expect(lines("none.esp_sa")).toEqual(["# Wireshark ESP SAs written by nicsim: these lines hold keys.", ""]);
});
