import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { changesByPath, readVcd } from "../../sim/vcd/read-vcd.js";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { runFileNames, runScenario } from "../../system/scenario/run.js";
import { longestIkeMessageOf } from "../../system/scenario/ike-customers.js";
import type { ScenarioSummary } from "../../system/scenario/summary.js";
import { requireTool } from "../support/tools.js";
import { CpuWork } from "../../driver/cpu/cpu-work.js";

// The default scenario as `npm start` runs it.
const directory = mkdtempSync(join(tmpdir(), "nicsim-default-"));
const run = runScenario(defaultScenario(), { directory });
const base = join(directory, "default");
const summary = JSON.parse(readFileSync(`${base}.summary.json`, "utf8")) as ScenarioSummary;

function expectGoldAhead(result: ScenarioSummary) {
  for (const direction of ["to-peer", "to-host"]) {
    const classes = result.classes.filter((entry) => entry.direction === direction);
    const gold = classes.find((entry) => entry.className === "gold")!;
    const bestBulk = Math.min(...classes.filter((entry) => entry.className !== "gold").map((entry) => entry.latency.p99 ?? NaN));
    expect(gold.latency.p99, `${direction}: gold ${gold.latency.p99} µs against the best bulk class's ${bestBulk} µs`).toBeLessThanOrEqual(bestBulk / 2);
  }
}

