import { describe, expect, test } from "vitest";
import { buildDesign } from "../../sim/component.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { EspOutbound, spi } from "../../sim/ipsec/esp.js";
import { Kernel } from "../../sim/kernel.js";
import { delay } from "../../sim/process.js";
import { ns, us } from "../../sim/time.js";
import { CpuAlone } from "../../system/validation/host-cpu.js";
import type { CpuWorkName } from "../../driver/cpu/cpu-work.js";


const backend = new NobleBackend();
const sa = { spi: spi(0x4000), keyMaterial: Uint8Array.from({ length: 20 }, (_, index) => index + 1), icvLength: 16 as const, esn: false };

/** A job to submit at a time: crypto over `bytes` (3 cycles a byte: 1 ns at 3 GHz, after 100 ns of setup), or plain work of `nanoseconds`. */
interface Submission {
  readonly name: string;
  readonly at: number;
  readonly trafficClass: number;
  readonly bytes?: number;
  readonly nanoseconds?: number;
  /** Asked as the crypto job gets a core: false drops it there. */
  readonly stillWanted?: () => boolean;
}

function simulate(submissions: readonly Submission[], parameters: Record<string, unknown> = {}) {
  const kernel = new Kernel();
  const { top } = buildDesign(kernel, CpuAlone, { parameters: { top: { cpu: { switchCycles: 300, ...parameters } } } });
  const done = new Map<string, number>();
  const sealed = new Map<string, { packet: Uint8Array; expected: Uint8Array }>();
  for (const submission of submissions) {
    kernel.process(submission.name, function* () {
      yield delay(ns(submission.at));
      if (submission.bytes === undefined) {
        yield* top.cpu.run("NAPI_POLL" as CpuWorkName, submission.trafficClass, ns(submission.nanoseconds!));
      } else {
        const payload = Uint8Array.from({ length: submission.bytes - 2 }, (_, index) => index);
        const expected = new EspOutbound(backend, sa).encapsulate(payload, 4);
        const seal = new EspOutbound(backend, sa).seal(payload, 4);
        const encrypted = yield* top.cpu.crypto("ESP_ENCRYPT", submission.trafficClass, { operation: seal.operation, bytes: seal.bytes, setupCycles: 300, cyclesPerByte: 3, stillWanted: submission.stillWanted });
        if (encrypted) sealed.set(submission.name, { packet: seal.finish(), expected });
      }
      done.set(submission.name, kernel.now / 1000);
    });
  }
  kernel.run();
  return { done, sealed, cpu: top.cpu };
}

