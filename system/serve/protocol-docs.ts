import { HEADER_BYTES, HEADER_FIELDS, MAX_DATA_BYTES, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES, MESSAGES, type MessageKind, PROTOCOL_ERRORS, PROTOCOL_MAGIC, PROTOCOL_VERSION, type FieldSpec, fieldBytes, WAIT_FOREVER } from "../../hw/spec/device-protocol.js";
import { type FieldLayout, layoutOf } from "./protocol-codec.js";
import { PROTOCOL_PREFACE } from "./protocol-preface.js";

export const PROTOCOL_DOCS_PATH = "docs/device-protocol.md";

const hex = (value: number, digits = 2) => `0x${value.toString(16).padStart(digits, "0")}`;

/** What a field may hold, in words. */
function allowed(field: FieldSpec): string {
  if (field.unbounded) return "any; from 2^53 no limit";
  if (field.choices) return field.choices.join(", ");
  if (field.range) return field.range[0] === field.range[1] ? hex(field.range[0], 8) : `${field.range[0]} to ${field.range[1]}`;
  if (field.lengthChoices) return `${field.lengthChoices.join(" or ")} bytes`;
  if (field.lengths) return `${field.lengths[0]} to ${field.lengths[1]} bytes`;
  return "any";
}

function row({ field, offset }: FieldLayout): string {
  const size = field.type === "bytes" || field.type === "text" ? "rest" : String(fieldBytes(field.type));
  return `| ${offset} | ${size} | ${field.name} | ${field.type} | ${allowed(field)} | ${field.description} |`;
}

const KIND_WORDS: Record<MessageKind, string> = {
  request: "request (client → server; the client waits for the reply)",
  posted: "posted (client → server; no reply)",
  reply: "reply (server → client)",
  notification: "notification (server → client, before a reply)",
  error: "error (server → client; the last message)",
};

/** docs/device-protocol.md: the hand-written rules, then every message's layout from the table. */
export function protocolMarkdown(): string {
  const lines = [
    "# The device protocol of `nicsim serve`",
    "",
    `Version ${PROTOCOL_VERSION.major}.${PROTOCOL_VERSION.minor}. Generated from \`hw/spec/device-protocol.ts\` by \`npm run protocol\`, which also writes`,
    "`clients/c/nicsim_protocol.h` and `clients/python/nicsim_protocol.py` from the same table; a test keeps all three current.",
    "",
    PROTOCOL_PREFACE,
    "## Header",
    "",
    `Every message starts with these ${HEADER_BYTES} bytes; a message is ${HEADER_BYTES} to ${MAX_MESSAGE_BYTES} bytes long. Magic: ${hex(PROTOCOL_MAGIC, 8)} ("NSIM");`,
    `data fields carry at most ${MAX_DATA_BYTES} bytes, text fields at most ${MAX_TEXT_BYTES}. A u64 field holds at most 2^53 - 1 (simulated time is exact to`,
    `2^53 ps), except the durations of WAIT and WAIT_INTERRUPT, where any value from 2^53 up, or one that would end past 2^53 - 1 ps,`,
    `means no limit: WAIT_FOREVER is 0x${WAIT_FOREVER.toString(16)} (\`NICSIM_WAIT_FOREVER\` in C, \`WAIT_FOREVER\` in Python).`,
    "",
    "| offset | bytes | field | type | description |",
    "| --- | --- | --- | --- | --- |",
    ...HEADER_FIELDS.map((field, index) => `| ${index * 4} | 4 | ${field.name} | ${field.type} | ${field.description} |`),
    "",
    "## Messages",
    "",
    "| type | message | kind | length | reply |",
    "| --- | --- | --- | --- | --- |",
    ...MESSAGES.map((spec) => {
      const layout = layoutOf(spec.name);
      const length = layout.tail ? `${layout.fixedBytes} + ${layout.tail.field.name}` : String(layout.fixedBytes);
      return `| ${hex(spec.code)} | [${spec.name}](#${spec.name.toLowerCase()}) | ${spec.kind} | ${length} | ${"reply" in spec ? spec.reply : ""} |`;
    }),
    "",
  ];
  for (const spec of MESSAGES) {
    const layout = layoutOf(spec.name);
    lines.push(`### ${spec.name}`, "", `Type ${hex(spec.code)}, ${KIND_WORDS[spec.kind]}${"reply" in spec ? `, answered by ${spec.reply}` : ""}. ${spec.description}`, "");
    const fields = [...layout.fixed, ...(layout.tail ? [layout.tail] : [])];
    if (fields.length === 0) lines.push(`No fields: the header alone (${layout.fixedBytes} bytes).`, "");
    else lines.push("| offset | bytes | field | type | allowed | description |", "| --- | --- | --- | --- | --- | --- |", ...fields.map(row), "");
  }
  lines.push("## Protocol error codes (ERROR.code)", "", "| code | name | meaning |", "| --- | --- | --- |", ...PROTOCOL_ERRORS.map((error) => `| ${error.code} | ${error.name} | ${error.description} |`), "");
  return lines.join("\n");
}
