import { describe, expect, test } from "vitest";
import type { IkeStep } from "../../sim/ike/ike-types.js";
import { gatewayOptions, GATEWAY_ADDRESS, HOST_ADDRESS, hostOptions, IkePair, INTERVAL, LIMIT } from "./ike-pair.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Phase 1 up, then a Quick Mode whose every QM2 the link loses, run until both ends have given up on it. */
function quickModeRepliesLost() {
  const pair = new IkePair(gatewayOptions(), hostOptions());
  pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
  const session = pair.of("gateway", "phase1-up")[0]!.session;
  pair.lose = ({ action }) => action.message === "QM2";
  pair.run("gateway", pair.gateway.quickMode(session, 0));
  pair.runTimers();
  return { pair, session };
}

describe("lost messages", () => {
  test("a lost MM3 is retransmitted by the initiator after the interval, and phase 1 completes", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    let lost = false;
    pair.lose = ({ action }) => !lost && action.message === "MM3" && (lost = true);
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    expect(pair.of("gateway", "phase1-up")).toEqual([]);
    expect(pair.gateway.nextDeadline()).toBe(INTERVAL);
    pair.runTimers();
    expect(pair.messages()).toEqual(["gateway:MM1", "host:MM2", "gateway:MM3(lost)", "gateway:MM3(again)", "host:MM4", "gateway:MM5", "host:MM6"]);
    expect(pair.wire[3]!.time).toBe(INTERVAL);
    expect(hex(pair.wire[3]!.action.bytes)).toBe(hex(pair.wire[2]!.action.bytes));
    expect(pair.of("gateway", "phase1-up")).toHaveLength(1);
    expect(pair.of("host", "phase1-up")).toHaveLength(1);
  });

  test.each([["MM6", "main", "gateway:MM5(again)", "host:MM6(again)"], ["QM2", "main", "gateway:QM1(again)", "host:QM2(again)"]] as const)(
    "a lost %s (a reply): the responder answers the duplicate request with the same reply bytes",
    (lostMessage, mode, retransmitted, resent) => {
      const pair = new IkePair(gatewayOptions(), hostOptions());
      let lost = false;
      pair.lose = ({ action }) => !lost && action.message === lostMessage && (lost = true);
      pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, mode, 0));
      const session = (pair.of("gateway", "phase1-up")[0] ?? pair.of("gateway", "state")[0])!.session;
      if (lostMessage === "QM2") pair.run("gateway", pair.gateway.quickMode(session, 0));
      pair.runTimers();
      const messages = pair.messages();
      expect(messages).toContain(retransmitted);
      expect(messages).toContain(resent);
      const replies = pair.wire.filter((delivery) => delivery.action.message === lostMessage);
      expect(replies).toHaveLength(2);
      expect(hex(replies[1]!.action.bytes)).toBe(hex(replies[0]!.action.bytes));
      expect(pair.of("host", lostMessage === "QM2" ? "quick-mode-up" : "phase1-up")).toHaveLength(1);
      expect(pair.of("gateway", lostMessage === "QM2" ? "quick-mode-up" : "phase1-up")).toHaveLength(1);
    },
  );

  test.each([["MM2", "main", "gateway:MM1(again)", "host:MM2(again)"], ["AM2", "aggressive", "gateway:AM1(again)", "host:AM2(again)"]] as const)(
    "a lost %s (the reply to a first message, which carries no responder cookie): the responder answers the repeated first message with the same reply",
    (lostMessage, mode, retransmitted, resent) => {
      const pair = new IkePair(gatewayOptions(), hostOptions());
      let lost = false;
      pair.lose = ({ action }) => !lost && action.message === lostMessage && (lost = true);
      pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, mode, 0));
      pair.runTimers();
      expect(pair.messages()).toContain(retransmitted);
      expect(pair.messages()).toContain(resent);
      const replies = pair.wire.filter((delivery) => delivery.action.message === lostMessage);
      expect(hex(replies[1]!.action.bytes)).toBe(hex(replies[0]!.action.bytes));
      expect(pair.of("host", "dropped")).toEqual([]);
      expect(pair.of("host", "phase1-up")).toHaveLength(1);
      expect(pair.of("gateway", "phase1-up")).toHaveLength(1);
    },
  );

  test.each([["AM3", "aggressive", "host"], ["MM6", "main", "gateway"]] as const)(
    "a copy of a final message (%s) is dropped as DUPLICATE, not answered with the message before it: the two sides never bounce",
    (final, mode, receiver) => {
      const pair = new IkePair(gatewayOptions(), hostOptions());
      pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, mode, 0));
      const last = pair.wire.find((delivery) => delivery.action.message === final)!;
      const node = receiver === "host" ? pair.host : pair.gateway;
      const step = node.receive(receiver === "host" ? GATEWAY_ADDRESS : HOST_ADDRESS, last.action.bytes, 0);
      expect(step.actions.filter((action) => action.kind === "send")).toEqual([]);
      expect(step.actions.filter((action) => action.kind === "dropped").map((action) => action.kind === "dropped" && action.reason)).toEqual(["DUPLICATE"]);
    },
  );

  // From an outside check: a gateway resent QM1 to a loaded host, had its QM2, and sent QM3; the resent QM1, left behind QM3 in the host's queues, came to a
  // finished exchange and was counted UNEXPECTED_MESSAGE in runs without a fault.
  test("a late copy of QM1, after QM3 finished the exchange, is dropped as DUPLICATE: not answered, not a message out of turn", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "aggressive", 0));
    pair.run("gateway", pair.gateway.quickMode(pair.of("gateway", "phase1-up")[0]!.session, 0));
    expect(pair.of("host", "quick-mode-up")).toHaveLength(1);
    const first = pair.wire.find((delivery) => delivery.action.message === "QM1")!;
    const step = pair.host.receive(GATEWAY_ADDRESS, first.action.bytes, 0);
    expect(step.actions.filter((action) => action.kind === "send")).toEqual([]);
    expect(step.actions.filter((action) => action.kind === "dropped").map((action) => action.kind === "dropped" && action.reason)).toEqual(["DUPLICATE"]);
  });

  test.each(["AM3", "QM3"] as const)("a lost %s (the last message): the responder resends its reply and the initiator answers with the same last message", (lostMessage) => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    let lost = false;
    pair.lose = ({ action }) => !lost && action.message === lostMessage && (lost = true);
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "aggressive", 0));
    if (lostMessage === "QM3") pair.run("gateway", pair.gateway.quickMode(pair.of("gateway", "phase1-up")[0]!.session, 0));
    const kind = lostMessage === "QM3" ? "quick-mode-up" : "phase1-up";
    expect(pair.of("host", kind)).toEqual([]);
    pair.runTimers();
    const finals = pair.wire.filter((delivery) => delivery.action.message === lostMessage);
    expect(finals.map((delivery) => delivery.delivered)).toEqual([false, true]);
    expect(hex(finals[1]!.action.bytes)).toBe(hex(finals[0]!.action.bytes));
    expect(pair.of("host", kind)).toHaveLength(1);
    expect(pair.of("gateway", kind)).toHaveLength(1);
  });

  test("a QM3 lost while ten more Quick Modes complete: the gateway's resent QM2 still gets the same QM3 (a host that kept only its last eight took it for a new exchange, dropped PAYLOAD_LENGTH, and the gateway's Quick Mode failed)", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    const session = pair.of("host", "phase1-up")[0]!.session;
    let lost = false;
    pair.lose = ({ action }) => !lost && action.message === "QM3" && (lost = true);
    pair.run("host", pair.host.quickMode(session, 0));
    for (let more = 0; more < 10; more++) pair.run("host", pair.host.quickMode(session, 0));
    expect(pair.of("gateway", "quick-mode-up")).toHaveLength(10);
    pair.runTimers();
    const finals = pair.wire.filter((delivery) => delivery.action.message === "QM3");
    expect(hex(finals.at(-1)!.action.bytes)).toBe(hex(finals[0]!.action.bytes));
    expect(pair.of("gateway", "quick-mode-up")).toHaveLength(11);
    expect(pair.of("host", "dropped")).toEqual([]);
    expect(pair.of("gateway", "quick-mode-failed")).toEqual([]);
  });

  test("a completed Quick Mode is forgotten once the peer's retransmissions are over (twice their whole schedule): a copy of its last message later is an exchange unknown", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    const session = pair.of("host", "phase1-up")[0]!.session;
    pair.run("host", pair.host.quickMode(session, 0));
    const qm2 = pair.wire.find((delivery) => delivery.action.message === "QM2")!.action.bytes;
    // Another Quick Mode completing after the schedule twice over forgets the first.
    pair.now = 2 * (LIMIT + 1) * INTERVAL + 1;
    pair.run("host", pair.host.quickMode(session, pair.now));
    const late = pair.host.receive(GATEWAY_ADDRESS, qm2, pair.now);
    expect(late.actions.filter((action) => action.kind === "send")).toEqual([]);
    expect(late.actions.some((action) => action.kind === "dropped")).toBe(true);
  });

  test("with a backoff, each wait for a reply grows by its factor (as strongSwan's retransmit_base), and the responder waits their sum", () => {
    const pair = new IkePair({ ...gatewayOptions(), backoff: 2 }, { ...hostOptions(), backoff: 2 });
    pair.lose = ({ action }) => action.message === "MM1" || action.message === "MM3";
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    pair.runTimers();
    expect(pair.wire.map((delivery) => delivery.time)).toEqual([0, INTERVAL, 3 * INTERVAL, 7 * INTERVAL]);
    expect(pair.of("gateway", "phase1-failed").map((action) => action.kind === "phase1-failed" && action.reason)).toEqual(["RETRANSMISSION_LIMIT"]);
    expect(pair.now).toBe(15 * INTERVAL);
  });

  test("an initiator whose messages are all lost retransmits `limit` times, then fails phase 1 with RETRANSMISSION_LIMIT", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    pair.lose = () => true;
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    pair.runTimers();
    expect(pair.messages()).toEqual(["gateway:MM1(lost)", ...new Array<string>(LIMIT).fill("gateway:MM1(again)(lost)")]);
    expect(pair.wire.map((delivery) => delivery.time)).toEqual([0, INTERVAL, 2 * INTERVAL, 3 * INTERVAL]);
    expect(pair.of("gateway", "phase1-failed")).toEqual([{ kind: "phase1-failed", session: pair.of("gateway", "state")[0]!.session, peerAddress: HOST_ADDRESS, reason: "RETRANSMISSION_LIMIT" }]);
    expect(pair.now).toBe((LIMIT + 1) * INTERVAL);
    expect(pair.gateway.nextDeadline()).toBeNull();
    expect(pair.gateway.sessionCount).toBe(0);
  });

  test("a quick mode whose replies are all lost fails with RETRANSMISSION_LIMIT, and the ISAKMP SA stays up", () => {
    const { pair, session } = quickModeRepliesLost();
    expect(pair.of("gateway", "quick-mode-failed").map((action) => action.reason)).toEqual(["RETRANSMISSION_LIMIT"]);
    expect(pair.of("host", "quick-mode-failed").map((action) => action.reason)).toEqual(["RETRANSMISSION_LIMIT"]);
    expect(pair.gateway.sessionInfo(session)?.state).toBe("QM1");
    pair.lose = () => false;
    pair.run("gateway", pair.gateway.quickMode(session, pair.now));
    expect(pair.of("gateway", "quick-mode-up")).toHaveLength(1);
  });

  test("a Main Mode responder left waiting gives up with PEER_TIMEOUT after the initiator would have", () => {
    const pair = new IkePair(gatewayOptions(), hostOptions());
    pair.lose = ({ from }) => from === "gateway" && pair.wire.length > 0;
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    pair.runTimers();
    expect(pair.of("host", "phase1-failed").map((action) => action.reason)).toEqual(["PEER_TIMEOUT"]);
    expect(pair.of("gateway", "phase1-failed").map((action) => action.reason)).toEqual(["RETRANSMISSION_LIMIT"]);
    expect(pair.host.sessionCount).toBe(0);
  });
});

