/**
 * The hand-written part of docs/device-protocol.md: the protocol's rules, which the message
 * tables (generated from hw/spec/device-protocol.ts) cannot say.
 */
export const PROTOCOL_PREFACE = `\`nicsim serve\` runs the model's NIC, with its host memory, wire and remote peer and no driver,
as a device server for one driver in another process: \`clients/c/\` (C, libc only) and
\`clients/python/\` (standard library only) speak this protocol. A run serves one client, from its
HELLO to its GOODBYE (or its disconnect), then writes its files like any run: \`<name>.vcd\`, \`.gtkw\`
and \`.filters/\`, \`.pcap\`, \`.esp_sa\` (the key of each SA the client gave the peer or installed in the NIC, whether or not the capture holds frames of it; with none, the file holds no SA, so that no earlier run's keys are left beside the capture) and \`.summary.json\`.

## Transports

- \`nicsim serve --socket PATH\`: a Unix domain socket (stream). The first client to connect drives
  the device; a second one is refused with ERROR (ORDER) and does not change how the run ends. The
  path holds at most 107 bytes (\`sun_path\`): a longer one is refused before the server listens.
- \`nicsim serve --stdio\`: requests on stdin, replies on stdout, for a client that starts the
  server as its child (\`nicsim_spawn\` in C, \`Client.spawn\` in Python). Words for a person go to stderr.
  A client that closes either end (stops writing requests or reading replies) has disconnected.
- \`nicsim serve [--socket PATH] -- ./driver args…\`: the server starts the driver with
  \`NICSIM_SOCKET\` set to the socket (a temporary one without \`--socket\`) and exits with the
  driver's exit status (or 1 if the run did not end with GOODBYE). The run ends once the driver has
  exited, so that a driver killed by a signal is named in the summary ("the client was killed by
  SIGSEGV") and the status is 128 + the signal's number, as a shell gives it.

Ctrl-C (SIGINT) or SIGTERM ends a run between two of the client's messages, as \`nicsim run\` is
stopped: the waveform and capture are flushed and closed, the summary says "interrupted by SIGINT",
the files are left under their temporary names (\`<name>.vcd.partial\`, …) and listed with their
state, a driver the server started is sent SIGTERM, and the exit status is 130 or 143; a second
signal stops at once. A message being served finishes first (a long WAIT runs to its end); messages
received behind it, sent in the same write, are not served (after 50 ms of wall time serving a
write's messages, the server looks for a signal before the next).

## Messages

Every message is an 8-byte header, its whole length (header included) and its type, then its
fields in the order of the tables below, little-endian, at the offsets given, with no padding; a
message's last field may be a byte string or UTF-8 text that runs to the end of the message. The
client sends requests (it waits for their reply) and posted messages (no reply); the server sends
replies, notifications (before a reply) and ERROR. The server answers requests in order, and
sends nothing unasked except the notifications that precede a reply. A run depends only on the
messages the client sent, never on how the operating system cut them into reads: the same seed
and the same messages give byte-identical files. (A client that closes its end while the server
still writes to it, a socket or the server's stdout, leaves it as much of its stream read as the
timing gave: the summary says how many bytes were read, and that what came after was not served.)

## Time: one rule

Simulated time is the model's, in picoseconds, and only the client moves it on:

- every request or posted message of the client happens at the client's current time plus the
  cost of a call (\`--call-ns\`, 20 ns by default; HELLO_REPLY says it): the model runs up to
  then, events at that time included, and the message takes effect;
- an MMIO_READ then runs the model until the value is back (the NIC's read round trip, after
  the posted writes before it): the reply's time is the client's time from then on;
- WAIT moves the client's time on by its duration; WAIT_INTERRUPT until an interrupt it waits
  for, or its timeout. A duration of WAIT_FOREVER (2^64 - 1; any from 2^53 ps, or one ending past
  the last representable time) has no limit: the wait ends at the interrupt, or when nothing is
  left to happen in the model (no event pending, so that no interrupt can come), at that time.

Nothing else advances time: a client computing between two messages takes no simulated time
beyond the cost of its next call. A driver that wants to model its own work waits for it.

## Interrupts: MSI-X vectors

The device has one vector per queue and one for errors (HELLO_REPLY's \`vectors\`; the last is
the error vector). An interrupt message of vector v latches bit v in the server. WAIT_INTERRUPT
with a mask returns at once if a vector of its mask is latched, else at the first interrupt of
one of them, or when its timeout has passed; its reply delivers the latched vectors of its mask
(unlatching them) and says which other vectors are still latched. The device's own interrupt
logic is unchanged: causes in ICR, enables in IMS, auto-mask on firing, moderation by EITR.

## Host memory: regions the server mirrors

Host memory is the server's, and the client registers (ALLOCATE) the regions it uses; the client
library keeps a copy of each region. The client writes its descriptors, buffers and SA records
with MEMORY_WRITE (posted, applied at the client's time); the device's DMA reads and writes go to
the server's memory at the times the model gives them; and before every reply the server sends
MEMORY_UPDATE for every byte the device wrote since the previous reply, with the bytes as they
are when sent. So, exactly: **whenever the client reads a reply, its copy of every region equals
the server's.** A driver then polls descriptor status in its own copy without a round trip, as a
real driver reads coherent DMA memory.

Why not the other way, the client owning memory and answering the device's DMA reads? The model
would have to stop in the middle of a DMA for a round trip to the client, at a time the client
has already left behind; the run would then depend on the client's answers arriving in time, not
only on its messages. Registered regions keep the device's DMA inside the model, at the model's
times, so that a run is deterministic and a descriptor fetch costs no round trip. A real driver
does the same thing through the DMA API: it maps buffers for the device and syncs them (here:
MEMORY_WRITE before the doorbell, MEMORY_UPDATE before each reply). Regions are never freed in a
run; each is followed by an unmapped red zone, so that an access past its end is refused: a client
write by ERROR (MEMORY, naming the region, as the in-process memory guard does), a device access
as DMA_UNMAPPED in the device's error log.

## Driver mistakes and protocol errors

A driver mistake the device can see (a tail past the ring, a doorbell on a disabled queue, a bad
SA record, a read of a write-only register, …) is handled exactly as in-process: the device
refuses it, logs it in ERRLOG, counts it in ERROR_COUNT, raises its ERROR interrupt cause and
writes the descriptor back with the code; the server also sends the diagnostic's words as
DIAGNOSTIC before the next reply, and the summary lists them. The run goes on.

A message the server cannot take ends the run with ERROR, whose text names the message and the
field (\`MMIO_WRITE.length: 12 bytes; MMIO_WRITE is 16\`): a header with an impossible length
(MALFORMED), a type no client sends (UNKNOWN_TYPE), a length not the message's (WRONG_LENGTH), a
field value the message does not allow (BAD_VALUE), a HELLO of another major version (VERSION),
anything before HELLO (ORDER), a memory access outside every region (MEMORY). A client that
disconnects without GOODBYE ends the run too, and the summary says so, and whether it left a
message half sent. Either way the MMIO writes it posted that the server has taken still reach the
device (each takes the bus's write time), then the waveform and capture are closed and every file
is written (the C and Python clients send what they posted before they disconnect, and a driver
that returns or exits without GOODBYE or a disconnect is disconnected as it exits, its posted
messages sent first; one killed by a signal loses them). Replies
the client has not read hold its further requests back: the server reads no more of its stream
until they are read, so what it holds stays bounded (a client that never read its replies made it
hold gigabytes); a client that leaves meanwhile has those messages counted as not served, and how many of them were posted
(a client that half-closes its stream, having sent all it has, is served to its end). A client
that closes its socket at once, its replies unread, is served what the server had read of its
stream, whenever the server sees the close; but the first reply written to the closed socket fails,
the socket is closed with it, and what the client sent after what the server had read (from 64 KB
on, in a long batch) is lost: the summary says after how many bytes. So a
client reads its replies as it goes: one that writes all its requests before reading any, once the
streams' buffers are full, waits on the server as the server waits on it.

## The remote peer

The peer at the wire's far end is the test bench's: PEER_SA gives it one end of an ESP SA
(AES-GCM, tunnel mode) that the client also installs in the NIC through SA_STAGE and SA_COMMAND
(an SPI and destination name one SA, and the peer decrypts by SPI: a second PEER_SA with both, or a second host-to-peer one with the SPI, is refused, BAD_VALUE);
PEER_ECHO has it send back what it receives (an ESP frame decrypted and encrypted again under its
peer-to-host SA); PEER_SEND has it send the sequenced UDP test frames of plain-traffic;
PEER_STATUS says what it has seen. Keys travel only in PEER_SA and in the SA_STAGE writes of an
install (write-only: a read returns 0), and are written only to the run's esp_sa file, for
Wireshark (the peer's SAs and those installed in the NIC, so that what the NIC encrypted decrypts
even when the peer was not given its SA); no error or summary shows them. (A driver that stages
a record at the wrong offset writes its key words into other registers, which the device takes
as it would any write: a read of one gives back the bits its fields hold.)

## Versions

HELLO carries the client's version and HELLO_REPLY the server's; a major version other than the
server's is refused (VERSION). Within a major version no message changes its layout; a minor
version may only add message types, which an older server refuses as UNKNOWN_TYPE.
`;
