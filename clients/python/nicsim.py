"""A Python client of `nicsim serve` (docs/device-protocol.md), for test benches: standard library only.

    from nicsim import Client
    device = Client.connect_env("my bench")          # NICSIM_SOCKET, set by `nicsim serve -- python3 bench.py`
    status = device.mmio_read(nicsim_device.register("STATUS"))
    ring = device.alloc(64 * 32, 128, "tx ring")     # a region of host memory; device.host(ring, n) is its copy
    device.memory_write(ring, descriptor_bytes)
    device.mmio_write(nicsim_device.register("TDT", 0), 1)
    vectors = device.wait_interrupt(0b1, 100_000_000)
    device.goodbye()

Host memory is the server's; this client keeps a copy of each region it allocates, which the
server's MEMORY_UPDATE messages bring up to date before every reply. Messages are encoded and
decoded from nicsim_protocol.MESSAGES, generated from the same table as the server's codec.
"""

import atexit
import collections
import os
import socket
import struct
import subprocess

import nicsim_device
import nicsim_protocol as protocol


class NicsimError(Exception):
    """The connection failed, or the server refused a message (then `code` is its protocol error name)."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


_LARGEST = {"B": 0xFF, "H": 0xFFFF, "I": 0xFFFFFFFF, "Q": 0xFFFFFFFFFFFFFFFF}


def _kind_of(value, number_words):
    """What a refused value is, in words, not the value: a field may be given key words by mistake."""
    return number_words if isinstance(value, int) and not isinstance(value, bool) else "a %s" % type(value).__name__


def _cut_text(encoded):
    """A name or label the protocol holds (MAX_TEXT_BYTES), cut at a character's start as the C client cuts it: the server refuses text that is not UTF-8."""
    if len(encoded) <= protocol.MAX_TEXT_BYTES:
        return encoded
    end = protocol.MAX_TEXT_BYTES
    while encoded[end] & 0xC0 == 0x80:
        end -= 1
    return encoded[:end]


def _lost(error):
    return NicsimError("the connection to the server is lost: %s" % (getattr(error, "strerror", None) or error))


def encode(name, **values):
    """One message: the header, the fixed fields in the table's order, then the tail (bytes or text).
    A value that does not fit its field is refused naming the message and the field (not struct's 'argument out of range')."""
    code, _kind, layout, names, tail, tail_kind, _reply = protocol.MESSAGES[name]
    for field, kind in zip(names, layout.lstrip("<")):
        value = values[field]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _LARGEST[kind]:
            raise ValueError("%s.%s: %s; expected a whole number from 0 to %#x" % (name, field, _kind_of(value, "a number out of range"), _LARGEST[kind]))
    body = struct.pack(layout, *(values[field] for field in names))
    if tail is not None:
        content = values[tail]
        if tail_kind == "text" and not isinstance(content, str):
            raise ValueError("%s.%s: a %s; expected text (str)" % (name, tail, type(content).__name__))
        if tail_kind != "text" and not isinstance(content, (bytes, bytearray, memoryview)):
            raise ValueError("%s.%s: a %s; expected bytes (key material given as hex text or a list is refused without showing it)" % (name, tail, type(content).__name__))
        body += _cut_text(content.encode("utf-8")) if tail_kind == "text" else bytes(content)
    return struct.pack(protocol.HEADER_FORMAT, protocol.HEADER_BYTES + len(body), code) + body


_BY_CODE = {entry[0]: name for name, entry in protocol.MESSAGES.items()}


def decode(message):
    """(name, values) of one whole message."""
    _length, code = struct.unpack_from(protocol.HEADER_FORMAT, message)
    name = _BY_CODE.get(code)
    if name is None:
        raise NicsimError("the server sent a message of unknown type 0x%x" % code)
    _code, _kind, layout, names, tail, tail_kind, _reply = protocol.MESSAGES[name]
    values = dict(zip(names, struct.unpack_from(layout, message, protocol.HEADER_BYTES)))
    if tail is not None:
        content = bytes(message[protocol.HEADER_BYTES + struct.calcsize(layout):])
        values[tail] = content.decode("utf-8") if tail_kind == "text" else content
    return name, values


