import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "vitest";
import { serveOnSocket } from "../../system/serve/server.js";
import { requireTool } from "../support/tools.js";

/**
 * A client in Python, as a driver developer's raw-socket check had it: HELLO, a header one byte
 * longer than the largest message, the body it claims, then read to the end. Prints the ERROR's
 * text, or why reading failed.
 */
const CLIENT = `
import socket, struct, sys
sys.path.insert(0, ${JSON.stringify(new URL("../../clients/python", import.meta.url).pathname)})
import nicsim_protocol as P
from nicsim import encode, decode
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
hello = encode("HELLO", magic=P.MAGIC, major=1, minor=0, client_name="refusal")
try:
    s.sendall(hello + struct.pack("<II", 65553, 6) + b"x" * 65545)
except OSError as error:
    pass
received = b""
try:
    while True:
        chunk = s.recv(65536)
        if not chunk: break
        received += chunk
except OSError as error:
    print("read failed:", type(error).__name__)
at = 0
while at + 8 <= len(received):
    length = struct.unpack_from("<I", received, at)[0]
    name, values = decode(received[at:at + length])
    if name == "ERROR": print("ERROR:", values["message"])
    at += length
`;

// From a driver developer's check: the server closed the socket with the rest of an oversize message unread, the client's read failed with ECONNRESET, and the ERROR saying why never reached it.
test.runIf(requireTool("python3", "python3"))("a client whose message is refused before its body is read still reads the ERROR over the socket", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "nicsim-refusal-")), "device.sock");
  let listening!: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const served = serveOnSocket({ name: "refusal", seed: 1, parameters: { "top.nic.queues": 1 }, directory: null, waveform: false, pcap: false, callPicoseconds: 20_000 }, path, { onListening: () => listening() });
  await ready;
  const output = await new Promise<string>((resolve) => {
    let text = "";
    const client = spawn("python3", ["-c", CLIENT, path]);
    client.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
    client.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
    client.on("close", () => resolve(text));
  });
  const { result } = await served;
  expect(output).not.toContain("read failed");
  expect(output).toContain("ERROR: header.length: 65553; a message is 8 to 65552 bytes");
  expect(result.summary.ending).toMatchObject({ kind: "protocol-error", error: "MALFORMED" });
});
