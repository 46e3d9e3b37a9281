export interface Series {
  readonly name: string;
  /** [x, y] points; y null leaves a gap. */
  readonly points: readonly (readonly [number, number | null])[];
  /** A fixed look (a traffic class's, the same in every chart); otherwise by the series' place. */
  readonly style?: LineStyle;
}

export interface LineStyle {
  readonly colour: string;
  /** SVG stroke-dasharray; empty: solid. */
  readonly dash: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
  /** Fixed y range; otherwise from 0 to the largest value. */
  readonly yMaximum?: number;
  readonly logX?: boolean;
  /** A labelled horizontal line no value should cross (the line rate). */
  readonly limit?: { readonly value: number; readonly label: string };
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round axis ticks: about five between 0 and `maximum`. */
function ticks(minimum: number, maximum: number): number[] {
  const span = maximum - minimum || 1;
  const step = 10 ** Math.floor(Math.log10(span / 5));
  const unit = [1, 2, 5, 10].map((factor) => factor * step).find((candidate) => span / candidate <= 6)!;
  const values: number[] = [];
  for (let value = Math.ceil(minimum / unit) * unit; value <= maximum + unit * 1e-9; value += unit) values.push(Number(value.toPrecision(12)));
  return values;
}

/** A line chart as a self-contained SVG element: axes, ticks, a legend, one polyline per series. */
export function lineChart(series: readonly Series[], options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const margin = { left: 60, right: 150, top: 30, bottom: 45 };
  const xs = series.flatMap((one) => one.points.map(([x]) => x));
  const ys = series.flatMap((one) => one.points.flatMap(([, y]) => (y === null ? [] : [y])));
  const transform = (x: number) => (options.logX ? Math.log10(Math.max(x, 1e-9)) : x);
  // Reduced, not spread into Math.min: a long run's hundred thousand points would overflow the call stack.
  const xMinimum = xs.length ? xs.reduce((least, x) => Math.min(least, transform(x)), Infinity) : 0;
  const xMaximum = xs.length ? xs.reduce((most, x) => Math.max(most, transform(x)), -Infinity) : 1;
  const yMaximum = options.yMaximum ?? (ys.reduce((most, y) => Math.max(most, y), options.limit?.value ?? 0) * 1.05 || 1);
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((transform(x) - xMinimum) / (xMaximum - xMinimum || 1)) * plotWidth;
  const py = (y: number) => margin.top + plotHeight - (y / yMaximum) * plotHeight;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`];
  parts.push(`<text x="${margin.left}" y="18" font-size="13" font-weight="bold">${escape(options.title)}</text>`);
  parts.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`);
  for (const y of ticks(0, yMaximum)) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${py(y)}" y2="${py(y)}" stroke="#eee"/>`, `<text x="${margin.left - 6}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
  }
  // On a log axis: 1, 2 and 5 of each decade.
  const decades = Array.from({ length: Math.ceil(xMaximum) - Math.floor(xMinimum) + 1 }, (_, index) => Math.floor(xMinimum) + index);
  const xTicks = options.logX ? decades.flatMap((decade) => [1, 2, 5].map((factor) => Number((factor * 10 ** decade).toPrecision(6)))) : ticks(xMinimum, xMaximum);
  for (const x of xTicks) {
    if (transform(x) < xMinimum - 1e-9 || transform(x) > xMaximum + 1e-9) continue;
    parts.push(`<text x="${px(x)}" y="${margin.top + plotHeight + 15}" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  if (options.limit) {
    const y = py(options.limit.value).toFixed(1);
    parts.push(`<line class="limit" x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${y}" y2="${y}" stroke="#000" stroke-dasharray="1 3"/>`, `<text x="${margin.left + plotWidth - 4}" y="${Number(y) - 4}" text-anchor="end">${escape(options.limit.label)}</text>`);
  }
  series.forEach((one, index) => {
    const { colour, dash } = one.style ?? { colour: COLOURS[index % COLOURS.length]!, dash: "" };
    const dashed = dash ? ` stroke-dasharray="${dash}"` : "";
    let path = "";
    let pen = false;
    for (const [x, y] of one.points) {
      if (y === null) {
        pen = false;
        continue;
      }
      path += `${pen ? "L" : "M"}${px(x).toFixed(1)},${py(Math.min(y, yMaximum)).toFixed(1)}`;
      pen = true;
    }
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.5"${dashed}><title>${escape(one.name)}</title></path>`);
    const legendY = margin.top + 14 * index + 8;
    parts.push(`<line x1="${width - margin.right + 10}" x2="${width - margin.right + 28}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"${dashed}/>`, `<text x="${width - margin.right + 32}" y="${legendY + 4}">${escape(one.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
