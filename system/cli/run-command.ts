import { existsSync, readdirSync, statSync } from "node:fs";
import { interruptThreads } from "../scenario/run-interrupted.js";
import { warningsBesideRefusal } from "../scenario/inert-parameter-warnings.js";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { describeLeftFiles, isTemporaryName, outputPlaceProblem } from "../../sim/output-files.js";
import { releaseOwnLocks } from "../../sim/lock-file.js";
import { signalExitStatus, StopSignals } from "./stop-signals.js";
import { scenarioFileOrDefault } from "../scenario/default-scenario.js";
import { parseScenarioDocument, readScenarioText, ScenarioError } from "../scenario/load.js";
import { SourceMap } from "../scenario/source-map.js";
import { endedWell } from "../scenario/run-ending.js";
import { Progress } from "./progress.js";
import type { RunOutcome, RunReport, RunRequest } from "./run-worker.js";

export interface RunCommandOptions {
  readonly overrides: Record<string, unknown>;
  readonly out?: string;
  readonly quiet?: boolean;
}

/** Why no file can go where the command line said the files go (--out, or --set outputs.directory), or null: said with a refused scenario's mistakes. */
export function givenPlaceProblem(out: string | undefined, overrides: Readonly<Record<string, unknown>>, file?: string): string | null {
  const given = out ?? overrides["outputs.directory"];
  if (typeof given === "string") return outputPlaceProblem(given, `${given} (${out === undefined ? "--set outputs.directory" : "--out"})`);
  const own = file === undefined ? null : fileDirectory(file);
  return own === null ? null : outputPlaceProblem(own.directory, `${own.directory} (${own.givenBy})`);
}

/** The scenario file's own outputs.directory and its place, read from a file whose other mistakes keep it from loading; null when it has none or does not parse. */
function fileDirectory(file: string): { directory: string; givenBy: string } | null {
  try {
    const text = readScenarioText(file);
    const { document, lines, value } = parseScenarioDocument(text, file);
    const directory = (value as { outputs?: { directory?: unknown } } | null)?.outputs?.directory;
    return typeof directory === "string" && directory.trim() !== "" ? { directory, givenBy: new SourceMap(file, document, lines, [], text, value).at(["outputs", "directory"], "outputs.directory") } : null;
  } catch (error) {
    if (error instanceof ScenarioError) return null;
    throw error;
  }
}

/** A path as a shell takes it when pasted: quoted when it holds anything but letters, digits and ./_-. */
function shellWord(path: string): string {
  // A relative path that starts with '-' would be read as an option by the program given it.
  const safe = path.startsWith("-") ? `./${path}` : path;
  return /^[\w./-]+$/.test(safe) ? safe : `'${safe.replace(/'/g, "'\\''")}'`;
}

/**
 * `nicsim run`: check the scenario here, then run it in a thread of its own. SIGINT or SIGTERM
 * stops the run at its next step; its files are flushed and each one left is named with its state,
 * as for a failed run, and the exit status is 130 or 143. A second signal stops at once.
 */
