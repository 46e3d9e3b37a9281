import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkVcd } from "../../sim/vcd/check-vcd.js";
import { DEFAULT_CALL_NANOSECONDS, type ServeConfig } from "../../system/serve/served-run.js";
import { serveOnSocket, serveOnStreams } from "../../system/serve/server.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import { requireTool } from "../support/tools.js";
import { captureFrames } from "./capture-frames.js";

const bench = new URL("./python_bench.py", import.meta.url).pathname;
const config = (directory: string, name: string): ServeConfig => ({ name, seed: 1, parameters: { "top.nic.queues": 1 }, directory, waveform: true, pcap: true, callPicoseconds: DEFAULT_CALL_NANOSECONDS * 1000 });

describe.runIf(requireTool("python3", "python3"))("the Python client (clients/python), a small test bench", () => {
  test("over the socket: frames both ways, interrupt-driven, with the run's files", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-"));
    let output = "";
    const { result, clientStatus } = await serveOnSocket(config(directory, "python"), join(directory, "device.sock"), { command: ["python3", bench], onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("python bench: probe: 1 queues, 2 vectors");
    expect(output).toContain("sent 12 (reaped 12), the peer received 12 and sent 20; received 20");
    expect(result.summary.ending.kind).toBe("goodbye");
    expect(result.summary.frames).toEqual({ toPeer: 12, toHost: 20, inRxBuffer: 0, inTxDevice: 0, txDescriptorsPending: 0, txDescriptorsAbandoned: 0, onWire: 0 });
    const frames = captureFrames(join(directory, "python.pcap"));
    expect(frames.filter((frame) => frame.direction === "to-peer")).toHaveLength(12);
    expect(frames.filter((frame) => frame.direction === "to-host")).toHaveLength(20);
    expect(checkVcd(readFileSync(join(directory, "python.vcd"), "utf8")).endMarker).toBe(true);
  }, 60_000);

  // From a driver developer's check: a handler reading ERRLOG_COUNT took the reply the main line's STATUS read waited for (the handler got
  // STATUS, the main line the count), as the C client's did.
  test("an on_diagnostic handler that calls the device runs once the call that heard it has its reply: each gets its own", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-handler-"));
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const program = (handler: boolean) =>
      [
        "import sys",
        `sys.path.insert(0, ${JSON.stringify(python)})`,
        "from nicsim import Client",
        "import nicsim_device as D",
        "device = Client.connect_env('handler')",
        ...(handler ? ["device.on_diagnostic = lambda time_ps, code, message: print('handler: code %d, ERRLOG_COUNT %d' % (code, device.mmio_read(D.REGISTERS['ERRLOG_COUNT'][0])))"] : []),
        "device.mmio_write(0x7004, 1)",
        "device.mmio_write(0x7008, 1)",
        "status = device.mmio_read(D.REGISTERS['STATUS'][0])",
        "errors = device.mmio_read(D.REGISTERS['ERROR_COUNT'][0])",
        "print('main: STATUS 0x%x, ERROR_COUNT %d' % (status, errors))",
        "device.goodbye()",
      ].join("\n");
    const run = async (handler: boolean) => {
      let output = "";
      const { clientStatus } = await serveOnSocket(config(directory, "handler"), join(directory, `device-${handler}.sock`), { command: ["python3", "-c", program(handler)], onClientOutput: (text) => (output += text) });
      expect(clientStatus, output).toBe(0);
      return output.split("\n");
    };
    const silent = await run(false);
    const reads = await run(true);
    expect(reads.find((line) => line.startsWith("main: "))).toBe(silent.find((line) => line.startsWith("main: ")));
    expect(reads.find((line) => line.startsWith("main: "))).toMatch(/^main: STATUS 0x[0-9a-f]+, ERROR_COUNT 2$/);
    expect(reads.filter((line) => line.startsWith("handler: "))).toEqual(Array(2).fill(`handler: code ${ErrorCode.UNKNOWN_REGISTER}, ERRLOG_COUNT 2`));
  }, 60_000);

  // From its re-check: a handler's read of the diagnostics that came with GOODBYE's reply broke the goodbye (the server had closed), and
  // close and the atexit unregister were skipped.
  test("diagnostics that come with GOODBYE's reply are handed over once the session is closed: a handler's call is refused, and goodbye ends the run", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-goodbye-"));
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const program = [
      "import sys",
      `sys.path.insert(0, ${JSON.stringify(python)})`,
      "from nicsim import Client, NicsimError",
      "import nicsim_device as D",
      "device = Client.connect_env('goodbye')",
      "def handler(time_ps, code, message):",
      "    try:",
      "        device.mmio_read(D.REGISTERS['ERRLOG_COUNT'][0])",
      "    except NicsimError as error:",
      "        print('handler:', error)",
      "def ends(time_ps, code, message):",
      "    try:",
      "        device.goodbye()",
      "    except NicsimError as error:",
      "        print('handler:', error)",
      "device.on_diagnostic = ends",
      "device.mmio_write(0x7008, 1)",
      "device.mmio_read(D.REGISTERS['STATUS'][0])",
      "device.on_diagnostic = handler",
      "device.mmio_write(0x7004, 1)",
      "device.wait(360000)",
      "print('goodbye at', device.goodbye())",
      // The main line's call after goodbye is not said to come from a handler (an outside check).
      "try:",
      "    device.mmio_read(4)",
      "except NicsimError as error:",
      "    print('main:', error)",
    ].join("\n");
    let output = "";
    const { result, clientStatus } = await serveOnSocket(config(directory, "goodbye"), join(directory, "device.sock"), { command: ["python3", "-c", program], onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("handler: MMIO_READ after goodbye (from a handler of the diagnostics that came with its reply): the session has ended; nothing was sent");
    expect(output).toMatch(/goodbye at \d+/);
    expect(output).toContain("main: MMIO_READ after goodbye: the session has ended; nothing was sent");
    // As the C client: a handler does not end the session (ended there, the main line's next call was said to come "after goodbye").
    expect(output).toContain("handler: goodbye from a diagnostic handler: end the session once the call that heard the diagnostic has returned");
    expect(result.summary.ending.kind).toBe("goodbye");
  }, 60_000);

  test("mmio_write refuses a value wider than 32 bits, as the in-process bus does (it cut it to 32 bits without a word), and takes a negative one from bit operators", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-wide-"));
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const program = [
      "import sys",
      `sys.path.insert(0, ${JSON.stringify(python)})`,
      "from nicsim import Client",
      "device = Client.connect_env('wide')",
      "try:",
      "    device.mmio_write(0x108, 1 << 40)",
      "except ValueError as error:",
      "    print(error)",
      "try:",
      "    device.mmio_write(0xa2513c9f, 1.5)",
      "except ValueError as error:",
      "    print(error)",
      "device.mmio_write(0x108, ~0)",
      "device.goodbye()",
    ].join("\n");
    let output = "";
    const { result, clientStatus } = await serveOnSocket(config(directory, "wide"), join(directory, "device.sock"), { command: ["python3", "-c", program], onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("MMIO write of a number beyond 32 bits to offset 0x108: registers take 32-bit integers");
    // Swapped arguments put a key word where the offset goes: past the register map it is not shown (from a re-check).
    expect(output).toContain("MMIO write of a float to an offset at or past the register map's end (0x6000; not shown)");
    expect(output).not.toMatch(/a2513c9f|2723232927/i);
    expect(result.summary.ending.kind).toBe("goodbye");
  }, 60_000);

  test("an argument that does not fit its field is refused naming the message and the field, and the connection goes on (struct said only 'argument out of range'; from a driver developer's check)", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-arguments-"));
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const program = [
      "import sys",
      `sys.path.insert(0, ${JSON.stringify(python)})`,
      "from nicsim import Client",
      "device = Client.connect_env('arguments')",
      "for call in (lambda: device.mmio_read(-4), lambda: device.wait(-1), lambda: device.alloc(-1, 64, 'r'), lambda: device.alloc(64, 64, b'x'), lambda: device.memory_write(0x1000, 'text')):",
      "    try:",
      "        call()",
      "    except ValueError as error:",
      "        print(error)",
      "device.goodbye()",
    ].join("\n");
    let output = "";
    const { result, clientStatus } = await serveOnSocket(config(directory, "arguments"), join(directory, "device.sock"), { command: ["python3", "-c", program], onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    expect(output.trim().split("\n")).toEqual([
      // What each value is, not the value (a field given key words by mistake, key material as hex text, showed them whole).
      "MMIO_READ.offset: a number out of range; expected a whole number from 0 to 0xffffffff",
      "WAIT.duration_ps: a number out of range; expected a whole number from 0 to 0xffffffffffffffff",
      "ALLOCATE.bytes: a number out of range; expected a whole number from 0 to 0xffffffff",
      "ALLOCATE.label: a bytes; expected text (str)",
      "MEMORY_WRITE.data: str; expected bytes",
    ]);
    expect(result.summary.ending.kind).toBe("goodbye");
  }, 60_000);

  test("a socket that cannot be reached, or a server that cannot be started, is a NicsimError naming it (a raw OSError named neither)", () => {
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const program = [
      "import sys",
      `sys.path.insert(0, ${JSON.stringify(python)})`,
      "from nicsim import Client, NicsimError",
      "for call in (lambda: Client.connect_unix('/nonexistent/device.sock'), lambda: Client.spawn(['/nonexistent/nicsim', 'serve', '--stdio'])):",
      "    try:",
      "        call()",
      "    except NicsimError as error:",
      "        print(error)",
    ].join("\n");
    const result = spawnSync("python3", ["-c", program], { encoding: "utf8" });
    expect(result.stdout.trim().split("\n")).toEqual([
      "cannot connect to the nicsim socket /nonexistent/device.sock: No such file or directory",
      "cannot start the nicsim server /nonexistent/nicsim: No such file or directory",
    ]);
  });

  // From a protocol fuzzer's check: after a spawned server had ended, each call raised a bare BrokenPipeError and the server was never waited for; and a name past the limit, cut by the C client, ended the run here.
  test("a spawned server that has ended is a NicsimError on every later call, disconnect() still waits for it; a long name is cut at a character's start as the C client cuts it", () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-gone-"));
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const main = new URL("../../dist/system/cli/main.js", import.meta.url).pathname;
    const program = [
      "import sys",
      `sys.path.insert(0, ${JSON.stringify(python)})`,
      "from nicsim import Client, NicsimError",
      `device = Client.spawn([${JSON.stringify(process.execPath)}, ${JSON.stringify(main)}, 'serve', '--stdio', '--no-waveform', '--out', ${JSON.stringify(directory)}, '--set', 'nic.queues=1'], name='\u20ac' * 1500)`,
      "print('connected')",
      "for call in (lambda: device.wait_interrupt(0, 1000), lambda: device.mmio_read(0), lambda: device.goodbye()):",
      "    try:",
      "        call()",
      "    except NicsimError as error:",
      // Whether the server has gone by the write or only by the read is a race: either is said.
      "        said = str(error).split(':')[0]",
      "        print(type(error).__name__, 'gone' if said in ('the connection to the server is lost', 'the server closed the connection') else said)",
      "device.disconnect()",
      "print('disconnected')",
      // A call after disconnect() is the same error (a spawned server's closed pipe raised ValueError; from a re-check).
      "try:",
      "    device.mmio_read(0)",
      "except NicsimError as error:",
      "    print(type(error).__name__, str(error).split(':')[0])",
    ].join("\n");
    const result = spawnSync("python3", ["-c", program], { encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).not.toMatch(/Traceback|BrokenPipeError/);
    expect(result.stdout.trim().split("\n")).toEqual(["connected", "NicsimError protocol error BAD_VALUE", "NicsimError gone", "NicsimError gone", "disconnected", "NicsimError the connection to the server is lost"]);
    expect(readFileSync(join(directory, "serve.summary.json"), "utf8")).toContain(`"name": "${"€".repeat(1365)}"`);
  }, 60_000);

  // From a re-check: the bytes of a reply cut off by the server's death were read by the next call as a message of their own ('the server sent a header of length 0').
  test("after a reply cut off by the connection's end, every later read says the server closed it", () => {
    const python = new URL("../../clients/python", import.meta.url).pathname;
    const program = [
      "import sys, struct",
      `sys.path.insert(0, ${JSON.stringify(python)})`,
      "from nicsim import NicsimError, _receiver",
      "chunks = [struct.pack('<II', 24, 0x83) + bytes(10), b'']",
      "read = _receiver(lambda size: chunks.pop(0) if chunks else b'')",
      "for attempt in range(2):",
      "    try:",
      "        read()",
      "    except NicsimError as error:",
      "        print(error)",
    ].join("\n");
    const result = spawnSync("python3", ["-c", program], { encoding: "utf8" });
    expect(result.stdout.trim().split("\n"), result.stderr).toEqual(["the server closed the connection", "the server closed the connection"]);
  });

  test("over stdin and stdout (the server at the other end of the bench's own streams): the same run", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-stdio-"));
    const child = spawn("python3", [bench, "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const { result } = await serveOnStreams(config(directory, "python-stdio"), child.stdout, child.stdin);
    expect(await exited, output).toBe(0);
    expect(output).toContain("received 20");
    expect(result.summary.frames).toEqual({ toPeer: 12, toHost: 20, inRxBuffer: 0, inTxDevice: 0, txDescriptorsPending: 0, txDescriptorsAbandoned: 0, onWire: 0 });
    // The same messages give the same device: the socket run's capture, byte for byte (times included).
    const socketRun = mkdtempSync(join(tmpdir(), "nicsim-python-again-"));
    await serveOnSocket(config(socketRun, "python-stdio"), join(socketRun, "device.sock"), { command: ["python3", bench], onClientOutput: () => {} });
    expect(readFileSync(join(socketRun, "python-stdio.pcap")).equals(readFileSync(join(directory, "python-stdio.pcap")))).toBe(true);
  }, 60_000);

  test("a bench that leaves without GOODBYE ends the run: files closed, the summary says so", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-gone-"));
    const { result, clientStatus } = await serveOnSocket(config(directory, "gone"), join(directory, "device.sock"), { command: ["python3", bench, "--disconnect"], onClientOutput: () => {} });
    expect(clientStatus).toBe(0);
    const summary = JSON.parse(readFileSync(join(directory, "gone.summary.json"), "utf8"));
    expect(summary.ending).toEqual({ kind: "disconnected", cutOff: null, text: "the client disconnected without GOODBYE" });
    expect(result.summary.frames.toPeer).toBe(12);
    expect(checkVcd(readFileSync(join(directory, "gone.vcd"), "utf8")).endMarker).toBe(true);
    expect(captureFrames(join(directory, "gone.pcap")).length).toBeGreaterThanOrEqual(12);
  }, 60_000);

  // From a final check: disconnect() closed without sending the writes it had posted (they wait for the next request), so none reached the device.
  // From a driver developer's check: a driver that ended without disconnect() (an exception) lost them too.
  test.each([
    ["disconnect()", "device.disconnect()"],
    ["an exception before goodbye", "raise RuntimeError('a driver bug')"],
  ])("%s sends what was posted first: a doorbell on a disabled queue written just before reaches the device", async (_, ending) => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-python-posted-"));
    const program = `import sys; sys.path.insert(0, ${JSON.stringify(new URL("../../clients/python", import.meta.url).pathname)}); import nicsim_device as D; from nicsim import Client; device = Client.connect_env("posted"); device.mmio_read(D.REGISTERS[\"STATUS\"][0]); device.mmio_write(D.REGISTERS[\"TDT\"][0], 3); ${ending}`;
    const { result } = await serveOnSocket(config(directory, "posted"), join(directory, "device.sock"), { command: ["python3", "-c", program], onClientOutput: () => {} });
    expect(result.summary.client.messages.MMIO_WRITE).toBe(1);
    expect(result.summary.device.errors).toEqual([expect.stringMatching(/DOORBELL_ON_DISABLED_QUEUE: TX queue 0/)]);
  }, 60_000);
});