describe("the default scenario", () => {
  test("writes the waveform, save file, filters, capture, esp_sa, summary and HTML report", () => {
    for (const suffix of [".vcd", ".gtkw", ".pcap", ".esp_sa", ".summary.json", ".html", ".filters/crypto_state.txt"]) expect(existsSync(`${base}${suffix}`), suffix).toBe(true);
    expect(run.files).toContain(`${base}.html`);
  });

  test("its files are the ones the run checks it can name before it starts (a directory holding a name stops it then, not after its work)", () => {
    expect(run.files.filter((file) => !file.startsWith(`${base}.filters/`))).toEqual(runFileNames(base, defaultScenario().scenario.outputs, true));
  });

  test("carries gold, silver and bronze both ways, with every packet delivered in order", () => {
    expect(summary.outcome).toBe("every packet arrived");
    expect(summary.classes.map((entry) => `${entry.className} ${entry.direction}`).sort()).toEqual(["bronze to-host", "bronze to-peer", "gold to-host", "gold to-peer", "silver to-host", "silver to-peer"]);
    for (const flow of summary.flows) {
      expect(flow.lost, flow.stream).toBe(0);
      expect(flow.outOfOrder, flow.stream).toBe(0);
      expect(flow.received, flow.stream).toBeGreaterThan(0);
    }
    // More SAs than table entries: some packets take software ESP, and the crypto engines preempt bulk for gold.
    expect(summary.ipsec.softwareTx + summary.ipsec.softwareRx).toBeGreaterThan(0);
    expect(summary.crypto.tx.preemptions + summary.crypto.rx.preemptions).toBeGreaterThan(0);
    const gold = summary.classes.find((entry) => entry.className === "gold" && entry.direction === "to-peer")!;
    const bronze = summary.classes.find((entry) => entry.className === "bronze" && entry.direction === "to-peer")!;
    expect(gold.latency.p99).toBeLessThan(bronze.latency.p99 ?? NaN);
  });

  test("brings every customer up through IKE before its data flows, and rekeys at least once through a lifetime", () => {
    const ike = summary.ike!;
    expect(ike.gateways.map((gateway) => gateway.name).sort()).toEqual(["customerA-data", "customerA-voice", "customerB"]);
    expect(ike.host.phase1Failures).toBe(0);
    const started = run.design.top.traffic.trafficEnd - run.design.top.traffic.trafficDuration;
    for (const gateway of ike.gateways) {
      const own = ike.timeline.filter((entry) => entry.gateway === gateway.name);
      expect(own.find((entry) => entry.kind === "phase1-up"), gateway.name).toBeDefined();
      // Each tunnel's first Quick Mode is done before the traffic starts.
      const firstQuickModes = own.filter((entry) => entry.kind === "quick-mode-up" && !entry.text.startsWith("rekey"));
      expect(firstQuickModes.every((entry) => entry.microseconds * 1e6 <= started)).toBe(true);
    }
    expect(ike.timeline.filter((entry) => entry.kind === "quick-mode-up" && !entry.text.startsWith("rekey"))).toHaveLength(13);
    expect(ike.host.rekeys).toBeGreaterThanOrEqual(1);
    expect(ike.timeline.some((entry) => entry.kind === "rekey-started" && entry.text.includes("kilobytes"))).toBe(true);
  });

  test("gold's p99 latency, to the peer and to the host, is at most half the best bulk class's (seed 000 on the NIC and on the host's cores)", () => {
    expectGoldAhead(summary);
  });

  test("more SAs than table entries, both paths both ways, the metric policy's periodic look evicting, and the host suspending bulk crypto for gold", () => {
    const sas = run.design.top.driver.intermediate.sadb.all();
    expect(sas.filter((sa) => sa.direction === "outbound").length).toBeGreaterThan(run.design.top.nic.saCache.size("tx"));
    expect(sas.filter((sa) => sa.direction === "inbound").length).toBeGreaterThan(run.design.top.nic.saCache.size("rx"));
    for (const path of ["hardwareTx", "softwareTx", "hardwareRx", "softwareRx"] as const) expect(summary.ipsec[path], path).toBeGreaterThan(0);
    expect(summary.ipsec.periodic.evictions).toBeGreaterThan(0);
    expect(summary.host.preemptions).toBeGreaterThan(0);
    // Gold waits least for a core.
    const waits = new Map(summary.host.waits.map((wait) => [wait.trafficClass, wait.meanMicroseconds]));
    expect(waits.get(7)!).toBeLessThan(Math.min(waits.get(6)!, waits.get(5)!));
  });

  test("with offload off, every packet through the host's cores: gold still at most half the best bulk class's p99", () => {
    const off = runScenario(defaultScenario({ "driver.intermediate.offload": false }), { directory: null });
    expect(off.summary.ipsec.hardwareTx + off.summary.ipsec.hardwareRx).toBe(0);
    expectGoldAhead(off.summary);
  });

  test("the VCD parses and its counters end where the summary says", async () => {
    const parsed = await readVcd(readFileSync(`${base}.vcd`));
    const changes = changesByPath(parsed);
    const last = (path: string) => {
      const list = changes.get(path);
      expect(list, path).toBeDefined();
      return Number(list![list!.length - 1]!.value);
    };
    expect(last("top.nic.sacache.tx_hits")).toBe(summary.ipsec.cache.txHits);
    expect(last("top.nic.sacache.rx_misses")).toBe(summary.ipsec.cache.rxMisses);
    expect(last("top.nic.crypto_tx.engine0.jobs_done")).toBe(summary.crypto.tx.jobs);
    // Preemption events, one per preemption (an event is a pulse: count its rising edges).
    const pulses = (changes.get("top.nic.crypto_tx.engine0.preemption") ?? []).filter((change) => change.value === 1n).length;
    expect(pulses).toBe(summary.crypto.tx.preemptions);
  });

  // From a reviewer's check: the README's walk-through said 528 switches where the run had 526.
  test("the README's counts of the host's suspensions are this run's: the summary's, and the switches after which the core ran its own class or a lower one, counted in the VCD", async () => {
    const parsed = await readVcd(readFileSync(`${base}.vcd`), (path) => /^top\.driver\.cpu\.core\d\.(work|job_class)$/.test(path));
    const changes = changesByPath(parsed);
    const [contextSwitch, encrypt, decrypt] = (["CONTEXT_SWITCH", "ESP_ENCRYPT", "ESP_DECRYPT"] as const).map((name) => BigInt(CpuWork.code(name)));
    let switches = 0;
    let ownOrLower = 0;
    for (let core = 0; ; core++) {
      const work = changes.get(`top.driver.cpu.core${core}.work`);
      const classes = changes.get(`top.driver.cpu.core${core}.job_class`);
      if (!work || !classes) break;
      const classAt = (time: number, before: boolean) => classes.filter((change) => (before ? change.time < time : change.time <= time)).at(-1)?.value;
      for (let index = 1; index + 1 < work.length; index++) {
        if (work[index]!.value !== contextSwitch || (work[index - 1]!.value !== encrypt && work[index - 1]!.value !== decrypt)) continue;
        switches++;
        if (classAt(work[index + 1]!.time, false)! <= classAt(work[index]!.time, true)!) ownOrLower++;
      }
    }
    expect(switches).toBe(summary.host.preemptions);
    const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
    expect(readme).toContain(`The run has ${switches} such suspensions.`);
    expect(readme.replace(/\s+/g, " ")).toContain(`(in the default run, ${ownOrLower} of the ${switches} switches)`);
  });

  test("the throughput over time never shows more than the line: each frame's time on it is shared among the intervals it spans, the last and partial one included", () => {
    const total = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);
    expect(summary.samples.length).toBeGreaterThan(50);
    for (const sample of summary.samples) {
      expect(total(sample.toPeerGbps), `to the peer at ${sample.time} µs`).toBeLessThanOrEqual(25.0001);
      expect(total(sample.toHostGbps), `to the host at ${sample.time} µs`).toBeLessThanOrEqual(25.0001);
    }
    // The busiest intervals do fill the line: the cap is not from losing bytes.
    expect(Math.max(...summary.samples.map((sample) => total(sample.toHostGbps)))).toBeGreaterThan(20);
  });

  test("one eviction count: the summary's is the NIC's, its parts named, and the driver evicted as many as the NIC counts for it", () => {
    const { evictions } = summary.ipsec;
    expect(evictions.total).toBe(evictions.byDriver + evictions.byPointerFetch);
    expect(evictions.byDriver).toBe(run.design.top.driver.intermediate.counts.evictions);
    expect(evictions.total).toBe(run.design.top.nic.saCache.counts.evictions);
    // The metric policy replaces cached SAs in this run: the count is not zero by default.
    expect(evictions.byDriver).toBeGreaterThan(0);
    expect(run.text).toContain(`${evictions.total} evictions (${evictions.byDriver} by the driver's placement policy, ${evictions.byPointerFetch} by pointer fetches)`);
    // Installs likewise: the NIC's count, the driver's part of it the driver's own count.
    expect(summary.ipsec.installs.byDriver).toBe(run.design.top.driver.intermediate.counts.installs);
    expect(summary.ipsec.installs.total).toBe(summary.ipsec.installs.byDriver + summary.ipsec.installs.byPointerFetch);
  });

  test("every message between the drivers is in the waveform, each at a time of its own, as many of each kind as the summary counts", async () => {
    const parsed = await readVcd(readFileSync(`${base}.vcd`), (path) => path === "top.driver.intermediate.message" || path === "top.driver.intermediate.message_count");
    // The names GTKWave shows, from the translate filter the run wrote (hex codes).
    const kinds = readFileSync(`${base}.filters/driver_message.txt`, "utf8").trim().split("\n").filter((line) => !line.startsWith("#")).map((line) => line.split(" ")) as [string, string][];
    const kindName = new Map(kinds.map(([code, name]) => [BigInt(`0x${code}`), name]));
    const seen: Record<string, number> = {};
    let kind = "NONE";
    let count = 0n;
    for (const change of parsed.changes) {
      if (change.path.endsWith(".message")) kind = kindName.get(change.value) ?? `code ${change.value}`;
      else if (change.value > 0n) {
        // One message per step of the count: none shares a timestep with another.
        expect(change.value).toBe(count + 1n);
        count = change.value;
        seen[kind] = (seen[kind] ?? 0) + 1;
      }
    }
    expect(seen).toEqual(summary.ipsec.messages);
    expect(summary.ipsec.messages.INSTALL).toBe(summary.ipsec.installs.byDriver);
    expect(summary.ipsec.messages.EVICT).toBe(summary.ipsec.evictions.byDriver);
  });

  test("the HTML report is self-contained and carries the summary's data and its ten plots, the host's cores and what was written to the host among them", () => {
    const html = readFileSync(`${base}.html`, "utf8");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    const embedded = /<script type="application\/json" id="summary">(.*)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(embedded)).toEqual(summary);
    expect(html.match(/<svg /g)).toHaveLength(10);
    for (const title of ["Latency distribution per class, host to peer", "Latency distribution per class, peer to host", "Wire throughput per class, host to peer", "Written to the host per RX queue", "SA cache hit ratio", "Crypto engine utilisation", "Crypto preemptions", "Host CPU utilisation per core (4 at 3000 MHz)", "Software crypto jobs suspended on the host"]) expect(html).toContain(title);
    // Each core's line: the samples' shares of busy time, which over the run come to the summary's utilisation.
    for (const [core, share] of summary.host.utilisation.entries()) {
      const weighted = summary.samples.reduce((sum, sample, index) => sum + sample.cpuBusy[core]! * (sample.time - (index === 0 ? 0 : summary.samples[index - 1]!.time)), 0);
      expect(weighted / summary.simulatedMicroseconds, `core ${core}`).toBeCloseTo(share, 2);
    }
  });

  // From an architect's check: the per-queue counters were nowhere in the outputs, so they could not be checked against the flows.
  test("the statistics registers by queue: frames sent and received agree with the wire, and the bytes with the frames", () => {
    const { TQPC, TQBC, RQPC, RQBC, RQDPC } = summary.nic.queues;
    const sum = (counts: readonly number[]) => counts.reduce((total, count) => total + count, 0);
    expect(TQPC).toHaveLength(8);
    expect(sum(TQPC)).toBe(summary.wireFrames.toPeer);
    expect(sum(RQPC) + sum(RQDPC)).toBe(summary.wireFrames.toHost);
    // Each queue that sent or received carries frames of at least 60 bytes and at most the longest.
    for (const [frames, bytes] of [[TQPC, TQBC], [RQPC, RQBC]] as const) {
      frames.forEach((count, queue) => {
        expect(bytes[queue]!, `queue ${queue}`).toBeGreaterThanOrEqual(60 * count);
        expect(bytes[queue]!, `queue ${queue}`).toBeLessThanOrEqual(9216 * count);
      });
    }
    expect(TQPC.filter((count) => count > 0).length).toBeGreaterThan(1);
  });

  test("the same seed gives byte-identical summary and waveform", () => {
    const again = mkdtempSync(join(tmpdir(), "nicsim-default-"));
    runScenario(defaultScenario(), { directory: again });
    expect(readFileSync(join(again, "default.summary.json"), "utf8")).toBe(readFileSync(`${base}.summary.json`, "utf8"));
    expect(readFileSync(join(again, "default.vcd"), "utf8")).toBe(readFileSync(`${base}.vcd`, "utf8"));
  });
});

