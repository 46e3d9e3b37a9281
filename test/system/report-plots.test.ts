import { describe, expect, test } from "vitest";
import { defaultScenario } from "../../system/scenario/default-scenario.js";
import { htmlReport } from "../../system/scenario/html-report.js";
import { runScenario } from "../../system/scenario/run.js";
import { describeLoss, dropsByPlace, formatScenarioSummary } from "../../system/scenario/summary.js";
import { runSweepPoint } from "../../system/scenario/sweep.js";

// No cable delay: the run ends as the last frame to the peer passes the port, inside a partial last interval, with its gap still to come.
const { summary } = runScenario(defaultScenario({ durationMicroseconds: 40, "wire.propagationNanoseconds": 0 }), { directory: null });
const html = htmlReport(summary, []);
const charts = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
const chart = (title: string) => charts.find((svg) => svg.includes(`>${title}</text>`))!;
/** Each path's series name and its stroke and dash, as drawn. */
const looks = (svg: string) => [...svg.matchAll(/<path d="[^"]*" fill="none" stroke="([^"]+)" stroke-width="1.5"(?: stroke-dasharray="([^"]+)")?><title>([^<]+)<\/title>/g)].map(([, colour, dash, name]) => ({ name: name!, look: `${colour} ${dash ?? "solid"}` }));

describe("the report's plots", () => {
  const { intervalMicroseconds, lineGigabitsPerSecond } = summary.sampling;

  test("each class's latency distribution crosses 0.5 and 0.99 at the table's p50 and p99, thinned or not (read at 0.99 it gave another figure: an architect's check)", () => {
    // A longer run too: classes of thousands of packets, whose distributions are thinned to 200 steps and their percentiles'.
    const long = runScenario(defaultScenario({ durationMicroseconds: 400, "outputs.waveform": false }), { directory: null }).summary;
    let thinned = 0;
    for (const run of [summary, long]) {
      for (const entry of run.classes) {
        const steps = run.latencyDistribution[`${entry.className} ${entry.direction}`]!;
        if (entry.latency.count > 200) thinned++;
        expect(steps.length).toBeLessThanOrEqual(202);
        // The first step at or past a fraction is the latency the table gives for it.
        const crossing = (fraction: number) => steps.find(([, at]) => at >= fraction)![0];
        expect(crossing(0.5), `${entry.className} ${entry.direction} p50`).toBe(entry.latency.p50);
        expect(crossing(0.99), `${entry.className} ${entry.direction} p99`).toBe(entry.latency.p99);
        expect(steps.at(-1)).toEqual([entry.latency.max, 1]);
      }
    }
    expect(thinned).toBeGreaterThan(0);
  }, 60_000);

  test("no interval, the last and partial one included, carries more than the line", () => {
    const last = summary.samples.at(-1)!;
    // The case the test is for: a last interval shorter than the grid's.
    expect(last.time - summary.samples.at(-2)!.time).toBeLessThan(intervalMicroseconds);
    expect(lineGigabitsPerSecond).toBe(25);
    // Each value is rounded to four decimals, so a sum of eight may pass the line by their rounding.
    for (const sample of summary.samples) {
      for (const values of [sample.toPeerGbps, sample.toHostGbps]) {
        for (const value of values) expect(value).toBeLessThanOrEqual(lineGigabitsPerSecond);
        expect(values.reduce((sum, value) => sum + value, 0)).toBeLessThanOrEqual(lineGigabitsPerSecond + 8 * 0.00005);
      }
    }
    // And the busy end of the run does fill the line: the fix leaves out only what lies after the run.
    expect(last.toPeerGbps.reduce((sum, value) => sum + value, 0)).toBeGreaterThan(lineGigabitsPerSecond * 0.99);
  });

  test("a direction no stream took has its latency chart say so (it was bare axes: an outside check)", () => {
    const oneWay = htmlReport({ ...summary, classes: summary.classes.filter((entry) => entry.direction === "to-peer") }, []);
    const svg = (oneWay.match(/<svg[\s\S]*?<\/svg>/g) ?? []).find((each) => each.includes(">Latency distribution per class, peer to host</text>"))!;
    expect(looks(svg).map(({ name }) => name)).toEqual(["no stream peer to host"]);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  test("no plotted throughput point lies above the line rate's line", () => {
    for (const title of ["Wire throughput per class, host to peer", "Wire throughput per class, peer to host"]) {
      const svg = chart(title);
      const limit = Number(/<line class="limit" x1="[^"]+" x2="[^"]+" y1="([^"]+)"/.exec(svg)![1]);
      const ys = [...svg.matchAll(/<path d="([^"]+)"/g)].flatMap(([, path]) => [...path!.matchAll(/[ML][\d.]+,([\d.]+)/g)].map(([, y]) => Number(y)));
      expect(ys.length).toBeGreaterThan(summary.samples.length);
      // SVG's y grows downwards.
      for (const y of ys) expect(y).toBeGreaterThanOrEqual(limit);
    }
  });

  test("each class has one look in every chart, and the classes' looks differ", () => {
    const perClass = new Map<string, Set<string>>();
    const classCharts = charts.filter((svg) => /Latency distribution|Wire throughput/.test(svg));
    expect(classCharts).toHaveLength(4);
    for (const svg of classCharts) {
      const drawn = looks(svg);
      // The wire's charts have class-default too: IKE's messages, which no stream of the scenario is (they were left out, and the classes drawn did not add up to the wire).
      const ike = /Wire throughput/.test(svg) ? ["class-default (0)"] : [];
      expect(drawn.map(({ name }) => name).sort()).toEqual(["bronze (5)", ...ike, "gold (7)", "silver (6)"]);
      for (const { name, look } of drawn) perClass.set(name, (perClass.get(name) ?? new Set()).add(look));
    }
    for (const [, seen] of perClass) expect(seen.size).toBe(1);
    const colours = [...perClass.values()].map((seen) => [...seen][0]!.split(" ")[0]);
    const dashes = [...perClass.values()].map((seen) => [...seen][0]!.split(" ").slice(1).join(" "));
    expect(new Set(colours).size).toBe(4);
    expect(new Set(dashes).size).toBe(4);
  });

  test("what was written to the host is plotted by RX queue in each class's look; a run that wrote nothing says so over the run's time", () => {
    const drawn = looks(chart("Written to the host per RX queue"));
    const written = summary.nic.queues.RQBC.flatMap((bytes, queue) => (bytes > 0 ? [queue] : []));
    expect(drawn).toHaveLength(written.length);
    for (const { name, look } of drawn.filter(({ name }) => /\((5|6|7)\)$/.test(name))) expect(looks(chart("Wire throughput per class, peer to host")).find((each) => each.name === name)?.look).toBe(look);
    const nothing = htmlReport({ ...summary, nic: { ...summary.nic, queues: { ...summary.nic.queues, RQBC: summary.nic.queues.RQBC.map(() => 0) } } }, []);
    const flat = (nothing.match(/<svg[\s\S]*?<\/svg>/g) ?? []).find((svg) => svg.includes(">Written to the host per RX queue</text>"))!;
    expect(looks(flat).map(({ name }) => name)).toEqual(["nothing written to the host"]);
    // Its time axis is the run's, not 0 to 1: its ticks reach past half the run.
    const ticks = [...flat.matchAll(/>([\d.]+)<\/text>/g)].map(([, value]) => Number(value));
    expect(Math.max(...ticks)).toBeGreaterThan(summary.samples.at(-1)!.time / 2);
  });

  test("the sample interval is stated beside the plots and in the charts counted per interval", () => {
    expect(intervalMicroseconds).toBe(summary.samples[0]!.time);
    expect(html).toContain(`one point per sample interval of ${intervalMicroseconds} µs`);
    expect(html).toContain(`line rate of ${lineGigabitsPerSecond} Gb/s`);
    expect(chart(`Crypto preemptions per ${intervalMicroseconds} µs interval`)).toBeDefined();
  });
});

test("a traffic time of a few µs after an IKE bring-up of milliseconds: a sample every 100 ns at most, not every few ns over the whole run (it overflowed the stack drawing 146,815 points, and ran out of memory with more)", () => {
  const short = runScenario(defaultScenario({ durationMicroseconds: 1 }), { directory: null }).summary;
  expect(short.sampling.intervalMicroseconds).toBeGreaterThanOrEqual(0.1);
  // And the grid coarsens rather than keep more than ten readings per sample asked (100 by default).
  expect(short.samples.length).toBeLessThanOrEqual(1000);
  expect(htmlReport(short, [])).toContain("<svg");
}, 60_000);

test("the report says the faults a run injected and its losses by place, as the run's table does (they were only in its embedded JSON)", () => {
  const faulty = runScenario(defaultScenario({ durationMicroseconds: 100, "faults.corruptProbability": 0.05 }), { directory: null }).summary;
  const report = htmlReport(faulty, []);
  expect(report).toContain(`<p>Faults injected: ${faulty.faults.join(", ")}.</p>`);
  expect(faulty.countedDrops).toBeGreaterThan(0);
  expect(report).toMatch(/<p>Lost \d+ \(\d+ counted drops\), out of order \d+; counted drops by place: [^<]*ESP_ICV_FAILED \d+/);
  // The packets out of order too, as the run's text says them (they were only in the embedded JSON; from an architect's check).
  expect(report).toContain(`, out of order ${faulty.flows.reduce((sum, flow) => sum + flow.outOfOrder, 0)};`);
}, 60_000);

test("a sweep row's drops are the run's counted drops by place and reason, every one of them (the row had only the packets lost)", () => {
  const point = { index: 0, overrides: { durationMicroseconds: 100, "faults.corruptProbability": 0.05 } };
  const row = runSweepPoint(null, point);
  const summary = runScenario(defaultScenario(point.overrides), { directory: null }).summary;
  expect(row.drops).toEqual(dropsByPlace(summary));
  const counted = Object.values(row.drops).flatMap((reasons) => Object.values(reasons)).reduce((sum, count) => sum + count, 0);
  expect(counted).toBe(summary.countedDrops);
  // Corrupted frames fail their ICV in the NIC (inline) and in software ESP alike.
  expect(row.drops.nic?.ESP_ICV_FAILED ?? 0).toBeGreaterThan(0);
  expect(row.drops.ipsec?.AUTHENTICATION_FAILED ?? 0).toBeGreaterThan(0);
}, 60_000);

test("the faults say how many replayed copies the gateway injected, so that the counted drops (which include theirs) reconcile with the packets lost", () => {
  const replayed = runScenario(defaultScenario({ durationMicroseconds: 100, "faults.replayProbability": 0.05 }), { directory: null }).summary;
  const copies = Number(/the gateway replays 5% of its frames \((\d+) cop(?:y|ies) injected\)/.exec(replayed.faults.join(", "))?.[1]);
  expect(copies).toBeGreaterThan(0);
  const lost = replayed.flows.reduce((sum, flow) => sum + flow.lost, 0);
  expect(replayed.countedDrops).toBe(lost + copies);
  // The loss line says so too: it gave "lost N (N counted drops)" beside a by-place line summing to N plus the copies (from an architect's check).
  const loss = describeLoss(replayed);
  expect(loss).toContain(`${copies} counted drop${copies === 1 ? "" : "s"} beyond the packets lost: copies a fault injected (replays, forgeries;`);
  expect(replayed.injectedCopies.replays).toBe(copies);
  expect(formatScenarioSummary(replayed)).toContain("counted drops by place:");
}, 60_000);
