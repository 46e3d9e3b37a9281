import { describe, expect, test } from "vitest";
import { NodeCryptoBackend } from "../../sim/crypto/node-backend.js";
import { Random } from "../../sim/random.js";
import { packetSequence, sequencedPacket } from "../../sim/packet/test-frames.js";
import { DropAttribution } from "../../system/scenario/drop-attribution.js";
import { Flow } from "../../system/scenario/flow.js";

/** One stream to the peer, its packets sent, and an attribution that names them by their payload. */
function attributed(sent: number) {
  const flow = new Flow("s", "to-peer", 0, (sequence) => sequencedPacket("to-peer", 0, sequence, 200, { tagBytes: 4 }), Random.derive(1, "flow"));
  for (let sequence = 0; sequence < sent; sequence++) flow.send(sequence, sequence * 1000);
  const attribution = new DropAttribution(
    (stream, direction) => (stream === 0 && direction === "to-peer" ? flow : undefined),
    (packet) => {
      const { trafficClass: stream, sequence } = packetSequence(packet, 4);
      return { stream, sequence };
    },
    () => undefined,
    new NodeCryptoBackend(),
    () => null,
  );
  return { flow, attribution, packet: (sequence: number) => ({ packet: flow.packet(sequence) }) };
}

describe("which packet each drop took", () => {
  test("every undelivered packet dropped once, in any place and for any reason: every law holds", () => {
    const { flow, attribution, packet } = attributed(4);
    flow.arrived(0, 200, 5000, null, true);
    attribution.dropped("nic", "RX_BUFFER_FULL", packet(1));
    attribution.dropped("driver", "QUEUE_RESET", packet(2));
    attribution.dropped("nic", "RX_BUFFER_FULL", packet(3));
    expect(attribution.check([flow])).toBeNull();
  });

  test("a packet dropped twice for one copy is named, with each drop's place and reason in the order counted", () => {
    const { flow, attribution, packet } = attributed(3);
    attribution.dropped("nic", "RX_BUFFER_FULL", packet(0));
    attribution.dropped("nic", "RX_BUFFER_FULL", packet(1));
    attribution.dropped("intermediate", "REPLAYED", packet(1));
    attribution.dropped("gateway", "NO_SA", packet(1));
    attribution.dropped("nic", "RX_BUFFER_FULL", packet(2));
    expect(attribution.check([flow])).toBe("s to-peer packet 1: 3 drops counted (nic RX_BUFFER_FULL, intermediate REPLAYED, gateway NO_SA) for 1 undelivered copy");
  });

  test("a packet undelivered without a drop is named", () => {
    const { flow, attribution, packet } = attributed(2);
    attribution.dropped("nic", "RX_BUFFER_FULL", packet(0));
    expect(attribution.check([flow])).toBe("1 packets undelivered without a drop that took them: s to-peer packet 1");
  });
});
