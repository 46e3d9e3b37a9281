import { writeWholeFile } from "../output-files.js";

/** What Wireshark needs to decrypt one IKEv1 SA: it derives the IVs itself from the KE payloads. */
export interface Ikev1DecryptionEntry {
  readonly initiatorCookie: Uint8Array;
  readonly encryptionKey: Uint8Array;
}

/**
 * One record of Wireshark's `ikev1_decryption_table` (Initiator's COOKIE, Encryption Key): both
 * are byte fields, written as bare hex (tshark refuses them quoted). It holds the phase-1 key:
 * this is the one place where it leaves the model, on request.
 */
export function ikev1DecryptionRecord(entry: Ikev1DecryptionEntry): string {
  if (entry.initiatorCookie.length !== 8) throw new RangeError(`an initiator cookie is 8 bytes, not ${entry.initiatorCookie.length}`);
  return `${Buffer.from(entry.initiatorCookie).toString("hex")},${Buffer.from(entry.encryptionKey).toString("hex")}`;
}

/** Write the `ikev1_decryption_table` file (copy it into a Wireshark profile, or pass its lines with `-o uat:ikev1_decryption_table:<line>`). */
export function writeIkev1DecryptionTable(path: string, entries: readonly Ikev1DecryptionEntry[]): void {
  // A line per entry, each ended: with none, an empty line made the README's tshark recipe fail (`-o uat:ikev1_decryption_table:`; from an outside check).
  writeWholeFile(path, `# Wireshark IKEv1 decryption table written by nicsim: these lines hold keys.\n${entries.map((entry) => `${ikev1DecryptionRecord(entry)}\n`).join("")}`, { secret: true });
}
