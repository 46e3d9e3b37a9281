import { DESCRIPTOR_BYTES, type DescriptorField, RX_DESCRIPTOR_FIELDS, RX_WRITE_BACK, TX_DESCRIPTOR_FIELDS, TX_WRITE_BACK } from "../../hw/spec/descriptors.js";
import { ErrorCode, FieldCode, NO_INDEX, NO_QUEUE } from "../../hw/spec/errors.js";
import { instanceCount, MAX_QUEUES, MAX_RECEIVE_BUFFER, MAX_RING_DESCRIPTORS, REGISTER_MAP_END, REGISTERS, RING_ALIGNMENT, SA_QOS_MAP_WORDS, SA_STAGE_WORDS } from "../../hw/spec/registers.js";
import { DROP_REASON_CODE, DROP_REASON_COUNT } from "../../hw/spec/drop-reasons.js";
import { SA_RECORD_ALIGNMENT, SA_RECORD_BYTES, SA_RECORD_FIELDS, SA_RECORD_MAGIC } from "../../hw/spec/sa-record.js";

export const DEVICE_PYTHON_PATH = "clients/python/nicsim_device.py";

const hex = (value: number) => `0x${value.toString(16).toUpperCase()}`;
const LAYOUTS = [
  ["TX_DESCRIPTOR", TX_DESCRIPTOR_FIELDS],
  ["RX_DESCRIPTOR", RX_DESCRIPTOR_FIELDS],
  ["SA_RECORD", SA_RECORD_FIELDS],
] as const satisfies ReadonlyArray<readonly [string, readonly DescriptorField[]]>;

/** A dict literal of name: value entries, one a line, under `name`. */
function dict(name: string, entries: ReadonlyArray<readonly [string, string]>): string[] {
  return [`${name} = {`, ...entries.map(([key, value]) => `    ${key}: ${value},`), "}", ""];
}

const quoted = (text: string) => `"${text}"`;
const values = (table: Readonly<Record<string, number>>) => `{${Object.entries(table).map(([name, value]) => `"${name}": ${value}`).join(", ")}}`;

/**
 * clients/python/nicsim_device.py: everything clients/c/nicsim_device.h holds, from the same hw/spec
 * tables: registers, their fields and named values, layouts and theirs, limits, write-backs, error
 * and field codes (test/serve/device-python-parity.test.ts checks each C name has its Python value).
 */
