import { expect, test } from "vitest";
import { EndedInboundSpis } from "../../driver/intermediate/ended-inbound-spis.js";
import type { IkeSessionId } from "../../sim/ike/ike-types.js";

const session = 1 as IkeSessionId;
const WAITS = { untold: 100, told: 2000, backoff: 1.5 };

test("an SPI ended untold calls for a Delete once a packet comes under it the untold wait after, from its own peer, not before", () => {
  const ended = new EndedInboundSpis();
  ended.endedUntold(0x1000, "gw", session, 0);
  expect(ended.due(0x1000, "gw", WAITS.untold - 1, WAITS, 3)).toBeUndefined();
  expect(ended.due(0x1000, "other", WAITS.untold, WAITS, 3)).toBeUndefined();
  expect(ended.due(0x2000, "gw", WAITS.untold, WAITS, 3)).toBeUndefined();
  expect(ended.due(0x1000, "gw", WAITS.untold, WAITS, 3)).toMatchObject({ peer: "gw", session, deletes: 0 });
});

// From an outside check: frames the peer had queued before it took the Delete still came for 480 µs, and a wait of 100 µs sent 50 to 60 Deletes a run for nothing.
test("after a Delete, only a packet a request's retransmission wait later calls for another, the wait growing by the backoff: a Delete on its way calls for none; the first and `resends` more, then no more", () => {
  const ended = new EndedInboundSpis();
  ended.told(0x1000, "gw", session, 0);
  let now = 0;
  for (let resent = 0; resent < 2; resent++) {
    const wait = WAITS.told * WAITS.backoff ** resent;
    expect(ended.due(0x1000, "gw", now + wait - 1, WAITS, 2)).toBeUndefined();
    now += wait;
    const due = ended.due(0x1000, "gw", now, WAITS, 2)!;
    expect(due.deletes).toBe(1 + resent);
    due.sending = true;
    expect(ended.due(0x1000, "gw", now + 10 * WAITS.told, WAITS, 2)).toBeUndefined();
    now += 5;
    ended.told(0x1000, "gw", session, now);
  }
  expect(ended.due(0x1000, "gw", now + 100 * WAITS.told, WAITS, 2)).toBeUndefined();
});

test("it holds the last 256 SPIs ended, the oldest forgotten first, so a run that rekeys without end holds no more", () => {
  const ended = new EndedInboundSpis();
  for (let spi = 0x1000; spi < 0x1000 + 300; spi++) ended.told(spi, "gw", session, 0);
  expect(ended.due(0x1000 + 300 - 256 - 1, "gw", WAITS.told, WAITS, 3)).toBeUndefined();
  expect(ended.due(0x1000 + 300 - 256, "gw", WAITS.told, WAITS, 3)).toBeDefined();
  // Told again, an SPI is the newest: the one after it in age goes first.
  ended.told(0x1000 + 300 - 256, "gw", session, 0);
  ended.told(0x5000, "gw", session, 0);
  expect(ended.due(0x1000 + 300 - 256, "gw", 10 * WAITS.told, WAITS, 3)).toBeDefined();
  expect(ended.due(0x1000 + 300 - 255, "gw", 10 * WAITS.told, WAITS, 3)).toBeUndefined();
});
