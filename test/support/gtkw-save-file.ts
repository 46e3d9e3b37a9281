import { TraceFlag, WAVE_AREA_PIXELS } from "../../sim/vcd/gtkw.js";

/** A save file read back: window, named markers, top-level groups, and each trace with its flags, filter and enclosing groups. */
export function readSaveFile(text: string) {
  const lines = text.split("\n");
  const timestart = Number(/^\[timestart\] (\d+)$/m.exec(text)![1]);
  const [zoom, , ...named] = lines.find((line) => line.startsWith("*"))!.slice(1).split(" ").map(Number);
  const span = (2 ** -zoom! * WAVE_AREA_PIXELS) / 200;
  const names = lines.filter((line) => line.startsWith("[markername] ")).map((line) => line.slice("[markername] ".length));
  const markers = names.map((name, index) => ({ letter: name[0]!, name: name.slice(1), time: named[index]! }));
  const traces: Array<{ name: string; flags: number; filter: string | null; groups: string[] }> = [];
  const groups: Array<{ name: string; flags: number; depth: number }> = [];
  const open: string[] = [];
  let flags = 0;
  let filter: string | null = null;
  for (const line of lines) {
    if (line.startsWith("@")) flags = Number.parseInt(line.slice(1), 16);
    else if (line.startsWith("^1 ")) filter = line.slice(3);
    else if (line.startsWith("-")) {
      if (flags & TraceFlag.groupBegin) {
        groups.push({ name: line.slice(1), flags, depth: open.length });
        open.push(line.slice(1));
      } else open.pop();
    } else if (line.startsWith("top.")) {
      traces.push({ name: line, flags, filter, groups: [...open] });
      filter = null;
    }
  }
  return { window: { from: timestart, to: timestart + span }, markers, groups, traces };
}
