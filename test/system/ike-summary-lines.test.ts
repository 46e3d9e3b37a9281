import { expect, test } from "vitest";
import { formatIkeSummary, type IkeSummary } from "../../system/scenario/ike-summary.js";
import { describeIkeEvent } from "../../driver/intermediate/ike-timeline.js";

const host: IkeSummary["host"] = { sent: 10, received: 8, retransmitted: 2, phase1Failures: 0, quickModeFailures: 0, quickModes: 0, rekeys: 0, gatewayStarted: 0, renegotiations: 0, expired: 0, drops: {} };
const gateway = (failed: string | null, deletes = 0, phase1UpMicroseconds: number | null = failed === null ? 6598.8 : null, deletesReceived = 0, deletesStillSentUnder = 0): IkeSummary["gateways"][number] => ({
  name: "customerB",
  sent: 5,
  received: 4,
  lost: 1,
  retransmitted: 3,
  failed,
  phase1UpMicroseconds,
  quickModeFailures: 0,
  quickModeFailurePorts: [],
  deletes,
  deletesStillSentUnder,
  deletesReceived,
  expired: 0,
  rekeys: 0,
  tunnels: { up: 0, of: 6, upAtEnd: 0, down: [] },
  retiringAtEnd: { waitingForGateway: 0, lastPackets: 0 },
  givenUpMicroseconds: null,
  drops: {},
});
const phase1Up = { microseconds: 6598.8157, gateway: "customerB", kind: "phase1-up", text: "phase 1 up" };

test("a phase 1 the host saw come up and the gateway gave up (its last message lost) says both (the gateway's failure was not shown)", () => {
  const [, line] = formatIkeSummary({ host, gateways: [gateway("RETRANSMISSION_LIMIT")], timeline: [phase1Up] });
  expect(line).toBe("    customerB: phase 1 up at 6598.8157 µs at the host, failed at the gateway (RETRANSMISSION_LIMIT), 0 of 6 tunnels up, 0 rekeys, 0 Deletes, 1 message lost on the link");
});

test("a phase 1 the gateway saw come up and the host did not (Aggressive Mode's AM3 lost) says both (it said only that phase 1 failed, beside Quick Modes failed at the gateway)", () => {
  const hostFailed = { microseconds: 9000, gateway: "customerB", kind: "phase1-failed", text: "phase 1 failed: RETRANSMISSION_LIMIT" };
  expect(formatIkeSummary({ host, gateways: [gateway(null, 0, 6598.8)], timeline: [hostFailed] })[1]).toMatch(/^ {4}customerB: phase 1 up at 6598\.8 µs at the gateway, failed at the host \(RETRANSMISSION_LIMIT\), 0 of 6 tunnels up,/);
  // The run may end before the host gives up.
  expect(formatIkeSummary({ host, gateways: [gateway(null, 0, 6598.8)], timeline: [] })[1]).toMatch(/^ {4}customerB: phase 1 up at 6598\.8 µs at the gateway, not at the host, 0 of 6 tunnels up,/);
  // Neither end up: the failures as before.
  expect(formatIkeSummary({ host, gateways: [gateway("RETRANSMISSION_LIMIT")], timeline: [hostFailed] })[1]).toMatch(/^ {4}customerB: phase 1 failed \(host: RETRANSMISSION_LIMIT; gateway: RETRANSMISSION_LIMIT\), 0 of 6/);
});

test("a phase 1 up at both ends says only when", () => {
  const [, line] = formatIkeSummary({ host, gateways: [gateway(null)], timeline: [phase1Up] });
  expect(line).toMatch(/^ {4}customerB: phase 1 up at 6598\.8157 µs, 0 of 6 tunnels up,/);
});

test("Deletes are said by who sent them, with the gateway's the link lost (one lost showed nowhere, and the host's and the gateway's were one count)", () => {
  const received = { microseconds: 7000, gateway: "customerB", kind: "delete-received", text: "Delete received (ESP SPI 0x00001000)" };
  const sent = { microseconds: 7100, gateway: "customerB", kind: "delete-sent", text: "Delete sent for SPI 0x00002000" };
  const [, line] = formatIkeSummary({ host, gateways: [gateway(null, 2, 6598.8, 1)], timeline: [phase1Up, received, sent] });
  expect(line).toContain(", 3 Deletes (1 from the host, 2 from the gateway, 1 of them not received (lost on the link or dropped on the way)),");
  // The host's the gateway never took are said as well (they were not).
  const [, hostLost] = formatIkeSummary({ host, gateways: [gateway(null, 2, 6598.8, 0)], timeline: [phase1Up, received, sent] });
  expect(hostLost).toContain(", 3 Deletes (1 from the host, 1 of them not received (lost on the link or dropped on the way), 2 from the gateway, 1 of them not received (lost on the link or dropped on the way)),");
});

test("Deletes sent for an SPI the other end still sent under are said, at either end", () => {
  const again = { microseconds: 7200, gateway: "customerB", kind: "delete-sent", text: describeIkeEvent({ kind: "delete-sent", spis: [0x2000], stillSentUnder: true }) };
  const first = { microseconds: 7100, gateway: "customerB", kind: "delete-sent", text: describeIkeEvent({ kind: "delete-sent", spis: [0x2000] }) };
  const [, line] = formatIkeSummary({ host, gateways: [gateway(null, 3, 6598.8, 1, 2)], timeline: [phase1Up, first, again] });
  expect(line).toContain(", 5 Deletes (2 from the host, 1 of them for an SPI still sent under, 1 of them not received (lost on the link or dropped on the way), 3 from the gateway, 2 of them for an SPI still sent under, 3 of them not received (lost on the link or dropped on the way)),");
});

test("each tunnel down at the end says why, by its port (a run ended with one down and nothing to say why)", () => {
  const down = [{ port: 49202, reason: "the host's pair (outbound SPI 0xfe2acd15) expired (hard kilobytes lifetime) at 10755.4096 µs, and no Quick Mode since gave it another" }];
  const [, line] = formatIkeSummary({ host, gateways: [{ ...gateway(null), tunnels: { up: 6, of: 6, upAtEnd: 5, down } }], timeline: [phase1Up] });
  expect(line).toContain("6 of 6 tunnels up (5 still up at the end; UDP port 49202 down at the end: the host's pair (outbound SPI 0xfe2acd15) expired (hard kilobytes lifetime) at 10755.4096 µs, and no Quick Mode since gave it another),");
  // One that never came up is down at the end too, with the count of those that came up unchanged.
  const never = [{ port: 49203, reason: "no Quick Mode gave the host a pair for it" }];
  const [, first] = formatIkeSummary({ host, gateways: [{ ...gateway(null), tunnels: { up: 5, of: 6, upAtEnd: 5, down: never } }], timeline: [phase1Up] });
  expect(first).toContain("5 of 6 tunnels up (UDP port 49203 down at the end: no Quick Mode gave the host a pair for it),");
  // Ports down for one reason are said together.
  const many = [49201, 49202, 49203].map((port) => ({ port, reason: "no Quick Mode gave the host a pair for it" }));
  const [, together] = formatIkeSummary({ host, gateways: [{ ...gateway("RETRANSMISSION_LIMIT"), tunnels: { up: 0, of: 3, upAtEnd: 0, down: many } }], timeline: [] });
  expect(together).toContain("0 of 3 tunnels up (UDP ports 49201, 49202, 49203 down at the end: no Quick Mode gave the host a pair for it),");
});