describe("authentication", () => {
  const wrongKey = new TextEncoder().encode("not the same key");

  test("Main Mode with a wrong pre-shared key: the responder cannot read MM5 and fails AUTHENTICATION_FAILED; no SA anywhere", () => {
    const pair = new IkePair(gatewayOptions({ preSharedKey: wrongKey }), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "main", 0));
    pair.runTimers();
    expect(pair.of("host", "phase1-failed").map((action) => action.reason)).toEqual(["AUTHENTICATION_FAILED"]);
    expect(pair.of("gateway", "phase1-failed").map((action) => action.reason)).toEqual(["RETRANSMISSION_LIMIT"]);
    expect([...pair.of("gateway", "phase1-up"), ...pair.of("host", "phase1-up")]).toEqual([]);
    const reasons = JSON.stringify([...pair.hostActions, ...pair.gatewayActions].filter((action) => action.kind !== "send"));
    expect(reasons).not.toContain(hex(wrongKey));
    expect(reasons).not.toContain("not the same key");
  });

  test("Aggressive Mode with a wrong pre-shared key: the initiator finds HASH_R wrong and fails AUTHENTICATION_FAILED", () => {
    const pair = new IkePair(gatewayOptions({ preSharedKey: wrongKey }), hostOptions());
    pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, "aggressive", 0));
    pair.runTimers();
    expect(pair.of("gateway", "dropped")[0]).toEqual({ kind: "dropped", peerAddress: HOST_ADDRESS, reason: "BAD_HASH", field: "HASH_R" });
    expect(pair.of("gateway", "phase1-failed").map((action) => action.reason)).toEqual(["AUTHENTICATION_FAILED"]);
    // The failed session is forgotten: the responder's AM2 retransmissions meet an unknown cookie, and it gives up.
    expect(pair.of("gateway", "dropped").slice(1).map((action) => action.reason)).toEqual(new Array<string>(LIMIT).fill("UNKNOWN_COOKIE"));
    expect(pair.of("host", "phase1-failed").map((action) => action.reason)).toEqual(["RETRANSMISSION_LIMIT"]);
    expect(pair.of("host", "phase1-up")).toEqual([]);
  });

  test("a responder without a key for the peer fails NO_PRESHARED_KEY; Main Mode looks it up by address, Aggressive Mode by identity", () => {
    for (const mode of ["main", "aggressive"] as const) {
      const pair = new IkePair(gatewayOptions(), hostOptions({ preSharedKey: null }));
      pair.run("gateway", pair.gateway.connect(HOST_ADDRESS, mode, 0));
      expect(pair.of("host", "phase1-failed").map((action) => action.reason)).toEqual(["NO_PRESHARED_KEY"]);
    }
  });

  test("the lookups a responder makes: the address in Main Mode, the clear identity in Aggressive Mode", async () => {
    const { makeNode, ipv4Id } = await import("./ike-pair.js");
    for (const mode of ["main", "aggressive"] as const) {
      const gateway = makeNode("gateway", gatewayOptions());
      const host = makeNode("host", hostOptions());
      let step = gateway.node.connect(HOST_ADDRESS, mode, 0);
      for (let turn = 0, from = "gateway"; turn < 6 && step.actions.some((action) => action.kind === "send"); turn++, from = from === "gateway" ? "host" : "gateway") {
        const bytes = step.actions.find((action) => action.kind === "send")!;
        if (bytes.kind !== "send") break;
        step = from === "gateway" ? host.node.receive(GATEWAY_ADDRESS, bytes.bytes, 0) : gateway.node.receive(HOST_ADDRESS, bytes.bytes, 0);
      }
      const expected = mode === "main" ? { address: GATEWAY_ADDRESS } : { identity: ipv4Id(GATEWAY_ADDRESS) };
      expect(host.lookups).toEqual([expected]);
      expect(gateway.lookups).toEqual([{ address: HOST_ADDRESS }]);
    }
  });
});

