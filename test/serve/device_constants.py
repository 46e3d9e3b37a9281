"""Every constant of clients/python/nicsim_device.py under the name clients/c/nicsim_device.h gives it, one
`NAME VALUE` a line (run by device-python-parity.test.ts): what C has, Python must have with the same value."""

import sys

import nicsim_device as device

names = {}
for name in ("DESCRIPTOR_BYTES", "RING_ALIGNMENT", "MAX_QUEUES", "MAX_RING_DESCRIPTORS", "REGISTER_MAP_END", "MAX_RECEIVE_BUFFER", "SA_STAGE_WORDS",
             "SA_QOS_MAP_WORDS", "DROP_REASON_COUNT", "SA_RECORD_BYTES", "SA_RECORD_ALIGNMENT", "SA_RECORD_MAGIC", "TX_WRITE_BACK_OFFSET",
             "TX_WRITE_BACK_BYTES", "RX_WRITE_BACK_OFFSET", "RX_WRITE_BACK_BYTES", "NO_QUEUE", "NO_INDEX"):
    names[name] = getattr(device, name)


def bit_field(prefix, field, shift, width):
    names["%s_%s_SHIFT" % (prefix, field)] = shift
    names["%s_%s_WIDTH" % (prefix, field)] = width
    names["%s_%s_MASK" % (prefix, field)] = ((1 << width) - 1) << shift
    if width == 1:
        names["%s_%s_BIT" % (prefix, field)] = 1 << shift


for register, (offset, stride) in device.REGISTERS.items():
    if stride == 0:
        names[register] = offset
    else:
        names[register + "_STRIDE"] = stride
        # The C macro's instance 0 and instance 1.
        names[register + "(0)"] = device.register(register, 0)
        names[register + "(1)"] = device.register(register, 1)
for register, fields in device.REGISTER_FIELDS.items():
    for field, (shift, width) in fields.items():
        bit_field(register, field, shift, width)
for dotted, values in list(device.REGISTER_FIELD_VALUES.items()) + list(device.LAYOUT_FIELD_VALUES.items()):
    for value_name, value in values.items():
        names["%s_%s" % (dotted.replace(".", "_"), value_name)] = value
for layout, fields in device.LAYOUTS.items():
    for field, (offset, size) in fields.items():
        names["%s_%s_OFFSET" % (layout, field)] = offset
        names["%s_%s_SIZE" % (layout, field)] = size
for dotted, bits in device.LAYOUT_FIELDS.items():
    for field, (shift, width) in bits.items():
        bit_field(dotted.replace(".", "_"), field, shift, width)
for code, name in device.ERROR_CODES.items():
    names["ERROR_CODE_" + name] = code
for code, name in device.FIELD_CODES.items():
    names["FIELD_CODE_" + name] = code
for code, name in device.DROP_REASONS.items():
    names["DROP_REASON_" + name] = code

for name in sorted(names):
    sys.stdout.write("NICSIM_%s %d\n" % (name, names[name]))
