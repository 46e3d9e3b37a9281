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
  writeWholeFile(path, `# Wireshark ESP SAs written by nicsim: these lines hold keys.\n${sas.map(espSaRecord).join("\n")}\n`, { secret: true });
}
