import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { TraceFlag } from "../../sim/vcd/gtkw.js";
import { paddingLength } from "../../sim/ipsec/esp.js";
import { runPlainTraffic, type ScenarioResult } from "../../system/run-scenario.js";
import { changesByPath, readVcd } from "../support/read-vcd.js";
import { complaints, gtkwave, gtkwaveAvailable } from "../support/gtkwave.js";
import { requireTool } from "../support/tools.js";

const small = { "top.traffic.framesPerQueue": 60 };

function run(seed: number, name: string, skipIdle = true): ScenarioResult & { out: string } {
  const out = join(mkdtempSync(join(tmpdir(), "nicsim-scenario-")), name);
  return { ...runPlainTraffic({ seed, parameters: small, out, skipIdle }), out };
}

const first = run(7, "first");

describe("the plain-traffic scenario", () => {
  test("every frame arrives, in order per class, with no drop and no device error", () => {
    const report = first.report;
    expect(report.outcome).toBe("all 480 frames arrived");
    for (const flow of [...report.hostToPeer, ...report.peerToHost]) {
      expect(flow).toMatchObject({ sent: 60, received: 60, outOfOrder: 0 });
      expect(flow.meanLatencyNanoseconds).toBeGreaterThan(0);
    }
    expect(report.nic.drops).toEqual({});
    expect(report.nic.diagnostics).toEqual([]);
    // Two SA table entries each way for four SAs each way: some packets inline, the rest in software.
    const { ipsec } = report;
    expect(ipsec.hardwareTx + ipsec.softwareTx).toBe(240);
    expect(ipsec.hardwareRx + ipsec.softwareRx).toBe(240);
    expect(ipsec.hardwareTx).toBeGreaterThan(0);
    expect(ipsec.softwareTx).toBeGreaterThan(0);
    expect(ipsec.hardwareRx).toBeGreaterThan(0);
    expect(ipsec.installs).toEqual({ total: 4, byDriver: 4, byPointerFetch: 0 });
    expect(ipsec.notInTableMessages).toBeGreaterThan(0);
  });

  test("equal seeds give byte-identical waveform, capture and report; another seed another capture", () => {
    const again = run(7, "again");
    for (const extension of [".vcd", ".pcap", ".report.json", ".report.txt"]) {
      expect(readFileSync(`${again.out}${extension}`).equals(readFileSync(`${first.out}${extension}`)), extension).toBe(true);
    }
    // The save file names its own dump, so it differs only there.
    expect(readFileSync(`${again.out}.gtkw`, "utf8").replaceAll("again", "first")).toBe(readFileSync(`${first.out}.gtkw`, "utf8"));
    const other = run(8, "other");
    expect(readFileSync(`${other.out}.pcap`).equals(readFileSync(`${first.out}.pcap`))).toBe(false);
  });

  test("keys stay inside: no key or salt appears in the waveform, the capture or the report, only in the esp_sa file", () => {
    const keys = readFileSync(`${first.out}.esp_sa`, "utf8")
      .split("\n")
      .filter((line) => line.startsWith('"'))
      .map((line) => line.split(",")[5]!.replaceAll('"', "").slice(2));
    expect(keys).toHaveLength(8);
    const texts = [".vcd", ".report.txt", ".report.json", ".gtkw"].map((extension) => readFileSync(`${first.out}${extension}`, "utf8").toLowerCase());
    const capture = readFileSync(`${first.out}.pcap`);
    for (const key of keys) {
      // The AES key (all but the last 4 bytes) and the salt, each as hex text and as raw bytes.
      for (const secret of [key.slice(0, -8), key.slice(-8)]) {
        for (const text of texts) expect(text.includes(secret)).toBe(false);
        expect(capture.includes(Buffer.from(secret, "hex"))).toBe(false);
      }
    }
  });

  test("skipping idle edges changes nothing: every edge evaluated gives the same waveform, capture and report", () => {
    const everyEdge = run(7, "first", false);
    for (const extension of [".vcd", ".pcap"]) {
      expect(readFileSync(`${everyEdge.out}${extension}`).equals(readFileSync(`${first.out}${extension}`)), extension).toBe(true);
    }
    const { kernel: _everyEdgeKernel, ...everyEdgeMeasured } = everyEdge.report;
    const { kernel: _firstKernel, ...firstMeasured } = first.report;
    expect(everyEdgeMeasured).toEqual(firstMeasured);
    expect(everyEdge.report.kernel.componentEvaluations).toBeGreaterThan(5 * first.report.kernel.componentEvaluations);
  });

  test("the waveform shows ring pointers, doorbells, DMA, interrupts and the MAC", async () => {
    const parsed = await readVcd(readFileSync(`${first.out}.vcd`, "utf8"));
    const paths = new Set(parsed.variables.map((variable) => variable.path));
    for (const path of ["top.nic.sacache.tx_hits", "top.nic.sacache.rx_misses", "top.nic.crypto_tx.engine0.state", "top.nic.crypto_tx.engine0.preemption", "top.nic.crypto_rx.engine0.suspended", "top.nic.crypto_tx.jobs_waiting", "top.driver.intermediate.message", "top.driver.intermediate.message_sent", "top.nic.tx.q0.tail", "top.nic.tx.q0.head", "top.nic.rx.q2.tail", "top.nic.tx.q0.doorbell", "top.nic.dma.reads_in_flight", "top.nic.interrupts.vector0", "top.nic.interrupts.cause", "top.nic.mac.tx_busy", "top.nic.mac.tx_frame_length", "top.nic.mac.rx_busy", "top.driver.base.doorbells"]) {
      expect(paths, path).toContain(path);
    }
    const changes = changesByPath(parsed);
    const { top } = first.design;
    // Every doorbell the driver rang on queue 0 shows as an event on the queue's doorbell.
    const doorbellEvents = changes.get("top.nic.tx.q0.doorbell")!.length;
    expect(doorbellEvents).toBeGreaterThan(0);
    expect(changes.get("top.nic.tx.q0.tail")!.at(-1)!.value).toBe(BigInt(top.nic.tx.ring(0).tail));
    expect(changes.get("top.nic.interrupts.vector0")!.length).toBe(top.nic.interrupts.fired[0]);
    // The MAC sends ESP frames: each IMIX packet (frame length less 14) plus outer IPv4, ESP header and IV, trailer, ICV.
    const espFrame = (frameLength: number) => {
      const inner = frameLength - 14;
      return 14 + 20 + 8 + 8 + inner + paddingLength(inner) + 2 + 16;
    };
    const lengths = changes.get("top.nic.mac.tx_frame_length")!.map((change) => Number(change.value)).filter((value) => value > 0);
    expect(new Set(lengths)).toEqual(new Set([60, 576, 1514].map(espFrame)));
  });
});