class Client:
    """One connection to a served device, from HELLO to GOODBYE."""

    def __init__(self, reader, writer, name="python", closer=None):
        self._read = reader
        self._write = self._guarded(writer)
        self._close = closer or (lambda: None)
        self._pending = []
        self._regions = []
        self.diagnostics = []
        self.on_diagnostic = None
        # on_diagnostic(time_ps, code, message) may call the device; an exception it raises comes out of the call it was handed over in.
        # Diagnostics that came before a reply, handed to on_diagnostic once the reply is taken: a handler that called the device
        # (read ERRLOG) took the reply its caller waited for, and the caller got the handler's (from a driver developer's check).
        self._held = collections.deque()
        self._delivering = False
        self._ended = False
        self.now_ps = self.call_ps = 0
        reply = self._request("HELLO", magic=protocol.MAGIC, major=protocol.VERSION_MAJOR, minor=protocol.VERSION_MINOR, client_name=name)
        self.queues = reply["queues"]
        self.vectors = reply["vectors"]
        self.call_ps = reply["call_ps"]
        self.now_ps = reply["time_ps"]
        # A driver that ends (returns, raises) without goodbye or disconnect is disconnected as it exits: what it posted is sent first
        # (it waited here for the next request, and the driver's last doorbell and mistakes were lost; from a driver developer's check).
        atexit.register(self.disconnect)

    @classmethod
    def connect_unix(cls, path, name="python"):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(path)
        except OSError as error:
            connection.close()
            raise NicsimError("cannot connect to the nicsim socket %s: %s" % (path, error.strerror or error)) from error
        return cls(_receiver(connection.recv), connection.sendall, name, connection.close)

    @classmethod
    def connect_env(cls, name="python"):
        path = os.environ.get("NICSIM_SOCKET")
        if not path:
            raise NicsimError("NICSIM_SOCKET is not set: run under `nicsim serve -- <command>`, or use connect_unix")
        return cls.connect_unix(path, name)

    @classmethod
    def spawn(cls, argv, name="python"):
        """Start the server (argv ends in `serve --stdio`) and talk to it on its stdin and stdout."""
        try:
            server = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError as error:
            raise NicsimError("cannot start the nicsim server %s: %s" % (argv[0] if argv else "(no command)", error.strerror or error)) from error

        def write(data):
            server.stdin.write(data)
            server.stdin.flush()

        def close():
            try:
                server.stdin.close()
            except OSError:
                pass  # The server has gone already: what it had not read is lost either way.
            server.wait()

        return cls(_receiver(server.stdout.read1), write, name, close)

    @classmethod
    def over_streams(cls, reader, writer, name="python"):
        """A client whose server is at the other end of two binary streams (a process started by the server)."""

        def write(data):
            writer.write(data)
            writer.flush()

        return cls(_receiver(reader.read1), write, name)

    # ---- the wire ----

    @staticmethod
    def _guarded(writer):
        """A server that has gone (its pipe or socket closed) is a NicsimError, as a refusal is, not a BrokenPipeError."""

        def write(data):
            try:
                writer(data)
            except (OSError, ValueError) as error:  # ValueError: a pipe closed by disconnect(), as a socket's EBADF
                raise _lost(error) from error

        return write

    def _refuse_in_handler(self, name):
        # As the C client: the session ends once the call that heard the diagnostic has returned (ended inside, that call's caller was told
        # of a call "after goodbye").
        if self._delivering:
            raise NicsimError("%s from a diagnostic handler: end the session once the call that heard the diagnostic has returned" % name)

    def _refuse_after_goodbye(self, name):
        if self._ended:
            # Said of a handler only when one made the call (it was said of every call after goodbye).
            handler = " (from a handler of the diagnostics that came with its reply)" if self._delivering else ""
            raise NicsimError("%s after goodbye%s: the session has ended; nothing was sent" % (name, handler))

    def _post(self, name, **values):
        self._refuse_after_goodbye(name)
        self._pending.append(encode(name, **values))
        self.now_ps += self.call_ps

    def _request(self, name, **values):
        self._refuse_after_goodbye(name)
        self._pending.append(encode(name, **values))
        self.now_ps += self.call_ps
        self._write(b"".join(self._pending))
        self._pending = []
        expected = protocol.MESSAGES[name][6]
        while True:
            reply, values = decode(self._read())
            if reply == expected:
                if "time_ps" in values:
                    self.now_ps = values["time_ps"]
                self._deliver_held()
                return values
            if reply == "ERROR":
                self._deliver_held()
                raise NicsimError("protocol error %s: %s" % (protocol.PROTOCOL_ERRORS.get(values["code"], values["code"]), values["message"]), protocol.PROTOCOL_ERRORS.get(values["code"]))
            if reply == "MEMORY_UPDATE":
                self._update(values["address"], values["data"])
            elif reply == "DIAGNOSTIC":
                self.diagnostics.append(values["message"])
                self._held.append((values["time_ps"], values["code"], values["message"]))
            else:
                raise NicsimError("the server sent %s while this client waited for %s" % (reply, expected))

    def _deliver_held(self):
        """Hand the diagnostics held to on_diagnostic in the order they came; those a handler's own calls hear join the queue."""
        if self._delivering:
            return
        self._delivering = True
        try:
            while self._held:
                diagnostic = self._held.popleft()
                if self.on_diagnostic:
                    self.on_diagnostic(*diagnostic)
        finally:
            self._delivering = False

    def _update(self, address, data):
        copy = self.host(address, len(data))
        if copy is None:
            raise NicsimError("MEMORY_UPDATE of %d bytes at 0x%x: outside every region of this client" % (len(data), address))
        copy[:] = data

    # ---- the device ----

    def mmio_read(self, offset):
        return self._request("MMIO_READ", offset=offset)["value"]

    def mmio_write(self, offset, value):
        # As the in-process bus: a 32-bit pattern, unsigned or as Python's bit operators make it negative; anything wider is refused, not cut.
        # What the value is, not the value: a write to SA_STAGE carries key words.
        if isinstance(value, bool) or not isinstance(value, int) or not -0x80000000 <= value <= 0xFFFFFFFF:
            # Nor the offset past the register map: swapped arguments put a key word there.
            where = "offset %#x" % offset if isinstance(offset, int) and 0 <= offset < nicsim_device.REGISTER_MAP_END else "an offset at or past the register map's end (%#x; not shown)" % nicsim_device.REGISTER_MAP_END
            raise ValueError("MMIO write of %s to %s: registers take 32-bit integers (0 to 0xffffffff, or the signed -0x80000000 to -1 that bit operators give)" % (_kind_of(value, "a number beyond 32 bits"), where))
        self._post("MMIO_WRITE", offset=offset, value=value & 0xFFFFFFFF)

    def alloc(self, size, alignment, label):
        address = self._request("ALLOCATE", bytes=size, alignment=alignment, label=label)["address"]
        self._regions.append((address, bytearray(size)))
        return address

    def host(self, address, length):
        """A writable view of this client's copy of [address, address + length), or None outside every region."""
        for start, copy in self._regions:
            if start <= address and address + length <= start + len(copy):
                return memoryview(copy)[address - start:address - start + length]
        return None

    def memory_write(self, address, data):
        """Copy into this client's copy (inside a region) and send to the device."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ValueError("MEMORY_WRITE.data: %s; expected bytes" % type(data).__name__)
        copy = self.host(address, len(data))
        if copy is not None:
            copy[:] = data
        for offset in range(0, len(data), protocol.MAX_DATA_BYTES):
            self._post("MEMORY_WRITE", address=address + offset, data=bytes(data[offset:offset + protocol.MAX_DATA_BYTES]))

    def memory_read(self, address, length):
        """The server's copy of host memory."""
        return b"".join(self._request("MEMORY_READ", address=address + offset, bytes=min(protocol.MAX_DATA_BYTES, length - offset))["data"] for offset in range(0, length, protocol.MAX_DATA_BYTES))

    def wait(self, duration_ps):
        """Let time pass; protocol.WAIT_FOREVER: until nothing is left to happen in the model."""
        self._request("WAIT", duration_ps=duration_ps)
        return self.now_ps

    def wait_interrupt(self, mask, timeout_ps):
        """The vectors of `mask` delivered (0: the timeout passed). With protocol.WAIT_FOREVER it waits without
        a limit: until an interrupt of the mask, or 0 once nothing is left to happen (no interrupt can come)."""
        return self._request("WAIT_INTERRUPT", timeout_ps=timeout_ps, mask=mask)["vectors"]

    # ---- the peer (the test bench) ----

    def peer_sa(self, spi, source, destination, direction, icv_bytes, key_material):
        self._post("PEER_SA", spi=spi, source=source, destination=destination, direction=direction, icv_bytes=icv_bytes, key_material=key_material)

    def peer_echo(self, enable=True):
        self._post("PEER_ECHO", enable=1 if enable else 0)

    def peer_send(self, count, gap_ps, size, traffic_class=0, esp=False):
        self._post("PEER_SEND", gap_ps=gap_ps, count=count, bytes=size, traffic_class=traffic_class, esp=1 if esp else 0)

    def peer_status(self):
        return self._request("PEER_STATUS")

    # ---- the end ----

    def goodbye(self):
        """The run ends and writes its files; the connection is closed. Diagnostics that came with its reply are handed over after that:
        a handler's call to the device then raises NicsimError (before, it broke the goodbye, the server having closed)."""
        self._refuse_in_handler("goodbye")
        delivering = self._delivering
        self._delivering = True
        try:
            self._request("GOODBYE")
        finally:
            self._delivering = delivering
        atexit.unregister(self.disconnect)
        self._close()
        self._ended = True
        self._deliver_held()
        return self.now_ps

    def disconnect(self):
        """Close without GOODBYE: the server records a disconnect. What was posted is sent first: the server still lands those writes."""
        atexit.unregister(self.disconnect)
        try:
            if self._pending:
                self._write(b"".join(self._pending))
        except NicsimError:
            pass  # The server has gone: there is no one to send them to, and it is still waited for.
        finally:
            self._pending = []
            self._close()


def _receiver(read):
    """A function returning the next whole message from a byte source (`read(n)` returning up to n bytes)."""
    buffered = bytearray()

    def take(count):
        while len(buffered) < count:
            try:
                chunk = read(65536)
            except OSError as error:
                raise _lost(error) from error
            if not chunk:
                # What came of a message cut off is no message: a later read must not take it for one.
                del buffered[:]
                raise NicsimError("the server closed the connection")
            buffered.extend(chunk)
        taken = bytes(buffered[:count])
        del buffered[:count]
        return taken

    def next_message():
        header = take(protocol.HEADER_BYTES)
        length, _code = struct.unpack(protocol.HEADER_FORMAT, header)
        if length < protocol.HEADER_BYTES or length > protocol.MAX_MESSAGE_BYTES:
            raise NicsimError("the server sent a header of length %d" % length)
        return header + take(length - protocol.HEADER_BYTES)

    return next_message
