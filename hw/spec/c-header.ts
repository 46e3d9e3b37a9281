import { DESCRIPTOR_BYTES, type DescriptorField, RX_DESCRIPTOR_FIELDS, RX_WRITE_BACK, TX_DESCRIPTOR_FIELDS, TX_WRITE_BACK } from "./descriptors.js";
import { ERROR_DESCRIPTIONS, ErrorCode, type ErrorCodeName, FieldCode, NO_INDEX, NO_QUEUE } from "./errors.js";
import { instanceLetter, MAX_QUEUES, MAX_RECEIVE_BUFFER, MAX_RING_DESCRIPTORS, REGISTER_MAP_END, REGISTERS, RING_ALIGNMENT, type RegisterField, type RegisterSpec, SA_QOS_MAP_WORDS, SA_STAGE_WORDS } from "./registers.js";
import { DEVICE_DROP_REASONS, DROP_REASON_CODE, DROP_REASON_COUNT, type DeviceDropReason } from "./drop-reasons.js";
import { SA_RECORD_ALIGNMENT, SA_RECORD_BYTES, SA_RECORD_FIELDS, SA_RECORD_MAGIC } from "./sa-record.js";

/** Where clients/c/nicsim_device.h lives, from the repository's root. */
export const C_HEADER_PATH = "clients/c/nicsim_device.h";

const hex = (value: number, digits = 4): string => `0x${value.toString(16).toUpperCase().padStart(digits, "0")}`;
/** An unsigned C constant in hex. */
const literal = (value: number, digits = 4): string => `${hex(value, digits)}u`;

/** A comment's text, kept to one line and unable to end the comment early. */
const comment = (text: string): string => `/* ${text.replace(/\*\//g, "* /").replace(/\s+/g, " ")} */`;

/** Collects #defines, refusing a name given twice (two tables naming the same thing differently would hide a mistake). */
class Definitions {
  private readonly names = new Set<string>();
  readonly lines: string[] = [];

  define(name: string, value: string): void {
    if (this.names.has(name)) throw new Error(`C header: NICSIM_${name} defined twice`);
    this.names.add(name);
    this.lines.push(`#define NICSIM_${name} ${value}`);
  }

  text(line: string): void {
    this.lines.push(line);
  }
}

/** A bit field as SHIFT, WIDTH and MASK (in place), BIT for one-bit fields, and its named values (not shifted). */
function bitField(out: Definitions, prefix: string, field: RegisterField): void {
  const mask = ((2 ** field.width - 1) * 2 ** field.bit) >>> 0;
  out.text(comment(`${prefix}.${field.name}: ${field.description}`));
  out.define(`${prefix}_${field.name}_SHIFT`, `${field.bit}u`);
  out.define(`${prefix}_${field.name}_WIDTH`, `${field.width}u`);
  out.define(`${prefix}_${field.name}_MASK`, literal(mask, 8));
  if (field.width === 1) out.define(`${prefix}_${field.name}_BIT`, literal(mask, 8));
  for (const [name, value] of Object.entries(field.values ?? {})) out.define(`${prefix}_${field.name}_${name}`, `${value}u`);
}

function register(out: Definitions, spec: RegisterSpec): void {
  out.text("");
  if (spec.stride === undefined) {
    out.text(comment(`${spec.name} (${spec.access}, reset ${hex(spec.reset, 1)}): ${spec.description}`));
    out.define(spec.name, literal(spec.offset));
  } else {
    const index = instanceLetter(spec);
    out.text(comment(`${spec.name}[${index}] (${spec.access}, reset ${hex(spec.reset, 1)}): ${spec.description}`));
    out.define(`${spec.name}_STRIDE`, literal(spec.stride, 2));
    out.define(`${spec.name}(${index})`, `(${literal(spec.offset)} + ${literal(spec.stride, 2)} * (uint32_t)(${index}))`);
  }
  for (const field of spec.fields ?? []) bitField(out, spec.name, field);
}

/** A byte layout: each field's OFFSET and SIZE, its bit fields and named values, and asserts that the fields fit and do not overlap. */
function layout(out: Definitions, prefix: string, title: string, bytesName: string, fields: readonly DescriptorField[]): void {
  out.text("");
  out.text(comment(title));
  const ordered = [...fields].sort((a, b) => a.offset - b.offset);
  for (const field of ordered) {
    out.text(comment(`${prefix}.${field.name}, bytes ${field.offset}..${field.offset + field.bytes - 1}: ${field.description}`));
    out.define(`${prefix}_${field.name}_OFFSET`, `${field.offset}u`);
    out.define(`${prefix}_${field.name}_SIZE`, `${field.bytes}u`);
    for (const bits of field.bits?.list ?? []) bitField(out, `${prefix}_${field.name}`, bits);
    for (const [name, value] of Object.entries(field.values ?? {})) out.define(`${prefix}_${field.name}_${name}`, `${value}u`);
  }
  for (const [index, field] of ordered.entries()) {
    const end = `NICSIM_${prefix}_${field.name}_OFFSET + NICSIM_${prefix}_${field.name}_SIZE`;
    const next = ordered[index + 1];
    if (next) out.text(`NICSIM_STATIC_ASSERT(${end} <= NICSIM_${prefix}_${next.name}_OFFSET, "${prefix}.${field.name} overlaps ${next.name}");`);
    else out.text(`NICSIM_STATIC_ASSERT(${end} <= NICSIM_${bytesName}, "${prefix}.${field.name} ends past the layout");`);
  }
}

