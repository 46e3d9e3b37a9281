import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runOwnDriver } from "../../examples/own-driver.js";

describe("the library API: a driver of your own against the model", () => {
  test("three frames posted by hand reach the peer, and the device reports no error", () => {
    const { delivered, device } = runOwnDriver();
    expect(delivered).toEqual([0, 1, 2]);
    expect(device.errors).toEqual([]);
    expect(device.txPackets[0]).toBe(3);
  });

  test("a doorbell past the end of the ring is refused with a diagnostic that names the ring and its length (not the value written: a misdirected write can carry key bytes)", () => {
    const { delivered, device } = runOwnDriver({ tailBeyondRing: true });
    expect(delivered).toEqual([]);
    expect(device.errors).toHaveLength(1);
    expect(device.errors[0]).toMatch(/TAIL_BEYOND_RING: TX queue 0, descriptors in the ring \(TDLEN \/ 32\) = 8:/);
    expect(device.errors[0]).not.toMatch(/\b9\b/);
  });

  test("the README's walkthrough is this example, word for word", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../../examples/own-driver.ts", import.meta.url), "utf8");
    expect(readme).toContain("```ts\n" + example + "```");
  });
});
