import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative as relativePath } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { createConnection } from "node:net";
import { describe, expect, test } from "vitest";
import { TX_COMMAND_FIELDS, TX_DESCRIPTOR } from "../../hw/spec/descriptors.js";
import * as R from "../../hw/spec/registers.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { encodeMessage, type Message } from "../../system/serve/protocol-codec.js";
import { DEFAULT_CALL_NANOSECONDS, type ServeConfig, ServedRun } from "../../system/serve/served-run.js";
import { filterPlaces } from "../../sim/vcd/waveform.js";
import { describeLeftFiles } from "../../sim/output-files.js";
import { serveOnSocket, serveOnStreams } from "../../system/serve/server.js";
import { describeEnding } from "../../system/serve/serve-summary.js";
import { StopRequest } from "../../system/serve/stop-request.js";
import { requireTool } from "../support/tools.js";
import { LoopbackClient } from "./loopback-client.js";
import { END_MARKER } from "../../sim/vcd/end-marker.js";

const python = new URL("../../clients/python", import.meta.url).pathname;
const config = (name: string): ServeConfig => ({ name, seed: 1, parameters: { "top.nic.queues": 1 }, directory: null, waveform: false, pcap: false, callPicoseconds: DEFAULT_CALL_NANOSECONDS * 1000 });
type WaitReply = Extract<Message, { name: "WAIT_REPLY" }>["values"];

describe.runIf(requireTool("python3", "python3"))("a client program killed by a signal", () => {
  test("SIGSEGV: the exit status is 128 + its number (139), and the summary names the signal", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-killed-"));
    const program = `import os, signal, sys; sys.path.insert(0, ${JSON.stringify(python)}); from nicsim import Client; device = Client.connect_env("crashes"); device.mmio_read(0); os.kill(os.getpid(), signal.SIGSEGV)`;
    const { result, clientStatus } = await serveOnSocket(config("killed"), join(directory, "device.sock"), { command: ["python3", "-c", program], onClientOutput: () => {} });
    expect(clientStatus).toBe(139);
    expect(result.summary.ending).toEqual({ kind: "client-killed", signal: "SIGSEGV", cutOff: null, text: "the client was killed by SIGSEGV, without GOODBYE" });
    expect(result.text).toMatch(/^killed: the client was killed by SIGSEGV, without GOODBYE \(seed 1, /);
  });

  test("killed before connecting: no client, the signal named", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-killed-early-"));
    const { result, clientStatus } = await serveOnSocket(config("early"), join(directory, "device.sock"), { command: ["python3", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGABRT)"], onClientOutput: () => {} });
    expect(clientStatus).toBe(134);
    expect(result.summary.ending).toMatchObject({ kind: "no-client", reason: "python3 was killed by SIGABRT without connecting" });
  });
});

describe("socket paths are checked before the server listens", () => {
  test("a path longer than a Unix domain socket holds (107 bytes) is refused, not cut short", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-long-"));
    const path = join(directory, `${"x".repeat(120 - directory.length)}.sock`);
    await expect(serveOnSocket(config("long"), path)).rejects.toThrow(`socket path ${path}: ${Buffer.byteLength(path)} bytes; a Unix domain socket's path holds at most 107: choose a shorter one (a relative path, or one under /tmp)`);
  }, 5_000);

  test("a directory that does not exist is named as such", async () => {
    const path = join(tmpdir(), "nicsim-no-such-directory", "device.sock");
    await expect(serveOnSocket(config("missing"), path)).rejects.toThrow(`socket path ${path}: the directory ${join(tmpdir(), "nicsim-no-such-directory")} does not exist`);
  }, 5_000);

  test("a file that is not a socket is left alone", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-file-"));
    writeFileSync(join(directory, "device.sock"), "mine");
    await expect(serveOnSocket(config("file"), join(directory, "device.sock"))).rejects.toThrow("a file that is not a socket is there; choose another path");
  }, 5_000);
});

