import { describe, expect, test } from "vitest";
import { checkScenario } from "../../system/scenario/load.js";
import { buildScenario, runScenario } from "../../system/scenario/run.js";
import { container as rootContainer } from "../../sim/di.js";
import { type AesGcmBackend, AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { NobleBackend } from "../../sim/crypto/noble-backend.js";
import { us } from "../../sim/time.js";
import type { ScenarioInput } from "../../system/scenario/schema.js";

/** A scenario of many small streams over one customer's two SAs, both ways. */
function manyStreams(count: number): ScenarioInput {
  return {
    name: "many-streams",
    seed: 7,
    durationMicroseconds: 12,
    customers: [{ name: "c0", identity: { type: "ID_FQDN", value: "gw.c0.example" }, sas: 2 }],
    traffic: Array.from({ length: count }, (_, index) => ({ name: `s${index}`, customer: "c0", direction: "both" as const, packetBytes: 64 + (index % 7) * 20, pattern: "constant" as const, gapMicroseconds: 5 })),
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

describe("the scoreboard names each packet by stream and sequence", () => {
  test("300 streams: none aliases another in the payload's stream index, and every packet arrives once, intact", () => {
    const { summary, design } = runScenario(checkScenario(manyStreams(300)), { directory: null });
    expect(summary.violations).toEqual([]);
    expect(summary.outcome).toBe("every packet arrived");
    const flows = design.top.traffic.flows;
    expect(flows).toHaveLength(600);
    // Stream 256 and stream 0 would share a one-byte index: each got its own packets.
    for (const flow of flows) {
      expect(flow.sent, flow.stream).toBeGreaterThan(0);
      expect(flow.received, flow.stream).toBe(flow.sent);
    }
  }, 60_000);
});

/** The gateway's AES-GCM, except that the `nth` packet it opens comes out with one byte changed, as if its ICV had not caught the corruption. */
class OneBadOpen implements AesGcmBackend {
  readonly name = "one bad open";
  private opened = 0;
  private readonly inner = new NobleBackend();
  constructor(private readonly nth: number) {}
  seal: AesGcmBackend["seal"] = (...args) => this.inner.seal(...args);
  sealInPlace: AesGcmBackend["sealInPlace"] = (...args) => this.inner.sealInPlace(...args);
  encryptBlocks: AesGcmBackend["encryptBlocks"] = (...args) => this.inner.encryptBlocks(...args);
  open: AesGcmBackend["open"] = (...args) => {
    const plaintext = this.inner.open(...args);
    if (plaintext && ++this.opened === this.nth) plaintext[40]! ^= 0x01;
    return plaintext;
  };
}

function oneStream(faults: ScenarioInput["faults"] = {}): ScenarioInput {
  return {
    name: "one-stream",
    seed: 5,
    durationMicroseconds: 40,
    customers: [{ name: "c0", identity: { type: "ID_FQDN", value: "gw.c0.example" }, sas: 1 }],
    traffic: [{ name: "s0", customer: "c0", direction: "both", packetBytes: 600, pattern: "constant", load: 0.3 }],
    faults,
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
}

describe("a run stops at its first violation", () => {
  test("a payload that differs stops the run, and the packets still on their way then add no second violation", () => {
    const container = rootContainer.createChildContainer();
    container.register(AesGcmBackendToken, { useValue: new OneBadOpen(5) });
    const { summary } = runScenario(checkScenario(oneStream()), { directory: null, container });
    expect(summary.violations).toHaveLength(1);
    expect(summary.violations[0]).toMatch(/payload differs/);
    expect(summary.outcome).toBe(`stopped: ${summary.violations[0]}`);
  });
});

describe("every undelivered packet is taken by a drop of its own", () => {
  /** The scenario built, the gateway losing the `lost` frames it receives without a word, run until it is quiet. */
  function runLosing(input: ScenarioInput, lost: readonly number[]) {
    const { kernel, top } = buildScenario(checkScenario(input));
    const receive = top.peer.onReceive;
    let received = 0;
    top.peer.onReceive = (frame) => {
      if (!lost.includes(received++)) receive(frame);
    };
    kernel.run({ until: top.traffic.trafficEnd + us(200) });
    top.traffic.finishChecks(true, true);
    return top.traffic.scoreboard!.violations;
  }

  test("packets lost without a count are found by name, though drops of the gateway's replays outnumber them", () => {
    const violations = runLosing(oneStream({ replayProbability: 0.3 }), [3, 7]);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatch(/2 packets undelivered without a drop that took them: s0 to-peer packet 3, s0 to-peer packet 7/);
  });

  test("with nothing lost, the replays' drops are each charged to a copy, and the run is clean", () => {
    expect(runLosing(oneStream({ replayProbability: 0.3, corruptProbability: 0.05 }), [])).toEqual([]);
  });
});

// From a reviewer's check: the law compared RQPC with the driver's good frames only, and only in runs where every packet arrived, whose end already required it:
// it could not fail, and a run with frames the NIC flagged (ICV failures) never checked it.
describe("the NIC's RQPC against the frames the driver took", () => {
  test("with corrupted frames the NIC flags, a quiet run holds RQPC to the frames taken, flagged ones too; one frame more in RQPC is a violation", () => {
    const { kernel, top } = buildScenario(checkScenario(oneStream({ corruptProbability: 0.2 })));
    kernel.run({ until: top.traffic.trafficEnd + us(200) });
    expect(top.driver.base.statistics.rxErrors).toBeGreaterThan(0);
    top.traffic.finishChecks(true, true);
    expect(top.traffic.scoreboard!.violations).toEqual([]);
    top.nic.statistics.received(0, 60);
    top.traffic.finishChecks(true, true);
    expect(top.traffic.scoreboard!.violations[0]).toMatch(/the NIC counted \d+ frames received \(RQPC\) but the driver took \d+ from its rings/);
  });
});

// From a re-check of that change: at the drain limit, with every missing packet a counted drop, a host of one 15 MHz core had not yet polled what the NIC
// received (retransmitted IKE messages), and the law fired; such an end is not quiet, and a driver behind breaks no rule.
test("a run that ends at the drain limit with every missing packet a counted drop holds no RQPC law against a host still behind", () => {
  const input: ScenarioInput = {
    name: "slow-host",
    seed: 9,
    durationMicroseconds: 100,
    driver: { cpu: { cores: 1, megahertz: 15 } },
    customers: [{ name: "a", identity: { type: "ID_KEY_ID", value: "a" }, sas: 1, ike: { mode: "main", preSharedKey: "ka" } }],
    traffic: [{ name: "a", customer: "a", direction: "both", packetBytes: 200, gapMicroseconds: 10 }],
    outputs: { waveform: false, pcap: false, html: false, saTrace: false },
  };
  const { summary, design } = runScenario(checkScenario(input), { directory: null });
  expect(summary.violations).toEqual([]);
  expect(summary.ending).toMatchObject({ kind: "accounted-at-drain-limit" });
  const received = design.top.nic.statistics.rxPackets.reduce((sum, count) => sum + count, 0);
  expect(received).toBeGreaterThan(design.top.driver.base.statistics.rxFrames + design.top.driver.base.statistics.rxErrors);
});
