import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_CALL_NANOSECONDS, type ServeConfig } from "../../system/serve/served-run.js";
import { serveOnSocket } from "../../system/serve/server.js";
import { ErrorCode } from "../../hw/spec/errors.js";
import { requireTool } from "../support/tools.js";

const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "nicsim-c-limits-"));
const hasCompiler = requireTool("cc", "gcc libc6-dev");
const hasCxx = requireTool("g++", "g++");
const clientSources = readdirSync(join(root, "clients/c")).filter((file) => file.endsWith(".c")).map((file) => join(root, "clients/c", file));

/** Whether the compiler builds and runs a program with AddressSanitizer here; skipped with a message when not. */
function addressSanitizer(): boolean {
  if (!hasCompiler) return false;
  writeFileSync(join(work, "probe.c"), "int main(void) { return 0; }\n");
  const build = spawnSync("cc", ["-fsanitize=address", "-o", join(work, "probe"), join(work, "probe.c")], { encoding: "utf8" });
  const works = build.status === 0 && spawnSync(join(work, "probe")).status === 0;
  if (!works) console.warn(`skipping the AddressSanitizer build of the C client's limits (cc -fsanitize=address does not work here: ${build.stderr.trim().split("\n")[0] ?? "the program does not run"}); it is built without`);
  return works;
}

/** test/serve/c_client_limits.c with the client, with AddressSanitizer when it works (an overflow then aborts the program). */
function buildLimits(): string {
  const binary = join(work, "c_client_limits");
  const sanitize = addressSanitizer() ? ["-fsanitize=address", "-fno-omit-frame-pointer"] : [];
  const build = spawnSync("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", ...sanitize, "-I", join(root, "clients/c"), "-o", binary, join(root, "test/serve/c_client_limits.c"), ...clientSources], { encoding: "utf8" });
  expect(build.status, build.stderr).toBe(0);
  return binary;
}

const config = (name: string): ServeConfig => ({ name, seed: 1, parameters: { "top.nic.queues": 1 }, directory: null, waveform: false, pcap: false, callPicoseconds: DEFAULT_CALL_NANOSECONDS * 1000 });