// From a fuzzing check: timers ran from when a step was computed, so an end that waited for a core or its CPU resent messages that had not left yet and gave up on exchanges whose messages had only just left.
describe("a retransmission timer runs from when its message left (IkeNode.sent), not from when its step was computed", () => {
  const LEFT = INTERVAL / 2;

  test("a phase-1 request that left half an interval late is resent an interval after it left, and given up on as late", () => {
    const { gateway } = new IkePair(gatewayOptions(), hostOptions());
    const step = gateway.connect(HOST_ADDRESS, "main", 0);
    gateway.sent(step, LEFT);
    expect(gateway.nextDeadline()).toBe(LEFT + INTERVAL);
    expect(gateway.expire(INTERVAL).actions.filter((action) => action.kind === "send")).toEqual([]);
    let last = gateway.expire(LEFT + INTERVAL);
    expect(last.actions.filter((action) => action.kind === "send").map((action) => action.kind === "send" && action.retransmission)).toEqual([true]);
    // Each resend's own timer runs from when it left too.
    gateway.sent(last, LEFT + INTERVAL + LEFT);
    for (let resend = 2; resend <= LIMIT; resend++) {
      const at = gateway.nextDeadline()!;
      last = gateway.expire(at);
      gateway.sent(last, at);
    }
    const giveUp = gateway.nextDeadline()!;
    expect(giveUp).toBe(LEFT + INTERVAL + LEFT + LIMIT * INTERVAL);
    expect(gateway.expire(giveUp).actions.some((action) => action.kind === "phase1-failed")).toBe(true);
  });
});