function codes(out: Definitions, prefix: string, table: Readonly<Record<string, number>>, describe: (name: string) => string | undefined): void {
  for (const [name, code] of Object.entries(table)) {
    const description = describe(name);
    if (description) out.text(comment(description));
    out.define(`${prefix}_${name}`, `${code}u`);
  }
}

const PREAMBLE = [
  "/*",
  " * The nicsim NIC's device interface: register offsets and fields, descriptor and SA record layouts,",
  " * error and field codes. Generated from hw/spec by `npm run c-header` (`nicsim c-header`): do not",
  " * edit; a test fails when this file is not what hw/spec generates.",
  " *",
  " * Names: NICSIM_<REGISTER> is an offset in BAR0; a register with one instance per queue (q), vector (v)",
  " * or word (w) is NICSIM_<REGISTER>(index) with NICSIM_<REGISTER>_STRIDE. A bit field F of a register or",
  " * of a layout's field has NICSIM_<..>_F_SHIFT, _WIDTH and _MASK (in place), _BIT when one bit wide, and",
  " * NICSIM_<..>_F_<VALUE> for its named values (field values, not shifted: use NICSIM_FIELD_PREP).",
  " * A layout field has NICSIM_<LAYOUT>_<FIELD>_OFFSET and _SIZE (bytes, little-endian): read and write it",
  " * with NICSIM_READ / NICSIM_WRITE. Error codes are NICSIM_ERROR_CODE_<NAME>, field codes",
  " * NICSIM_FIELD_CODE_<NAME>.",
  " */",
  "#ifndef NICSIM_DEVICE_H",
  "#define NICSIM_DEVICE_H",
  "",
  "#include <stdint.h>",
  "",
  comment("C++ includes this header too: its static_assert is C11's _Static_assert, and the functions keep C linkage."),
  "#ifdef __cplusplus",
  "#define NICSIM_STATIC_ASSERT(condition, message) static_assert(condition, message)",
  'extern "C" {',
  "#else",
  "#define NICSIM_STATIC_ASSERT(condition, message) _Static_assert(condition, message)",
  "#endif",
  "",
  comment("The value of bit field FIELD (a name without NICSIM_ and _SHIFT/_MASK) in a register or field value."),
  "#define NICSIM_FIELD_GET(FIELD, value) ((((uint32_t)(value)) & NICSIM_##FIELD##_MASK) >> NICSIM_##FIELD##_SHIFT)",
  comment("A field value put in place for FIELD (bits beyond its width are dropped)."),
  "#define NICSIM_FIELD_PREP(FIELD, value) ((((uint32_t)(value)) << NICSIM_##FIELD##_SHIFT) & NICSIM_##FIELD##_MASK)",
  comment("Read or write layout field FIELD (a name without NICSIM_ and _OFFSET/_SIZE) of an image in memory."),
  "#define NICSIM_READ(image, FIELD) nicsim_read_le((image), NICSIM_##FIELD##_OFFSET, NICSIM_##FIELD##_SIZE)",
  "#define NICSIM_WRITE(image, FIELD, value) nicsim_write_le((image), NICSIM_##FIELD##_OFFSET, NICSIM_##FIELD##_SIZE, (value))",
  "",
  comment("The little-endian value of `size` bytes (at most 8) at `offset` of an image."),
  "static inline uint64_t nicsim_read_le(const uint8_t *image, uint32_t offset, uint32_t size) {",
  "  uint64_t value = 0;",
  "  for (uint32_t index = size; index > 0; index--) value = (value << 8) | image[offset + index - 1];",
  "  return value;",
  "}",
  "",
  comment("Write `value` little-endian into `size` bytes (at most 8) at `offset` of an image."),
  "static inline void nicsim_write_le(uint8_t *image, uint32_t offset, uint32_t size, uint64_t value) {",
  "  for (uint32_t index = 0; index < size; index++) image[offset + index] = (uint8_t)(value >> (8 * index));",
  "}",
];

/** A function giving the name of a code of `table`, or 0 for an unknown one. */
function nameFunction(name: string, what: string, table: Readonly<Record<string, number>>): string[] {
  const cases = Object.entries(table).map(([named, code]) => `  case ${code}u: return "${named}";`);
  return [
    "",
    comment(`The name of ${what}, or 0 for an unknown code.`),
    `static inline const char *${name}(uint32_t code) {`,
    "  switch (code) {",
    ...cases,
    "  default: return (const char *)0;",
    "  }",
    "}",
  ];
}