describe("a socket path another server holds", () => {
  test("is refused with that server's process while it serves, and its lock is gone once it has ended", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-live-"));
    const path = join(directory, "device.sock");
    const stop = new StopRequest();
    let listening!: () => void;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const first = serveOnSocket(config("first"), path, { stop, onListening: () => listening() });
    await ready;
    // It took the socket over without a word, and removed the path as it ended.
    await expect(serveOnSocket(config("second"), path)).rejects.toThrow(`socket path ${path}: in use by process ${process.pid} (this one), by another of its runs or servers; its lock file is ${path}.lock`);
    expect(existsSync(path)).toBe(true);
    stop.request("SIGTERM");
    await first;
    expect(existsSync(`${path}.lock`)).toBe(false);
  }, 10_000);

  test("a lock left by a process that has gone (killed before it could remove it) is taken over", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-stale-"));
    const path = join(directory, "device.sock");
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    writeFileSync(`${path}.lock`, `${gone}\n`);
    const { result } = await serveOnSocket(config("stale"), path, { command: [process.execPath, "-e", ""], onClientOutput: () => {} });
    expect(result.summary.ending.kind).toBe("no-client");
    expect(existsSync(`${path}.lock`)).toBe(false);
  }, 10_000);
});

test("PEER_SEND of many frames with no gap is made as the line takes them: no zero-delay loop, nothing held beyond the line (it looped to a simulation error, or held gigabytes)", () => {
  const client = new LoopbackClient();
  client.hello();
  client.send("PEER_SEND", { gap_ps: 0, count: 150_000, bytes: 60, traffic_class: 0, esp: 0 });
  const reply = client.request("WAIT", { duration_ps: 2_000_000 });
  expect(reply.name).toBe("WAIT_REPLY");
  expect(client.result).toBeNull();
  // As many as the line carries in the 2 µs (a frame's time: preamble, FCS and gap included), not 150,000.
  const onLine = Math.floor(2_000_000 / client.run.design.top.wire.occupancy(60));
  const sent = (client.request("PEER_STATUS", {}).values as { sent: number }).sent;
  expect(sent).toBeGreaterThanOrEqual(onLine);
  expect(sent).toBeLessThanOrEqual(onLine + 3);
});

test("a translate filter's name taken (by a directory made while the client was served): the run ends saying so and listing the files left, never with an exception from the stream's end", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-filter-"));
  const run = new ServedRun({ ...config("taken"), directory, waveform: true, pcap: true });
  const taken = filterPlaces(run.design.kernel, join(directory, "taken")).files[0]!;
  mkdirSync(taken, { recursive: true });
  const result = run.finish({ kind: "disconnected", cutOff: null });
  expect(result.failure).toContain(`${taken} is a directory, so the file cannot have that name`);
  expect(result.left.find((file) => file.path === join(directory, "taken.pcap.partial"))?.state).toBe("complete");
  // The client had left: the report says the simulation was over. The filter is written all the same, under its temporary name, its own name's obstacle said by the renaming (it was not written at all).
  expect(result.extent).toMatchObject({ simulationFinished: true, outcome: "the client disconnected without GOODBYE" });
  expect(result.extent!.unwritten).not.toContain(taken);
  expect(result.left.find((file) => file.path === `${taken}.partial`)?.state).toBe("complete");
  // The summary is written all the same, under its temporary name, naming no file by a name it never got (it was not written).
  expect(result.left.find((file) => file.path === join(directory, "taken.summary.json.partial"))?.state).toBe("complete");
  expect(result.summary.files).toEqual([]);
  expect(existsSync(join(directory, "taken.vcd"))).toBe(false);
});

// From an auditor's check: `serve --stdio` whose client stopped reading exited 0 at once, with no word, leaving only .partial files (stdout's EPIPE ended nicsim as for `nicsim run | head`).
test("--stdio whose client stops reading its replies (its input still open): the run ends as a disconnect, its files written, exit status 1", async () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-stdout-closed-"));
  const main = new URL("../../dist/system/cli/main.js", import.meta.url).pathname;
  const child = spawn(process.execPath, [main, "serve", "--stdio", "--name", "gone", "--out", directory, "--set", "nic.queues=1"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.write(encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "reader-gone" }));
  // Its first reply read, the client closes its end of stdout and goes on sending.
  child.stdout.once("data", () => {
    child.stdout.destroy();
    for (let wait = 0; wait < 50; wait++) child.stdin.write(encodeMessage("WAIT", { duration_ps: 1_000_000 }));
  });
  const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.stdin.destroy();
  expect(status, stderr).toBe(1);
  // Which end it closed is said: a client's author looks for a reader that quit, not a writer.
  expect(stderr).toContain("gone: the client disconnected without GOODBYE: it stopped reading its replies (the server's stdout was closed)");
  const summary = JSON.parse(readFileSync(join(directory, "gone.summary.json"), "utf8"));
  expect(summary.ending).toMatchObject({ kind: "disconnected", stoppedReading: true });
  // How much of what it sent the server read before it noticed depends on the timing: said so, with the bytes read, not as a count of messages unserved that changed run to run (an outside check).
  expect(summary.ending.readBytes).toBeGreaterThan(0);
  expect(stderr).toMatch(new RegExp(`anything it sent after its first ${summary.ending.readBytes} bytes was not read or served \\(the server cannot tell whether more was sent\\)`));
  expect(existsSync(join(directory, "gone.pcap")) && !existsSync(join(directory, "gone.pcap.partial"))).toBe(true);
}, 30_000);

