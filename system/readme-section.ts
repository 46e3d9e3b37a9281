import { readFileSync, writeFileSync } from "node:fs";

/** The markers around a generated section of a Markdown file: `<!-- name:start -->` … `<!-- name:end -->`. */
function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->\n`, end: `\n<!-- ${name}:end -->` };
}

/** What lies between a section's markers, or undefined when they are not there. */
export function markedSection(text: string, name: string): string | undefined {
  const { start, end } = markers(name);
  return text.split(start)[1]?.split(end)[0];
}

/** Rewrite the section between the markers in the file at `path`; returns whether it changed. */
export function replaceMarkedSection(path: string, name: string, content: string): boolean {
  const { start, end } = markers(name);
  const text = readFileSync(path, "utf8");
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`${path}: no ${start.trim()} … ${end.trim()} markers`);
  const updated = text.slice(0, from + start.length) + content.trimEnd() + text.slice(to);
  if (updated === text) return false;
  writeFileSync(path, updated);
  return true;
}
