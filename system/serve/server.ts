import { existsSync, unlinkSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { ClientProgram, describeNoConnection, exitStatus } from "./client-program.js";
import { Connection, protocolErrorCode } from "./connection.js";
import { encodeMessage } from "./protocol-codec.js";
import { type ServeConfig, ServedRun, type ServedRunResult } from "./served-run.js";
import { prepareSocketPath, SocketPathError, socketPathProblem } from "./socket-path.js";
import { LockFile } from "../../sim/lock-file.js";
import type { StopRequest } from "./stop-request.js";

export interface ServeOutcome {
  readonly result: ServedRunResult;
  /** The exit status of the client command the server started, or null without one. */
  readonly clientStatus: number | null;
}

export interface ServeOptions {
  /** A stop asked from outside (a signal): the run ends between two messages, its files flushed. */
  readonly stop?: StopRequest;
  /** Called with the run once it is built: what a stop that cannot wait reports (its files on disk). */
  readonly onRun?: (run: ServedRun) => void;
  /** Called with the client program once the server has started it: a stop that cannot wait kills it. */
  readonly onClient?: (client: ClientProgram) => void;
}

/** Wall time a connection serves received messages for before it lets a stop signal be heard (Connection). */
const TURN_MILLISECONDS = 50;

/** Serve one run over a pair of streams (stdin and stdout for `--stdio`): resolves when the run is over. */
export function serveOnStreams(config: ServeConfig, input: Readable, output: Writable, options: ServeOptions = {}): Promise<ServeOutcome> {
  const run = new ServedRun(config);
  options.onRun?.(run);
  return new Promise((resolve) => {
    // Ended, the client's stream is let go of: paused only, stdin (paused earlier while replies waited) held the server alive with nothing left to do.
    const sink = { write: (bytes: Uint8Array) => output.write(bytes), end: () => input.destroy() };
    const connection = new Connection(run, sink, (result) => resolve({ result, clientStatus: null }), "its input ended before any message", input, TURN_MILLISECONDS);
    output.on("drain", () => connection.drained());
    input.on("data", (chunk: Buffer) => connection.receive(chunk));
    input.on("end", () => connection.inputEnded());
    input.on("error", () => connection.disconnected());
    // A client that stops reading its replies has gone as surely as one that stops writing; what it sent after what was read by then is not served, and how much that is the server cannot tell.
    output.on("error", () => connection.disconnected(null, true, true));
    options.stop?.onRequest((signal) => connection.interrupt(signal));
  });
}

export interface SocketOptions extends ServeOptions {
  /** A client program to start once the socket listens, with NICSIM_SOCKET set to its path: the run is over when it has exited. */
  readonly command?: readonly string[];
  readonly onListening?: (path: string) => void;
  /** The client's stdout and stderr, as it writes them; without it they are the server's own. */
  readonly onClientOutput?: (text: string) => void;
}

/**
 * Serve one run on a Unix domain socket: the first client to connect drives the device; others
 * are refused. A socket file left by an earlier server is replaced; any other file is not. With a
 * command, the run ends once the program has exited, so that the summary can name the signal
 * that killed it.
 */
export async function serveOnSocket(config: ServeConfig, path: string, options: SocketOptions = {}): Promise<ServeOutcome> {
  // A second server on a live one's path would take its socket over without a word. (The path's own problems first: its lock goes beside it.)
  const problem = socketPathProblem(path);
  if (problem !== null) throw new SocketPathError(problem);
  const lock = LockFile.take(`${path}.lock`, `socket path ${path}`);
  if (typeof lock === "string") throw new SocketPathError(lock);
  try {
    return await serveOnLockedSocket(config, path, options);
  } finally {
    lock.release();
  }
}

async function serveOnLockedSocket(config: ServeConfig, path: string, options: SocketOptions): Promise<ServeOutcome> {
  prepareSocketPath(path);
  const run = new ServedRun(config);
  options.onRun?.(run);
  // Half-open: a client that has sent all it has may still read what it is owed.
  const server = createServer({ allowHalfOpen: true });
  const sockets = new Set<Socket>();
  let connection: Connection | null = null;
  let client: ClientProgram | null = null;
  let runEnded: (result: ServedRunResult) => void = () => {};
  const ended = new Promise<ServedRunResult>((resolve) => (runEnded = resolve));
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    if (connection || run.finished) return refuse(socket);
    const accepted = new Connection(run, { write: (bytes) => socket.write(bytes), end: () => socket.end(), gone: () => !socket.writable }, runEnded, null, socket, TURN_MILLISECONDS);
    socket.on("drain", () => accepted.drained());
    connection = accepted;
    socket.on("data", (chunk: Buffer) => accepted.receive(chunk));
    // Closed before its end was read: a reply written to a socket the client had closed failed, and Node closed it with what the client had sent still unread.
    let endRead = false;
    // A program the server started is waited for: the summary then says whether a signal killed it.
    const leave = () => {
      const cut = !endRead;
      if (client) void client.exited.then((exit) => accepted.disconnected(exit.kind === "killed" ? exit.signal : null, false, cut));
      else accepted.disconnected(null, false, cut);
    };
    // Half-closed (the client sent all it had and reads on), what it sent is served first: closing at once dropped requests its unread replies held back, GOODBYE among them.
    socket.on("end", () => {
      endRead = true;
      accepted.inputEnded(leave);
    });
    socket.on("close", leave);
  });
  options.stop?.onRequest((signal) => {
    if (connection) connection.interrupt(signal);
    else if (!run.finished) runEnded(run.finish({ kind: "interrupted", signal }));
    client?.stop();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  options.onListening?.(path);
  let clientStatus: number | null = null;
  if (options.command && !run.finished) {
    client = new ClientProgram(options.command, path, options.onClientOutput);
    options.onClient?.(client);
    const exit = await client.exited;
    clientStatus = exitStatus(exit);
    // Its connection closes as it exits, which ends the run; a client that never connected ends it here.
    if (!connection && !run.finished) runEnded(run.finish({ kind: "no-client", reason: describeNoConnection(exit, options.command[0]!) }));
  }
  const result = await ended;
  // A socket closed with the client's bytes unread is reset, and the client lost the ERROR it was owed (a body after an oversize header): read on until it closes, a moment at most.
  await Promise.all([...sockets].map((socket) => closedOrAfter(socket, CLOSE_GRACE_MILLISECONDS)));
  // A refused client still connected would hold the server open.
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (existsSync(path)) unlinkSync(path);
  return { result, clientStatus };
}

/** How long a client that was answered is given to close its end before the server closes the socket. */
const CLOSE_GRACE_MILLISECONDS = 1000;

/** Resolves once the socket has closed, or after `milliseconds`; meanwhile what the client still sends is read and dropped. */
function closedOrAfter(socket: Socket, milliseconds: number): Promise<void> {
  if (socket.closed) return Promise.resolve();
  socket.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A client beyond the first: told why, its bytes read and dropped so that its leaving is seen, and closed. */
function refuse(socket: Socket): void {
  socket.resume();
  socket.end(encodeMessage("ERROR", { code: protocolErrorCode("ORDER"), message_type: 0, message: "the device serves one client per run, and it has one" }));
}
