"""A small test bench in Python against `nicsim serve`: one queue, plain UDP frames both ways.

    python3 python_bench.py [--stdio] [--disconnect]

It sends FRAMES frames the peer echoes, has the peer send PEER_FRAMES more, and receives all of them
with interrupt-driven polls. --stdio: talk over stdin and stdout to a server at their other end (the
library's serveOnStreams, as the tests run it; from a shell, `nicsim serve --stdio` through two FIFOs);
--disconnect: leave without GOODBYE once the frames are out. Exits 0 when everything arrived.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))

import nicsim_device as device_spec  # noqa: E402
from nicsim import Client  # noqa: E402

FRAMES, PEER_FRAMES, SLOTS, BUFFER = 12, 8, 16, 2048
TX, RX = device_spec.LAYOUTS["TX_DESCRIPTOR"], device_spec.LAYOUTS["RX_DESCRIPTOR"]
register = device_spec.register


def say(text):
    print("python bench: " + text, file=sys.stderr if "--stdio" in sys.argv else sys.stdout, flush=True)


def put(image, layout, name, value):
    offset, size = layout[name]
    image[offset:offset + size] = value.to_bytes(size, "little")


def get(image, layout, name):
    offset, size = layout[name]
    return int.from_bytes(image[offset:offset + size], "little")


def udp_frame(sequence, length=200):
    """Ethernet, IPv4 (10.0.0.1 -> 10.0.0.2), UDP, the sequence number, then filler."""
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, length - 14, sequence, 0x4000, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    total = sum(struct.unpack(">10H", ip))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    ip = ip[:10] + struct.pack(">H", ~total & 0xFFFF) + ip[12:]
    udp = struct.pack(">HHHH", 49152, 49200, length - 34, 0) + struct.pack(">I", sequence)
    return bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]) + ip + udp + bytes((index * 7) & 0xFF for index in range(length - 46))


def main():
    if "--stdio" in sys.argv:
        device = Client.over_streams(sys.stdin.buffer, sys.stdout.buffer, "python bench")
    else:
        device = Client.connect_env("python bench")
    device.on_diagnostic = lambda time_ps, code, message: say("the device says: " + message)
    queues = device_spec.field("STATUS", "QUEUES", device.mmio_read(register("STATUS")))
    say("probe: %d queues, %d vectors" % (queues, device.vectors))
    tx_ring = device.alloc(SLOTS * device_spec.DESCRIPTOR_BYTES, device_spec.RING_ALIGNMENT, "bench TX ring")
    rx_ring = device.alloc(SLOTS * device_spec.DESCRIPTOR_BYTES, device_spec.RING_ALIGNMENT, "bench RX ring")
    buffers = device.alloc(2 * SLOTS * BUFFER, 64, "bench buffers")
    for slot in range(SLOTS - 1):
        descriptor = bytearray(device_spec.DESCRIPTOR_BYTES)
        put(descriptor, RX, "BUFFER_ADDRESS", buffers + (SLOTS + slot) * BUFFER)
        device.memory_write(rx_ring + slot * 32, descriptor)
    for prefix, ring in (("T", tx_ring), ("R", rx_ring)):
        device.mmio_write(register(prefix + "DBAL", 0), ring & 0xFFFFFFFF)
        device.mmio_write(register(prefix + "DBAH", 0), ring >> 32)
        device.mmio_write(register(prefix + "DLEN", 0), SLOTS * device_spec.DESCRIPTOR_BYTES)
    device.mmio_write(register("SRRCTL", 0), BUFFER)
    device.mmio_write(register("TXDCTL", 0), 1)
    device.mmio_write(register("RXDCTL", 0), 1)
    device.mmio_write(register("RDT", 0), SLOTS - 1)
    causes = 1 | 1 << 8
    device.mmio_write(register("IMS"), causes | 1 << 31)
    device.mmio_write(register("CTRL"), 3)
    device.peer_echo(True)
    command = device_spec.bit("TX_DESCRIPTOR.COMMAND", "EOP") | device_spec.bit("TX_DESCRIPTOR.COMMAND", "RS")
    for sequence in range(FRAMES):
        frame = udp_frame(sequence)
        device.memory_write(buffers + sequence * BUFFER, frame)
        descriptor = bytearray(device_spec.DESCRIPTOR_BYTES)
        put(descriptor, TX, "BUFFER_ADDRESS", buffers + sequence * BUFFER)
        put(descriptor, TX, "LENGTH", len(frame))
        put(descriptor, TX, "COMMAND", command)
        device.memory_write(tx_ring + sequence * 32, descriptor)
    device.mmio_write(register("TDT", 0), FRAMES)  # one doorbell for the batch
    device.peer_send(PEER_FRAMES, 1_000_000, 128)
    if "--disconnect" in sys.argv:
        device.wait(5_000_000)
        say("leaving without GOODBYE")
        device.disconnect()
        return 0
    received, next_to_clean, tail, reaped = 0, 0, SLOTS - 1, 0
    dd = device_spec.bit("RX_DESCRIPTOR.STATUS", "DD")
    while received < FRAMES + PEER_FRAMES and device.now_ps < 1_000_000_000:
        device.wait_interrupt(1 << 0, 50_000_000)
        while reaped < FRAMES and get(device.host(tx_ring + reaped * 32, 32), TX, "STATUS") & 1:
            reaped += 1
        taken = 0
        while get(device.host(rx_ring + next_to_clean * 32, 32), RX, "STATUS") & dd:
            received += 1
            taken += 1
            descriptor = bytearray(device_spec.DESCRIPTOR_BYTES)
            put(descriptor, RX, "BUFFER_ADDRESS", buffers + (SLOTS + tail) * BUFFER)
            device.memory_write(rx_ring + tail * 32, descriptor)
            tail, next_to_clean = (tail + 1) % SLOTS, (next_to_clean + 1) % SLOTS
        if taken:
            device.mmio_write(register("RDT", 0), tail)
        device.mmio_write(register("IMS"), causes)
    peer = device.peer_status()
    say("sent %d (reaped %d), the peer received %d and sent %d; received %d" % (FRAMES, reaped, peer["received"], peer["sent"], received))
    device.goodbye()
    return 0 if reaped == FRAMES and peer["received"] == FRAMES and received == FRAMES + PEER_FRAMES else 1


if __name__ == "__main__":
    sys.exit(main())
