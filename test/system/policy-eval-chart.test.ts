import { describe, expect, test } from "vitest";
import { zipfWorkload } from "../../driver/caching/workloads.js";
import { evaluatePolicies } from "../../system/policy-eval.js";
import { CHARACTER_WIDTH, evaluationSvg } from "../../system/policy-eval-chart.js";

interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const number = (element: string, name: string) => Number(new RegExp(` ${name}="([^"]+)"`).exec(element)![1]);
const boxOf = (rect: string): Box => ({ left: number(rect, "x"), top: number(rect, "y"), right: number(rect, "x") + number(rect, "width"), bottom: number(rect, "y") + number(rect, "height") });
const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** Where a text element lies, from its anchor and a generous width per character (a rotated one: its span along the rotation). */
function textBox(element: string, content: string): Box {
  const width = content.length * CHARACTER_WIDTH;
  const rotated = /translate\(([\d.]+) ([\d.]+)\) rotate\(-90\)/.exec(element);
  if (rotated) return { left: Number(rotated[1]) - 10, right: Number(rotated[1]), top: Number(rotated[2]) - width / 2, bottom: Number(rotated[2]) + width / 2 };
  const x = number(element, "x");
  const y = number(element, "y");
  const left = element.includes('text-anchor="end"') ? x - width : element.includes('text-anchor="middle"') ? x - width / 2 : x;
  return { left, right: left + width, top: y - 10, bottom: y + 3 };
}

function check(svg: string): void {
  const width = number(svg, "width");
  const height = number(svg, "height");
  expect(svg).toContain(`viewBox="0 0 ${width} ${height}"`);
  const bars = [...svg.matchAll(/<rect class="bar"[^>]*>/g)].map(([rect]) => boxOf(rect));
  const legend = boxOf(/<rect class="legend-box"[^>]*>/.exec(svg)![0]);
  expect(bars.length).toBeGreaterThan(0);
  for (const bar of bars) expect(overlap(bar, legend)).toBe(false);
  const legendGroup = /<g class="legend">([\s\S]*?)<\/g>/.exec(svg)![1]!;
  for (const [element, content] of legendGroup.matchAll(/<text[^>]*>([^<]*)<\/text>/g)) {
    const box = textBox(element, content!);
    expect(box.left >= legend.left && box.right <= legend.right && box.top >= legend.top && box.bottom <= legend.bottom, `legend entry '${content}' inside its box`).toBe(true);
  }
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)];
  for (const [element, content] of texts) {
    const box = textBox(element, content!);
    expect(box.left >= 0 && box.right <= width && box.top >= 0 && box.bottom <= height, `'${content}' inside the picture`).toBe(true);
  }
  const axisLabels = [...svg.matchAll(/<text class="axis-label"[^>]*>([^<]+)<\/text>/g)].map(([, label]) => label);
  expect(axisLabels).toHaveLength(2);
  expect(axisLabels[0]).toMatch(/MIN/);
  expect(axisLabels[1]).toMatch(/workload/);
}

describe("the policy-eval chart", () => {
  test("on the generated workloads: the legend covers no bar, every label is inside the picture, both axes are labelled", () => {
    check(evaluationSvg(evaluatePolicies()));
  });

  test("on a trace with a long path and few SAs, the same", () => {
    const trace = zipfWorkload({ sas: 12, packets: 400, meanGap: 1_000_000, bytes: 200, seed: 3 }, 0.9);
    const rows = evaluatePolicies(undefined, 1, [{ name: "/a/rather/long/directory/of/runs/the-scenario-with-a-long-name.sa-trace.jsonl", trace }]);
    const svg = evaluationSvg(rows);
    check(svg);
    expect(svg).toContain(">the-scenario-with-a-long-name.sa-trace.jsonl</text>");
  });
});
