import { valueAt } from "../scenario/source-map.js";
import { enclosingPath } from "../scenario/overrides.js";

/** Options of `run` and a --set of the same field: which should stand is not for the command to guess. */
export function runClashes(options: { seed?: unknown; set: Record<string, unknown>; out?: unknown; waveform: boolean }): string[] {
  // The --set that gives a field, by its path or inside a mapping given whole (`outputs={"directory":…}`).
  const setting = (path: string) => {
    if (Object.hasOwn(options.set, path)) return path;
    const around = enclosingPath(path, Object.keys(options.set));
    return around !== undefined && valueAt(options.set[around], path.slice(around.length + 1).split(".")) !== undefined ? around : undefined;
  };
  const clash = (path: string, option: string) => {
    const set = setting(path);
    if (set === undefined) return [];
    return [set === path ? `--set ${set}: also given by ${option}; drop one` : `--set ${set}: gives ${path}, also given by ${option}; drop one`];
  };
  return [...(options.seed !== undefined ? clash("seed", "--seed") : []), ...(!options.waveform ? clash("outputs.waveform", "--no-waveform") : []), ...(options.out !== undefined ? clash("outputs.directory", "--out") : [])];
}
