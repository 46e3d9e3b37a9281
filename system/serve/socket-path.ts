import { existsSync, lstatSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { lockProblem } from "../../sim/lock-file.js";

/** The longest path a Unix domain socket can have: sockaddr_un.sun_path holds 108 bytes with the terminating zero. */
export const MAX_SOCKET_PATH_BYTES = 107;

/** A socket path the server cannot listen on, and why. */
export class SocketPathError extends Error {}

/**
 * Check a socket path before listening, and remove a socket an earlier server left there. Node
 * would cut a longer path short without a word, and report a missing directory as EACCES.
 */
export function prepareSocketPath(path: string): void {
  const problem = socketPathProblem(path);
  if (problem !== null) throw new SocketPathError(problem);
  if (existsSync(path) || isDanglingLink(path)) unlinkSync(path);
}

/** Why the server could not listen on a path, found without touching it (for the command line's check with the other options); null when it can. */
export function socketPathProblem(path: string): string | null {
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) return `socket path ${path}: ${bytes} bytes; a Unix domain socket's path holds at most ${MAX_SOCKET_PATH_BYTES}: choose a shorter one (a relative path, or one under /tmp)`;
  if (bytes === 0) return "socket path: empty";
  const directory = dirname(path);
  if (!existsSync(directory)) return `socket path ${path}: the directory ${directory} does not exist`;
  if (!statSync(directory).isDirectory()) return `socket path ${path}: ${directory} is not a directory`;
  if ((existsSync(path) || isDanglingLink(path)) && !lstatSync(path).isSocket()) return `socket path ${path}: a file that is not a socket is there; choose another path`;
  return null;
}

/** As socketPathProblem, and whether another server holds the path (for the command line's check, before this one takes it). */
export function socketPathInUseProblem(path: string): string | null {
  return socketPathProblem(path) ?? lockProblem(`${path}.lock`, `socket path ${path}`);
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
