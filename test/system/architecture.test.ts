import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { expect, test } from "vitest";

const root = resolve(new URL("../..", import.meta.url).pathname);

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(root, folder, file));
}

/** Every relative import of the files under `folder`, as a path from the repository root. */
function imports(folder: string): Array<{ file: string; target: string }> {
  return sources(folder).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)].map((match) => ({
      file: relative(root, file),
      target: relative(root, resolve(file, "..", match[1]!)),
    })),
  );
}

test("the driver reaches the device only through its datasheet: driver/ imports hw/spec and sim/, never the rest of hw/", () => {
  const offending = imports("driver").filter(({ target }) => (target.startsWith("hw/") && !target.startsWith("hw/spec/")) || target.startsWith("system/"));
  expect(offending).toEqual([]);
});

test("hw/ imports only sim/ and itself; sim/ imports neither hw/, driver/ nor system/", () => {
  expect(imports("hw").filter(({ target }) => !target.startsWith("hw/") && !target.startsWith("sim/"))).toEqual([]);
  expect(imports("sim").filter(({ target }) => !target.startsWith("sim/"))).toEqual([]);
});
