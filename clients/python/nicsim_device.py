"""The nicsim NIC's device interface for Python test benches: registers, fields, layouts, limits, error and field codes.

Generated from hw/spec by `npm run protocol`: do not edit; a test fails when it is stale, and another when it
lacks a constant clients/c/nicsim_device.h has. A register is REGISTERS[name] = (offset of instance 0, stride
or 0), with REGISTER_INSTANCES[name] instances; register(name, index) gives an instance's offset. Fields are
(shift, width) and their named values (not shifted) in *_VALUES; layout fields (offset, bytes), little-endian.
"""

import difflib

DESCRIPTOR_BYTES = 32
RING_ALIGNMENT = 128
MAX_QUEUES = 8
MAX_RING_DESCRIPTORS = 32768
REGISTER_MAP_END = 0x6000
MAX_RECEIVE_BUFFER = 16384
SA_STAGE_WORDS = 32
SA_QOS_MAP_WORDS = 32
DROP_REASON_COUNT = 14
SA_RECORD_BYTES = 128
SA_RECORD_ALIGNMENT = 64
SA_RECORD_MAGIC = 0x31524153
# The bytes of a descriptor the device writes back in one write (TX: STATUS, ERROR and zeros; RX: all after BUFFER_ADDRESS).
TX_WRITE_BACK_OFFSET = 28
TX_WRITE_BACK_BYTES = 4
RX_WRITE_BACK_OFFSET = 8
RX_WRITE_BACK_BYTES = 24
# ERRLOG_LOCATION.QUEUE and ERRLOG_INDEX when no queue or descriptor is involved.
NO_QUEUE = 0xFF
NO_INDEX = 0xFFFFFFFF

REGISTERS = {
    "CTRL": (0x0, 0x0),
    "STATUS": (0x4, 0x0),
    "ERROR_COUNT": (0x8, 0x0),
    "TXDMAX": (0x18, 0x0),
    "MAXFRS": (0x10, 0x0),
    "QUEUE_FAULTS": (0x14, 0x0),
    "ICR": (0x100, 0x0),
    "ICS": (0x104, 0x0),
    "IMS": (0x108, 0x0),
    "IMC": (0x10C, 0x0),
    "EITR": (0x200, 0x4),
    "EITR_PACKETS": (0x280, 0x4),
    "ERRLOG_COUNT": (0x400, 0x0),
    "ERRLOG_CODE": (0x404, 0x0),
    "ERRLOG_LOCATION": (0x408, 0x0),
    "ERRLOG_INDEX": (0x40C, 0x0),
    "ERRLOG_VALUE_LO": (0x410, 0x0),
    "ERRLOG_VALUE_HI": (0x414, 0x0),
    "ERRLOG_POP": (0x418, 0x0),
    "SA_STAGE": (0x5000, 0x4),
    "SA_COMMAND": (0x5080, 0x0),
    "SA_STATUS": (0x5084, 0x0),
    "SA_TABLE_SIZE": (0x5088, 0x0),
    "SA_CTRL": (0x508C, 0x0),
    "SA_QOS_MAP": (0x5100, 0x4),
    "TX_SCHED": (0x5200, 0x4),
    "TXPBSIZE": (0x5240, 0x4),
    "SA_TX_HITS": (0x5090, 0x0),
    "SA_TX_MISSES": (0x5094, 0x0),
    "SA_RX_HITS": (0x5098, 0x0),
    "SA_RX_MISSES": (0x509C, 0x0),
    "SA_FETCHES": (0x50A0, 0x0),
    "SA_STALE_HANDLES": (0x50A4, 0x0),
    "TDBAL": (0x1000, 0x40),
    "TDBAH": (0x1004, 0x40),
    "TDLEN": (0x1008, 0x40),
    "TDH": (0x1010, 0x40),
    "TDT": (0x1018, 0x40),
    "TXDCTL": (0x1028, 0x40),
    "TDFAULT": (0x1030, 0x40),
    "RDBAL": (0x2000, 0x40),
    "RDBAH": (0x2004, 0x40),
    "RDLEN": (0x2008, 0x40),
    "SRRCTL": (0x200C, 0x40),
    "RDH": (0x2010, 0x40),
    "RDT": (0x2018, 0x40),
    "RXDCTL": (0x2028, 0x40),
    "RDFAULT": (0x2030, 0x40),
    "TQPC": (0x3000, 0x20),
    "TQBC": (0x3004, 0x20),
    "RQPC": (0x3008, 0x20),
    "RQBC": (0x300C, 0x20),
    "RQDPC": (0x3010, 0x20),
    "DROP_COUNT": (0x3200, 0x4),
}