describe.runIf(hasCompiler)("the C client checks what it sends against the protocol's limits, and says what failed", () => {
  const binary = buildLimits();
  const serveCase = async (name: string) => {
    let output = "";
    const outcome = await serveOnSocket(config(name), join(work, `${name}.sock`), { command: [binary, name], onClientOutput: (text) => (output += text) });
    return { ...outcome, output };
  };

  test("a key of 300000 bytes is refused before it is laid out (no write past the send buffer), and nothing is sent after it but GOODBYE", async () => {
    const { clientStatus, output, result } = await serveCase("oversized-key");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("error: nicsim_peer_sa: key_material_bytes 300000; expected 20 (AES-128 key and salt) or 36 (AES-256 key and salt); nothing was sent");
    // GOODBYE still goes: the connection is whole (the run was recorded as a disconnect, its reason nowhere; from a driver developer's check).
    expect(result.summary.ending.kind).toBe("goodbye");
    expect(result.summary.client.messages).toEqual({ HELLO: 1, GOODBYE: 1 });
  });

  // From a bad-input check: the second goodbye read the connection the first had freed, and the driver died of SIGSEGV.
  test("a second nicsim_goodbye, and a nicsim_disconnect after it, are refused with a message, not a read of the freed connection", async () => {
    const { clientStatus, output, result } = await serveCase("goodbye-twice");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("goodbye 0, then -1");
    expect(output).toContain("nicsim: nicsim_goodbye on a connection already ended (by nicsim_goodbye or nicsim_disconnect, which free it) or never opened: nothing was done");
    expect(output).toContain("nicsim: nicsim_disconnect on a connection already ended");
    expect(result.summary.ending.kind).toBe("goodbye");
  });

  test("a driver that exits without nicsim_goodbye is disconnected at exit, what it posted sent first: its last doorbell on a disabled queue reaches the device (it was lost; from a driver developer's check)", async () => {
    const { clientStatus, output, result } = await serveCase("exit-posted");
    expect(clientStatus, output).toBe(0);
    expect(result.summary.ending.kind).toBe("disconnected");
    expect(result.summary.client.messages).toEqual({ HELLO: 1, MMIO_WRITE: 1 });
    expect(result.summary.device.errors).toEqual([expect.stringMatching(/DOORBELL_ON_DISABLED_QUEUE: TX queue 0/)]);
  });

  // From a driver developer's check: a handler reading ERRLOG_COUNT took the reply the main line's STATUS read waited for (it got
  // STATUS, 0x103, and the main line the count, 2), as the handler ran inside the read, before its reply.
  test("a diagnostic handler that calls the device runs once the call that heard it has its reply: each gets its own", async () => {
    const silent = await serveCase("handler-silent");
    const reads = await serveCase("handler-reads");
    expect(reads.clientStatus, reads.output).toBe(0);
    const main = (output: string) => output.split("\n").find((line) => line.startsWith("main: "));
    expect(main(reads.output)).toBe(main(silent.output));
    expect(main(reads.output)).toMatch(/^main: STATUS 0x[0-9a-f]+, ERROR_COUNT 2$/);
    // The two unknown-register diagnostics, in the order they came, each handler's read answered with the count.
    expect(reads.output.split("\n").filter((line) => line.startsWith("handler: "))).toEqual(Array(2).fill(`handler: code ${ErrorCode.UNKNOWN_REGISTER}, ERRLOG_COUNT 2`));
    expect(reads.output).toContain("error: none");
  });

  // From its re-check: the handler's wait was undone (the call set the time from its own, older reply after the handler ran), a handler's
  // read of the diagnostics that came with GOODBYE's reply broke the goodbye (the server had closed), and a handler's goodbye freed the
  // connection the read that heard the diagnostic still used.
  test("the client's time after a call is the handler's, if later; diagnostics that come with GOODBYE's reply do not break it; a handler cannot end the session", async () => {
    const waits = await serveCase("handler-waits");
    expect(waits.clientStatus, waits.output).toBe(0);
    const [, handler, main] = /handler at (\d+) ps, main line after the read at (\d+) ps/.exec(waits.output)!;
    expect(Number(handler)).toBeGreaterThan(1_000_000);
    expect(Number(main)).toBe(Number(handler));
    const goodbye = await serveCase("handler-goodbye");
    expect(goodbye.clientStatus, goodbye.output).toBe(0);
    expect(goodbye.output).toContain("goodbye 0");
    expect(goodbye.output).toContain(`handler: code ${ErrorCode.UNKNOWN_REGISTER}, read 0, error: a call after nicsim_goodbye (from a handler of the diagnostics that came with its reply): the session has ended; nothing was sent`);
    expect(goodbye.result.summary.ending.kind).toBe("goodbye");
    const inHandler = await serveCase("goodbye-in-handler");
    expect(inHandler.clientStatus, inHandler.output).toBe(0);
    expect(inHandler.output).toContain("handler: goodbye -1, error: nicsim_goodbye from a diagnostic handler: end the session once the call that heard the diagnostic has returned");
    // exit() from a handler: the disconnect at exit, refused there as a handler's, spun for ever (from a later check).
    const exited = await serveCase("exit-in-handler");
    expect(exited.clientStatus, exited.output).toBe(3);
    expect(exited.result.summary.ending.kind).toBe("disconnected");
  });

  test("a key of 21 bytes is refused by the client, not by the server", async () => {
    const { clientStatus, output, result } = await serveCase("wrong-key");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("error: nicsim_peer_sa: key_material_bytes 21; expected 20");
    expect(result.summary.client.messages).toEqual({ HELLO: 1, GOODBYE: 1 });
  });

  test("any message whose tail is longer than its type allows is refused where it is laid out", async () => {
    const { clientStatus, output, result } = await serveCase("oversized-message");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("error: a message of type 0x6 with a tail of 300000 bytes: that type's tail holds at most 65536 (NICSIM_MSG_*_MAX); nothing was sent");
    expect(result.summary.client.messages).toEqual({ HELLO: 1, GOODBYE: 1 });
  });

  test("a label longer than ALLOCATE takes is cut at a character's start, not inside a UTF-8 sequence (which the server refused, ending the run)", async () => {
    const { clientStatus, output, result } = await serveCase("long-label");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("allocated yes");
    expect(output).toContain("error: none");
    expect(result.summary.ending.kind).toBe("goodbye");
  });

  // From a protocol fuzzer's check: 256 went as 0 (host to peer), the run ending as a goodbye, where the Python client refused it.
  test("a PEER_SA direction beyond its byte is refused by the client, not cut to another direction", async () => {
    const { clientStatus, output, result } = await serveCase("wide-direction");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("error: nicsim_peer_sa: direction 256 does not fit PEER_SA.direction (0 to 255; 0 host to peer, 1 peer to host); nothing was sent");
    expect(result.summary.client.messages).toEqual({ HELLO: 1, GOODBYE: 1 });
  });

  test("a client name longer than HELLO takes is cut at a character's start, as a label is (cut inside one, the server refused it as not UTF-8)", async () => {
    const { clientStatus, output, result } = await serveCase("long-name");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("error: none");
    expect(result.summary.ending.kind).toBe("goodbye");
    expect(result.summary.client.name).toBe("€".repeat(1365));
  });

  // From a re-check: bytes that are no UTF-8 past the limit were cut back to nothing, and the run went on under an empty name.
  test("a name past the limit that is not UTF-8 where it is cut goes as it is, and the server refuses it", async () => {
    const { clientStatus, output, result } = await serveCase("bad-long-name");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("not connected: the server refused a message (protocol error 4): HELLO.client_name: not UTF-8");
    expect(result.summary.ending).toMatchObject({ kind: "protocol-error", error: "BAD_VALUE" });
  });

  // From a driver developer's check: the sum of an address near 2^64 and its length wrapped, nicsim_host gave a pointer before the region, and the write crashed the driver.
  test("an address whose end wraps past 2^64 is outside every region: no host copy, and the write goes to the server, which refuses it", async () => {
    const { clientStatus, output, result } = await serveCase("wrapping-address");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("host copy none");
    expect(output).toContain("the server refused a message (protocol error 4): MEMORY_WRITE.address: 2^53 or more, where it holds at most 2^53 - 1");
    expect(result.summary.ending.kind).not.toBe("client-exited");
  });

  test("NICSIM_WAIT_FOREVER waits without a limit: on an idle device, until nothing is left to happen", async () => {
    const { clientStatus, output, result } = await serveCase("wait-forever");
    expect(clientStatus, output).toBe(0);
    expect(output).toContain("error: none");
    // HELLO, WAIT_INTERRUPT and WAIT, 20 ns each: nothing else happens in an idle device.
    expect(output).toContain("vectors 0, then 60000 ps");
    expect(result.summary.ending.kind).toBe("goodbye");
  });

  test("nicsim_spawn of a server that cannot be started says why (exec's errno), not that the server closed the connection", () => {
    const run = spawnSync(binary, ["spawn-missing"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("not connected: cannot run /nonexistent/nicsim-server: No such file or directory");
  });
});

describe.runIf(hasCompiler && hasCxx)("the C client's headers from C++", () => {
  test("a C++ file including nicsim.h (and so nicsim_device.h and nicsim_protocol.h) builds with g++ -Wall -Wextra -Werror -pedantic and links to the C client", () => {
    const objects = clientSources.map((source, index) => {
      const object = join(work, `client${index}.o`);
      const build = spawnSync("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", join(root, "clients/c"), "-c", source, "-o", object], { encoding: "utf8" });
      expect(build.status, build.stderr).toBe(0);
      return object;
    });
    const binary = join(work, "cpp_client");
    const build = spawnSync("g++", ["-std=c++11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", join(root, "clients/c"), "-o", binary, join(root, "test/serve/cpp_client.cpp"), ...objects], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    const run = spawnSync(binary, { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe("not connected; cannot connect to /nonexistent/nicsim.sock: No such file or directory; LENGTH 1500; HELLO 16 bytes; code 1 TAIL_BEYOND_RING");
  });
});
