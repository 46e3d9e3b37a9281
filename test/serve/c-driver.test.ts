import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { C_FLAGS, cDriverSources, runCDriverExample } from "../../examples/c-driver/run-example.js";
import { checkVcd } from "../../sim/vcd/check-vcd.js";
import { requireTool } from "../support/tools.js";
import { captureFrames } from "./capture-frames.js";

const root = new URL("../..", import.meta.url).pathname;
const hasCompiler = requireTool("cc", "gcc libc6-dev");

describe.runIf(hasCompiler)("the C client and the example C driver against nicsim serve", () => {
  test("every C source builds on its own with -Wall -Wextra -Werror (and -pedantic)", () => {
    const sources = [...cDriverSources(), join(root, "test/bench/mmio-client.c")];
    expect(sources.map((source) => source.slice(root.length)).sort()).toEqual(["clients/c/nicsim.c", "clients/c/nicsim_peer.c", "clients/c/nicsim_spawn.c", "examples/c-driver/esp_frame.c", "examples/c-driver/main.c", "examples/c-driver/rings.c", "examples/c-driver/sa_install.c", "test/bench/mmio-client.c"]);
    const out = mkdtempSync(join(tmpdir(), "nicsim-cc-"));
    for (const source of sources) {
      const result = spawnSync("cc", [...C_FLAGS, "-pedantic", "-I", join(root, "clients/c"), "-c", source, "-o", join(out, "unit.o")], { encoding: "utf8" });
      expect(result.status, `${source}:\n${result.stderr}`).toBe(0);
    }
  });

  test("the example refuses a --frames that is no whole number from 1 to 1000000, before it connects (-1 was taken as 4294967295 frames)", () => {
    const binary = join(mkdtempSync(join(tmpdir(), "nicsim-cc-")), "c-driver");
    expect(spawnSync("cc", [...C_FLAGS, "-I", join(root, "clients/c"), "-o", binary, ...cDriverSources()], { encoding: "utf8" }).status).toBe(0);
    for (const value of ["-1", "0", "12x", "1000001", ""]) {
      const result = spawnSync(binary, ["--frames", value], { encoding: "utf8", env: { ...process.env, NICSIM_SOCKET: "/nonexistent/socket" } });
      expect(result.status, value).toBe(2);
      expect(result.stderr).toContain(`--frames '${value}': expected a whole number from 1 to 1000000`);
    }
  });

  test("the example's traffic arrives both ways (at least 100 frames each way in the capture, decrypted inline), with a valid VCD and every file", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-c-driver-"));
    let output = "";
    const { result, clientStatus } = await runCDriverExample({ directory, onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    expect(result.summary.ending.kind).toBe("goodbye");
    expect(output).toContain("sent 128 frames (0 written back with an error), the peer received 128 and decrypted 128; received 128 (128 decrypted inline by the NIC, 0 out of order); 0 device error log entries;");
    // Interrupt driven: every wait ended with an interrupt, none with its timeout.
    expect(Number(/(\d+) interrupts, 0 waits timed out/.exec(output)?.[1])).toBeGreaterThan(5);
    const frames = captureFrames(join(directory, "c-driver.pcap"));
    const toPeer = frames.filter((frame) => frame.direction === "to-peer");
    const toHost = frames.filter((frame) => frame.direction === "to-host");
    expect(toPeer.length).toBeGreaterThanOrEqual(100);
    expect(toHost.length).toBeGreaterThanOrEqual(100);
    // ESP on the wire both ways (IPv4 protocol 50), under the example's two SPIs.
    expect(new Set(frames.map((frame) => frame.bytes[23]))).toEqual(new Set([50]));
    expect(new Set(toPeer.map((frame) => Buffer.from(frame.bytes).readUInt32BE(34)))).toEqual(new Set([0x1001]));
    expect(new Set(toHost.map((frame) => Buffer.from(frame.bytes).readUInt32BE(34)))).toEqual(new Set([0x2001]));
    const shape = checkVcd(readFileSync(join(directory, "c-driver.vcd"), "utf8"));
    expect(shape.endMarker).toBe(true);
    expect(readdirSync(directory).filter((file) => !file.endsWith(".sock")).sort()).toEqual(["c-driver.esp_sa", "c-driver.filters", "c-driver.gtkw", "c-driver.pcap", "c-driver.summary.json", "c-driver.vcd"]);
    const summary = JSON.parse(readFileSync(join(directory, "c-driver.summary.json"), "utf8"));
    expect(summary.frames).toEqual({ toPeer: 128, toHost: 128, inRxBuffer: 0, inTxDevice: 0, txDescriptorsPending: 0, txDescriptorsAbandoned: 0, onWire: 0 });
    expect(summary.client.name).toBe("c-driver");
    if (requireTool("tshark", "tshark")) {
      // The esp_sa file beside the capture decrypts it: the inner UDP packets appear.
      const sas = readFileSync(join(directory, "c-driver.esp_sa"), "utf8").split("\n").filter((line) => line.startsWith('"'));
      const decoded = spawnSync("tshark", ["-r", join(directory, "c-driver.pcap"), "-o", "esp.enable_encryption_decode:TRUE", ...sas.flatMap((line) => ["-o", `uat:esp_sa:${line}`]), "-Y", "udp.dstport == 49200"], { encoding: "utf8" });
      expect(decoded.stdout.trim().split("\n")).toHaveLength(256);
    }
  }, 60_000);

  test("--bug: a tail past the ring is refused and reported by the device (its words pushed as DIAGNOSTIC, its ERRLOG read by the driver, the summary); the run goes on", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-c-driver-bug-"));
    let output = "";
    const { result, clientStatus } = await runCDriverExample({ directory, args: ["--bug"], name: "bug", onClientOutput: (text) => (output += text) });
    expect(clientStatus, output).toBe(0);
    const message = "TAIL_BEYOND_RING: TX queue 0, descriptors in the ring (TDLEN / 32) = 64: A tail write (doorbell) named a descriptor index at or past the ring length; the write is ignored (value: the ring's length in descriptors; the tail written is not logged, since a misdirected write, an SA record staged at the wrong offset, can carry key bytes)";
    // The device's words, pushed as DIAGNOSTIC; its error log, read through ERRLOG by the driver's error interrupt handler; the summary.
    expect(output).toContain(`the device says, at `);
    expect(output).toContain(message);
    expect(output).toMatch(/ERRLOG entry: code 1, queue 0, field 3, index 0xffffffff, value 64/);
    expect(result.summary.device.errors).toHaveLength(1);
    expect(result.summary.device.errors[0]).toMatch(new RegExp(`^\\d+(\\.\\d+)? ns: ${message.replace(/[()]/g, "\\$&")}$`));
    expect(result.summary.frames).toEqual({ toPeer: 128, toHost: 128, inRxBuffer: 0, inTxDevice: 0, txDescriptorsPending: 0, txDescriptorsAbandoned: 0, onWire: 0 });
  }, 60_000);

  test("the same seed gives byte-identical files through the socket", async () => {
    const directory = mkdtempSync(join(tmpdir(), "nicsim-c-driver-twice-"));
    const files = ["c-driver.vcd", "c-driver.gtkw", "c-driver.pcap", "c-driver.esp_sa", "c-driver.summary.json"];
    const runs: Buffer[][] = [];
    for (let run = 0; run < 2; run++) {
      const { clientStatus } = await runCDriverExample({ directory, onClientOutput: () => {} });
      expect(clientStatus).toBe(0);
      runs.push(files.map((file) => readFileSync(join(directory, file))));
    }
    files.forEach((file, index) => expect(runs[1]![index]!.equals(runs[0]![index]!), file).toBe(true));
  }, 60_000);
});
