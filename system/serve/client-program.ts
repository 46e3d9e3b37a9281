import { spawn } from "node:child_process";
import { constants } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { descendants, runs } from "./process-tree.js";

/** How the client program the server started ended. */
export type ClientExit =
  | { readonly kind: "exited"; readonly status: number }
  | { readonly kind: "killed"; readonly signal: NodeJS.Signals }
  | { readonly kind: "not-started"; readonly problem: string };

/** The exit status a shell would give: the program's own, 128 + the signal's number when killed, 127 when it could not start. */
export function exitStatus(exit: ClientExit): number {
  switch (exit.kind) {
    case "exited":
      return exit.status;
    case "killed":
      return 128 + (constants.signals[exit.signal] ?? 0);
    case "not-started":
      return 127;
  }
}

/** Why the program never connected, in words. */
export function describeNoConnection(exit: ClientExit, program: string): string {
  switch (exit.kind) {
    case "exited":
      return `${program} exited with status ${exit.status} without connecting`;
    case "killed":
      return `${program} was killed by ${exit.signal} without connecting`;
    case "not-started":
      return exit.problem;
  }
}

/** How often the processes signalled with the program are looked at, once it has exited, until they have too. */
const POLL_MILLISECONDS = 50;

/** The client program, started with NICSIM_SOCKET set: its exit, and a way to stop it when the server is stopped. */
export class ClientProgram {
  readonly exited: Promise<ClientExit>;
  private running = true;

  /** Whether the program, or a process signalled with it, still runs. */
  get stillRunning(): boolean {
    return this.running;
  }
  private readonly kill: (signal: NodeJS.Signals) => void;
  /** The processes the program started that were signalled with it: waited for as the program is (a driver that ignores SIGTERM behind a shell outlived the server, where started directly it was waited for; from a re-check). */
  private signalled: number[] = [];

  constructor(command: readonly string[], socketPath: string, onOutput?: (text: string) => void) {
    const [program, ...args] = command;
    const child = spawn(program!, args, { stdio: onOutput ? ["ignore", "pipe", "pipe"] : "inherit", env: { ...process.env, NICSIM_SOCKET: socketPath } });
    child.stdout?.on("data", (chunk: Buffer) => onOutput!(chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => onOutput!(chunk.toString()));
    this.kill = (signal) => {
      const tree = child.pid === undefined ? [] : descendants(child.pid);
      this.signalled = [...new Set([...this.signalled, ...tree])];
      child.kill(signal);
      // Those signalled before too: a shell the first signal ended leaves its driver no longer below the program (from a re-check).
      for (const pid of this.signalled) {
        try {
          process.kill(pid, signal);
        } catch {
          // Ended meanwhile.
        }
      }
    };
    this.exited = new Promise<ClientExit>((resolve) => {
      child.on("error", (error) => resolve({ kind: "not-started", problem: `${program}: ${error.message}` }));
      child.on("exit", (code, signal) => resolve(signal !== null ? { kind: "killed", signal } : { kind: "exited", status: code ?? 0 }));
    }).then(async (exit) => {
      while (this.signalled.some((pid) => runs(pid))) await sleep(POLL_MILLISECONDS);
      this.running = false;
      return exit;
    });
  }

  /** Ask the program to stop (SIGTERM), if it still runs, and the processes it started (a driver run through a shell, `sh -c '…'`, is the shell's child). */
  stop(): void {
    if (this.running) this.kill("SIGTERM");
  }

  /** Kill the program and what it started (SIGKILL), the server stopping at once: one that ignored SIGTERM was left running, its socket gone (from a driver developer's check). */
  stopAtOnce(): void {
    if (this.running) this.kill("SIGKILL");
  }
}
