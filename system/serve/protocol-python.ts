import { HEADER_BYTES, MAX_DATA_BYTES, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES, MESSAGES, PROTOCOL_ERRORS, PROTOCOL_MAGIC, PROTOCOL_VERSION, WAIT_FOREVER, WAIT_FOREVER_FROM } from "../../hw/spec/device-protocol.js";
import { layoutOf } from "./protocol-codec.js";

export const PROTOCOL_PYTHON_PATH = "clients/python/nicsim_protocol.py";

const STRUCT_CODES = { u8: "B", u16: "H", u32: "I", u64: "Q" } as const;

/**
 * clients/python/nicsim_protocol.py: each message's type, its fixed fields as a struct format
 * (little-endian, no padding) with their names, and its tail, for the Python client's one
 * encoder and decoder.
 */
export function protocolPython(): string {
  const lines = [
    '"""The device protocol of `nicsim serve` (docs/device-protocol.md).',
    "",
    "Generated from hw/spec/device-protocol.ts by `npm run protocol`: do not edit; a test fails when it",
    "is stale. MESSAGES maps each name to (type, kind, fixed fields' struct format after the header,",
    "their names, the tail field's name or None, its kind ('bytes' or 'text' or None), reply name or None).",
    '"""',
    "",
    `MAGIC = 0x${PROTOCOL_MAGIC.toString(16).toUpperCase()}`,
    `VERSION_MAJOR = ${PROTOCOL_VERSION.major}`,
    `VERSION_MINOR = ${PROTOCOL_VERSION.minor}`,
    `HEADER_BYTES = ${HEADER_BYTES}`,
    'HEADER_FORMAT = "<II"',
    `MAX_MESSAGE_BYTES = ${MAX_MESSAGE_BYTES}`,
    `MAX_DATA_BYTES = ${MAX_DATA_BYTES}`,
    `MAX_TEXT_BYTES = ${MAX_TEXT_BYTES}`,
    "# A WAIT duration or WAIT_INTERRUPT timeout without a limit; any from WAIT_FOREVER_FROM (2^53 ps) up has none either.",
    `WAIT_FOREVER = 0x${WAIT_FOREVER.toString(16).toUpperCase()}`,
    `WAIT_FOREVER_FROM = ${WAIT_FOREVER_FROM}`,
    "",
    "MESSAGES = {",
  ];
  for (const spec of MESSAGES) {
    const layout = layoutOf(spec.name);
    const format = `<${layout.fixed.map(({ field }) => STRUCT_CODES[field.type as keyof typeof STRUCT_CODES]).join("")}`;
    const names = layout.fixed.map(({ field }) => `"${field.name}"`);
    const tail = layout.tail ? `"${layout.tail.field.name}", "${layout.tail.field.type}"` : "None, None";
    const reply = "reply" in spec ? `"${spec.reply}"` : "None";
    lines.push(`    "${spec.name}": (0x${spec.code.toString(16).padStart(2, "0")}, "${spec.kind}", "${format}", (${names.join(", ")}${names.length === 1 ? "," : ""}), ${tail}, ${reply}),`);
  }
  lines.push("}", "", "PROTOCOL_ERRORS = {");
  for (const error of PROTOCOL_ERRORS) lines.push(`    ${error.code}: "${error.name}",`);
  lines.push("}", "");
  return lines.join("\n");
}