describe("host CPU", () => {
  // An SA revoked while its packet waited for the core: the job is dropped as it gets the core, and the next takes it at once.
  test("a crypto job no longer wanted as it gets a core runs none of its work: the core goes to the next job at that moment", () => {
    let asked = 0;
    const { done, sealed } = simulate(
      [
        { name: "first", at: 0, trafficClass: 1, bytes: 1024 },
        // Asked once, as it gets the core at 1124 ns, when the first is done.
        { name: "revoked", at: 10, trafficClass: 1, bytes: 1024, stillWanted: () => (asked++, false) },
        { name: "third", at: 20, trafficClass: 1, bytes: 1024 },
      ],
      { cores: 1, policy: "run-to-completion" },
    );
    expect(asked).toBe(1);
    expect(done.get("first")).toBe(1124);
    expect(done.get("revoked")).toBe(1124);
    expect(sealed.has("revoked")).toBe(false);
    // The third starts as the revoked one is dropped: its 100 ns of setup and 1024 ns of data from 1124 ns.
    expect(done.get("third")).toBe(2248);
    expect(sealed.get("third")!.packet).toEqual(sealed.get("third")!.expected);
  });

  // A 1024-byte bulk job (class 1) runs from 0: setup to 100 ns, data to 1124 ns. At 150 ns a
  // class-6 job of 500 ns arrives on the one core; the bulk job reaches a check point at 256 bytes (356 ns).
  const contention: Submission[] = [
    { name: "bulk", at: 0, trafficClass: 1, bytes: 1024 },
    { name: "gold", at: 150, trafficClass: 6, nanoseconds: 500 },
  ];

  test("preempt-resume: the bulk job gives way at its next check point and resumes where it stopped, with the same bytes", () => {
    const { done, sealed, cpu } = simulate(contention, { cores: 1, policy: "preempt-resume" });
    // Switch 356-456 ns, gold 456-956 ns, the bulk job's last 768 bytes 956-1724 ns.
    expect(done.get("gold")).toBe(956);
    expect(done.get("bulk")).toBe(1724);
    expect(cpu.statistics.preemptions).toBe(1);
    expect(cpu.cores[0]!.preemptions).toBe(1);
    const bulk = sealed.get("bulk")!;
    expect(Buffer.from(bulk.packet).equals(Buffer.from(bulk.expected))).toBe(true);
    expect(cpu.busy()[0]).toBe(ns(1724));
  });

  test("preempt-restart: the bulk job starts over, setup included, and still seals the same bytes", () => {
    const { done, sealed, cpu } = simulate(contention, { cores: 1, policy: "preempt-restart" });
    expect(done.get("gold")).toBe(956);
    expect(done.get("bulk")).toBe(956 + 100 + 1024);
    expect(cpu.statistics.restarts).toBe(1);
    const bulk = sealed.get("bulk")!;
    expect(Buffer.from(bulk.packet).equals(Buffer.from(bulk.expected))).toBe(true);
  });

  test("run-to-completion: the gold job waits for the whole bulk job", () => {
    const { done, cpu } = simulate(contention, { cores: 1, policy: "run-to-completion" });
    expect(done.get("bulk")).toBe(1124);
    expect(done.get("gold")).toBe(1624);
    expect(cpu.statistics.preemptions).toBe(0);
  });

  test("a waiting job of the same or a lower class never suspends a running one", () => {
    const { done } = simulate(
      [
        { name: "first", at: 0, trafficClass: 3, bytes: 1024 },
        { name: "same", at: 10, trafficClass: 3, nanoseconds: 100 },
        { name: "lower", at: 20, trafficClass: 2, nanoseconds: 100 },
      ],
      { cores: 1 },
    );
    expect([done.get("first"), done.get("same"), done.get("lower")]).toEqual([1124, 1224, 1324]);
  });

  test("waiting jobs run highest class first, in arrival order within a class, and the checks find a check interval of bytes", () => {
    const { done } = simulate(
      [
        { name: "running", at: 0, trafficClass: 7, nanoseconds: 1000 },
        { name: "a2", at: 10, trafficClass: 2, nanoseconds: 100 },
        { name: "b5", at: 20, trafficClass: 5, nanoseconds: 100 },
        { name: "c5", at: 30, trafficClass: 5, nanoseconds: 100 },
        { name: "d3", at: 40, trafficClass: 3, nanoseconds: 100 },
      ],
      { cores: 1 },
    );
    expect(["b5", "c5", "d3", "a2"].map((name) => done.get(name))).toEqual([1100, 1200, 1300, 1400]);
  });

  test("with two cores busy, the lowest class running is the one suspended", () => {
    const { done, cpu } = simulate(
      [
        { name: "class1", at: 0, trafficClass: 1, bytes: 2048 },
        { name: "class3", at: 0, trafficClass: 3, bytes: 2048 },
        { name: "class5", at: 150, trafficClass: 5, nanoseconds: 400 },
      ],
      { cores: 2 },
    );
    // class3 keeps its core and ends at 100 + 2048 ns; class1 stops at 256 bytes (356 ns) for the switch and class5.
    expect(done.get("class3")).toBe(2148);
    expect(done.get("class5")).toBe(356 + 100 + 400);
    expect(done.get("class1")).toBe(856 + 2048 - 256);
    expect(cpu.cores.map((core) => core.preemptions)).toEqual([1, 0]);
  });

  test("a job waiting for a core can be raised to a higher class (priority inheritance), and goes ahead of those it now outranks", () => {
    const kernel = new Kernel();
    const { top } = buildDesign(kernel, CpuAlone, { parameters: { top: { cpu: { cores: 1 } } } });
    const order: string[] = [];
    let raise: ((trafficClass: number) => void) | null = null;
    kernel.process("running", function* () {
      yield* top.cpu.run("NAPI_POLL", 3, ns(1000));
      order.push("running");
    });
    kernel.process("held", function* () {
      yield delay(ns(10));
      yield* top.cpu.hold("SA_INSTALL", 1, (function* () {
        yield delay(ns(100));
        order.push("held");
      })(), (raiser) => {
        raise = raiser;
      });
    });
    kernel.process("other", function* () {
      yield delay(ns(20));
      yield* top.cpu.run("NAPI_POLL", 4, ns(100));
      order.push("other");
    });
    kernel.process("lender", function* () {
      yield delay(ns(500));
      raise!(6);
    });
    kernel.run();
    expect(order).toEqual(["running", "held", "other"]);
    // Its wait is its own class's, not the one lent it just before it ran (an architect's check: a bulk SA command's 47 µs was put down to gold).
    const waits = top.cpu.statistics.waits;
    expect([...waits.keys()].sort()).toEqual([1, 3, 4]);
    expect(waits.get(1)!.maximum).toBe(ns(990));
    expect(waits.has(6)).toBe(false);
  });

  test("free work takes no core, and a checkBytes between blocks is refused", () => {
    const { done, cpu } = simulate([{ name: "free", at: 5, trafficClass: 0, nanoseconds: 0 }], { cores: 1 });
    expect(done.get("free")).toBe(5);
    expect(cpu.busy()).toEqual([0]);
    expect(() => simulate([], { checkBytes: 100 })).toThrow("top.cpu.checkBytes = 100: expected a multiple of 16 (a crypto job can stop only between 16-byte blocks)");
  });
});

