import { closeSync, openSync, readFileSync, statSync } from "node:fs";

/** A device named where a file goes: /dev/zero or a terminal would be read without end. */
class DeviceNotFile extends Error {
  readonly code = "EDEVICE";
}

/** The bytes of a file the user named; a device is refused before any read (a pipe is read: it ends). */
export function readNamedFile(file: string): Buffer;
export function readNamedFile(file: string, encoding: "utf8"): string;
export function readNamedFile(file: string, encoding?: "utf8"): Buffer | string {
  namedFileKind(file);
  return encoding === undefined ? readFileSync(file) : readFileSync(file, encoding);
}

/** What a file the user named is: a file that can be read more than once (read again from its start), or a pipe, read once. A device is refused. */
export function namedFileKind(file: string): "file" | "pipe" {
  const kind = statSync(file);
  if (kind.isCharacterDevice() || kind.isBlockDevice()) throw new DeviceNotFile(file);
  if (!kind.isFile()) return "pipe";
  // Its permissions: said now, not from the middle of a read.
  closeSync(openSync(file, "r"));
  return "file";
}

/** Why a file could not be read, in words rather than the system's code and call (`ENOENT: no such file or directory, open '…'`). */
export function whyUnreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "not allowed to read it (its permissions)";
    case "EISDIR":
      return "a directory, not a file";
    case "ENOTDIR":
      return "a part of its path is a file, not a directory";
    case "ELOOP":
      return "a loop of symbolic links";
    case "EDEVICE":
      return "a device, not a file (it might never end)";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** `file: cannot read: why`; a name with '=' in it that names no file is not shown (a path=value typed where a file goes may hold a key). */
export function cannotRead(file: string, error: unknown): string {
  const missing = (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
  const name = missing && file.includes("=") ? "the file named (not shown: its name has '=' in it, as a path=value holding a key would)" : file;
  return `${name}: cannot read: ${whyUnreadable(error)}`;
}