// From a fuzzing check: a QM2 that came after its initiator gave up was taken for a new exchange's QM1 and dropped as PAYLOAD_LENGTH (decrypted with the wrong IV); a QM1 copy after its responder gave up was answered again with a new SA.
test("late messages of a Quick Mode an end gave up on are dropped as ABANDONED_EXCHANGE, at either end, and a new Quick Mode still comes up", () => {
  const { pair, session } = quickModeRepliesLost();
  expect(pair.of("gateway", "quick-mode-failed")).toHaveLength(1);
  expect(pair.of("host", "quick-mode-failed")).toHaveLength(1);
  const qm1 = pair.wire.find((delivery) => delivery.action.message === "QM1")!.action.bytes;
  const qm2 = pair.wire.find((delivery) => delivery.action.message === "QM2")!.action.bytes;
  const dropped = (step: IkeStep) => step.actions.flatMap((action) => (action.kind === "dropped" ? [action.reason] : action.kind === "send" ? ["sent"] : []));
  expect(dropped(pair.gateway.receive(HOST_ADDRESS, qm2, pair.now))).toEqual(["ABANDONED_EXCHANGE"]);
  expect(dropped(pair.host.receive(GATEWAY_ADDRESS, qm1, pair.now))).toEqual(["ABANDONED_EXCHANGE"]);
  pair.lose = () => false;
  pair.run("gateway", pair.gateway.quickMode(session, pair.now));
  expect(pair.of("gateway", "quick-mode-up")).toHaveLength(1);
});
