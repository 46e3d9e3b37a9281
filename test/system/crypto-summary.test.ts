import { expect, test } from "vitest";
import { type CryptoSummary, describePreemptions, preemptionCost } from "../../system/scenario/crypto-summary.js";

const none: CryptoSummary = { jobs: 10, preemptions: 0, saves: 0, restarts: 0, busyMicroseconds: 5, lostMicroseconds: 0, switchMicroseconds: 0, whileTrafficRan: null };

test("a run's summary says what preemption cost each direction's engines, and on a line of its own where it took more than a quarter of their busy time", () => {
  const restarted: CryptoSummary = { ...none, preemptions: 1071, restarts: 1071, busyMicroseconds: 1648.876, lostMicroseconds: 633.28 };
  const resumed: CryptoSummary = { ...none, preemptions: 1061, saves: 1061, busyMicroseconds: 1049.548, switchMicroseconds: 33.952 };
  expect(describePreemptions({ tx: none, rx: none })).toEqual({ counts: "NIC crypto engine preemptions TX 0, RX 0", costly: [] });
  expect(describePreemptions({ tx: resumed, rx: none })).toEqual({ counts: "NIC crypto engine preemptions TX 1061 (work thrown away 0 % of the engines' busy time, saving and restoring 3 %), RX 0", costly: [] });
  const costly = describePreemptions({ tx: none, rx: restarted });
  expect(costly.counts).toBe("NIC crypto engine preemptions TX 0, RX 1071 (work thrown away 38 % of the engines' busy time, saving and restoring 0 %)");
  expect(costly.costly).toEqual([`preemption took 38 % of the RX crypto engines' busy time: a priority class's jobs came more often than lower classes' jobs take, and each restart started one over (preempt-resume keeps its progress); README: "What preemption buys, and what it costs"`]);
  // Saving and restoring count too: a quarter as said is not said on a line of its own, just over it is; the parts add up to the whole as said (a re-check's: 12.6 and 12.6 read 13 and 13 beside 'took 25 %', and 25.3 % took the line).
  expect(describePreemptions({ tx: { ...resumed, busyMicroseconds: 100, switchMicroseconds: 25.3 }, rx: none }).costly).toEqual([]);
  expect(describePreemptions({ tx: { ...resumed, busyMicroseconds: 100, switchMicroseconds: 26 }, rx: none }).costly[0]).toMatch(/^preemption took 26 % of the TX crypto engines' busy time: a priority class's jobs came often, each suspending a lower class's job;/);
  const halves = describePreemptions({ tx: { ...restarted, busyMicroseconds: 100, lostMicroseconds: 12.6, switchMicroseconds: 12.6 }, rx: none });
  expect(halves.counts).toContain("(work thrown away 13 % of the engines' busy time, saving and restoring 12 %)");
  expect(halves.costly).toEqual([]);
});

// From an architect's check: 830 of 5,618 µs busy thrown away read 15 % over the whole run, where the engines offered about 2,000 µs while the traffic ran (41 %): the drain's backlog, preempted by nothing, diluted it.
test("the cost is said while the traffic ran, with the whole run's beside it where that differs; the line of its own and a sweep take the traffic's", () => {
  const diluted: CryptoSummary = { ...none, preemptions: 3000, restarts: 3000, busyMicroseconds: 5618, lostMicroseconds: 829.7, whileTrafficRan: { busyMicroseconds: 2000, lostMicroseconds: 829.7, switchMicroseconds: 0 } };
  const said = describePreemptions({ tx: diluted, rx: none });
  expect(said.counts).toBe("NIC crypto engine preemptions TX 3000 (work thrown away 41 % of the engines' busy time while the traffic ran, 15 % over the whole run; saving and restoring 0 %, 0 %), RX 0");
  expect(said.costly[0]).toMatch(/^preemption took 41 % of the TX crypto engines' busy time while the traffic ran: /);
  expect(preemptionCost(diluted)).toEqual({ busyMicroseconds: 2000, lostMicroseconds: 829.7, switchMicroseconds: 0 });
  // The same figures both ways are said once.
  const same: CryptoSummary = { ...diluted, whileTrafficRan: { busyMicroseconds: 5618, lostMicroseconds: 829.7, switchMicroseconds: 0 } };
  expect(describePreemptions({ tx: same, rx: none }).counts).toContain("(work thrown away 15 % of the engines' busy time, saving and restoring 0 %)");
});