test("--stdio with nothing at the other end (its input ends before any message): no client connected", async () => {
  const { result } = await serveOnStreams(config("nobody"), Readable.from([]), new PassThrough());
  expect(result.summary.ending).toEqual({ kind: "no-client", reason: "its input ended before any message", text: "no client connected: its input ended before any message" });
});

describe("a wait without a limit (WAIT_FOREVER, or any duration from 2^53 ps) is no error", () => {
  test.runIf(requireTool("python3", "python3"))("the Python client's WAIT_FOREVER", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-forever-"));
    const program = `import sys; sys.path.insert(0, ${JSON.stringify(python)}); import nicsim_protocol; from nicsim import Client; device = Client.connect_env("forever"); print(device.wait_interrupt(1, nicsim_protocol.WAIT_FOREVER), device.wait(nicsim_protocol.WAIT_FOREVER)); device.goodbye()`;
    let output = "";
    const { result, clientStatus } = await serveOnSocket(config("forever"), join(directory, "device.sock"), { command: ["python3", "-c", program], onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    expect(output.trim()).toBe("0 60000");
    expect(result.summary.ending.kind).toBe("goodbye");
  });

  /** A WAIT_INTERRUPT whose timeout field holds `bytes`, little-endian: what a C client sends for UINT64_MAX. */
  function waitInterrupt(timeout: bigint, mask: number): Uint8Array {
    const bytes = new Uint8Array(20);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 20, true);
    view.setUint32(4, 0x09, true);
    view.setBigUint64(8, timeout, true);
    view.setUint32(16, mask, true);
    return bytes;
  }

  test("on an idle device WAIT_INTERRUPT with 2^64 - 1 returns at once with no vector, as nothing is left to happen; WAIT the same", () => {
    const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
    client.hello();
    client.sendBytes(waitInterrupt(2n ** 64n - 1n, 0b1));
    expect(client.received.at(-1)).toEqual({ name: "WAIT_REPLY", values: { time_ps: 40_000, vectors: 0, pending: 0 } });
    expect((client.request("WAIT", { duration_ps: Infinity }).values as WaitReply).time_ps).toBe(60_000);
    expect(client.result).toBeNull();
  });

  test("with a frame on its way it waits for the interrupt, however far; 2^53 counts as no limit too", () => {
    const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
    client.hello();
    const ring = (client.request("ALLOCATE", { bytes: 8 * 32, alignment: 128, label: "ring" }).values as { address: number }).address;
    const buffer = (client.request("ALLOCATE", { bytes: 256, alignment: 64, label: "buffer" }).values as { address: number }).address;
    const frame = sequencedFrame("to-peer", 0, 0, 200);
    client.send("MEMORY_WRITE", { address: buffer, data: frame });
    client.send("MEMORY_WRITE", { address: ring, data: TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: frame.length, command: TX_COMMAND_FIELDS.pack({ EOP: 1, RS: 1 }) }) });
    for (const [offset, value] of [[R.TDBAL(0), ring % 2 ** 32], [R.TDBAH(0), Math.floor(ring / 2 ** 32)], [R.TDLEN(0), 256], [R.TXDCTL(0), R.QUEUE_ENABLE], [R.IMS, R.causeTxDone(0)], [R.CTRL, R.CTRL_TX_ENABLE], [R.TDT(0), 1]] as const) client.send("MMIO_WRITE", { offset, value });
    client.sendBytes(waitInterrupt(2n ** 53n, 0b1));
    const reply = client.received.at(-1) as Extract<Message, { name: "WAIT_REPLY" }>;
    expect(reply.name).toBe("WAIT_REPLY");
    expect(reply.values.vectors).toBe(0b1);
    expect(client.run.design.top.nic.interrupts.fired[0]).toBe(1);
    // A time field that is not a duration still refuses what it cannot hold.
    const send = encodeMessage("PEER_SEND", { gap_ps: 1, count: 1, bytes: 100, traffic_class: 0, esp: 0 });
    new DataView(send.buffer).setBigUint64(8, 2n ** 53n, true);
    client.sendBytes(send);
    expect(client.result?.summary.ending).toMatchObject({ kind: "protocol-error", error: "BAD_VALUE", message: "PEER_SEND.gap_ps: 2^53 or more, where it holds at most 2^53 - 1" });
  });
});

