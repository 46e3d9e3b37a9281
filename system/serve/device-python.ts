import { DESCRIPTOR_BYTES, type DescriptorField, RX_DESCRIPTOR_FIELDS, TX_DESCRIPTOR_FIELDS } from "../../hw/spec/descriptors.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import { REGISTERS, RING_ALIGNMENT } from "../../hw/spec/registers.js";
import { SA_RECORD_ALIGNMENT, SA_RECORD_BYTES, SA_RECORD_FIELDS, SA_RECORD_MAGIC } from "../../hw/spec/sa-record.js";

export const DEVICE_PYTHON_PATH = "clients/python/nicsim_device.py";

const hex = (value: number) => `0x${value.toString(16).toUpperCase()}`;

function layout(name: string, fields: readonly DescriptorField[]): string[] {
  return [`    "${name}": {`, ...fields.map((field) => `        "${field.name}": (${field.offset}, ${field.bytes}),`), "    },"];
}

/** The bit fields of every layout field that has them, as "LAYOUT.FIELD": {name: (shift, width)}. */
function layoutBits(name: string, fields: readonly DescriptorField[]): string[] {
  return fields.filter((field) => field.bits).map((field) => `    "${name}.${field.name}": {${field.bits!.list.map((bits) => `"${bits.name}": (${bits.bit}, ${bits.width})`).join(", ")}},`);
}

/**
 * clients/python/nicsim_device.py: the device's registers, fields, layouts and error codes from
 * hw/spec (the source of clients/c/nicsim_device.h), for test benches written in Python.
 */
export function devicePython(): string {
  return [
    '"""The nicsim NIC\'s device interface for Python test benches: registers, fields, layouts, error codes.',
    "",
    "Generated from hw/spec by `npm run protocol`: do not edit; a test fails when it is stale. A register is",
    "REGISTERS[name] = (offset of instance 0, stride or 0); register(name, index) gives an instance's offset.",
    "Fields are (shift, width); layout fields (offset, bytes), little-endian.",
    '"""',
    "",
    `DESCRIPTOR_BYTES = ${DESCRIPTOR_BYTES}`,
    `RING_ALIGNMENT = ${RING_ALIGNMENT}`,
    `SA_RECORD_BYTES = ${SA_RECORD_BYTES}`,
    `SA_RECORD_ALIGNMENT = ${SA_RECORD_ALIGNMENT}`,
    `SA_RECORD_MAGIC = ${hex(SA_RECORD_MAGIC)}`,
    "",
    "REGISTERS = {",
    ...REGISTERS.map((register) => `    "${register.name}": (${hex(register.offset)}, ${hex(register.stride ?? 0)}),`),
    "}",
    "",
    "REGISTER_FIELDS = {",
    ...REGISTERS.filter((register) => register.fields).map((register) => `    "${register.name}": {${register.fields!.map((field) => `"${field.name}": (${field.bit}, ${field.width})`).join(", ")}},`),
    "}",
    "",
    "LAYOUTS = {",
    ...layout("TX_DESCRIPTOR", TX_DESCRIPTOR_FIELDS),
    ...layout("RX_DESCRIPTOR", RX_DESCRIPTOR_FIELDS),
    ...layout("SA_RECORD", SA_RECORD_FIELDS),
    "}",
    "",
    "LAYOUT_FIELDS = {",
    ...layoutBits("TX_DESCRIPTOR", TX_DESCRIPTOR_FIELDS),
    ...layoutBits("RX_DESCRIPTOR", RX_DESCRIPTOR_FIELDS),
    "}",
    "",
    "ERROR_CODES = {",
    ...Object.entries(ErrorCode).map(([name, code]) => `    ${code}: "${name}",`),
    "}",
    "",
    "",
    "def register(name, index=0):",
    '    """The offset of instance `index` of a register (a queue, vector or word)."""',
    "    offset, stride = REGISTERS[name]",
    "    return offset + stride * index",
    "",
    "",
    "def field(register_name, field_name, value):",
    '    """The value of a register\'s bit field in a register value."""',
    "    shift, width = REGISTER_FIELDS[register_name][field_name]",
    "    return (value >> shift) & ((1 << width) - 1)",
    "",
    "",
    "def bit(layout_field, name):",
    '    """The mask of a one-bit flag of a layout field, e.g. bit("TX_DESCRIPTOR.COMMAND", "EOP")."""',
    "    shift, width = LAYOUT_FIELDS[layout_field][name]",
    "    return ((1 << width) - 1) << shift",
    "",
  ].join("\n");
}
