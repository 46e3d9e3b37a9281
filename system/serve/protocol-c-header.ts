import { HEADER_BYTES, HEADER_FIELDS, MAX_DATA_BYTES, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES, type MessageName, MESSAGES, PROTOCOL_ERRORS, PROTOCOL_MAGIC, PROTOCOL_VERSION, WAIT_FOREVER, WAIT_FOREVER_FROM, fieldBytes } from "../../hw/spec/device-protocol.js";
import { layoutOf } from "./protocol-codec.js";

export const PROTOCOL_C_HEADER_PATH = "clients/c/nicsim_protocol.h";

const define = (name: string, value: number | string, comment?: string) => [...(comment ? [`/* ${comment} */`] : []), `#define ${name} ${typeof value === "number" ? `${value}u` : value}`];

/** clients/c/nicsim_protocol.h: message types, lengths and field offsets, as the device header names layouts (read with NICSIM_READ). */
export function protocolCHeader(): string {
  const lines = [
    "/*",
    " * The device protocol of `nicsim serve` (docs/device-protocol.md). Generated from",
    " * hw/spec/device-protocol.ts by `npm run protocol`: do not edit; a test fails when it is stale.",
    " *",
    " * NICSIM_MSG_<NAME> is a message type, NICSIM_MSG_<NAME>_FIXED_BYTES its length without its tail (its whole",
    " * length when it has none). A field is NICSIM_MSG_<NAME>_<FIELD>_OFFSET and _SIZE from the start of the",
    " * message, little-endian: read and write it with NICSIM_READ / NICSIM_WRITE (nicsim_device.h). A tail",
    " * (bytes or text to the end of the message) has _OFFSET, _MIN and _MAX.",
    " */",
    "#ifndef NICSIM_PROTOCOL_H",
    "#define NICSIM_PROTOCOL_H",
    "",
    '#include "nicsim_device.h"',
    "",
    "#ifdef __cplusplus",
    'extern "C" {',
    "#endif",
    "",
    ...define("NICSIM_PROTOCOL_MAGIC", `0x${PROTOCOL_MAGIC.toString(16).toUpperCase()}u`, '"NSIM", HELLO.magic'),
    ...define("NICSIM_PROTOCOL_VERSION_MAJOR", PROTOCOL_VERSION.major),
    ...define("NICSIM_PROTOCOL_VERSION_MINOR", PROTOCOL_VERSION.minor),
    ...define("NICSIM_MSG_HEADER_BYTES", HEADER_BYTES),
    ...HEADER_FIELDS.flatMap((field, index) => [...define(`NICSIM_MSG_HEADER_${field.name.toUpperCase()}_OFFSET`, index * 4, field.description), ...define(`NICSIM_MSG_HEADER_${field.name.toUpperCase()}_SIZE`, 4)]),
    ...define("NICSIM_MSG_MAX_BYTES", MAX_MESSAGE_BYTES, "The longest message"),
    ...define("NICSIM_MSG_MAX_DATA_BYTES", MAX_DATA_BYTES, "The most data bytes in one memory message"),
    ...define("NICSIM_MSG_MAX_TEXT_BYTES", MAX_TEXT_BYTES, "The longest text field"),
    ...define("NICSIM_WAIT_FOREVER", `UINT64_C(0x${WAIT_FOREVER.toString(16).toUpperCase()})`, "A WAIT duration or WAIT_INTERRUPT timeout without a limit (nicsim_wait, nicsim_wait_interrupt)"),
    ...define("NICSIM_WAIT_FOREVER_FROM", `UINT64_C(${WAIT_FOREVER_FROM})`, "Durations and timeouts from here up (2^53 ps) have no limit either"),
    "",
  ];
  for (const spec of MESSAGES) {
    const layout = layoutOf(spec.name);
    const prefix = `NICSIM_MSG_${spec.name}`;
    lines.push(`/* ${spec.name} (${spec.kind}): ${spec.description} */`);
    lines.push(...define(prefix, `0x${spec.code.toString(16).toUpperCase().padStart(2, "0")}u`), ...define(`${prefix}_FIXED_BYTES`, layout.fixedBytes));
    for (const { field, offset } of layout.fixed) {
      lines.push(...define(`${prefix}_${field.name.toUpperCase()}_OFFSET`, offset, field.description), ...define(`${prefix}_${field.name.toUpperCase()}_SIZE`, fieldBytes(field.type as "u8")));
    }
    if (layout.tail) {
      const { field, offset } = layout.tail;
      const [minimum, maximum] = field.lengths ?? [0, MAX_DATA_BYTES];
      lines.push(...define(`${prefix}_${field.name.toUpperCase()}_OFFSET`, offset, `${field.description} (${field.type}, to the end of the message)`));
      lines.push(...define(`${prefix}_${field.name.toUpperCase()}_MIN`, minimum), ...define(`${prefix}_${field.name.toUpperCase()}_MAX`, maximum));
    }
    lines.push("");
  }
  lines.push("/* Protocol error codes (ERROR.code) */");
  for (const error of PROTOCOL_ERRORS) lines.push(...define(`NICSIM_PROTOCOL_ERROR_${error.name}`, error.code, error.description));
  lines.push("", ...lengthFunctions(), "", "#ifdef __cplusplus", "}", "#endif", "", "#endif /* NICSIM_PROTOCOL_H */", "");
  return lines.join("\n");
}

/** Each type's fixed length and longest tail, for a client that checks what it is sent (and what it sends) against the table. */
function lengthFunctions(): string[] {
  const tailMaximum = (name: MessageName) => {
    const tail = layoutOf(name).tail;
    return tail ? `NICSIM_MSG_${name}_${tail.field.name.toUpperCase()}_MAX` : "0u";
  };
  return [
    "/* The fixed length of a message type (header and fixed fields: its whole length without a tail), or 0 for a type no message has. */",
    "static inline uint32_t nicsim_msg_fixed_bytes(uint32_t type) {",
    "  switch (type) {",
    ...MESSAGES.map((spec) => `  case NICSIM_MSG_${spec.name}: return NICSIM_MSG_${spec.name}_FIXED_BYTES;`),
    "  default: return 0u;",
    "  }",
    "}",
    "",
    "/* The longest tail (bytes or text to the end of the message) a message type has: 0 for one without a tail. */",
    "static inline uint32_t nicsim_msg_tail_max(uint32_t type) {",
    "  switch (type) {",
    ...MESSAGES.map((spec) => `  case NICSIM_MSG_${spec.name}: return ${tailMaximum(spec.name)};`),
    "  default: return 0u;",
    "  }",
    "}",
  ];
}