test.runIf(existsSync("/dev/full"))("the dump cannot be written as the run goes (a full disk): the model fails, the run did not finish, and the capture is cut off where it did (it was called finished, its files complete)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-full-"));
  symlinkSync("/dev/full", join(directory, "full.vcd.partial"));
  const client = new LoopbackClient({ name: "full", parameters: { "top.nic.queues": 1 }, directory, waveform: true, pcap: true });
  client.hello();
  client.send("WAIT", { duration_ps: 2_000_000 });
  const result = client.result!;
  expect(result.summary.ending.kind).toBe("simulation-error");
  expect(result.extent?.simulationFinished ?? false).toBe(false);
  const left = new Map(result.left.map((file) => [file.path, file.state]));
  expect(left.get(join(directory, "full.pcap.partial"))).toBe("partial");
  expect(existsSync(join(directory, "full.pcap"))).toBe(false);
  expect(describeLeftFiles(result.left, [], result.extent)).toMatch(/^The run did not finish/);
  // Its summary names no file by a name it never got (it listed full.vcd, full.pcap …).
  expect(result.summary.files).toEqual([]);
});

test("the summary names the run's files within the output directory: the same bytes whether --out was given as an absolute or a relative path (it held the paths as typed; from a driver developer's check)", () => {
  const parent = mkdtempSync(join(tmpdir(), "nicsim-serve-out-"));
  const summaryOf = (directory: string) => {
    const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 }, directory, pcap: true, waveform: true });
    client.hello();
    client.request("WAIT", { duration_ps: 1_000_000 });
    client.request("GOODBYE", {});
    const files = client.result!.summary.files;
    // The filters' folder kept (a name alone lost it: from a check of the fix).
    expect(files).toContain("loopback.filters/tx_state.txt");
    for (const file of files) expect(existsSync(join(directory, file)), file).toBe(true);
    return readFileSync(join(directory, "loopback.summary.json"), "utf8");
  };
  const absolute = summaryOf(join(parent, "a"));
  const relative = summaryOf(relativePath(process.cwd(), join(parent, "b")));
  expect(relative).toBe(absolute);
});

test("a run interrupted by a signal leaves its dump without the end marker, as an interrupted `nicsim run` does (it said 'the run finished at'; from a driver developer's check)", () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-interrupted-"));
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 }, directory, waveform: true });
  client.hello();
  client.request("WAIT", { duration_ps: 1_000_000 });
  const result = client.run.finish({ kind: "interrupted", signal: "SIGTERM" });
  const dump = result.left.find((file) => file.path.endsWith(".vcd.partial"));
  expect(dump, JSON.stringify(result.left)).toBeDefined();
  const text = readFileSync(dump!.path, "utf8");
  expect(text).toContain("$enddefinitions");
  expect(text).not.toContain(END_MARKER);
});

// From an auditor's check: a doorbell on a disabled queue posted just before the client left never reached the device (the run ended at once, the write due 400 ns later), and the mistake was nowhere.
test.each(["GOODBYE", "a disconnect"])("the writes a client posted before %s still reach the device: their errors are in the summary", (way) => {
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
  client.hello();
  client.send("MMIO_WRITE", { offset: R.TDT(0), value: 3 });
  if (way === "GOODBYE") client.request("GOODBYE", {});
  else client.disconnect();
  const { summary } = client.result!;
  expect(summary.device.errors).toHaveLength(1);
  expect(summary.device.errors[0]).toMatch(/DOORBELL_ON_DISABLED_QUEUE: TX queue 0, TDT as it stands = 0/);
});

