import { accessSync, constants as fileAccess, existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { describeLeftFiles, outputPlaceProblem } from "../../sim/output-files.js";
import { commandLineParameterError } from "./command-line-parameters.js";
import { DEFAULT_CALL_NANOSECONDS, type ServeConfig, type ServedRun } from "../serve/served-run.js";
import { loadServeScenario, RUN_ONLY_FIELDS, SERVE_OUTPUTS } from "../serve/serve-scenario.js";
import { container as rootContainer } from "../../sim/di.js";
import { buildNic } from "../hardware.js";
import { inFileOrder, ScenarioError } from "../scenario/load.js";
import { scenarioPath } from "../scenario/overrides.js";
import { type ServeOptions, type ServeOutcome, serveOnSocket, serveOnStreams } from "../serve/server.js";
import type { ClientProgram } from "../serve/client-program.js";
import { StopRequest } from "../serve/stop-request.js";
import { signalExitStatus, StopSignals } from "./stop-signals.js";
import { socketPathInUseProblem } from "../serve/socket-path.js";

export interface ServeCommandOptions {
  readonly socket?: string;
  readonly stdio?: boolean;
  readonly scenario?: string;
  readonly seed?: number;
  /** Parameter overrides by path (`top.nic.queues`). */
  readonly set: Record<string, unknown>;
  readonly name?: string;
  readonly out?: string;
  readonly callNs?: number;
  readonly waveform: boolean;
}

/** Thrown for options that do not go together; main prints it as any other mistake. */
export class ServeOptionError extends Error {}

/** What is wrong with where serve is to serve: --socket, --stdio or a client command, one of them. */
export function serveWhereProblems(command: readonly string[], options: Pick<ServeCommandOptions, "stdio" | "socket">, whereWritten = false): string[] {
  if (options.stdio && (options.socket !== undefined || command.length > 0)) return ["--stdio serves the process that started the server: give neither --socket nor a command with it"];
  // A --stdio or --socket written but refused (`--stdio=1`, `--socket` without its path) is said as such, not as nothing said.
  if (!options.stdio && options.socket === undefined && command.length === 0) return whereWritten ? [] : ["say where to serve: --socket <path>, --stdio, or a client command after --"];
  // A path=value without --set would be started as the client (and named in the summary): it may hold a key.
  if (command.length > 0 && command[0]!.includes("=") && !existsSync(command[0]!)) return ["the client command's first word has '=' in it and no such program exists: a path=value is given with --set (the argument is not shown: it may hold a key)"];
  // A program that cannot start would leave a run with no client, and its files.
  if (command.length > 0 && !canRun(command[0]!)) return [`the client program ${command[0]}: no such program${command[0]!.includes("/") ? "" : " on PATH"}, or not one that may be run`];
  return [];
}

/** Whether a program may be started: a path to an executable file, or a name found so on PATH. */
function canRun(program: string): boolean {
  const runnable = (path: string) => {
    try {
      accessSync(path, fileAccess.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes("/")) return runnable(program);
  // An empty element of PATH is the current directory (POSIX), as the launch takes it.
  return (process.env.PATH ?? "").split(delimiter).some((directory) => runnable(join(directory === "" ? "." : directory, program)));
}

/**
 * The run's configuration: a serve scenario's name, seed, nic, wire and peer parameters and outputs
 * (a run's scenario serves too: its customers, traffic and drivers are not used, the client is
 * the driver), then the options.
 */
export function serveConfig(options: ServeCommandOptions, note: (text: string) => void = () => {}): ServeConfig {
  // The --set values are set in the file first, so that it is checked with them (a rule between two values may hold only with both).
  const inScenario = Object.entries(options.set).filter(([path]) => SCENARIO_DEVICE_PATH.test(path));
  const loaded = options.scenario ? loadServeScenario(options.scenario, Object.fromEntries(inScenario.map(([path, value]) => [scenarioPath(path), value]))) : null;
  for (const warning of loaded?.replaced ?? []) note(`nicsim serve: warning: ${warning}\n`);
  if (loaded && loaded.unused.length > 0) note(`nicsim serve: ${options.scenario}: ${loaded.unused.join(", ")} not used: serve takes a scenario's name, seed, nic, wire, peer, cryptoBackend and outputs (${SERVE_OUTPUTS.join(", ")}); the client is the driver (${RUN_ONLY_FIELDS.join(", ")} may be left out)\n`);
  const scenario = loaded?.scenario;
  // The peer's too: they were checked, then left out of the run without a word (from a bad-input check).
  const parameters = { ...(scenario ? { "top.nic": scenario.nic, "top.wire": scenario.wire, "top.peer": scenario.peer, "top.cryptoBackend": scenario.cryptoBackend } : {}), ...options.set };
  return {
    name: options.name ?? scenario?.name ?? "serve",
    seed: options.seed ?? scenario?.seed ?? 1,
    parameters,
    parametersSource: options.scenario ?? "--set",
    directory: options.out ?? scenario?.outputs.directory ?? "waveforms",
    waveform: options.waveform && (scenario?.outputs.waveform ?? true),
    pcap: scenario?.outputs.pcap ?? true,
    callPicoseconds: (options.callNs ?? DEFAULT_CALL_NANOSECONDS) * 1000,
  };
}

/** The device's parameters a scenario holds; the served design has one more, top.hostMemoryGuard, which a scenario does not. */
const SCENARIO_DEVICE_PATH = /^top\.(nic|wire|peer|cryptoBackend)(\.|$)/;

/**
 * The configuration, its device built once before anything is served, so that the file's
 * mistakes and the --set's are reported together (a file's alone hid the others).
 */
export function checkedServeConfig(options: ServeCommandOptions, note: (text: string) => void = () => {}): ServeConfig {
  const isDevice = (path: string) => SCENARIO_DEVICE_PATH.test(path) || path === "top.hostMemoryGuard";
  const set = Object.fromEntries(Object.entries(options.set).filter(([path]) => isDevice(path)));
  const problems = Object.keys(options.set)
    .filter((path) => !isDevice(path))
    .map((path) => `--set ${scenarioPath(path)}: ${path.startsWith("top.driver") ? "serve has no driver (the client is the driver), so no driver parameter applies" : "serve's --set gives the device's parameters (nic, wire, peer, cryptoBackend, hostMemoryGuard); the rest comes from --scenario, --seed, --name or --out"}`);
  let config: ServeConfig | null = null;
  try {
    config = serveConfig({ ...options, set }, note);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    problems.push(...error.problems);
  }
  // A scenario file is checked with the --set values it holds; the device is built to check the rest (all of them without a file).
  const rest = options.scenario ? Object.fromEntries(Object.entries(set).filter(([path]) => !SCENARIO_DEVICE_PATH.test(path))) : set;
  try {
    buildNic({ parameters: config?.parameters ?? rest, parametersSource: config?.parametersSource ?? "--set", container: rootContainer.createChildContainer() });
  } catch (error) {
    const refused = commandLineParameterError(error, set, "serve");
    if (!(refused instanceof ScenarioError)) throw refused;
    problems.push(...refused.problems);
  }
  // Where it is to listen, and where its files go, with the other mistakes (each was found only once they were mended).
  // A blank path was refused with the options (commander keeps what was written when the parser refuses it).
  const socket = options.socket === undefined || options.socket.trim() === "" ? null : socketPathInUseProblem(options.socket);
  if (socket !== null) problems.push(socket);
  const directory = config === null ? options.out : config.directory;
  if (directory !== undefined && directory !== null) {
    const place = outputPlaceProblem(directory, options.out === undefined ? directory : `${directory} (--out)`);
    if (place !== null) problems.push(place);
    // The socket's lock and the run's files' are <socket>.lock and <directory>/<name>.lock: one name would be two locks, and the server refused itself.
    if (config !== null && options.socket !== undefined && resolve(options.socket) === resolve(join(directory, config.name))) {
      problems.push(`--socket ${options.socket}: is the base of the run's own files (${join(directory, config.name)}.*, from ${options.out === undefined ? "the output directory" : "--out"} and the run's name): the socket's lock and the files' lock would be one; choose another socket path, or another --name`);
    }
  }
  if (problems.length > 0) throw new ScenarioError(options.scenario ? inFileOrder(problems, options.scenario) : problems);
  return config!;
}

/**
 * `nicsim serve`: the device for one driver in another process, on a Unix domain socket or on
 * stdin and stdout. With a command after `--`, the server starts it (NICSIM_SOCKET names the
 * socket, a temporary one unless --socket gives it) and exits with its status, or 1 when the run
 * did not end with the client's GOODBYE. SIGINT or SIGTERM ends the run between two of the
 * client's messages, its files flushed and left under temporary names, as `nicsim run` does;
 * the exit status is then 130 or 143, and a second signal stops at once. Signals are heard only
 * between messages: serving one runs the model without returning to the event loop.
 */
/** How long a client program may take to end after the first signal before the server says it waits for it. */
const CLIENT_WAIT_NOTE_MILLISECONDS = 1000;

export async function serveCommand(command: readonly string[], options: ServeCommandOptions): Promise<void> {
  const where = serveWhereProblems(command, options);
  // With --stdio, stdout carries the protocol: words for a person go to stderr.
  const say = (text: string) => (options.stdio ? process.stderr : process.stdout).write(text);
  let config: ServeConfig;
  try {
    config = checkedServeConfig(options, (text) => process.stderr.write(text));
  } catch (error) {
    // Where to serve is said with the device's and the files' mistakes (it was said alone, hiding them).
    if (error instanceof ScenarioError && where.length > 0) throw new ScenarioError([...where, ...error.problems]);
    throw error;
  }
  if (where.length > 0) throw new ServeOptionError(where.join("\n"));
  const stop = new StopRequest();
  let run: ServedRun | null = null;
  let client: ClientProgram | null = null;
  const signals = new StopSignals({
    first: (signal) => {
      process.stderr.write(`nicsim serve: ${signal}: ending the run between two of the client's messages to flush its files (${signal} again stops at once)\n`);
      stop.request(signal);
      // A driver that ignores SIGTERM holds the server with no word of what it waits for (from a new user's check).
      setTimeout(() => {
        if (client?.stillRunning && stop.signal !== null) process.stderr.write(`nicsim serve: waiting for the client program, or a process it started, to end after ${signal}; ${signal} again kills them (SIGKILL)\n`);
      }, CLIENT_WAIT_NOTE_MILLISECONDS).unref();
    },
    again: (signal) => {
      // The run has not come to its end in time for the user: what is on disk stays as it is.
      const ended = run?.finished;
      const files = ended && ended.left.length === 0 ? `The run had ended: its files have their own names.` : describeLeftFiles(run?.left() ?? []);
      client?.stopAtOnce();
      process.stderr.write(`nicsim serve: ${signal} again: stopped at once, without flushing${client === null ? "" : `; the client program was killed (SIGKILL)`}.\n${files}\n`);
      process.exit(signalExitStatus(signal));
    },
  });
  let outcome: ServeOutcome;
  try {
    outcome = await serve(command, options, config, { stop, onRun: (built) => (run = built), onClient: (started) => (client = started) });
  } finally {
    signals.release();
  }
  const { result, clientStatus } = outcome;
  say(result.text);
  if (result.failure !== undefined) process.stderr.write(`nicsim serve: the run's files: ${result.failure}\n`);
  if (result.left.length > 0) say(`${describeLeftFiles(result.left, result.failure === undefined ? [] : result.files, result.extent)}\n`);
  else say(`wrote ${result.files.join("\n      ")}\n`);
  const ending = result.summary.ending;
  if (ending.kind === "interrupted") process.exitCode = signalExitStatus(ending.signal);
  else if (clientStatus !== null && clientStatus !== 0) process.exitCode = clientStatus;
  else if (ending.kind !== "goodbye" || result.failure !== undefined) process.exitCode = 1;
  if (stop.signal !== null && ending.kind !== "interrupted") {
    process.stderr.write(`nicsim serve: the run had ended before ${stop.signal} stopped it: its files are complete.\n`);
    process.exitCode = signalExitStatus(stop.signal);
  }
}

/** Whether stdout carries the protocol (`--stdio`): its reader going away is then the client gone, which the run records, not a reader of nicsim's words stopping early. */
export const stdout = { carriesProtocol: false };

function serve(command: readonly string[], options: ServeCommandOptions, config: ServeConfig, serving: Pick<ServeOptions, "stop" | "onRun" | "onClient">): Promise<ServeOutcome> {
  if (options.stdio) {
    stdout.carriesProtocol = true;
    return serveOnStreams(config, process.stdin, process.stdout, serving);
  }
  const temporary = options.socket === undefined ? mkdtempSync(join(tmpdir(), "nicsim-serve-")) : null;
  const path = options.socket ?? join(temporary!, "device.sock");
  return serveOnSocket(config, path, {
    ...serving,
    command: command.length > 0 ? command : undefined,
    onListening: (listening) => process.stderr.write(`nicsim serve: ${config.name} listening on ${listening}${command.length > 0 ? `; starting ${command[0]}${command.length > 1 ? ` with ${command.length - 1} argument${command.length === 2 ? "" : "s"} (not shown: one may hold a key)` : ""}` : ""}\n`),
  }).finally(() => temporary && rmSync(temporary, { recursive: true, force: true }));
}
