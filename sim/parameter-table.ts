import type { Component } from "./component.js";

/** The parameters of a built design as a Markdown table: path, value, default, unit, description. */
export function parameterTable(top: Component): string {
  const rows = [...top.walk()].flatMap((component) =>
    component.declaredParameters.map(({ path, spec, value }) => {
      const bounds = spec.choices ? spec.choices.join(" \\| ") : [spec.minimum, spec.maximum].some((bound) => bound !== undefined) ? range(spec.minimum, spec.maximum) : "";
      return `| \`${path}\` | ${format(value)} | ${format(spec.defaultValue)} | ${spec.unit ?? ""} | ${bounds} | ${spec.description} |`;
    }),
  );
  return ["| parameter | value | default | unit | range | description |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n") + "\n";
}

function format(value: unknown): string {
  return typeof value === "string" ? `\`${value}\`` : String(value);
}

function range(minimum: number | undefined, maximum: number | undefined): string {
  // A minimum of the smallest positive number means "above zero".
  if (minimum === Number.MIN_VALUE) return maximum === undefined ? "> 0" : `> 0, ..${maximum}`;
  return `${minimum ?? ""}..${maximum ?? ""}`;
}
