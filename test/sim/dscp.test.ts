import { describe, expect, test } from "vitest";
import { classDscp, DSCP_EF, dscpClass } from "../../sim/packet/dscp.js";
import { frameTrafficClass, macAddress } from "../../sim/packet/ethernet.js";
import { ipv4Address } from "../../sim/packet/ipv4.js";
import { udpFrame } from "../../sim/packet/udp-frame.js";

const frame = (dscp: number) =>
  udpFrame({ destination: macAddress("02:00:00:00:00:01"), source: macAddress("02:00:00:00:00:02"), sourceIp: ipv4Address("10.0.0.1"), destinationIp: ipv4Address("10.0.0.2"), sourcePort: 1, destinationPort: 2, dscp, frameLength: 100 });

describe("DSCP conventions", () => {
  test("the priority class (7) is EF, the bandwidth classes AF41, AF31, AF21, AF11, class-default best effort", () => {
    expect([7, 6, 5, 4, 3, 0].map(classDscp)).toEqual([DSCP_EF, 34, 26, 18, 10, 0]);
  });

  test("every class's DSCP is read back as that class, and a class selector CSn as class n", () => {
    for (let trafficClass = 0; trafficClass < 8; trafficClass++) {
      expect(dscpClass(classDscp(trafficClass))).toBe(trafficClass);
      expect(dscpClass(trafficClass << 3)).toBe(trafficClass);
    }
  });

  test("a frame marked EF asks for the top class (the NIC's RX steering and the report read it so)", () => {
    expect(frameTrafficClass(frame(DSCP_EF))).toBe(7);
    expect(frameTrafficClass(frame(34))).toBe(6);
    expect(frameTrafficClass(frame(56))).toBe(7);
  });

  test("a class beyond 7 has no DSCP", () => {
    expect(() => classDscp(8)).toThrow(/classes are 0 to 7/);
  });
});
