import type { LineStyle } from "./svg-chart.js";

/**
 * One look per traffic class, the same in every chart of the report: colours far apart, and a
 * dash pattern each, so that curves stay apart where they overlap or in grey print.
 */
const STYLES: readonly LineStyle[] = [
  { colour: "#7f7f7f", dash: "1 3" }, // 0: best effort, and IKE's messages
  { colour: "#e377c2", dash: "3 1" },
  { colour: "#8c564b", dash: "8 3 2 3" },
  { colour: "#9467bd", dash: "12 3 3 3" },
  { colour: "#ff7f0e", dash: "4 2 1 2" },
  { colour: "#2ca02c", dash: "2 2" }, // 5: bronze in the default run
  { colour: "#1f77b4", dash: "7 3" }, // 6: silver
  { colour: "#d62728", dash: "" }, // 7: gold
];

export function classStyle(trafficClass: number): LineStyle {
  return STYLES[trafficClass]!;
}