describe("the host's cores in the running driver (seed 000 on the host)", () => {
  test("a gold packet's software ESP suspends a bulk jumbo frame's on the one core, which resumes and still arrives intact", async () => {
    const { tunnelledSystem } = await import("../support/tunnels.js");
    const { sequencedPacket, packetSequence } = await import("../../sim/packet/test-frames.js");
    const run = tunnelledSystem(
      [
        { name: "bulk", trafficClass: 1, qosGroup: 1 },
        { name: "gold", trafficClass: 7, qosGroup: 2 },
      ],
      { "top.driver.cpu.cores": 1, "top.driver.intermediate.offload": false, "top.nic.maxFrameBytes": 9216, "top.driver.base.txBufferBytes": 9216 },
    );
    const { kernel, top, atPeer, peer } = run;
    const done = new Map<number, number>();
    kernel.process("bulk", function* () {
      yield top.driver.base.whenReady();
      yield* top.driver.intermediate.send(sequencedPacket("to-peer", 1, 1, 9000));
      done.set(1, kernel.now);
    });
    kernel.process("gold", function* () {
      yield top.driver.base.whenReady();
      // 1.5 µs into the bulk frame's 3 µs of encryption.
      yield delay(ns(1500));
      yield* top.driver.intermediate.send(sequencedPacket("to-peer", 7, 2, 200));
      done.set(7, kernel.now);
    });
    kernel.run({ until: us(100) });
    // Suspended for the gold packet's encryption (and again for the gold queue's own driver work that followed it).
    expect(top.driver.cpu.statistics.preemptions).toBeGreaterThanOrEqual(1);
    expect(top.driver.cpu.cores[0]!.preemptions).toBe(top.driver.cpu.statistics.preemptions);
    expect(done.get(7)!).toBeLessThan(done.get(1)!);
    // Both decrypted at the gateway (the ICV of the resumed one verified): the same bytes as if never suspended.
    expect(peer.drops.size).toBe(0);
    expect(atPeer.map((packet) => packetSequence(packet).trafficClass).sort()).toEqual([1, 7]);
  });

  test("received ESP of a higher class is decrypted first when the core is busy: NAPI polls and software crypto go by class", async () => {
    const { tunnelledSystem } = await import("../support/tunnels.js");
    const { sequencedPacket, packetSequence } = await import("../../sim/packet/test-frames.js");
    const run = tunnelledSystem(
      [
        { name: "bulk", trafficClass: 2, qosGroup: 1 },
        { name: "gold", trafficClass: 6, qosGroup: 2 },
      ],
      { "top.driver.cpu.cores": 1, "top.driver.intermediate.offload": false },
    );
    const { kernel, top, peer, atHost } = run;
    kernel.process("peer", function* () {
      yield top.driver.base.whenReady();
      // Eight bulk packets, then one gold, back to back on the wire.
      for (let index = 0; index < 8; index++) peer.send(0, sequencedPacket("to-host", 2, index, 1400));
      peer.send(1, sequencedPacket("to-host", 6, 100, 200));
    });
    kernel.run({ until: us(100) });
    const order = atHost.map((packet) => packetSequence(packet).trafficClass);
    expect(order).toHaveLength(9);
    // The gold packet arrived last but was not delivered last: it went ahead of the bulk still waiting for the core.
    expect(order.indexOf(6)).toBeLessThan(8);
    expect(top.driver.cpu.statistics.waits.get(6)!.maximum).toBeLessThan(top.driver.cpu.statistics.waits.get(2)!.maximum);
  });
});
