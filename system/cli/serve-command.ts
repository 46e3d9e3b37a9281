import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile } from "../scenario/load.js";
import { DEFAULT_CALL_NANOSECONDS, type ServeConfig } from "../serve/served-run.js";
import { type ServeOutcome, serveOnSocket, serveOnStreams } from "../serve/server.js";

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

/**
 * The run's configuration: a scenario's name, seed, nic and wire parameters and outputs (its
 * customers, traffic and drivers are not used: the client is the driver), then the options.
 */
export function serveConfig(options: ServeCommandOptions): ServeConfig {
  const loaded = options.scenario ? loadScenarioFile(options.scenario).scenario : null;
  const parameters = { ...(loaded ? { "top.nic": loaded.nic, "top.wire": loaded.wire } : {}), ...options.set };
  return {
    name: options.name ?? loaded?.name ?? "serve",
    seed: options.seed ?? loaded?.seed ?? 1,
    parameters,
    parametersSource: options.scenario ?? "--set",
    directory: options.out ?? loaded?.outputs.directory ?? "waveforms",
    waveform: options.waveform && (loaded?.outputs.waveform ?? true),
    pcap: loaded?.outputs.pcap ?? true,
    callPicoseconds: (options.callNs ?? DEFAULT_CALL_NANOSECONDS) * 1000,
  };
}

/**
 * `nicsim serve`: the device for one driver in another process, on a Unix domain socket or on
 * stdin and stdout. With a command after `--`, the server starts it (NICSIM_SOCKET names the
 * socket, a temporary one unless --socket gives it) and exits with its status, or 1 when the run
 * did not end with the client's GOODBYE.
 */
export async function serveCommand(command: readonly string[], options: ServeCommandOptions): Promise<void> {
  if (options.stdio && (options.socket !== undefined || command.length > 0)) throw new ServeOptionError("--stdio serves the process that started the server: give neither --socket nor a command with it");
  if (!options.stdio && options.socket === undefined && command.length === 0) throw new ServeOptionError("say where to serve: --socket <path>, --stdio, or a client command after --");
  const config = serveConfig(options);
  // With --stdio, stdout carries the protocol: words for a person go to stderr.
  const say = (text: string) => (options.stdio ? process.stderr : process.stdout).write(text);
  let outcome: ServeOutcome;
  if (options.stdio) outcome = await serveOnStreams(config, process.stdin, process.stdout);
  else {
    const temporary = options.socket === undefined ? mkdtempSync(join(tmpdir(), "nicsim-serve-")) : null;
    const path = options.socket ?? join(temporary!, "device.sock");
    outcome = await serveOnSocket(config, path, {
      command: command.length > 0 ? command : undefined,
      onListening: (listening) => process.stderr.write(`nicsim serve: ${config.name} listening on ${listening}${command.length > 0 ? `; starting ${command.join(" ")}` : ""}\n`),
    }).finally(() => temporary && rmSync(temporary, { recursive: true, force: true }));
  }
  const { result, clientStatus } = outcome;
  say(result.text);
  say(`wrote ${result.files.join("\n      ")}\n`);
  if (clientStatus !== null && clientStatus !== 0) process.exitCode = clientStatus;
  else if (result.summary.ending.kind !== "goodbye") process.exitCode = 1;
}
