import { writeFileSync } from "node:fs";
import { cannotRead, readNamedFile } from "../sim/unreadable.js";

/** The markers around a generated section of a Markdown file: `<!-- name:start -->` … `<!-- name:end -->`. */
function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->\n`, end: `\n<!-- ${name}:end -->` };
}

/** What lies between a section's markers, or undefined when they are not there. */
export function markedSection(text: string, name: string): string | undefined {
  const { start, end } = markers(name);
  return text.split(start)[1]?.split(end)[0];
}

/** Why the file at `path` has no section to rewrite (it cannot be read, or lacks the markers), or its text. */
export function markedFileText(path: string, name: string): { readonly text: string } | { readonly problem: string } {
  let text: string;
  try {
    text = readNamedFile(path, "utf8");
  } catch (error) {
    return { problem: cannotRead(path, error) };
  }
  const { start, end } = markers(name);
  const from = text.indexOf(start);
  if (from < 0 || text.indexOf(end, from) < 0) return { problem: `${path}: no ${start.trim()} … ${end.trim()} markers around the section to rewrite` };
  return { text };
}

/** Rewrite the section between the markers in the file at `path`; returns whether it changed. */
export function replaceMarkedSection(path: string, name: string, content: string): boolean {
  const marked = markedFileText(path, name);
  if ("problem" in marked) throw new Error(marked.problem);
  const { text } = marked;
  const { start, end } = markers(name);
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  const updated = text.slice(0, from + start.length) + content.trimEnd() + text.slice(to);
  if (updated === text) return false;
  writeFileSync(path, updated);
  return true;
}
