import { expect, test } from "vitest";
import { parseScenarioText } from "../../system/scenario/load.js";
import { FEWEST_PACKETS_PER_LIFETIME } from "../../system/scenario/short-lifetime-warning.js";
import { espPacketBytes } from "../../sim/ipsec/esp.js";

const ONE_CUSTOMER = `name: short-lifetime
durationMicroseconds: 200
customers:
  - name: c
    identity: { type: ID_FQDN, value: gw.c.example }
    sas: 2
    ike: { mode: main, preSharedKey: pskc, lifetimeKilobytes: 8 }
traffic:
  - { name: j, customer: c, direction: both, packetBytes: 9000, gapMicroseconds: 10 }
  - { name: odd, customer: c, direction: both, packetBytes: 1399, gapMicroseconds: 7 }
`;

const lifetimeWarnings = (overrides: Record<string, unknown> = {}) => parseScenarioText(ONE_CUSTOMER, "short.yaml", overrides).warnings.filter((warning) => warning.includes("lifetime of"));

// From an IPsec engineer's check: 8 KB against 9000-byte packets lost 84 of 101 packets to 10 Quick Modes in 200 µs, with no word.
test("a kilobyte lifetime that holds fewer than a few of a customer's largest packets is warned of, at its place, naming the stream", () => {
  expect(lifetimeWarnings()).toEqual([
    "short.yaml:7:44: warning: customers[0] 'c': a lifetime of 8 KB is less than one of the 9000-byte packets of traffic[0] 'j': each such packet uses up an SA pair, which is negotiated again, and packets sent meanwhile may be lost",
  ]);
  // 30 KB: three of them.
  expect(lifetimeWarnings({ "customers.0.ike.lifetimeKilobytes": 30 })).toEqual([expect.stringContaining("a lifetime of 30 KB holds only 3 of the 9000-byte packets of traffic[0] 'j': an SA pair is used up after 3, which is negotiated again")]);
  // Enough for the largest packets, or none set, or a customer whose streams are small: no warning.
  // Counted in ESP bytes, SPI to ICV: 9036 for a 9000-byte packet (88 KB held 9 of them, and was not warned of).
  const enough = Math.ceil((FEWEST_PACKETS_PER_LIFETIME * espPacketBytes(9000, 16)) / 1024);
  expect(espPacketBytes(9000, 16)).toBe(9036);
  expect(lifetimeWarnings({ "customers.0.ike.lifetimeKilobytes": 88 })).toHaveLength(1);
  expect(lifetimeWarnings({ "customers.0.ike.lifetimeKilobytes": enough })).toEqual([]);
  expect(lifetimeWarnings({ "customers.0.ike.lifetimeKilobytes": enough - 1 })).toHaveLength(1);
  expect(lifetimeWarnings({ "customers.0.ike.lifetimeKilobytes": 0 })).toEqual([]);
  expect(lifetimeWarnings({ "traffic.0.packetBytes": 500, "traffic.1.packetBytes": 600 })).toEqual([]);
});
