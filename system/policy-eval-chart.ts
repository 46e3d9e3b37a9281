import { basename } from "node:path";
import type { EvaluationRow } from "./policy-eval.js";

const FONT = 10;
/** A generous width per character of the chart's sans-serif text, so that laid-out text fits where it is put. */
export const CHARACTER_WIDTH = FONT * 0.62;
const textWidth = (text: string) => Math.ceil(text.length * CHARACTER_WIDTH);
const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const COLOURS = ["#d62728", "#7f7f7f", "#1f77b4", "#2ca02c", "#9467bd"];
const BAR = 9;
const PLOT_HEIGHT = 240;

/**
 * A grouped bar chart of each policy's hit ratio as a fraction of MIN's, per workload and cache
 * size. The legend sits in its own row above the plot and every label below it is horizontal, so
 * nothing covers a bar and nothing leaves the picture; both axes say what they count.
 */
export function evaluationSvg(rows: readonly EvaluationRow[]): string {
  const policies = rows[0]!.outcomes.map((outcome) => outcome.policy).filter((name) => name !== "min");
  // Rows come grouped by workload; each workload's name spans its cache sizes' groups, which widen to fit it.
  const workloads = rows.reduce<{ name: string; rows: EvaluationRow[] }[]>((groups, row) => {
    if (groups.at(-1)?.name === row.workload) groups.at(-1)!.rows.push(row);
    else groups.push({ name: row.workload, rows: [row] });
    return groups;
  }, []);
  const label = (name: string) => (name.includes("/") ? basename(name) : name);
  const margin = { left: 70, right: 20, top: 56, bottom: 62 };
  const columns = workloads.map((workload) => Math.max(policies.length * BAR + 14, Math.ceil((textWidth(label(workload.name)) + 10) / workload.rows.length), ...workload.rows.map((row) => textWidth(`${row.capacity}/${row.sas}`) + 8)));
  const plotWidth = columns.reduce((sum, column, index) => sum + column * workloads[index]!.rows.length, 0);
  const legendWidth = policies.reduce((sum, name) => sum + 16 + textWidth(name) + 12, 8);
  const title = "SA table policies: hit ratio as a fraction of Belady's MIN (the best possible)";
  const xLabel = "workload, and SA table size in entries / SAs the workload uses";
  const width = margin.left + Math.max(plotWidth, legendWidth, textWidth(title) + 10 - margin.left, textWidth(xLabel)) + margin.right;
  const height = margin.top + PLOT_HEIGHT + margin.bottom;
  const y = (ratio: number) => margin.top + PLOT_HEIGHT * (1 - ratio);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="16" font-size="${FONT}" font-weight="bold">${escape(title)}</text>`,
  ];
  // The legend: one row between the title and the plot.
  parts.push(`<g class="legend"><rect class="legend-box" x="${margin.left}" y="24" width="${legendWidth}" height="18" fill="none" stroke="#ccc"/>`);
  let legendX = margin.left + 8;
  policies.forEach((name, slot) => {
    parts.push(`<rect x="${legendX}" y="29" width="10" height="8" fill="${COLOURS[slot]}"/><text x="${legendX + 14}" y="37">${escape(name)}</text>`);
    legendX += 16 + textWidth(name) + 12;
  });
  parts.push("</g>");
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/><text x="${margin.left - 6}" y="${y(tick) + 3}" text-anchor="end">${tick.toFixed(2)}</text>`);
  }
  parts.push(`<text class="axis-label" transform="translate(16 ${margin.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle">hit ratio / MIN's hit ratio</text>`);
  let x = margin.left;
  workloads.forEach((workload, index) => {
    const column = columns[index]!;
    const start = x;
    for (const row of workload.rows) {
      const bars = row.outcomes.filter((outcome) => outcome.policy !== "min");
      const first = x + (column - bars.length * BAR) / 2;
      bars.forEach((outcome, slot) => {
        const top = y(Math.min(1, outcome.ofMin));
        parts.push(`<rect class="bar" x="${first + slot * BAR}" y="${top}" width="${BAR - 1}" height="${margin.top + PLOT_HEIGHT - top}" fill="${COLOURS[slot]}"><title>${escape(row.workload)}, table ${row.capacity} of ${row.sas} SAs: ${outcome.policy} ${outcome.ofMin.toFixed(3)}</title></rect>`);
      });
      parts.push(`<text x="${x + column / 2}" y="${margin.top + PLOT_HEIGHT + 13}" text-anchor="middle">${row.capacity}/${row.sas}</text>`);
      x += column;
    }
    parts.push(`<text x="${(start + x) / 2}" y="${margin.top + PLOT_HEIGHT + 28}" text-anchor="middle">${escape(label(workload.name))}</text>`);
    if (index > 0) parts.push(`<line x1="${start}" x2="${start}" y1="${margin.top}" y2="${margin.top + PLOT_HEIGHT + 30}" stroke="#bbb"/>`);
  });
  parts.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + PLOT_HEIGHT}" stroke="#666"/><line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${margin.top + PLOT_HEIGHT}" y2="${margin.top + PLOT_HEIGHT}" stroke="#666"/>`);
  parts.push(`<text class="axis-label" x="${margin.left + plotWidth / 2}" y="${height - 10}" text-anchor="middle">${escape(xLabel)}</text>`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
