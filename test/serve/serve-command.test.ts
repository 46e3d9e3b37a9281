import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { END_MARKER } from "../../sim/vcd/end-marker.js";
import { serveCommand, type ServeCommandOptions } from "../../system/cli/serve-command.js";
import { runs as processRuns } from "../../system/serve/process-tree.js";
import { requireTool } from "../support/tools.js";
import { SocketClient } from "./socket-client.js";

/** What `nicsim serve` printed, as a person sees it, and its exit status. */
let stdout = "";
let stderr = "";
beforeEach(() => {
  stdout = stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((text: string | Uint8Array) => ((stdout += String(text)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((text: string | Uint8Array) => ((stderr += String(text)), true));
});
/** Servers the tests started: one a failing test left running is stopped, so that it writes nothing and sets no exit status during the files after it in this worker. */
const running = new Set<Promise<void>>();
function serve(...args: Parameters<typeof serveCommand>): Promise<void> {
  const served = serveCommand(...args);
  running.add(served);
  const settled = () => void running.delete(served);
  served.then(settled, settled);
  return served;
}
afterEach(async () => {
  if (running.size > 0) {
    process.emit("SIGTERM", "SIGTERM");
    await Promise.race([Promise.allSettled([...running]), sleep(10_000)]);
  }
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const options = (directory: string, extra: Partial<ServeCommandOptions> = {}): ServeCommandOptions => ({ socket: join(directory, "device.sock"), out: join(directory, "out"), set: { "top.nic.queues": 1 }, waveform: true, ...extra });

describe("nicsim serve stopped by a signal ends the run as nicsim run does: files flushed and listed, the summary says so, 128 + the signal's number", () => {
  test("SIGINT between two of the client's messages: every file closed and left under its temporary name, the summary saying interrupted, status 130", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-sigint-"));
    const served = serve([], options(directory));
    const client = await SocketClient.connect(join(directory, "device.sock"));
    await client.hello();
    client.send("WAIT", { duration_ps: 2_000_000 });
    expect((await client.next()).name).toBe("WAIT_REPLY");
    process.emit("SIGINT", "SIGINT");
    await served;
    await client.whenClosed();
    expect(process.exitCode).toBe(130);
    expect(stderr).toContain("nicsim serve: SIGINT: ending the run between two of the client's messages to flush its files (SIGINT again stops at once)");
    expect(stdout).toContain("serve: interrupted by SIGINT: the server was stopped between two of the client's messages (seed 1, 2040 ns simulated, client socket-client)");
    expect(stdout).toContain("no file was given its own name");
    const out = join(directory, "out");
    for (const file of ["serve.vcd", "serve.gtkw", "serve.pcap", "serve.summary.json"]) {
      expect(existsSync(join(out, file)), file).toBe(false);
      // The dump, without its end marker, and the capture are cut off where the run stopped, as `nicsim run` and `nicsim inspect` say (they were called complete: an outside check).
      const state = file === "serve.vcd" || file === "serve.pcap" ? "partial, cut off where the run stopped" : "complete";
      expect(stdout).toContain(`${join(out, file)}.partial: ${state} (${statSync(join(out, `${file}.partial`)).size} bytes)`);
    }
    // Flushed and closed, without the end marker (the run did not finish), as an interrupted `nicsim run` leaves its dump; the capture has its header, the summary is whole.
    expect(readFileSync(join(out, "serve.vcd.partial"), "utf8")).toContain("$enddefinitions");
    expect(readFileSync(join(out, "serve.vcd.partial"), "utf8")).not.toContain(END_MARKER);
    expect(statSync(join(out, "serve.pcap.partial")).size).toBeGreaterThanOrEqual(24);
    expect(JSON.parse(readFileSync(join(out, "serve.summary.json.partial"), "utf8")).ending).toEqual({ kind: "interrupted", signal: "SIGINT", text: "interrupted by SIGINT: the server was stopped between two of the client's messages" });
  });

  test.runIf(requireTool("python3", "python3"))("SIGTERM while the client program has not connected: the run ends, the program is stopped, status 143", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-sigterm-"));
    const started = Date.now();
    const served = serve(["python3", "-c", "import time; time.sleep(30)"], options(directory));
    while (!stderr.includes("listening on")) await sleep(20);
    process.emit("SIGTERM", "SIGTERM");
    await served;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(process.exitCode).toBe(143);
    expect(stdout).toContain("serve: interrupted by SIGTERM");
    expect(readdirSync(join(directory, "out")).filter((file) => file.endsWith(".partial")).sort()).toEqual(["serve.esp_sa.partial", "serve.gtkw.partial", "serve.pcap.partial", "serve.summary.json.partial", "serve.vcd.partial"]);
  });

  test("a driver started through a shell is stopped with the shell: the server signals the processes the program started too", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-shell-"));
    const pidFile = join(directory, "driver.pid");
    // The shell waits for its child rather than exec'ing it: the child is not the process the server started.
    const served = serve(["sh", "-c", `sleep 30 & echo $! > ${JSON.stringify(pidFile)}; wait`], options(directory));
    while (!existsSync(pidFile) || readFileSync(pidFile, "utf8").trim() === "") await sleep(20);
    const driver = Number(readFileSync(pidFile, "utf8"));
    process.emit("SIGTERM", "SIGTERM");
    await served;
    expect(process.exitCode).toBe(143);
    // Gone, or a zombie its new parent has not reaped yet: either way no longer running.
    const deadline = Date.now() + 5_000;
    while (processRuns(driver) && Date.now() < deadline) await sleep(20);
    expect(processRuns(driver), `the shell's child ${driver} outlived the server`).toBe(false);
  });

  test.runIf(requireTool("python3", "python3"))("a driver behind a shell that ignores SIGTERM is waited for, as one started directly is", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-shell-ignores-"));
    const pidFile = join(directory, "driver.pid");
    const driver = `import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid())); time.sleep(1.5)`;
    const served = serve(["sh", "-c", `python3 -c '${driver}' & wait`], options(directory));
    while (!existsSync(pidFile) || readFileSync(pidFile, "utf8") === "") await sleep(20);
    const pid = Number(readFileSync(pidFile, "utf8"));
    process.emit("SIGTERM", "SIGTERM");
    await served;
    // The server ended only once the driver had (the shell died at once; before, the server ended with it and left the driver running).
    expect(processRuns(pid), `the driver ${pid} outlived the server`).toBe(false);
    expect(process.exitCode).toBe(143);
    // Said while it waited (it waited without a word; from a new user's check).
    expect(stderr).toContain("nicsim serve: waiting for the client program, or a process it started, to end after SIGTERM; SIGTERM again kills them (SIGKILL)");
  });

  test.runIf(requireTool("python3", "python3"))("a second signal kills a driver behind a shell that ignores SIGTERM, the shell gone at the first (it was left running)", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-shell-twice-"));
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const pidFile = join(directory, "driver.pid");
    const driver = `import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid())); time.sleep(5)`;
    const served = serve(["sh", "-c", `python3 -c '${driver}' & wait`], options(directory));
    while (!existsSync(pidFile) || readFileSync(pidFile, "utf8") === "") await sleep(20);
    const pid = Number(readFileSync(pidFile, "utf8"));
    process.emit("SIGTERM", "SIGTERM");
    // The shell dies of the first; its driver, no longer below the program, was not found by the second.
    await sleep(300);
    process.emit("SIGTERM", "SIGTERM");
    expect(exit).toHaveBeenCalledWith(143);
    for (let waited = 0; processRuns(pid) && waited < 2000; waited += 20) await sleep(20);
    expect(processRuns(pid), `the driver ${pid} outlived the server`).toBe(false);
    await served;
  });

  test.runIf(requireTool("python3", "python3"))("a second signal stops at once, naming the files as they are", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-twice-"));
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    // A client program that outlives the first signal (it ignores SIGTERM), so that the server is still waiting for it.
    const ready = join(directory, "ready");
    const served = serve(["python3", "-c", `import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); open(${JSON.stringify(ready)}, "w").write(str(os.getpid())); time.sleep(5)`], options(directory));
    while (!existsSync(ready) || readFileSync(ready, "utf8") === "") await sleep(20);
    const pid = Number(readFileSync(ready, "utf8"));
    process.emit("SIGTERM", "SIGTERM");
    process.emit("SIGTERM", "SIGTERM");
    expect(exit).toHaveBeenCalledWith(143);
    expect(stderr).toContain("nicsim serve: SIGTERM again: stopped at once, without flushing; the client program was killed (SIGKILL).\nThe run did not finish; no file was given its own name");
    // It ignored SIGTERM, and was left running, its socket gone (from a driver developer's check).
    for (let waited = 0; processRuns(pid) && waited < 2000; waited += 20) await sleep(20);
    expect(processRuns(pid), `the driver ${pid} outlived the server`).toBe(false);
    // Interrupted, the dump has no end marker: cut off, as `nicsim inspect` says of it (it was called complete).
    expect(stderr).toContain(`${join(directory, "out", "serve.vcd.partial")}: partial, cut off where the run stopped`);
    await served;
  });
});

describe("a second client is refused, and the run still ends as with one", () => {
  test("client A, then B refused with ERROR (ORDER) and left connected, another refused and gone; A leaves: the run's text, status 1 for its disconnect", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-serve-second-"));
    const served = serve([], options(directory));
    const path = join(directory, "device.sock");
    const first = await SocketClient.connect(path);
    await first.hello("A");
    const stays = await SocketClient.connect(path, true);
    const leaves = await SocketClient.connect(path);
    for (const refused of [stays, leaves]) {
      const error = await refused.next();
      expect(error).toMatchObject({ name: "ERROR", values: { code: 6, message: "the device serves one client per run, and it has one" } });
    }
    leaves.socket.end();
    await sleep(50);
    first.socket.end();
    await served;
    expect(stdout).toContain("serve: the client disconnected without GOODBYE (seed 1, 20 ns simulated, client A)");
    expect(stdout).toContain(`wrote ${join(directory, "out", "serve.vcd")}`);
    expect(process.exitCode).toBe(1);
    // The server closed it when the run was over.
    await stays.whenClosed();
  });
});