// From an auditor's check: of 18,603 frames the peer sent to a disabled RX queue, 18,601 were counted dropped and 2 nowhere (they were on the wire when the client left).
test("every frame the peer sent is counted somewhere when the client leaves: dropped, delivered, in the RX buffer, or on the wire", () => {
  const client = new LoopbackClient({ parameters: { "top.nic.queues": 1 } });
  client.hello();
  client.send("PEER_SEND", { gap_ps: 0, count: 1000, bytes: 1500, traffic_class: 0, esp: 0 });
  client.request("WAIT", { duration_ps: 20_000_000 });
  client.disconnect();
  const { frames, peer, device } = client.result!.summary;
  expect(frames.onWire).toBeGreaterThan(0);
  expect(peer.sent).toBe(frames.toHost + frames.inRxBuffer + (device.drops.RX_DISABLED ?? 0) + frames.onWire);
});

// From a re-check: a client that sent requests and read no reply made the server hold every reply (4.6 GB over a socket in 8 s).
test("replies a client does not read hold back its further requests: what the server holds stays bounded, and all are served once it reads", async () => {
  const requests = [encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "slow-reader" }), encodeMessage("ALLOCATE", { bytes: 65536, alignment: 4096, label: "buffer" })];
  // The first region a run allocates (host memory's first address, aligned): the client need not read the reply to know it.
  for (let read = 0; read < 200; read++) requests.push(encodeMessage("MEMORY_READ", { address: 0x1_0000_0000, bytes: 65536 }));
  const input = new PassThrough();
  const output = new PassThrough({ highWaterMark: 65536 });
  let served: ServedRun | null = null;
  const outcome = serveOnStreams(config("slow-reader"), input, output, { onRun: (run) => (served = run) });
  for (const request of requests) input.write(request);
  input.end();
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Held back: a few 64 KB replies wait in the stream, the rest of the requests unserved.
  const early = served!.session.counts.get("MEMORY_READ") ?? 0;
  expect(early).toBeLessThan(10);
  expect(output.readableLength).toBeLessThan(10 * 65600);
  // Read, and every request is served before the run ends (its input had ended).
  let bytes = 0;
  output.on("data", (chunk: Buffer) => (bytes += chunk.length));
  const { result } = await outcome;
  expect(served!.session.counts.get("MEMORY_READ")).toBe(200);
  expect(bytes).toBeGreaterThan(200 * 65536);
  expect(result.summary.ending.kind).toBe("disconnected");
});

// From a final check: a client that sent all its requests and GOODBYE, half-closed its socket and read on was cut off at random (the socket closed at its end, dropping the requests its unread replies held back).
test("over a socket, a client that half-closes after its last request, GOODBYE included, is served to its end while it reads", async () => {
  const directory = mkdtempSync(join(tmpdir(), "nicsim-half-close-"));
  const path = join(directory, "device.sock");
  const requests = [encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "half-close" }), encodeMessage("ALLOCATE", { bytes: 65536, alignment: 4096, label: "buffer" })];
  for (let read = 0; read < 200; read++) requests.push(encodeMessage("MEMORY_READ", { address: 0x1_0000_0000, bytes: 65536 }));
  requests.push(encodeMessage("GOODBYE", {}));
  let received = 0;
  let readToEnd: Promise<void> = Promise.resolve();
  const outcome = serveOnSocket(config("half-close"), path, {
    onListening: () => {
      const socket = createConnection(path, () => {
        socket.end(Buffer.concat(requests));
        // A slow reader: the replies wait for it, and the requests behind them with them.
        socket.pause();
        setTimeout(() => socket.resume(), 300);
      });
      socket.on("data", (chunk: Buffer) => (received += chunk.length));
      readToEnd = new Promise((resolve) => socket.on("close", () => resolve()));
    },
  });
  const { result } = await outcome;
  await readToEnd;
  expect(result.summary.ending.kind).toBe("goodbye");
  expect(received).toBeGreaterThan(200 * 65536);
});