describe.runIf(requireTool("tshark", "tshark"))("the capture in tshark", () => {
  test("is ESP that tshark decrypts with the esp_sa file written beside it: every ICV good, the inner UDP intact", () => {
    const records = readFileSync(`${first.out}.esp_sa`, "utf8").split("\n").filter((line) => line.startsWith('"'));
    expect(records).toHaveLength(8);
    const result = spawnSync(
      "tshark",
      [
        "-r", `${first.out}.pcap`,
        "-o", "esp.enable_encryption_decode:TRUE",
        "-o", "esp.enable_authentication_check:TRUE",
        "-o", "udp.check_checksum:TRUE",
        ...records.flatMap((record) => ["-o", `uat:esp_sa:${record}`]),
        "-T", "fields", "-e", "esp.spi", "-e", "esp.icv_good", "-e", "udp.srcport", "-e", "_ws.expert.severity", "-e", "_ws.malformed",
      ],
      { encoding: "utf8" },
    );
    expect(result.status, result.stderr).toBe(0);
    const rows = result.stdout.trim().split("\n").map((line) => line.split("\t"));
    expect(rows).toHaveLength(480);
    expect(rows.filter(([, icvGood, port, severity, malformed]) => icvGood !== "1" || !port || (severity ?? "") !== "" || (malformed ?? "") !== "")).toEqual([]);
    // Host to peer on SPIs 0x1000-0x1003, peer to host on 0x2000-0x2003.
    expect(rows.filter(([spi]) => spi!.startsWith("0x0000100")).length).toBe(240);
    expect(rows.filter(([spi]) => spi!.startsWith("0x0000200")).length).toBe(240);
    expect(first.design.top.nic.statistics.txPackets.reduce((a, b) => a + b)).toBe(240);
  });
});

describe.runIf(gtkwaveAvailable())("the waveform in GTKWave", () => {
  test("loads without complaint, and the save file groups the NIC's blocks and translates their states", () => {
    const folder = join(first.out, "..");
    expect(complaints(gtkwave(["-x", `${first.out}.vcd`], folder))).toEqual([]);
    const script = join(folder, "groups.tcl");
    writeFileSync(script, ['for {set i 0} {$i < [gtkwave::getTotalNumTraces]} {incr i} { puts "TCL TRACE [gtkwave::getTraceFlagsFromIndex $i] [gtkwave::getTraceNameFromIndex $i]" }', "gtkwave::/File/Quit"].join("\n"));
    const lines = gtkwave(["-S", script, `${first.out}.gtkw`], folder);
    expect(complaints(lines)).toEqual([]);
    const traces = lines.filter((line) => line.startsWith("TCL TRACE ")).map((line) => line.split(" "));
    const groups = traces.filter(([, , flags]) => (Number(flags) & TraceFlag.groupBegin) !== 0).map(([, , , name]) => name);
    for (const group of ["top.nic.dma", "top.nic.interrupts", "top.nic.mac", "top.nic.tx", "top.nic.tx.q0", "top.nic.rx.q7", "top.nic.sacache", "top.nic.crypto_tx", "top.driver.base", "top.driver.intermediate", "top.driver.cpu", "top.driver.cpu.core0", "top.driver.cpu.core3", "top.peer"]) expect(groups).toContain(group);
    const translated = traces.filter(([, , flags]) => (Number(flags) & TraceFlag.fileTranslated) !== 0).map(([, , , name]) => name);
    // The TX and RX engines' states, the two crypto engines' states, the drivers' message kind, each packet's ESP path, what each of the four cores does, and the error log's last code.
    expect(translated.sort()).toEqual(["last_code[4:0]", "message[2:0]", "path[2:0]", "state[1:0]", "state[1:0]", "state[2:0]", "state[2:0]", ...Array(4).fill("work[3:0]")]);
  });
});