export function devicePython(): string {
  const layoutBits = LAYOUTS.flatMap(([name, fields]) => fields.filter((field) => field.bits).map((field) => [quoted(`${name}.${field.name}`), `{${field.bits!.list.map((bits) => `"${bits.name}": (${bits.bit}, ${bits.width})`).join(", ")}}`] as const));
  const layoutValues = LAYOUTS.flatMap(([name, fields]) => fields.flatMap((field) => [
    ...(field.values ? [[quoted(`${name}.${field.name}`), values(field.values)] as const] : []),
    ...(field.bits?.list ?? []).filter((bits) => bits.values).map((bits) => [quoted(`${name}.${field.name}.${bits.name}`), values(bits.values!)] as const),
  ]));
  return [
    '"""The nicsim NIC\'s device interface for Python test benches: registers, fields, layouts, limits, error and field codes.',
    "",
    "Generated from hw/spec by `npm run protocol`: do not edit; a test fails when it is stale, and another when it",
    "lacks a constant clients/c/nicsim_device.h has. A register is REGISTERS[name] = (offset of instance 0, stride",
    "or 0), with REGISTER_INSTANCES[name] instances; register(name, index) gives an instance's offset. Fields are",
    "(shift, width) and their named values (not shifted) in *_VALUES; layout fields (offset, bytes), little-endian.",
    '"""',
    "",
    "import difflib",
    "",
    `DESCRIPTOR_BYTES = ${DESCRIPTOR_BYTES}`,
    `RING_ALIGNMENT = ${RING_ALIGNMENT}`,
    `MAX_QUEUES = ${MAX_QUEUES}`,
    `MAX_RING_DESCRIPTORS = ${MAX_RING_DESCRIPTORS}`,
    `REGISTER_MAP_END = ${hex(REGISTER_MAP_END)}`,
    `MAX_RECEIVE_BUFFER = ${MAX_RECEIVE_BUFFER}`,
    `SA_STAGE_WORDS = ${SA_STAGE_WORDS}`,
    `SA_QOS_MAP_WORDS = ${SA_QOS_MAP_WORDS}`,
    `DROP_REASON_COUNT = ${DROP_REASON_COUNT}`,
    `SA_RECORD_BYTES = ${SA_RECORD_BYTES}`,
    `SA_RECORD_ALIGNMENT = ${SA_RECORD_ALIGNMENT}`,
    `SA_RECORD_MAGIC = ${hex(SA_RECORD_MAGIC)}`,
    "# The bytes of a descriptor the device writes back in one write (TX: STATUS, ERROR and zeros; RX: all after BUFFER_ADDRESS).",
    `TX_WRITE_BACK_OFFSET = ${TX_WRITE_BACK.at}`,
    `TX_WRITE_BACK_BYTES = ${TX_WRITE_BACK.bytes}`,
    `RX_WRITE_BACK_OFFSET = ${RX_WRITE_BACK.at}`,
    `RX_WRITE_BACK_BYTES = ${RX_WRITE_BACK.bytes}`,
    "# ERRLOG_LOCATION.QUEUE and ERRLOG_INDEX when no queue or descriptor is involved.",
    `NO_QUEUE = ${hex(NO_QUEUE)}`,
    `NO_INDEX = ${hex(NO_INDEX)}`,
    "",
    ...dict("REGISTERS", REGISTERS.map((register) => [quoted(register.name), `(${hex(register.offset)}, ${hex(register.stride ?? 0)})`])),
    ...dict("REGISTER_INSTANCES", REGISTERS.map((register) => [quoted(register.name), String(instanceCount(register, MAX_QUEUES))])),
    ...dict("REGISTER_FIELDS", REGISTERS.filter((register) => register.fields).map((register) => [quoted(register.name), `{${register.fields!.map((field) => `"${field.name}": (${field.bit}, ${field.width})`).join(", ")}}`])),
    ...dict("REGISTER_FIELD_VALUES", REGISTERS.flatMap((register) => (register.fields ?? []).filter((field) => field.values).map((field) => [quoted(`${register.name}.${field.name}`), values(field.values!)] as const))),
    "LAYOUTS = {",
    ...LAYOUTS.flatMap(([name, fields]) => [`    "${name}": {`, ...fields.map((field) => `        "${field.name}": (${field.offset}, ${field.bytes}),`), "    },"]),
    "}",
    "",
    ...dict("LAYOUT_FIELDS", layoutBits),
    ...dict("LAYOUT_FIELD_VALUES", layoutValues),
    ...dict("ERROR_CODES", Object.entries(ErrorCode).map(([name, code]) => [String(code), quoted(name)])),
    ...dict("FIELD_CODES", Object.entries(FieldCode).map(([name, code]) => [String(code), quoted(name)])),
    ...dict("DROP_REASONS", Object.entries(DROP_REASON_CODE).map(([name, code]) => [String(code), quoted(name)])),
    "# The same by name: ERROR_CODE[\"TAIL_BEYOND_RING\"], FIELD_CODE[\"TAIL\"].",
    "ERROR_CODE = {name: code for code, name in ERROR_CODES.items()}",
    "FIELD_CODE = {name: code for code, name in FIELD_CODES.items()}",
    "DROP_REASON = {name: code for code, name in DROP_REASONS.items()}",
    "",
    "",
    "def register(name, index=0):",
    '    """The offset of instance `index` of a register (a queue, vector or word); an index it does not have is refused."""',
    "    if name not in REGISTERS:",
    '        close = difflib.get_close_matches(str(name), REGISTERS, 1)',
    '        raise KeyError("no register %r%s (REGISTERS holds every name)" % (name, "; did you mean %s?" % close[0] if close else ""))',
    "    offset, stride = REGISTERS[name]",
    "    count = REGISTER_INSTANCES[name]",
    "    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:",
    '        raise ValueError("%s has instances 0 to %d; not %r" % (name, count - 1, index) if count > 1 else "%s has one instance (index 0); not %r" % (name, index))',
    "    return offset + stride * index",
    "",
    "",
    "def field(register_name, field_name, value):",
    '    """The value of a register\'s bit field in a register value."""',
    "    shift, width = REGISTER_FIELDS[register_name][field_name]",
    "    return (value >> shift) & ((1 << width) - 1)",
    "",
    "",
    "def place(register_name, field_name, value):",
    '    """A field value put in place in a register value (NICSIM_FIELD_PREP): place("SA_COMMAND", "OPERATION", 1)."""',
    "    shift, width = REGISTER_FIELDS[register_name][field_name]",
    "    return (value & ((1 << width) - 1)) << shift",
    "",
    "",
    "def bit(layout_field, name):",
    '    """The mask of a one-bit flag of a layout field, e.g. bit("TX_DESCRIPTOR.COMMAND", "EOP")."""',
    "    shift, width = LAYOUT_FIELDS[layout_field][name]",
    "    return ((1 << width) - 1) << shift",
    "",
  ].join("\n");
}
