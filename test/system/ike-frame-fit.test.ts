import { describe, expect, test } from "vitest";
import { problems, VALID } from "./scenario-fixture.js";

describe("a customer's IKE against the NIC's longest frame, checked before the run", () => {
  test("a longest frame too short for a customer's IKE messages is refused before the run, naming the longest message of its exchanges (phase 1 failed in the run, RETRANSMISSION_LIMIT, with nothing said of why)", () => {
    const ike = (mode: string, value: string) => VALID.replace("    sas: 2", `    sas: 2\n    ike: { mode: ${mode}, preSharedKey: k }`).replace("gw.a.example", value);
    expect(problems(ike("main", "gw.a.example"), "s.yaml", { "nic.maxFrameBytes": 300 })).toEqual([
      "s.yaml:19:5: customers[0].ike (a, main mode): its longest IKE message, MM3, makes a 366-byte frame, longer than the NIC takes (nic.maxFrameBytes = 300, by --set nic.maxFrameBytes): its IKE could not come up",
    ]);
    // Aggressive Mode sends the identity in the clear, in its first two messages: a longer one makes them longer.
    expect(problems(ike("aggressive", "gw.a.example"), "s.yaml", { "nic.maxFrameBytes": 460 })).toEqual([
      "s.yaml:19:5: customers[0].ike (a, aggressive mode): its longest IKE message, AM2, makes a 474-byte frame, longer than the NIC takes (nic.maxFrameBytes = 460, by --set nic.maxFrameBytes): its IKE could not come up",
    ]);
    // The gateway's identity is in AM1: 46 characters more make it 494 bytes, past AM2.
    expect(problems(ike("aggressive", "gateway-with-a-name-much-longer-than-most.customer-a.example"), "s.yaml", { "nic.maxFrameBytes": 480 })).toEqual([
      "s.yaml:19:5: customers[0].ike (a, aggressive mode): its longest IKE message, AM1, makes a 494-byte frame, longer than the NIC takes (nic.maxFrameBytes = 480, by --set nic.maxFrameBytes): its IKE could not come up",
    ]);
    // The rings too, by who sends: the host's messages leave by the TX ring (one it cannot hold threw mid-run; from a fuzzing check), the gateway's come by the RX ring.
    expect(problems(ike("aggressive", "gw.a.example"), "s.yaml", { "driver.base.txRingDescriptors": 8, "driver.base.txBufferBytes": 64 })).toEqual([
      "s.yaml:19:5: customers[0].ike (a, aggressive mode): the longest IKE message the host sends (AM2) in a frame (474 bytes) needs 8 TX descriptors of 64 bytes (driver.base.txBufferBytes = 64, by --set driver.base.txBufferBytes); a frame may span at most 7 (the TX ring of 8 less one, driver.base.txRingDescriptors = 8, by --set driver.base.txRingDescriptors, and nic.tx.descriptorCache = 64): its IKE could not come up",
    ]);
    // The gateway's AM1 (447 bytes) takes 7 descriptors of 64: an RX ring of 8 holds it (the run brings the tunnel up); with a longer gateway identity it does not.
    expect(problems(ike("aggressive", "gw.a.example"), "s.yaml", { "driver.base.rxRingDescriptors": 8, "driver.base.rxBufferBytes": 64 })).toEqual([]);
    expect(problems(ike("aggressive", "gateway-with-a-name-much-longer-than-most.customer-a.example"), "s.yaml", { "driver.base.rxRingDescriptors": 8, "driver.base.rxBufferBytes": 64 })).toEqual([
      expect.stringContaining("the longest IKE message the gateway sends (AM1) in a frame (494 bytes) needs 8 RX descriptors of 64 bytes"),
    ]);
    // Just long enough: accepted.
    expect(problems(ike("main", "gw.a.example"), "s.yaml", { "nic.maxFrameBytes": 366 })).toEqual([]);
    // A mistake in the same customer's other fields (its SA count, its gateway's address) does not hide it either.
    expect(problems(ike("main", "gw.a.example"), "s.yaml", { "nic.maxFrameBytes": 300, "customers.0.sas": 65, "customers.0.ike.address": "1.2.3" })).toEqual([
      expect.stringMatching(/^--set customers\.0\.ike\.address = "1\.2\.3": expected an IPv4 address/),
      expect.stringMatching(/^--set customers\.0\.sas = 65: /),
      "s.yaml:19:5: customers[0].ike (a, main mode): its longest IKE message, MM3, makes a 366-byte frame, longer than the NIC takes (nic.maxFrameBytes = 300, by --set nic.maxFrameBytes): its IKE could not come up",
    ]);
    // An IKE customer's identity that is none of its type is refused at its place, with the other mistakes (the frame check threw on it, and said it alone, placeless).
    expect(problems(ike("main", "a b"), "s.yaml", { "traffic.0.gapMicroseconds": -1 })).toEqual([
      expect.stringMatching(/^--set traffic\.0\.gapMicroseconds = -1: /),
      expect.stringMatching(/^s\.yaml:17:\d+: customers\[0\]\.identity\.value: ID_FQDN 'a b' is not a domain name/),
    ]);
    // Its messages are sized all the same, with a valid identity as long (the refusal was dropped; from a tenth new user's check).
    const invalid = problems(ike("aggressive", "a_b"), "s.yaml", { "nic.maxFrameBytes": 300 });
    expect(invalid).toEqual([expect.stringMatching(/customers\[0\]\.identity\.value: ID_FQDN 'a_b' is not a domain name/), expect.stringMatching(/customers\[0\]\.ike \(a, aggressive mode\): its longest IKE message, AM2, makes a \d+-byte frame/)]);
    expect(invalid[1]).toBe(problems(ike("aggressive", "a.b"), "s.yaml", { "nic.maxFrameBytes": 300 })[0]);
    // An identity given by --set is named: it sizes the messages as the file's block does.
    expect(problems(ike("aggressive", "gw.a.example"), "s.yaml", { "nic.maxFrameBytes": 480, "customers.0.identity.value": "gateway-with-a-name-much-longer-than-most.customer-a.example" })).toEqual([
      "s.yaml:19:5: customers[0].ike (a, aggressive mode, its identity by --set customers.0.identity.value): its longest IKE message, AM1, makes a 494-byte frame, longer than the NIC takes (nic.maxFrameBytes = 480, by --set nic.maxFrameBytes): its IKE could not come up",
    ]);
    // An identity too long for an ID payload (its length is 16 bits) is refused as such, not sized (a 70000-character one was "a 70642-byte frame").
    expect(problems(ike("main", "a".repeat(4097)))).toEqual([expect.stringMatching(/^s\.yaml:17:\d+: customers\[0\]\.identity\.value: .*at most 4096 characters$/)]);
    // A mistake elsewhere (a field, a reference) does not hide it (from an eighth new user's check: it was checked on stand-in customers then).
    expect(problems(ike("main", "gw.a.example"), "s.yaml", { "nic.maxFrameBytes": 300, seed: -1, "traffic.0.customer": "b" })).toEqual([
      "--set seed = -1: expected at least 0",
      "--set traffic.0.customer: no customer 'b' (customers: a)",
      "s.yaml:19:5: customers[0].ike (a, main mode): its longest IKE message, MM3, makes a 366-byte frame, longer than the NIC takes (nic.maxFrameBytes = 300, by --set nic.maxFrameBytes): its IKE could not come up",
    ]);
  });
});