REGISTER_INSTANCES = {
    "CTRL": 1,
    "STATUS": 1,
    "ERROR_COUNT": 1,
    "TXDMAX": 1,
    "MAXFRS": 1,
    "QUEUE_FAULTS": 1,
    "ICR": 1,
    "ICS": 1,
    "IMS": 1,
    "IMC": 1,
    "EITR": 9,
    "EITR_PACKETS": 9,
    "ERRLOG_COUNT": 1,
    "ERRLOG_CODE": 1,
    "ERRLOG_LOCATION": 1,
    "ERRLOG_INDEX": 1,
    "ERRLOG_VALUE_LO": 1,
    "ERRLOG_VALUE_HI": 1,
    "ERRLOG_POP": 1,
    "SA_STAGE": 32,
    "SA_COMMAND": 1,
    "SA_STATUS": 1,
    "SA_TABLE_SIZE": 1,
    "SA_CTRL": 1,
    "SA_QOS_MAP": 32,
    "TX_SCHED": 8,
    "TXPBSIZE": 8,
    "SA_TX_HITS": 1,
    "SA_TX_MISSES": 1,
    "SA_RX_HITS": 1,
    "SA_RX_MISSES": 1,
    "SA_FETCHES": 1,
    "SA_STALE_HANDLES": 1,
    "TDBAL": 8,
    "TDBAH": 8,
    "TDLEN": 8,
    "TDH": 8,
    "TDT": 8,
    "TXDCTL": 8,
    "TDFAULT": 8,
    "RDBAL": 8,
    "RDBAH": 8,
    "RDLEN": 8,
    "SRRCTL": 8,
    "RDH": 8,
    "RDT": 8,
    "RXDCTL": 8,
    "RDFAULT": 8,
    "TQPC": 8,
    "TQBC": 8,
    "RQPC": 8,
    "RQBC": 8,
    "RQDPC": 8,
    "DROP_COUNT": 14,
}

REGISTER_FIELDS = {
    "CTRL": {"TX_ENABLE": (0, 1), "RX_ENABLE": (1, 1)},
    "STATUS": {"LINK_UP": (0, 1), "ERROR": (1, 1), "QUEUES": (8, 8)},
    "QUEUE_FAULTS": {"TX": (0, 8), "RX": (8, 8)},
    "ICR": {"TX_DONE": (0, 8), "RX_DONE": (8, 8), "ERROR": (31, 1)},
    "ERRLOG_LOCATION": {"QUEUE": (0, 8), "DIRECTION": (8, 1), "FIELD": (16, 8), "WITHHELD": (24, 1)},
    "SA_COMMAND": {"INDEX": (0, 16), "DIRECTION": (16, 1), "OPERATION": (24, 3), "REPLACE": (28, 1)},
    "SA_STATUS": {"CODE": (0, 16), "GENERATION": (16, 15), "BUSY": (31, 1)},
    "SA_TABLE_SIZE": {"TX": (0, 16), "RX": (16, 16)},
    "SA_CTRL": {"POINTER_FETCH": (0, 1)},
    "TX_SCHED": {"PERCENT": (0, 7), "STRICT": (8, 1), "REMAINING": (16, 7)},
    "TXPBSIZE": {"SIZE": (0, 10)},
    "TXDCTL": {"ENABLE": (0, 1), "FAULT": (1, 1), "BUSY": (2, 1), "WTHRESH": (16, 7)},
    "TDFAULT": {"CODE": (0, 8), "INDEX": (16, 16)},
    "RXDCTL": {"ENABLE": (0, 1), "FAULT": (1, 1), "BUSY": (2, 1)},
    "RDFAULT": {"CODE": (0, 8), "INDEX": (16, 16)},
}

REGISTER_FIELD_VALUES = {
    "SA_COMMAND.OPERATION": {"INSTALL": 1, "INVALIDATE": 2, "INVALIDATE_POINTER": 3, "INSTALL_POINTER": 4},
}

LAYOUTS = {
    "TX_DESCRIPTOR": {
        "BUFFER_ADDRESS": (0, 8),
        "LENGTH": (8, 2),
        "COMMAND": (10, 1),
        "CLASS": (11, 1),
        "SA_HANDLE": (12, 4),
        "SA_POINTER": (16, 8),
        "OFFLOAD": (24, 2),
        "STATUS": (28, 1),
        "ERROR": (29, 1),
    },
    "RX_DESCRIPTOR": {
        "BUFFER_ADDRESS": (0, 8),
        "LENGTH": (8, 2),
        "STATUS": (10, 1),
        "ERROR": (11, 1),
        "CLASS": (12, 1),
        "SPI": (16, 4),
        "SA_HANDLE": (20, 4),
    },
    "SA_RECORD": {
        "MAGIC": (0, 4),
        "RECORD_LENGTH": (4, 2),
        "PROTOCOL": (6, 1),
        "DIRECTION": (7, 1),
        "UNIQUE_ID": (8, 4),
        "FLAGS": (16, 1),
        "QOS_GROUP": (17, 1),
        "SPI": (12, 4),
        "KEY_LENGTH": (18, 1),
        "ICV_LENGTH": (19, 1),
        "SALT": (20, 4),
        "KEY": (32, 32),
        "SOURCE": (64, 16),
        "DESTINATION": (80, 16),
    },
}