/** clients/c/nicsim_device.h: everything a C driver needs of hw/spec, from the tables the model and the datasheet use. */
export function cHeader(): string {
  const out = new Definitions();
  out.text("");
  out.text(comment("Limits of the register map and rings"));
  out.define("MAX_QUEUES", `${MAX_QUEUES}u`);
  out.define("RING_ALIGNMENT", `${RING_ALIGNMENT}u`);
  out.define("MAX_RING_DESCRIPTORS", `${MAX_RING_DESCRIPTORS}u`);
  out.define("REGISTER_MAP_END", `${hex(REGISTER_MAP_END)}u`);
  out.define("MAX_RECEIVE_BUFFER", `${MAX_RECEIVE_BUFFER}u`);
  out.define("SA_STAGE_WORDS", `${SA_STAGE_WORDS}u`);
  out.define("SA_QOS_MAP_WORDS", `${SA_QOS_MAP_WORDS}u`);
  out.define("DROP_REASON_COUNT", `${DROP_REASON_COUNT}u`);
  out.text("");
  out.text(comment("Register map (32-bit registers, little-endian), in offset order"));
  for (const spec of [...REGISTERS].sort((a, b) => a.offset - b.offset)) register(out, spec);

  out.text("");
  out.define("DESCRIPTOR_BYTES", `${DESCRIPTOR_BYTES}u`);
  layout(out, "TX_DESCRIPTOR", `TX descriptor (${DESCRIPTOR_BYTES} bytes), as the driver writes it; the device writes STATUS and ERROR back`, "DESCRIPTOR_BYTES", TX_DESCRIPTOR_FIELDS);
  layout(out, "RX_DESCRIPTOR", `RX descriptor (${DESCRIPTOR_BYTES} bytes): the driver writes BUFFER_ADDRESS, the device writes the rest back in one write`, "DESCRIPTOR_BYTES", RX_DESCRIPTOR_FIELDS);
  out.text(comment("The write-backs: the device writes these bytes of a descriptor in one write (TX: STATUS, ERROR and zeros; RX: all after BUFFER_ADDRESS)"));
  out.define("TX_WRITE_BACK_OFFSET", `${TX_WRITE_BACK.at}u`);
  out.define("TX_WRITE_BACK_BYTES", `${TX_WRITE_BACK.bytes}u`);
  out.define("RX_WRITE_BACK_OFFSET", `${RX_WRITE_BACK.at}u`);
  out.define("RX_WRITE_BACK_BYTES", `${RX_WRITE_BACK.bytes}u`);

  out.text("");
  out.text(comment(`SA record: ${SA_RECORD_BYTES} bytes in host memory, ${SA_RECORD_ALIGNMENT}-byte aligned; also the image staged in SA_STAGE`));
  out.define("SA_RECORD_BYTES", `${SA_RECORD_BYTES}u`);
  out.define("SA_RECORD_ALIGNMENT", `${SA_RECORD_ALIGNMENT}u`);
  out.define("SA_RECORD_MAGIC", literal(SA_RECORD_MAGIC, 8));
  layout(out, "SA_RECORD", "SA record fields", "SA_RECORD_BYTES", SA_RECORD_FIELDS);
  out.text(`NICSIM_STATIC_ASSERT(NICSIM_SA_RECORD_BYTES == 4u * NICSIM_SA_STAGE_WORDS, "an SA record fills SA_STAGE");`);

  out.text("");
  out.text(comment("Error codes (ERRLOG_CODE, descriptor ERROR, SA_STATUS.CODE)"));
  codes(out, "ERROR_CODE", ErrorCode, (name) => ERROR_DESCRIPTIONS[name as ErrorCodeName]);
  out.text("");
  out.text(comment("Drop reasons (DROP_COUNT(r))"));
  codes(out, "DROP_REASON", DROP_REASON_CODE, (name) => DEVICE_DROP_REASONS[name as DeviceDropReason]);
  out.text("");
  out.text(comment("Field codes (ERRLOG_LOCATION.FIELD)"));
  codes(out, "FIELD_CODE", FieldCode, () => undefined);
  out.text(comment("ERRLOG_LOCATION.QUEUE and ERRLOG_INDEX when no queue or descriptor is involved"));
  out.define("NO_QUEUE", literal(NO_QUEUE, 2));
  out.define("NO_INDEX", literal(NO_INDEX, 8));

  const names = [
    ...nameFunction("nicsim_error_name", "an error code (ERRLOG_CODE, a descriptor's ERROR byte, SA_STATUS.CODE)", ErrorCode),
    ...nameFunction("nicsim_drop_reason_name", "a drop reason (DROP_COUNT's index)", DROP_REASON_CODE),
  ];
  return [...PREAMBLE, ...out.lines, ...names, "", "#ifdef __cplusplus", "}", "#endif", "", "#endif /* NICSIM_DEVICE_H */", ""].join("\n");
}
