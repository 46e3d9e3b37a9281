import { IkeNode } from "../sim/ike/ike-node.js";
import type { IkeMessageName, IkeSessionId, IkeStep, QuickModeSelectors } from "../sim/ike/ike-types.js";
import { Random } from "../sim/random.js";

export interface IkeMessageSize {
  readonly message: IkeMessageName;
  readonly bytes: number;
}

/** The longest IKE message, and the longest each end sends (the host's leave by its TX ring, the gateway's come by its RX ring). */
export interface LongestIkeMessages extends IkeMessageSize {
  readonly host: IkeMessageSize | null;
  readonly gateway: IkeMessageSize | null;
}

/** What one end of a gateway's IKE is made of: as the run makes its node (peerNode). */
export type IkeEnd = (random: Random, allocateSpi: () => number) => IkeNode;

const GATEWAY_ADDRESS = "gateway";
const HOST_ADDRESS = "host";

/**
 * The longest IKE message of a gateway's exchanges with the host: its phase 1 (the gateway starts
 * it, in its mode), a Quick Mode each side starts and an ESP Delete each side sends. They are run
 * between two nodes made as the run makes them, offline: a message's size follows from the
 * identities, the mode and the payloads, and is exactly what the run would send. Null when the
 * phase 1 makes no message (it cannot fail before its first).
 */
export function longestIkeMessage(gateway: IkeEnd, host: IkeEnd, mode: "main" | "aggressive", selectors: QuickModeSelectors): LongestIkeMessages | null {
  let nextSpi = 0x1000;
  const allocateSpi = () => nextSpi++;
  const nodes = { [GATEWAY_ADDRESS]: gateway(Random.derive(1, "gateway"), allocateSpi), [HOST_ADDRESS]: host(Random.derive(1, "host"), allocateSpi) };
  let longest: IkeMessageSize | null = null;
  const bySender: Record<keyof typeof nodes, IkeMessageSize | null> = { [GATEWAY_ADDRESS]: null, [HOST_ADDRESS]: null };
  const sessions = new Map<string, IkeSessionId>();
  const inbound = new Map<string, number[]>();
  let time = 0;
  // Each message is taken by the other end at once, until neither has one to send.
  const exchange = (from: keyof typeof nodes, first: IkeStep) => {
    const queue: { from: keyof typeof nodes; step: IkeStep }[] = [{ from, step: first }];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const action of next.step.actions) {
        if (action.kind === "phase1-up") sessions.set(next.from, action.session);
        if (action.kind === "quick-mode-up") inbound.set(next.from, [...(inbound.get(next.from) ?? []), action.inbound.spi]);
        if (action.kind !== "send") continue;
        const sent = { message: action.message, bytes: action.bytes.length };
        if (longest === null || sent.bytes > longest.bytes) longest = sent;
        if (sent.bytes > (bySender[next.from]?.bytes ?? -1)) bySender[next.from] = sent;
        const to = next.from === GATEWAY_ADDRESS ? HOST_ADDRESS : GATEWAY_ADDRESS;
        queue.push({ from: to, step: nodes[to].receive(next.from, action.bytes, ++time) });
      }
    }
  };
  exchange(GATEWAY_ADDRESS, nodes[GATEWAY_ADDRESS].connect(HOST_ADDRESS, mode, time));
  // A phase 1 that fails (a pre-shared key that differs) makes no Quick Mode in the run either.
  for (const end of [HOST_ADDRESS, GATEWAY_ADDRESS] as const) {
    const session = sessions.get(end);
    if (session !== undefined) exchange(end, nodes[end].quickMode(session, ++time, selectors));
  }
  for (const end of [HOST_ADDRESS, GATEWAY_ADDRESS] as const) {
    const session = sessions.get(end);
    const spis = inbound.get(end);
    if (session !== undefined && spis !== undefined) exchange(end, nodes[end].deleteEsp(session, spis.slice(0, 1), ++time));
  }
  // Set inside the exchanges: TypeScript sees only its first value here.
  const overall = longest as IkeMessageSize | null;
  return overall === null ? null : { message: overall.message, bytes: overall.bytes, host: bySender[HOST_ADDRESS], gateway: bySender[GATEWAY_ADDRESS] };
}
