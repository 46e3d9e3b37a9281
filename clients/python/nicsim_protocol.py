"""The device protocol of `nicsim serve` (docs/device-protocol.md).

Generated from hw/spec/device-protocol.ts by `npm run protocol`: do not edit; a test fails when it
is stale. MESSAGES maps each name to (type, kind, fixed fields' struct format after the header,
their names, the tail field's name or None, its kind ('bytes' or 'text' or None), reply name or None).
"""

MAGIC = 0x4D49534E
VERSION_MAJOR = 1
VERSION_MINOR = 0
HEADER_BYTES = 8
HEADER_FORMAT = "<II"
MAX_MESSAGE_BYTES = 65552
MAX_DATA_BYTES = 65536
MAX_TEXT_BYTES = 4096
# A WAIT duration or WAIT_INTERRUPT timeout without a limit; any from WAIT_FOREVER_FROM (2^53 ps) up has none either.
WAIT_FOREVER = 0xFFFFFFFFFFFFFFFF
WAIT_FOREVER_FROM = 9007199254740992

MESSAGES = {
    "HELLO": (0x01, "request", "<IHH", ("magic", "major", "minor"), "client_name", "text", "HELLO_REPLY"),
    "HELLO_REPLY": (0x81, "reply", "<IHHHHIQQ", ("magic", "major", "minor", "queues", "vectors", "max_data", "call_ps", "time_ps"), None, None, None),
    "GOODBYE": (0x02, "request", "<", (), None, None, "GOODBYE_REPLY"),
    "GOODBYE_REPLY": (0x82, "reply", "<Q", ("time_ps",), None, None, None),
    "MMIO_READ": (0x03, "request", "<I", ("offset",), None, None, "MMIO_READ_REPLY"),
    "MMIO_READ_REPLY": (0x83, "reply", "<IIQ", ("offset", "value", "time_ps"), None, None, None),
    "MMIO_WRITE": (0x04, "posted", "<II", ("offset", "value"), None, None, None),
    "ALLOCATE": (0x05, "request", "<II", ("bytes", "alignment"), "label", "text", "ALLOCATE_REPLY"),
    "ALLOCATE_REPLY": (0x85, "reply", "<QI", ("address", "bytes"), None, None, None),
    "MEMORY_WRITE": (0x06, "posted", "<Q", ("address",), "data", "bytes", None),
    "MEMORY_READ": (0x07, "request", "<QI", ("address", "bytes"), None, None, "MEMORY_READ_REPLY"),
    "MEMORY_READ_REPLY": (0x87, "reply", "<Q", ("address",), "data", "bytes", None),
    "WAIT": (0x08, "request", "<Q", ("duration_ps",), None, None, "WAIT_REPLY"),
    "WAIT_INTERRUPT": (0x09, "request", "<QI", ("timeout_ps", "mask"), None, None, "WAIT_REPLY"),
    "WAIT_REPLY": (0x88, "reply", "<QII", ("time_ps", "vectors", "pending"), None, None, None),
    "PEER_SA": (0x0a, "posted", "<IIIBB", ("spi", "source", "destination", "direction", "icv_bytes"), "key_material", "bytes", None),
    "PEER_ECHO": (0x0b, "posted", "<B", ("enable",), None, None, None),
    "PEER_SEND": (0x0c, "posted", "<QIHBB", ("gap_ps", "count", "bytes", "traffic_class", "esp"), None, None, None),
    "PEER_STATUS": (0x0d, "request", "<", (), None, None, "PEER_STATUS_REPLY"),
    "PEER_STATUS_REPLY": (0x8d, "reply", "<QIIII", ("time_ps", "received", "decrypted", "refused", "sent"), None, None, None),
    "MEMORY_UPDATE": (0xc1, "notification", "<Q", ("address",), "data", "bytes", None),
    "DIAGNOSTIC": (0xc2, "notification", "<QI", ("time_ps", "code"), "message", "text", None),
    "ERROR": (0xff, "error", "<II", ("code", "message_type"), "message", "text", None),
}

PROTOCOL_ERRORS = {
    1: "MALFORMED",
    2: "UNKNOWN_TYPE",
    3: "WRONG_LENGTH",
    4: "BAD_VALUE",
    5: "VERSION",
    6: "ORDER",
    7: "MEMORY",
    8: "SIMULATION",
}
