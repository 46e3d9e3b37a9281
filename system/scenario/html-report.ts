import { MAX_QUEUES, queueOfClass } from "../../hw/spec/registers.js";
import { lineChart, type Series } from "./svg-chart.js";
import { classStyle } from "./class-style.js";
import type { ScenarioSummary } from "./summary.js";
import { describeTableWrites } from "../report.js";
import { describeDropPlaces, describeLossAndOrder, describePlacement } from "./summary.js";
import { formatIkeSummary } from "./ike-summary.js";
import { describePreemptions } from "./crypto-summary.js";

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The run's report as one HTML file, with nothing to fetch: the plots are inline SVG, and the
 * numbers behind them are embedded as JSON (`<script id="summary">`) for anyone who wants them.
 */
export function htmlReport(summary: ScenarioSummary, files: readonly string[]): string {
  const samples = summary.samples;
  const classesInUse = [...new Set(summary.classes.map((entry) => entry.trafficClass))].sort((a, b) => b - a);
  const nameOf = (trafficClass: number) => summary.classNames[trafficClass] ?? `class ${trafficClass}`;
  // Each class keeps its look (colour and dash) in every chart; the directions get a chart each.
  const classSeries = (trafficClass: number, points: Series["points"]): Series => ({ name: `${nameOf(trafficClass)} (${trafficClass})`, points, style: classStyle(trafficClass) });
  const latency = (direction: string, label: string) => {
    const series = summary.classes
      .filter((entry) => entry.direction === direction)
      .map((entry) => {
        const values = summary.latencyDistribution[`${entry.className} ${direction}`] ?? [];
        // Drawn as the CDF's steps: flat to each latency, then up to the fraction at or under it, so that its crossing of 0.99 is the table's p99.
        return classSeries(entry.trafficClass, values.flatMap(([value, fraction], index) => [[value, index === 0 ? 0 : values[index - 1]![1]] as const, [value, fraction] as const]));
      });
    // A direction no stream took says so, as the RX queues' chart does (it was bare axes: an outside check).
    return lineChart(
      series.length > 0 ? series : [{ name: `no stream ${label}`, points: [] }],
      { title: `Latency distribution per class, ${label}`, xLabel: "latency from when due to decrypted delivery, µs (log scale)", yLabel: "fraction of packets", yMaximum: 1, logX: true },
    );
  };
  const { intervalMicroseconds, lineGigabitsPerSecond } = summary.sampling;
  const throughput = (direction: "toPeerGbps" | "toHostGbps", label: string) =>
    lineChart(
      // With the classes carrying traffic the scenario has no stream in: IKE's, in class-default (it was left out, so the chart's classes did not add up to the wire's).
      [...new Set([...classesInUse, ...(samples[0]?.[direction].keys() ?? [])])]
        .filter((trafficClass) => classesInUse.includes(trafficClass) || samples.some((sample) => (sample[direction][trafficClass] ?? 0) > 0))
        .sort((a, b) => b - a)
        .map((trafficClass) => classSeries(trafficClass, samples.map((sample) => [sample.time, sample[direction][trafficClass]!] as const))),
      { title: `Wire throughput per class, ${label}`, xLabel: "simulated time, µs (end of each sample interval)", yLabel: "Gb/s", limit: { value: lineGigabitsPerSecond, label: `line rate ${lineGigabitsPerSecond} Gb/s` } },
    );
  // By RX queue, each named by its class (with fewer than 8 queues, the one class in use that lands on it: class c on queue ⌊c · queues / 8⌋) and drawn in its look; a queue that wrote nothing is left out, and a run that wrote nothing to the host says so on a flat line.
  const rxQueues = summary.nic.queues.RQBC.length;
  const writtenSeries = summary.nic.queues.RQBC.flatMap((bytes, queue): Series[] => {
    if (bytes === 0) return [];
    const points = samples.map((sample) => [sample.time, sample.writtenToHostGbps[queue] ?? 0] as const);
    if (rxQueues === MAX_QUEUES) return [classSeries(queue, points)];
    const carried = classesInUse.filter((trafficClass) => queueOfClass(trafficClass, rxQueues) === queue);
    if (carried.length !== 1) return [{ name: `RX queue ${queue}`, points }];
    const series = classSeries(carried[0]!, points);
    return [{ ...series, name: `${series.name}, RX queue ${queue}` }];
  });
  const written = lineChart(writtenSeries.length > 0 ? writtenSeries : [{ name: "nothing written to the host", points: samples.map((sample) => [sample.time, 0] as const) }], {
    title: "Written to the host per RX queue",
    xLabel: "simulated time, µs (end of each sample interval)",
    yLabel: "Gb/s of frame bytes (RQBC), as frames complete",
  });
  const hits = lineChart(
    [
      { name: "TX", points: samples.map((sample) => [sample.time, sample.txHitRatio] as const) },
      { name: "RX", points: samples.map((sample) => [sample.time, sample.rxHitRatio] as const) },
    ],
    { title: "SA cache hit ratio", xLabel: "simulated time, µs", yLabel: "hits / lookups", yMaximum: 1 },
  );
  const crypto = lineChart(
    [
      { name: "TX engines busy", points: samples.map((sample) => [sample.time, sample.txCryptoBusy] as const) },
      { name: "RX engines busy", points: samples.map((sample) => [sample.time, sample.rxCryptoBusy] as const) },
    ],
    { title: "Crypto engine utilisation", xLabel: "simulated time, µs", yLabel: "share of time busy", yMaximum: 1 },
  );
  const preemptions = lineChart(
    [
      { name: "TX", points: samples.map((sample) => [sample.time, sample.txPreemptions] as const) },
      { name: "RX", points: samples.map((sample) => [sample.time, sample.rxPreemptions] as const) },
    ],
    { title: `Crypto preemptions per ${intervalMicroseconds} µs interval`, xLabel: "simulated time, µs", yLabel: "preemptions" },
  );
  const cores = lineChart(
    summary.host.utilisation.map((_, core) => ({ name: `core ${core}`, points: samples.map((sample) => [sample.time, sample.cpuBusy[core] ?? 0] as const) })),
    { title: `Host CPU utilisation per core (${summary.host.cores} at ${summary.host.megahertz} MHz)`, xLabel: "simulated time, µs", yLabel: "share of time busy", yMaximum: 1 },
  );
  const hostPreemptions = lineChart([{ name: "software crypto", points: samples.map((sample) => [sample.time, sample.cpuPreemptions] as const) }], {
    title: `Software crypto jobs suspended on the host per ${intervalMicroseconds} µs`,
    xLabel: "simulated time, µs",
    yLabel: "suspensions",
  });
  const work = Object.entries(summary.host.busyMicroseconds)
    .map(([kind, busy]) => `<tr><td>${kind}</td><td>${busy.toFixed(2)}</td></tr>`)
    .join("\n");
  const waits = summary.host.waits.map((wait) => `<tr><td>${escape(nameOf(wait.trafficClass))} (${wait.trafficClass})</td><td>${wait.jobs}</td><td>${wait.meanMicroseconds.toFixed(2)}</td><td>${wait.maximumMicroseconds.toFixed(2)}</td></tr>`).join("\n");
  const rows = summary.classes
    .map((entry) => `<tr><td>${escape(entry.className)} (${entry.trafficClass})</td><td>${entry.direction}</td><td>${entry.received}</td><td>${entry.gigabitsPerSecond.toFixed(3)}</td><td>${entry.gigabitsPerSecondInTraffic.toFixed(3)}</td><td>${entry.latency.p50 ?? "–"}</td><td>${entry.latency.p99 ?? "–"}</td><td>${entry.latency.max ?? "–"}</td><td>${entry.host.p99 ?? "–"}</td></tr>`)
    .join("\n");
  const cache = summary.ipsec.cache;
  const enginePreemptions = describePreemptions(summary.crypto);
  // Embedded data must not close the script element early.
  const data = JSON.stringify(summary).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nicsim: ${escape(summary.scenario)}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}.plots{display:flex;flex-wrap:wrap;gap:1em}code{background:#f4f4f4}</style>
</head><body>
<h1>nicsim: ${escape(summary.scenario)}</h1>
<p>${escape(summary.outcome)}; seed ${summary.seed}; ${summary.trafficMicroseconds} µs of traffic from ${summary.trafficStartMicroseconds} µs, ${summary.simulatedMicroseconds} µs simulated.</p>
${summary.faults.length > 0 ? `<p>Faults injected: ${escape(summary.faults.join(", "))}.</p>\n` : ""}<p>${escape(describeLossAndOrder(summary).replace(/^l/, "L"))}${summary.countedDrops > 0 ? `; counted drops by place: ${escape(describeDropPlaces(summary))}` : ""}.</p>
<table><tr><th>class</th><th>direction</th><th>received</th><th title="over the direction's delivery window: first packet due to last delivered">Gb/s</th><th title="delivered by the traffic's end, over the first packet due to then: the share while the streams competed">Gb/s in traffic</th><th>p50 µs</th><th>p99 µs</th><th>max µs</th><th>of which host, p99 µs</th></tr>
${rows}
</table>
<p>Latency from when each packet was due (its place in its stream's schedule) to its decrypted delivery; the host's part: to the peer, due to posted on the NIC's ring; to the host, off the ring to delivered. Gb/s of inner packet bytes over the delivery window of each direction, from its first packet due to its last delivered, the same for every class of the direction, so that they add up to its total (the plots below count the wire's bytes: headers, padding and gaps too). Under overload that window runs on while the backlogs drain: Gb/s in traffic counts what was delivered by the traffic's end, over the time from the direction's first packet due to then, the class's share while the streams competed (in a short run it lags its packets' latency).</p>
<p>SA table: TX ${cache.txHits} hits, ${cache.txMisses} misses; RX ${cache.rxHits} hits, ${cache.rxMisses} misses; ${describeTableWrites(summary.ipsec.installs, "installs")}, ${describeTableWrites(summary.ipsec.evictions, "evictions")}. Software ESP: ${summary.ipsec.softwareTx} out, ${summary.ipsec.softwareRx} in. ${escape(enginePreemptions.counts)}; restarts ${summary.crypto.tx.restarts + summary.crypto.rx.restarts}.${enginePreemptions.costly.map((line) => ` ${escape(line[0]!.toUpperCase() + line.slice(1))}.`).join("")} The ${escape(describePlacement(summary))}.</p>
<p class="sampling">The plots over time have one point per sample interval of ${intervalMicroseconds} µs, at its end; the last interval ends with the run, so it may be shorter. Wire throughput counts each frame's time on the line (preamble to inter-frame gap) in the intervals it spans, so no point exceeds the line rate of ${lineGigabitsPerSecond} Gb/s. What was written to the host counts the frame bytes (the ESP frames as received, headers included) of each RX queue's frames whose last descriptor was done in the interval: where the DMA's write link, not the line, is the bottleneck, the classes' shares of it (the wire's plot then shows what came in). Counted as frames complete, it comes in bursts over intervals not much longer than a frame's time on the link, above the link's rate.</p>
<div class="plots">
${latency("to-peer", "host to peer")}
${latency("to-host", "peer to host")}
${throughput("toPeerGbps", "host to peer")}
${throughput("toHostGbps", "peer to host")}
${written}
${hits}
${crypto}
${preemptions}
${cores}
${hostPreemptions}
</div>
<h2>Host CPU</h2>
<p>${summary.host.cores} cores at ${summary.host.megahertz} MHz; software crypto is suspended for waiting jobs of higher classes (${escape(summary.host.policy)}): ${summary.host.preemptions} times, ${summary.host.restarts} restarted.</p>
<div class="plots">
<table><tr><th>work</th><th>core time, µs</th></tr>
${work}
</table>
<table><tr><th>class</th><th>jobs</th><th>mean wait for a core, µs</th><th>longest, µs</th></tr>
${waits}
</table>
</div>
${ikeSection(summary)}
${files.length === 0 ? "" : `<p>Files of this run: ${files.map((file) => `<code>${escape(file)}</code>`).join(", ")}.</p>`}
<script type="application/json" id="summary">${data}</script>
</body></html>
`;
}

/** IKE per customer: the host daemon's view of each gateway's phase 1, Quick Modes, rekeys and Deletes. */
function ikeSection(summary: ScenarioSummary): string {
  const ike = summary.ike;
  if (!ike) return "";
  // Words read from the left; the table's numbers stay right-aligned.
  const rows = ike.timeline.map((entry) => `<tr><td>${entry.microseconds.toFixed(3)}</td><td>${escape(entry.gateway)}</td><td style="text-align: left">${escape(entry.text)}</td></tr>`).join("\n");
  return `<h2>IKE</h2>
<p>${formatIkeSummary(ike).map((line) => escape(line.trim())).join("<br>\n")}</p>
<table><tr><th>µs</th><th>gateway</th><th style="text-align: left">event</th></tr>
${rows}
</table>`;
}