export async function runCommand(file: string | undefined, options: RunCommandOptions): Promise<void> {
  // Checked before the thread starts, so that a mistake is reported at once, with its file and line.
  let loaded;
  try {
    loaded = scenarioFileOrDefault(file || null, options.overrides);
  } catch (error) {
    const place = error instanceof ScenarioError ? givenPlaceProblem(options.out, options.overrides, file) : null;
    throw place === null ? error : new ScenarioError([...(error as ScenarioError).problems, place]);
  }
  const { name } = loaded.scenario;
  // Said as the run starts too, not only with its report: a long run, or one stopped or failed, showed none.
  // Not before the design is built: a value refused there was also called one that "has no effect" (from a session's check).
  let warned = false;
  const warnOnce = (refused: boolean) => {
    if (warned) return;
    warned = true;
    for (const warning of refused ? warningsBesideRefusal(loaded) : loaded.warnings) process.stderr.write(`nicsim run: ${warning}\n`);
  };
  const directory = options.out ?? loaded.scenario.outputs.directory;
  const progress = new Progress(`run ${name}`, options.quiet);
  const started = performance.now();
  const interrupt = new SharedArrayBuffer(4);
  const request: RunRequest = { file: file ?? null, overrides: options.overrides, out: options.out, interrupt };
  const worker = new Worker(new URL("./run-worker.js", import.meta.url), { workerData: request });
  // Set when a second signal stops the thread: its exit is then this command's doing, not a failure to report.
  let stoppingAtOnce = false;
  const signals = new StopSignals({
    first: (signal) => {
      progress.stop();
      interruptThreads(interrupt, signal);
      process.stderr.write(`nicsim run: ${signal}: stopping the run at its next step to flush its files (${signal} again stops at once)\n`);
    },
    again: (signal) => {
      progress.stop();
      // Stopped before the run said anything, its warnings are said still (they were said before it was built).
      warnOnce(false);
      // The run did not reach its next step in time for the user: its thread is stopped first, so that what is listed is what stays on disk.
      // The run's thread is this process: its lock would be left, naming a process that has gone.
      stoppingAtOnce = true;
      void worker.terminate().finally(() => {
        const released = releaseOwnLocks(directory).map((lock) => `\nIts lock file ${lock} is removed.`).join("");
        process.stderr.write(`nicsim run: ${signal} again: stopped at once, without flushing.\n${describeLeftFiles(temporaryFiles(directory, (entry) => entry.startsWith(`${name}.`)))}${released}\n`);
        process.exit(signalExitStatus(signal));
      });
    },
  });
  try {
    const final = await new Promise<RunOutcome>((resolve, reject) => {
      worker.on("message", (message: RunReport) => {
        warnOnce(message.kind === "scenario");
        if (message.kind === "progress") progress.update(message.now / 1e6, message.end / 1e6, "µs", `traffic over at ${(message.end / 1e6).toFixed(0)} µs: waiting for the last packets`);
        else resolve(message);
      });
      worker.on("error", (error) => {
        warnOnce(false);
        reject(error);
      });
      worker.on("exit", () => {
        if (!stoppingAtOnce) reject(new Error("the run's thread stopped without a result"));
      });
    });
    progress.stop();
    if (final.kind === "scenario") throw new ScenarioError(final.problems);
    if (final.kind === "failed") {
      // The simulation finished and only its files failed: its figures still reach the user.
      if (final.summaryText !== undefined) process.stdout.write(final.summaryText);
      if (signals.signal === null) throw new Error(final.message);
      process.stderr.write(`nicsim run: ${final.message}\n`);
    } else {
      // The summary repeats the warnings said before the run, for a file or a pipe; on one terminal they were just shown.
      const warnings = loaded.warnings.map((warning) => `${warning}\n`).join("");
      const shown = process.stdout.isTTY && process.stderr.isTTY && warnings !== "" && final.text.startsWith(warnings);
      process.stdout.write(shown ? final.text.slice(warnings.length) : final.text);
      console.log(`\nwall ${((performance.now() - started) / 1000).toFixed(1)} s; wrote ${final.files.join("\n      ")}`);
      const open = openWith(final.files);
      if (open !== null) console.log(open);
      if (!endedWell(final.ending)) process.exitCode = 1;
      if (signals.signal !== null) process.stderr.write(`nicsim run: the run had finished before ${signals.signal} stopped it: its files are complete.\n`);
    }
    if (signals.signal !== null) process.exitCode = signalExitStatus(signals.signal);
  } finally {
    signals.release();
    await worker.terminate();
  }
}

/** Files under their temporary names below `directory` whose path there `accept`s, as they are on disk (for runs stopped at once, whose own lists are out of reach). */
export function temporaryFiles(directory: string, accept: (entry: string) => boolean = () => true): Array<{ path: string; state: "partial"; bytes: number }> {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((entry) => accept(entry) && isTemporaryName(entry))
    .sort()
    .map((entry) => join(directory, entry))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, state: "partial" as const, bytes: statSync(path).size }));
}

/** How to look at what the run wrote, naming only the files it wrote (it named the capture and report of a run without them). */
function openWith(files: readonly string[]): string | null {
  const written = (suffix: string) => files.find((path) => path.endsWith(suffix));
  const gtkw = written(".gtkw");
  const pcap = written(".pcap");
  const html = written(".html");
  const others = [...(pcap ? [`capture: wireshark ${shellWord(pcap)}`] : []), ...(html ? [`report: ${shellWord(html)}`] : [])];
  if (gtkw) return `open with: gtkwave ${shellWord(gtkw)}${others.length > 0 ? `    (${others.join("; ")})` : ""}`;
  // Without a waveform each file has its own line's head: "open with: capture: …" read as a slip (from an outside check).
  return others.length > 0 ? `open the ${others.join("; the ")}` : null;
}