LAYOUT_FIELDS = {
    "TX_DESCRIPTOR.COMMAND": {"EOP": (0, 1), "RS": (1, 1), "IPSEC": (2, 1)},
    "TX_DESCRIPTOR.SA_HANDLE": {"ENTRY": (0, 16), "GENERATION": (16, 15)},
    "TX_DESCRIPTOR.STATUS": {"DD": (0, 1)},
    "RX_DESCRIPTOR.STATUS": {"DD": (0, 1), "EOP": (1, 1), "IPSEC": (2, 1), "SA_MISS": (3, 1)},
    "RX_DESCRIPTOR.SA_HANDLE": {"ENTRY": (0, 16), "GENERATION": (16, 15)},
    "SA_RECORD.FLAGS": {"ESN": (0, 1), "HAS_TAG": (1, 1), "IPV6": (2, 1)},
}

LAYOUT_FIELD_VALUES = {
    "SA_RECORD.PROTOCOL": {"ESP": 50},
    "SA_RECORD.DIRECTION": {"OUTBOUND": 0, "INBOUND": 1},
}

ERROR_CODES = {
    0: "NONE",
    1: "TAIL_BEYOND_RING",
    2: "ZERO_LENGTH_BUFFER",
    3: "OVER_LENGTH_BUFFER",
    4: "UNALIGNED_RING_BASE",
    5: "INVALID_RING_LENGTH",
    6: "DMA_UNMAPPED",
    7: "DMA_READ_ERROR",
    8: "DMA_COMPLETION_TIMEOUT",
    9: "DOORBELL_ON_DISABLED_QUEUE",
    10: "UNKNOWN_REGISTER",
    11: "READ_ONLY_REGISTER",
    12: "INVALID_CLASS",
    13: "INVALID_SA_HANDLE",
    14: "SA_RECORD_INVALID",
    15: "ESP_MALFORMED",
    16: "ESP_ICV_FAILED",
    17: "SA_INVALIDATED",
    18: "TAIL_OVERRUN",
    19: "WRITE_ONLY_REGISTER",
    20: "QUEUE_REGISTER_WHILE_ENABLED",
    21: "VALUE_OUT_OF_RANGE",
    22: "SA_COMMAND_BUSY",
    23: "STALE_SA_HANDLE",
    24: "SA_ENTRY_OCCUPIED",
    25: "SA_DUPLICATE",
    26: "IPSEC_FIELDS_DIFFER",
    27: "ENABLE_WHILE_BUSY",
}

FIELD_CODES = {
    0: "NONE",
    1: "RING_BASE",
    2: "RING_LENGTH",
    3: "TAIL",
    4: "BUFFER_SIZE",
    5: "BUFFER_ADDRESS",
    6: "LENGTH",
    7: "DESCRIPTOR",
    8: "REGISTER",
    9: "CLASS",
    10: "SA_HANDLE",
    11: "SA_POINTER",
    12: "SA_COMMAND",
}

DROP_REASONS = {
    0: "RX_DISABLED",
    1: "FCS_ERROR",
    2: "RUNT",
    3: "OVERSIZE",
    4: "RX_QUEUE_DISABLED",
    5: "RX_RING_TOO_SHORT",
    6: "RX_BUFFER_FULL",
    7: "RX_DMA_ERROR",
    8: "ESP_MALFORMED",
    9: "ESP_ICV_FAILED",
    10: "TX_DESCRIPTOR_ERROR",
    11: "DMA_READ_ERROR",
    12: "DMA_COMPLETION_TIMEOUT",
    13: "SA_INVALIDATED",
}

# The same by name: ERROR_CODE["TAIL_BEYOND_RING"], FIELD_CODE["TAIL"].
ERROR_CODE = {name: code for code, name in ERROR_CODES.items()}
FIELD_CODE = {name: code for code, name in FIELD_CODES.items()}
DROP_REASON = {name: code for code, name in DROP_REASONS.items()}


def register(name, index=0):
    """The offset of instance `index` of a register (a queue, vector or word); an index it does not have is refused."""
    if name not in REGISTERS:
        close = difflib.get_close_matches(str(name), REGISTERS, 1)
        raise KeyError("no register %r%s (REGISTERS holds every name)" % (name, "; did you mean %s?" % close[0] if close else ""))
    offset, stride = REGISTERS[name]
    count = REGISTER_INSTANCES[name]
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < count:
        raise ValueError("%s has instances 0 to %d; not %r" % (name, count - 1, index) if count > 1 else "%s has one instance (index 0); not %r" % (name, index))
    return offset + stride * index


def field(register_name, field_name, value):
    """The value of a register's bit field in a register value."""
    shift, width = REGISTER_FIELDS[register_name][field_name]
    return (value >> shift) & ((1 << width) - 1)


def place(register_name, field_name, value):
    """A field value put in place in a register value (NICSIM_FIELD_PREP): place("SA_COMMAND", "OPERATION", 1)."""
    shift, width = REGISTER_FIELDS[register_name][field_name]
    return (value & ((1 << width) - 1)) << shift


def bit(layout_field, name):
    """The mask of a one-bit flag of a layout field, e.g. bit("TX_DESCRIPTOR.COMMAND", "EOP")."""
    shift, width = LAYOUT_FIELDS[layout_field][name]
    return ((1 << width) - 1) << shift