describe.runIf(requireTool("tshark", "tshark"))("the default scenario's capture in tshark", () => {
  test("holds every frame the summary counts, and decrypts with the esp_sa file: every ICV good", () => {
    const records = readFileSync(`${base}.esp_sa`, "utf8").split("\n").filter((line) => line.startsWith('"'));
    const result = spawnSync("tshark", ["-r", `${base}.pcap`, "-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE", ...records.flatMap((record) => ["-o", `uat:esp_sa:${record}`]), "-T", "fields", "-e", "frame.protocols", "-e", "esp.icv_good"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(result.status, result.stderr).toBe(0);
    const rows = result.stdout.trim().split("\n").map((row) => row.split("\t"));
    expect(rows).toHaveLength(summary.wireFrames.toPeer + summary.wireFrames.toHost);
    // Every frame is ESP (its keys derived from IKE's KEYMAT) or ISAKMP; every ESP frame's ICV is good.
    const esp = rows.filter(([protocols]) => protocols!.includes(":esp"));
    const isakmp = rows.filter(([protocols]) => protocols!.endsWith(":udp:isakmp"));
    expect(esp.length + isakmp.length).toBe(rows.length);
    expect(isakmp.length).toBeGreaterThan(0);
    expect(esp.filter(([, icvGood]) => icvGood !== "1")).toEqual([]);
  });

  test("dissects every ISAKMP message with no malformed frame or expert error, and with the ikev1_decryption_table decrypts Main Mode 5 and 6 and Quick Mode, showing each gateway's identity", () => {
    const keys = readFileSync(`${base}.ikev1_decryption_table`, "utf8").split("\n").filter((line) => line !== "" && !line.startsWith("#"));
    expect(keys).toHaveLength(3);
    const fields = ["frame.number", "isakmp.exchangetype", "isakmp.id.type", "isakmp.id.data.fqdn", "isakmp.id.data.key_id", "isakmp.id.data.ipv4_addr", "isakmp.hash", "_ws.malformed", "_ws.expert.severity"];
    const result = spawnSync("tshark", ["-r", `${base}.pcap`, "-Y", "isakmp", ...keys.flatMap((key) => ["-o", `uat:ikev1_decryption_table:${key}`]), "-T", "fields", "-E", "occurrence=a", ...fields.flatMap((field) => ["-e", field])], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(result.status, result.stderr).toBe(0);
    // Only the last newline goes: a row's trailing empty fields are tabs that trim() would take.
    const rows = result.stdout.replace(/\n$/, "").split("\n").map((row) => Object.fromEntries(row.split("\t").map((value, index) => [fields[index]!, value])));
    expect(rows.length).toBe(summary.ike!.host.sent + summary.ike!.host.received);
    expect(rows.filter((row) => row["_ws.malformed"] !== "")).toEqual([]);
    // Expert severities: error is 8388608 (0x00800000); none may appear.
    expect(rows.filter((row) => (row["_ws.expert.severity"] ?? "").split(",").some((severity) => Number(severity) >= 0x00800000))).toEqual([]);
    // Identity protection (Main Mode, 2) and Quick Mode (32) decrypted: their ID and HASH payloads are visible.
    const mainModeIds = rows.filter((row) => row["isakmp.exchangetype"] === "2" && row["isakmp.id.type"] !== "");
    expect(mainModeIds.map((row) => row["isakmp.id.data.fqdn"] || row["isakmp.id.data.key_id"] || row["isakmp.id.data.ipv4_addr"]).sort()).toEqual(["192.0.2.1", "192.0.2.1", Buffer.from("customerB").toString("hex"), "gw.data.customerA.example"].sort());
    const aggressive = rows.filter((row) => row["isakmp.exchangetype"] === "4" && row["isakmp.id.data.fqdn"] !== "");
    // Names travel as the scenario spells them (the host compares them without case).
    expect(aggressive.map((row) => row["isakmp.id.data.fqdn"])).toContain("gw.voice.customerA.example");
    const quickModes = rows.filter((row) => row["isakmp.exchangetype"] === "32");
    expect(quickModes.length).toBeGreaterThanOrEqual(3 * 13);
    expect(quickModes.every((row) => row["isakmp.hash"] !== "")).toBe(true);
  });

  test("each gateway's longest ISAKMP frame on the wire is the one the check before the run rehearsed (its IKE against nic.maxFrameBytes)", () => {
    const result = spawnSync("tshark", ["-r", `${base}.pcap`, "-Y", "isakmp", "-T", "fields", "-e", "ip.src", "-e", "ip.dst", "-e", "frame.len"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(result.status, result.stderr).toBe(0);
    const longest = new Map<string, number>();
    for (const [source, destination, length] of result.stdout.trim().split("\n").map((row) => row.split("\t"))) {
      // The host is 192.0.2.1; the other end names the gateway.
      const gateway = source === "192.0.2.1" ? destination! : source!;
      longest.set(gateway, Math.max(longest.get(gateway) ?? 0, Number(length)));
    }
    const rehearsed = defaultScenario().scenario.customers.flatMap((customer) => (customer.ike ? [(longestIkeMessageOf({ ...customer, ike: customer.ike }) as { bytes: number }).bytes + 42] : []));
    expect(rehearsed).toEqual([474, 366, 366]);
    expect([...longest.values()].sort((a, b) => a - b)).toEqual([...rehearsed].sort((a, b) => a - b));
  });
});
