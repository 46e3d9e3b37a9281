import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_CALL_NANOSECONDS } from "../../system/serve/served-run.js";
import { serveOnSocket } from "../../system/serve/server.js";
import { requireTool } from "../support/tools.js";

const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "nicsim-readme-outline-"));
const hasCompiler = requireTool("cc", "gcc libc6-dev");

/** The README's C outline: the fenced block after "The calls a driver makes, in outline". */
function outline(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const after = readme.slice(readme.indexOf("The calls a driver makes, in outline"));
  const block = /```c\n([\s\S]*?)```/.exec(after);
  if (!block) throw new Error("README.md: no C block after 'The calls a driver makes, in outline'");
  return block[1]!;
}

// The outline built with the README's own flags failed on two unused variables (from a driver developer's check).
describe.runIf(hasCompiler)("the README's C outline, in a main of its own", () => {
  test("builds with the README's flags and does what the README says: the doorbell is refused as DOORBELL_ON_DISABLED_QUEUE", async () => {
    const source = join(work, "my-driver.c");
    writeFileSync(source, `#include <stdio.h>\n#include "nicsim.h"\n\nint main(void) {\n${outline()}return 0;\n}\n`);
    const binary = join(work, "my-driver");
    const clientSources = readdirSync(join(root, "clients/c")).filter((file) => file.endsWith(".c")).map((file) => join(root, "clients/c", file));
    const build = spawnSync("cc", ["-std=c11", "-Wall", "-Wextra", "-Werror", "-I", join(root, "clients/c"), "-o", binary, source, ...clientSources], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    let output = "";
    const { clientStatus, result } = await serveOnSocket(
      { name: "my-driver", seed: 1, parameters: { "top.nic.queues": 1 }, directory: null, waveform: false, pcap: false, callPicoseconds: DEFAULT_CALL_NANOSECONDS * 1000 },
      join(work, "my-driver.sock"),
      { command: [binary], onClientOutput: (text) => (output += text) },
    );
    expect(clientStatus, output).toBe(0);
    expect(result.summary.ending.kind).toBe("goodbye");
    expect(result.summary.device.errors).toEqual([expect.stringMatching(/ns: DOORBELL_ON_DISABLED_QUEUE: TX queue 0,/)]);
  }, 60_000);
});
