import { formatIpv4, type Ipv4Address } from "../packet/ipv4.js";
import { type EspSaParameters, hexSpi } from "./esp.js";
import { writeWholeFile } from "../output-files.js";

export interface CapturedSa {
  readonly sa: EspSaParameters;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
}

const ENCRYPTION: Record<number, string> = {
  8: "AES-GCM with 8 octet ICV [RFC4106]",
  12: "AES-GCM with 12 octet ICV [RFC4106]",
  16: "AES-GCM with 16 octet ICV [RFC4106]",
};

/**
 * One record of Wireshark's `esp_sa` table (Protocol, Src IP, Dest IP, SPI, Encryption,
 * Encryption Key, Authentication, Authentication Key). It holds the key and salt: this is the
 * one place where they leave the model, on request, for the user's own decryption.
 */
export function espSaRecord({ sa, source, destination }: CapturedSa): string {
  const key = `0x${Buffer.from(sa.keyMaterial).toString("hex")}`;
  return [`"IPv4"`, `"${formatIpv4(source)}"`, `"${formatIpv4(destination)}"`, `"${hexSpi(sa.spi)}"`, `"${ENCRYPTION[sa.icvLength]}"`, `"${key}"`, `"NULL"`, `""`].join(",");
}

/** Write the `esp_sa` file (copy it into a Wireshark profile, or pass its lines with `-o uat:esp_sa:<line>`). */
export function writeEspSaFile(path: string, sas: readonly CapturedSa[]): void {
  // A line per SA, each ended: no empty line where there is none.
  writeWholeFile(path, `# Wireshark ESP SAs written by nicsim: these lines hold keys.\n${espSaLines(sas).map((line) => `${line}\n`).join("")}`, { secret: true });
}

/**
 * The records, each later key of one SPI and address pair (an SA replaced in place with another
 * key through the device's registers, or a serve client giving the NIC and the peer different
 * keys for one SPI) after a comment saying so: Wireshark decrypts with the
 * first line that matches, and the frames sent under the later key showed as ICV failures without
 * a word (from a driver developer's check).
 */
export function espSaLines(sas: readonly CapturedSa[]): string[] {
  const seen = new Set<string>();
  return sas.flatMap((captured) => {
    const pair = `${hexSpi(captured.sa.spi)} from ${formatIpv4(captured.source)} to ${formatIpv4(captured.destination)}`;
    if (!seen.has(pair)) {
      seen.add(pair);
      return [espSaRecord(captured)];
    }
    return [`# SPI ${pair} has another key above (the SA was given a second key: replaced in place, or a key of its own at each end): Wireshark decrypts with the first line that matches; move this one first to read the frames sent under it`, espSaRecord(captured)];
  });
}