// From a driver developer's check: a client that sent only reads and left without reading their replies was told "posted ones among them".
test("a client that leaves with requests held back by unread replies is told how many, and how many of them were posted writes", async () => {
  for (const writes of [0, 30]) {
    const path = join(mkdtempSync(join(tmpdir(), "nicsim-unserved-")), "device.sock");
    const messages = [encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "leaves" }), encodeMessage("ALLOCATE", { bytes: 65536, alignment: 4096, label: "buffer" })];
    for (let read = 0; read < 200; read++) messages.push(encodeMessage("MEMORY_READ", { address: 0x1_0000_0000, bytes: 65536 }));
    for (let write = 0; write < writes; write++) messages.push(encodeMessage("MMIO_WRITE", { offset: R.IMC, value: 0 }));
    const outcome = serveOnSocket(config("leaves"), path, {
      onListening: () => {
        const socket = createConnection(path, () => {
          socket.write(Buffer.concat(messages));
          // Gone without reading a reply, once the server has had the requests.
          setTimeout(() => socket.destroy(), 300);
        });
      },
    });
    const { result } = await outcome;
    const ending = result.summary.ending as { kind: string; unserved?: number; unservedPosted?: number };
    expect(ending.kind).toBe("disconnected");
    expect(ending.unserved).toBeGreaterThan(writes);
    expect(ending.unservedPosted).toBe(writes);
    expect(describeEnding(result.summary.ending)).toContain(writes === 0 ? "none of them posted" : `${writes} of them posted writes`);
  }
});

// From a driver developer's check: a client that sent HELLO and a posted write and closed at once had the write served or lost by timing: the HELLO reply, refused by the closed socket, was taken for back-pressure and held the write back.
test("a client that closes its socket at once, its replies unread, has what it sent served: its posted write reaches the device whenever its close is seen", async () => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const path = join(mkdtempSync(join(tmpdir(), "nicsim-gone-")), "device.sock");
    let served: ServedRun | null = null;
    const outcome = serveOnSocket(config("gone"), path, {
      onRun: (run) => (served = run),
      onListening: () => {
        const socket = createConnection(path, () => {
          socket.write(Buffer.concat([encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "gone" }), encodeMessage("MMIO_WRITE", { offset: R.IMS, value: R.causeTxDone(0) })]));
          socket.destroy();
        });
      },
    });
    const { result } = await outcome;
    const ending = result.summary.ending as { kind: string; unserved?: number };
    expect(ending.kind).toBe("disconnected");
    expect(ending.unserved).toBeUndefined();
    expect(served!.session.counts.get("MMIO_WRITE")).toBe(1);
    expect(served!.design.top.nic.interrupts.readMask()).toBe(R.causeTxDone(0));
  }
});

// From a check of that fix: a batch past 64 KB, sent and closed at once, was served only as far as the server had read it (Node closes a socket whose write failed, with the rest unread), and the summary blamed the client for a message it left half sent.
test("a client that closes at once after a long batch: what the server read is served, and the summary says after how many bytes the rest went unread, not that the client cut a message short", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "nicsim-gone-long-")), "device.sock");
  const writes = 300;
  const batch = Buffer.concat([
    encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "gone-long" }),
    encodeMessage("ALLOCATE", { bytes: 65536, alignment: 4096, label: "buffer" }),
    ...Array.from({ length: writes }, () => encodeMessage("MEMORY_WRITE", { address: 0x1_0000_0000, data: new Uint8Array(500) })),
  ]);
  let served: ServedRun | null = null;
  const { result } = await serveOnSocket(config("gone-long"), path, {
    onRun: (run) => (served = run),
    onListening: () => {
      const socket = createConnection(path, () => {
        socket.write(batch);
        socket.destroy();
      });
    },
  });
  const ending = result.summary.ending as { kind: string; readBytes?: number; cutOff: string | null };
  expect(ending.kind).toBe("disconnected");
  const memoryWrites = served!.session.counts.get("MEMORY_WRITE") ?? 0;
  if (ending.readBytes === undefined) {
    // The server read it all before its first reply failed: all of it is served.
    expect(memoryWrites).toBe(writes);
  } else {
    expect(ending.readBytes).toBeLessThan(batch.length);
    expect(memoryWrites).toBeLessThan(writes);
    const words = describeEnding(result.summary.ending);
    expect(words).toContain(`anything it sent after its first ${ending.readBytes} bytes was not read or served`);
    expect(words).not.toContain("in the middle of a message");
  }
});
