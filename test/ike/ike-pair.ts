/** Two IKE nodes joined by a test wire that carries each "send" to the other side, with drops on request. */
import { IkeNode } from "../../sim/ike/ike-node.js";
import { type IkeHashAlgorithm, type IkeWork, noWork } from "../../sim/ike/ike-crypto.js";
import type { IdPayload, IkeAction, IkeNodeConfig, IkeStep } from "../../sim/ike/ike-types.js";
import { Random } from "../../sim/random.js";

export const HOST_ADDRESS = "192.0.2.1";
export const GATEWAY_ADDRESS = "198.51.100.7";
export const PRE_SHARED_KEY = new TextEncoder().encode("correct-horse-battery-staple");
export const INTERVAL = 1_000_000_000; // 1 ms in picoseconds
export const LIMIT = 3;

export function ipv4Id(text: string): IdPayload {
  return { type: 1, protocolId: 17, port: 500, data: Uint8Array.from(text.split(".").map(Number)) };
}

export function fqdnId(name: string): IdPayload {
  return { type: 2, protocolId: 0, port: 0, data: new TextEncoder().encode(name) };
}

export interface NodeOptions {
  readonly seed: number;
  readonly identity: IdPayload;
  readonly preSharedKey?: Uint8Array | null;
  readonly hash?: IkeHashAlgorithm;
  readonly firstSpi: number;
  /** Factor each wait for a reply grows by (none: constant waits). */
  readonly backoff?: number;
}

export function makeNode(name: string, options: NodeOptions): { node: IkeNode; lookups: unknown[] } {
  let nextSpi = options.firstSpi;
  const lookups: unknown[] = [];
  const config: IkeNodeConfig = {
    localIdentity: options.identity,
    preSharedKey: (lookup) => {
      lookups.push(lookup);
      return options.preSharedKey === undefined ? PRE_SHARED_KEY : options.preSharedKey;
    },
    random: Random.derive(options.seed, name),
    allocateSpi: () => nextSpi++,
    phase1LifetimeSeconds: 86400,
    espLifetime: { seconds: 3600, kilobytes: 4_608_000 },
    retransmit: { intervalPicoseconds: INTERVAL, limit: LIMIT, ...(options.backoff === undefined ? {} : { backoff: options.backoff }) },
    ...(options.hash === undefined ? {} : { phase1Hash: options.hash }),
  };
  return { node: new IkeNode(config), lookups };
}

export interface Delivery {
  readonly from: "gateway" | "host";
  readonly action: Extract<IkeAction, { kind: "send" }>;
  readonly time: number;
  readonly delivered: boolean;
}

/** The gateway (initiator) and the host (responder), and everything that passed between them. */
export class IkePair {
  readonly gateway: IkeNode;
  readonly host: IkeNode;
  readonly wire: Delivery[] = [];
  readonly gatewayActions: IkeAction[] = [];
  readonly hostActions: IkeAction[] = [];
  readonly gatewayWork: IkeWork = noWork();
  readonly hostWork: IkeWork = noWork();
  now = 0;
  /** Return true to lose a message on the wire. */
  lose: (delivery: Omit<Delivery, "delivered">) => boolean = () => false;

  constructor(gateway: NodeOptions, host: NodeOptions) {
    this.gateway = makeNode("gateway", gateway).node;
    this.host = makeNode("host", host).node;
  }

  /** Carry the sends of a step (taken at `from`) and all the replies they cause, until the wire is quiet. */
  run(from: "gateway" | "host", step: IkeStep): void {
    const queue: { from: "gateway" | "host"; step: IkeStep }[] = [{ from, step }];
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      (item.from === "gateway" ? this.gatewayActions : this.hostActions).push(...item.step.actions);
      const work = item.from === "gateway" ? this.gatewayWork : this.hostWork;
      work.modularExponentiations += item.step.work.modularExponentiations;
      work.hashes += item.step.work.hashes;
      work.cipherBytes += item.step.work.cipherBytes;
      for (const action of item.step.actions) {
        if (action.kind !== "send") continue;
        const lost = this.lose({ from: item.from, action, time: this.now });
        this.wire.push({ from: item.from, action, time: this.now, delivered: !lost });
        if (lost) continue;
        const to = item.from === "gateway" ? "host" : "gateway";
        const receiver = to === "gateway" ? this.gateway : this.host;
        const source = item.from === "gateway" ? GATEWAY_ADDRESS : HOST_ADDRESS;
        queue.push({ from: to, step: receiver.receive(source, action.bytes, this.now) });
      }
    }
  }

  /** Advance time to each node's next deadline and expire it, until neither has one (or `until`). */
  runTimers(until = Number.POSITIVE_INFINITY): void {
    for (;;) {
      const deadlines = [this.gateway.nextDeadline(), this.host.nextDeadline()].filter((deadline): deadline is number => deadline !== null);
      if (deadlines.length === 0) return;
      const next = Math.min(...deadlines);
      if (next > until) return;
      this.now = next;
      this.run("gateway", this.gateway.expire(next));
      this.run("host", this.host.expire(next));
    }
  }

  of<Kind extends IkeAction["kind"]>(side: "gateway" | "host", kind: Kind): Extract<IkeAction, { kind: Kind }>[] {
    return (side === "gateway" ? this.gatewayActions : this.hostActions).filter((action): action is Extract<IkeAction, { kind: Kind }> => action.kind === kind);
  }

  messages(): string[] {
    return this.wire.map((delivery) => `${delivery.from}:${delivery.action.message}${delivery.action.retransmission ? "(again)" : ""}${delivery.delivered ? "" : "(lost)"}`);
  }
}

export const gatewayOptions = (overrides: Partial<NodeOptions> = {}): NodeOptions => ({ seed: 7, identity: ipv4Id(GATEWAY_ADDRESS), firstSpi: 0x1000, ...overrides });
export const hostOptions = (overrides: Partial<NodeOptions> = {}): NodeOptions => ({ seed: 7, identity: ipv4Id(HOST_ADDRESS), firstSpi: 0x9000, ...overrides });
