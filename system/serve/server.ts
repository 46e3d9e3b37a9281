import { spawn } from "node:child_process";
import { existsSync, lstatSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { Connection } from "./connection.js";
import { encodeMessage } from "./protocol-codec.js";
import { protocolErrorCode } from "./connection.js";
import { type ServeConfig, ServedRun, type ServedRunResult } from "./served-run.js";

export interface ServeOutcome {
  readonly result: ServedRunResult;
  /** The exit status of the client command the server started, or null without one. */
  readonly clientStatus: number | null;
}

/** Serve one run over a pair of streams (stdin and stdout for `--stdio`): resolves when the run is over. */
export function serveOnStreams(config: ServeConfig, input: Readable, output: Writable): Promise<ServeOutcome> {
  const run = new ServedRun(config);
  return new Promise((resolve) => {
    const connection = new Connection(run, { write: (bytes) => output.write(bytes), end: () => input.pause() }, (result) => resolve({ result, clientStatus: null }));
    input.on("data", (chunk: Buffer) => connection.receive(chunk));
    input.on("end", () => connection.disconnected());
    input.on("error", () => connection.disconnected());
  });
}

export interface SocketOptions {
  /** A client program to start once the socket listens, with NICSIM_SOCKET set to its path: the run is over when it has exited. */
  readonly command?: readonly string[];
  readonly onListening?: (path: string) => void;
  /** The client's stdout and stderr, as it writes them; without it they are the server's own. */
  readonly onClientOutput?: (text: string) => void;
}

/**
 * Serve one run on a Unix domain socket: the first client to connect drives the device; others
 * are refused. A socket file left by an earlier server is replaced; any other file is not.
 */
export async function serveOnSocket(config: ServeConfig, path: string, options: SocketOptions = {}): Promise<ServeOutcome> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket()) throw new Error(`--socket ${path}: a file that is not a socket is there; choose another path`);
    unlinkSync(path);
  }
  const run = new ServedRun(config);
  const server = createServer();
  let connection: Connection | null = null;
  let runEnded: (result: ServedRunResult) => void = () => {};
  const ended = new Promise<ServedRunResult>((resolve) => (runEnded = resolve));
  server.on("connection", (socket: Socket) => {
    if (connection) {
      socket.end(encodeMessage("ERROR", { code: protocolErrorCode("ORDER"), message_type: 0, message: "the device serves one client per run, and it has one" }));
      return;
    }
    const accepted = new Connection(run, { write: (bytes) => socket.write(bytes), end: () => socket.end() }, runEnded);
    connection = accepted;
    socket.on("data", (chunk: Buffer) => accepted.receive(chunk));
    socket.on("close", () => accepted.disconnected());
    socket.on("error", () => accepted.disconnected());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  options.onListening?.(path);
  let clientStatus: number | null = null;
  if (options.command) {
    const { status, problem } = await runClient(options.command, path, options.onClientOutput);
    clientStatus = status;
    // Its connection closes as it exits, which ends the run; a client that never connected ends it here.
    if (!connection) runEnded(run.finish({ kind: "no-client", reason: problem ?? `${options.command[0]} exited with status ${status} without connecting` }));
  }
  const result = await ended;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (existsSync(path)) unlinkSync(path);
  return { result, clientStatus };
}

/** Start the client program with NICSIM_SOCKET set; resolves with its exit status once it has exited (127 when it could not start). */
function runClient(command: readonly string[], path: string, onOutput?: (text: string) => void): Promise<{ status: number; problem: string | null }> {
  const [program, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(program!, args, { stdio: onOutput ? ["ignore", "pipe", "pipe"] : "inherit", env: { ...process.env, NICSIM_SOCKET: path } });
    child.stdout?.on("data", (chunk: Buffer) => onOutput!(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => onOutput!(chunk.toString()));
    child.on("error", (error) => resolve({ status: 127, problem: `${program}: ${error.message}` }));
    child.on("exit", (code, signal) => resolve({ status: code ?? 128 + (signal === "SIGKILL" ? 9 : 15), problem: null }));
  });
}
