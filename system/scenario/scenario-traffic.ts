import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { formatIpv4 } from "../../sim/packet/ipv4.js";
import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { type EngineCounts, engineCounts } from "./crypto-summary.js";
import { framesTaken } from "../../driver/base/base-driver-types.js";
import { identity } from "../../driver/intermediate/identity.js";
import { applyQosConfig, priorityClasses, trafficClasses } from "../../driver/intermediate/qos-config.js";
import { packetSequence, sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay, until } from "../../sim/process.js";
import { IkeCustomers } from "./ike-customers.js";
import { ikeFaults } from "./ike-faults.js";
import { Mailbox } from "../../sim/mailbox.js";
import { us } from "../../sim/time.js";
import { GatewayFlowFaults, type InjectedCopies } from "./gateway-flow-faults.js";
import { GatewaySender } from "./gateway-sender.js";
import type { CapturedSa } from "../../sim/ipsec/wireshark-esp-sa.js";
import { EspPeer } from "../esp-peer.js";
import { INNER_PORT_BASE, TunnelBuilder, tunnelFrameBytes } from "../ipsec-setup.js";
import { NicSystem } from "../nic-system.js";
import type { LoadedScenario } from "./load.js";
import { Sampler } from "./measurements.js";
import type { Scenario, TrafficStream } from "./schema.js";
import { Scoreboard } from "./scoreboard.js";
import { type Direction, Flow } from "./flow.js";
import { laneChooser } from "./spread.js";
import { SaChanges, type TunnelSas } from "./sa-changes.js";
import { scenarioDropAttribution } from "./scenario-drop-attribution.js";


/** The shortest sample interval, ps: 100 ns. */
const MINIMUM_SAMPLE_INTERVAL = 100_000;
/** Readings a run keeps, per sample asked over its traffic, before the grid coarsens: room for an IKE bring-up and a drain of several times the traffic (the default scenario runs 2.6 times its traffic). */
const READINGS_PER_SAMPLE = 10;
/** How long after a fault's end (a replayed copy on the line, an interrupt storm) the run waits for what it caused to reach the host. */
const INJECTION_SETTLE = 20_000_000;
/** The stream index a packet's payload starts with: four bytes, so that any number of streams a scenario can hold never alias. */
const STREAM_TAG_BYTES = 4;

/**
 * A scenario's customers and traffic on a NIC system: per customer an IKE SA under the identity
 * it presents (its ISAKMP profile, from the QoS policy, gives the ipsec_qos_group) and its SA
 * pairs; per stream, senders on the host (through the intermediate driver) and at the remote
 * gateway, spreading packets over the customer's SAs. Receivers check order and measure latency.
 */
@injectable()
export class ScenarioTraffic extends Component {
  readonly flows: Flow[] = [];
  /** Class map name of each traffic class in use (class-default for 0). */
  readonly classNames = new Map<number, string>();
  /** The keys of manually keyed SAs (and of the rekeys faults make of them); IKE's are the daemon's. */
  private manualSas: CapturedSa[] = [];
  private ikeCustomers: IkeCustomers | null = null;
  sampler!: Sampler;
  scoreboard: Scoreboard | null = null;
  private faults!: Scenario["faults"];
  /** Each tunnel's SAs now: a rekey replaces one, a delete leaves null. */
  private readonly tunnelSas: TunnelSas[] = [];
  private system!: NicSystem;
  private espPeer!: EspPeer;
  /** The traffic's time: from its start (once the driver is up, or once every IKE customer is up or has failed) for the scenario's duration. */
  private duration = 0;
  private trafficStart: number | null = null;
  /** The NIC's crypto engines' counts as the traffic started, and as it ended (null: not yet): what preemption cost while it ran, without the bring-up's and the drain's idle or unpreempted work. */
  cryptoAtStart: EngineCounts | null = null;
  cryptoAtEnd: EngineCounts | null = null;
  /** High once the traffic starts: after IKE has brought every customer up, or once the driver is up without IKE. */
  private readonly started = this.signal("traffic_started", 1);
  /** Rekeys, deletes and interrupt storms: times and choices of their own, whatever the traffic does. */
  private readonly faultRandom = this.kernel.random(`${this.path}.faults`);
  /** For the faults line: the SA changes (rekeys, deletes) made and not. */
  saChanges: SaChanges | null = null;
  /** The gateway's side of the flows: each packet sent, and the copies the faults make of it. */
  private gateway!: GatewaySender;
  /** When the last injected copy leaves the gateway. */
  private lastInjection = -Infinity;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  attach(system: NicSystem, loaded: LoadedScenario): void {
    this.system = system;
    const { scenario, qos } = loaded;
    const intermediate = system.driver.intermediate;
    system.peer.keepReceived = false;
    system.driver.base.keepReceived = false;
    if (qos) {
      const { byClass } = trafficClasses(qos);
      for (const [name, trafficClass] of byClass) this.classNames.set(trafficClass, name);
      applyQosConfig(intermediate, qos);
      // The remote gateway runs the same policy on its egress: its priority classes go ahead of the bulk waiting there.
      system.peer.prioritise(priorityClasses(qos));
    }
    if (!this.classNames.has(0)) this.classNames.set(0, "class-default");
    const tunnels = new TunnelBuilder(intermediate, this.random);
    const byCustomer = new Map<string, { tunnels: number[]; ports: number[]; trafficClass: number }>();
    for (const customer of scenario.customers.filter((candidate) => !candidate.ike)) {
      const ikeSa = intermediate.isadb.establish("192.0.2.2", identity(customer.identity.type, customer.identity.value));
      // The class its profile's tag maps to; an untagged SA falls back to the inner DSCP, class-default here.
      const entry = { tunnels: [] as number[], ports: [] as number[], trafficClass: intermediate.classOfGroup(ikeSa.qosGroup) };
      for (let index = 0; index < customer.sas; index++) {
        const port = INNER_PORT_BASE + tunnels.peer.length;
        const tunnel = tunnels.add(ikeSa, `${customer.name}-${index}`, port, entry.trafficClass);
        entry.tunnels.push(tunnel.index);
        this.tunnelSas.push({ outbound: tunnel.outbound, inbound: tunnel.inbound });
        entry.ports.push(port);
      }
      byCustomer.set(customer.name, entry);
    }
    intermediate.base.setQosClasses(intermediate.classMap);
    this.manualSas = tunnels.captured;
    this.espPeer = new EspPeer(system.peer, this.container.resolve(AesGcmBackendToken), tunnels.peer);
    // Customers through IKE: their tunnels wait for it; the class is the one the host will give the identity their gateway presents.
    const ike = (this.ikeCustomers = new IkeCustomers(this.kernel, `${this.path}.gateways`, system, this.espPeer));
    scenario.customers.forEach((customer, index) => {
      if (!customer.ike) return;
      const trafficClass = intermediate.classOfGroup(intermediate.profiles.match(identity(customer.identity.type, customer.identity.value))?.ipsecQosGroup ?? null);
      const ready = this.signal(`${customer.name.replace(/[^A-Za-z0-9_]/g, "_")}_ready`, 1);
      byCustomer.set(customer.name, { ...ike.add(customer, index, trafficClass, INNER_PORT_BASE, ready), trafficClass });
    });
    ike.configure((name) => this.kernel.random(name), scenario.faults.ikeLossProbability);
    const customerTunnels = [...byCustomer.values()].map((customer) => customer.tunnels);
    this.gateway = new GatewaySender(this.kernel, this.path, this.espPeer, system.peer, customerTunnels, () => this.scoreboard, (time) => this.injectedUntil(time));
    this.espPeer.onDeliver = (packet, frame) => this.arrived("to-peer", packet, frame.time, null);
    intermediate.onDeliver = (delivered) => this.arrived("to-host", delivered.packet, delivered.time, delivered.received, delivered.sa?.parameters.spi ?? null);
    this.duration = us(scenario.durationMicroseconds);
    // The traffic's time starts when its senders can send: once every customer through IKE is up, or else once the driver is (a few µs in).
    const start = () => {
      this.trafficStart = this.kernel.now;
      this.cryptoAtStart = engineCounts(this.system.nic.offload);
      this.started.set(1);
      // A traffic in which no packet was due ends where it does, not at whatever comes next (a sample). The IKE exchanges under way then are waited for.
      this.settlesAt(this.kernel.now + this.duration, "traffic_end", () => {
        this.cryptoAtEnd = engineCounts(this.system.nic.offload);
        this.ikeCustomers?.holdExchangesUnderWay();
      });
    };
    if (ike.customers > 0) ike.onAllReady = start;
    else {
      this.process("traffic_start", function* (this: ScenarioTraffic) {
        yield this.system.driver.base.whenReady();
        start();
      }.bind(this));
    }
    this.faults = scenario.faults;
    if (scenario.checks) this.scoreboard = new Scoreboard(this.kernel, system, scenarioDropAttribution(system, this.espPeer, this.flowsOfStream, () => this.manualSas, this.container.resolve(AesGcmBackendToken), STREAM_TAG_BYTES));
    scenario.traffic.forEach((stream, index) => {
      const customer = byCustomer.get(stream.customer)!;
      const directions: Direction[] = stream.direction === "both" ? ["to-peer", "to-host"] : [stream.direction];
      for (const direction of directions) {
        // The draw's salt comes from the run's seed too: a sweep over seeds draws other SAs, not the same ones every time.
        const laneOf = laneChooser(stream.spread, customer.tunnels.length, this.kernel.random(`spread ${index} ${direction}`).nextUint32());
        const packet = (sequence: number) =>
          // The first payload bytes name the stream (a 32-bit index: no two streams alias); the DSCP is class-default's (only untagged SAs use it).
          sequencedPacket(direction, index, sequence, stream.packetBytes + ETHERNET_HEADER_BYTES, { destinationPort: customer.ports[laneOf(sequence)]!, dscpClass: 0, tagBytes: STREAM_TAG_BYTES });
        const flow = new Flow(stream.name, direction, customer.trafficClass, packet, this.random, customer.tunnels.length, laneOf);
        this.flows.push(flow);
        (this.flowsOfStream[index] ??= {})[direction] = flow;
        const sockets = direction === "to-peer" ? customer.tunnels.map((_, slot) => this.socket(`${stream.name}_${direction}_sa${slot}`, flow)) : [];
        this.process(`${stream.name}_${direction}`, () => this.sender(stream, index, flow, customer, sockets));
      }
    });
    const { faults } = scenario;
    if (faults.rekeys + faults.inboundRekeys + faults.deletes > 0) {
      const changes = (this.saChanges = new SaChanges(this.kernel, this.faultRandom, intermediate, this.espPeer, this.container.resolve(AesGcmBackendToken), this.tunnelSas, this.manualSas));
      this.process("sa_changes", function* (this: ScenarioTraffic) {
        yield* this.whenTrafficStarts();
        yield* changes.run(faults, (count) => this.timesInTraffic(count), (name, body) => this.process(name, body));
      }.bind(this));
    }
    if (scenario.faults.interruptStorms > 0) this.process("interrupt_storms", () => this.interruptStorms(scenario.faults.interruptStorms));
    this.process("ike_start", function* (this: ScenarioTraffic) {
      yield this.system.driver.base.whenReady();
      ike.start();
      yield* this.whenTrafficStarts();
      yield* ikeFaults(this.faults, (count) => this.timesInTraffic(count), ike, this.faultRandom);
    }.bind(this));
    // Sampling goes on over the whole run (an IKE bring-up, the drain): a floor keeps a traffic time of a few µs from taking a sample every few ns,
    // and a run much longer than its traffic coarsens the grid rather than take millions of samples.
    const interval = Math.max(MINIMUM_SAMPLE_INTERVAL, Math.round(this.duration / scenario.outputs.samples));
    this.sampler = new Sampler(this.kernel, system, interval, READINGS_PER_SAMPLE * scenario.outputs.samples);
    this.process("sampler", function* (this: ScenarioTraffic) {
      for (;;) {
        yield delay(this.sampler.interval);
        this.sampler.sample();
      }
    }.bind(this));
  }

  /**
   * Whether every packet sent has arrived, a replay injected has had time to reach the NIC, an interrupt storm has passed, the driver has taken
   * every frame the NIC received, the host has no job running or waiting and no process woken still to run (a receive lane whose job just
   * ended holds packets), and every replayed copy is delivered or dropped (copies wait in a slow RX crypto engine, or behind messages between the drivers).
   */
  get settled(): boolean {
    const { nic, driver } = this.system;
    const now = this.kernel.now;
    return (
      now >= this.trafficEnd &&
      now >= this.lastInjection + INJECTION_SETTLE &&
      this.flows.every((flow) => flow.undelivered === 0) &&
      (this.ikeCustomers?.quiet ?? true) &&
      nic.statistics.rxPackets.reduce((sum, count) => sum + count, 0) === framesTaken(driver.base.statistics) &&
      driver.cpu.quiet &&
      !this.kernel.workDueNow &&
      (this.scoreboard?.drops.copiesOutstanding ?? 0) === 0
    );
  }

  /** When the traffic ends: its start plus its duration (until IKE has finished, as if it started now). */
  get trafficEnd(): number {
    return (this.trafficStart ?? this.kernel.now) + this.duration;
  }

  /** Whether the traffic has started (every IKE customer is up, or none has IKE). */
  get trafficStarted(): boolean {
    return this.trafficStart !== null;
  }

  /** The traffic's duration, ps. */
  get trafficDuration(): number {
    return this.duration;
  }

  /** Wait until the driver is up and the traffic starts. */
  private *whenTrafficStarts() {
    yield this.system.driver.base.whenReady();
    yield until(this.started, 1);
  }

  /**
   * A host application's socket for one of a flow's SAs: it sends its packets in order, each
   * through the intermediate driver, while the flow's other sockets send theirs on other cores.
   */
  private socket(name: string, flow: Flow): (sequence: number) => void {
    // Sequence numbers wait, and each packet is made as the socket takes it: a sender held back by a full ring (an overload) kept every waiting packet's bytes.
    const mailbox = new Mailbox<number>(this.kernel, `${name}: the next packet`);
    const system = this.system;
    const kernel = this.kernel;
    this.process(name, function* () {
      for (;;) {
        const sequence = yield* mailbox.take();
        yield* system.driver.intermediate.send(flow.packet(sequence));
        flow.posted(sequence, kernel.now);
      }
    });
    return (sequence) => mailbox.push(sequence);
  }

  private *sender(stream: TrafficStream, index: number, flow: Flow, customer: { tunnels: number[]; ports: number[] }, sockets: ((sequence: number) => void)[]) {
    const system = this.system;
    // Customers through IKE are all up (or their phase 1 has failed, and their packets go nowhere).
    yield* this.whenTrafficStarts();
    const frameBytes = tunnelFrameBytes(stream.packetBytes);
    const mean = stream.load !== undefined ? system.wire.occupancy(frameBytes) / stream.load : Math.round(stream.gapMicroseconds! * 1e6);
    // Each flow draws from its own stream, so its arrivals do not change with the model's timing, and the gateway's faults on them from others.
    const name = `${this.path}.${stream.name}.${flow.direction}`;
    const random = this.kernel.random(name);
    const faults = new GatewayFlowFaults(this.faults, (fault) => this.kernel.random(`${name}.${fault}`));
    let next = this.kernel.now;
    for (let sequence = 0; ; sequence++) {
      next += stream.pattern === "constant" ? mean : Math.round(random.exponential(mean));
      if (next > this.trafficEnd) return;
      if (next > this.kernel.now) yield delay(Math.round(next - this.kernel.now));
      const slot = flow.laneOf(sequence);
      // Due at `next`: a sender that is late (held back by a full ring) makes its packets wait, and their latency shows it.
      flow.send(sequence, next);
      if (flow.direction === "to-peer") sockets[slot]!(sequence);
      else this.gateway.send(customer.tunnels[slot]!, customer.tunnels, flow.packet(sequence), faults, { flow, sequence });
    }
  }

  /** Random times in the traffic, in order. */
  private timesInTraffic(count: number): number[] {
    const start = this.kernel.now;
    return Array.from({ length: count }, () => start + this.faultRandom.integer(0, Math.max(0, this.trafficEnd - start))).sort((a, b) => a - b);
  }

  /** Interrupt storms at random times in the traffic: every cause stuck for 2 to 20 µs. */
  private *interruptStorms(count: number) {
    yield* this.whenTrafficStarts();
    for (const time of this.timesInTraffic(count)) {
      if (time > this.kernel.now) yield delay(time - this.kernel.now);
      const end = this.kernel.now + us(this.faultRandom.integer(2, 20));
      this.system.nic.interrupts.storm(end);
      // The run goes on past the storm, until the host has handled what it raised.
      this.injectedUntil(end);
    }
  }

  /** A fault lasts until `time`: the run goes on 20 µs past it, and ends there when nothing else is under way. */
  private injectedUntil(time: number): void {
    if (time <= this.lastInjection) return;
    this.lastInjection = time;
    this.settlesAt(time + INJECTION_SETTLE, "injection_settled");
  }

  /** A timestep at `time`, where the run looks for its end (`settled`): one that may end there does, not at whatever comes next (a sample). */
  private settlesAt(time: number, label: string, then: () => void = () => {}): void {
    this.kernel.schedule(time - this.kernel.now, `${this.path}.${label}`, then);
  }

  /** Copies the gateway sent on purpose (replays, forged copies; those under another tunnel's SA that found none open). */
  get injected(): Readonly<InjectedCopies> {
    return this.gateway.injected;
  }

  /** Copies the gateway sent on purpose, every fault together. */
  get injectedCopies(): number {
    return this.gateway.injectedCopies;
  }

  /** A packet delivered: to the host, under the inbound SPI that protected it (null: in the clear). */
  private arrived(direction: Direction, packet: Uint8Array, time: number, received: number | null, spi: number | null = null): void {
    const { trafficClass: streamIndex, sequence } = packetSequence(packet, STREAM_TAG_BYTES);
    const stream = this.flowsOfStream[streamIndex]?.[direction];
    const pending = stream?.isPending(sequence) ?? false;
    if (stream && this.scoreboard) {
      const where = `${stream.stream} ${direction} packet ${sequence}`;
      // A forged copy delivered in place of an original lost on its way (corrupted, overflowed) is no second delivery: the SPI tells it (from an outside check).
      if (direction === "to-host" && pending) this.scoreboard.deliveredUnder(where, spi, stream.frameOf(sequence)?.spi ?? null);
      this.scoreboard.delivered(where, pending, packet, sequence < stream.sent ? stream.packet(sequence) : null);
      if (pending) this.scoreboard.drops.delivered({ flow: stream, sequence });
    }
    if (stream && pending) stream.arrived(sequence, packet.length, time, received, time <= this.trafficEnd);
  }

  /**
   * Every SA's keys for the capture's esp_sa file: those keyed by hand, then those IKE negotiated at
   * the host, then those only a gateway brought up (a Quick Mode the host gave up on as its QM3 was lost).
   */
  get captured(): CapturedSa[] {
    const ike = this.system.driver.intermediate.ike;
    const host = [...this.manualSas, ...(ike.configured ? ike.keeper.captured : [])];
    const key = (captured: CapturedSa) => `${captured.sa.spi}>${formatIpv4(captured.destination)}`;
    const known = new Set(host.map(key));
    const gatewaysOnly = [...(this.ikeCustomers?.gateways.values() ?? [])].flatMap((gateway) => gateway.captured).filter((captured) => !known.has(key(captured)));
    return [...host, ...gatewaysOnly];
  }

  /** The IKE gateways of the customers that use it. */
  get gateways(): IkeCustomers | null {
    return this.ikeCustomers;
  }

  /** Packets the gateway's ESP receiver dropped, every reason together. */
  get gatewayDropsByReason(): Record<string, number> {
    return Object.fromEntries(this.espPeer.drops);
  }

  get gatewayDrops(): number {
    return [...this.espPeer.drops.values()].reduce((sum, count) => sum + count, 0);
  }

  /** Packets delivered, frames on the wire, and the host's cores' busy time so far (a long job on a slow core counts as it runs). */
  get progress(): number {
    return this.flows.reduce((sum, flow) => sum + flow.received, 0) + this.sampler.frames["to-peer"] + this.sampler.frames["to-host"] + this.system.driver.cpu.busy().reduce((sum, busy) => sum + busy, 0);
  }

  /**
   * Work under way that will move packets without anything counted changing meanwhile: a frame crossing a slow wire, a clocked block waiting out a long latency,
   * an IKE exchange under way at the traffic's end waiting out a retransmission (its tunnel's SAs are not yet settled), or a Quick Mode for a tunnel that is down waiting so.
   */
  get busy(): boolean {
    // IKE not at rest is not counted as such: rekeys of a seconds lifetime keep it from resting for good, and the quiet then ends the run. Only a Quick Mode for a tunnel that is down (a rekey whose pair expired on its way) holds it.
    // A message between the drivers is work under way: one of 150 µs ended a slow run as stuck, its packets a scoreboard violation (from an outside check).
    return this.system.wire.framesInFlight > 0 || this.kernel.hasClockedWork() || this.system.driver.intermediate.messages.underWay || (this.ikeCustomers !== null && (this.ikeCustomers.exchangesUnderWay || this.ikeCustomers.repairing()));
  }

  /** The end-of-run checks: the drops where each missing packet should have one (`matched`), the counters only at a quiet end (a slow host at the drain limit may not have taken all). */
  finishChecks(matched: boolean, quiet: boolean): void {
    if (!this.scoreboard || !matched) return;
    this.scoreboard.finish(this.flows, quiet);
  }

  /** Whether the scoreboard matched every packet not delivered to a counted drop that took it: none of them is on its way. */
  get everyMissingDropped(): boolean {
    return this.scoreboard !== null && this.scoreboard.drops.check(this.flows) === null;
  }

  /** Packets dropped with a counted reason: in the NIC, in the drivers, and at the gateway. */
  get countedDrops(): number {
    const sum = (map: ReadonlyMap<unknown, number>) => [...map.values()].reduce((total, count) => total + count, 0);
    return sum(this.system.nic.statistics.drops) + sum(this.system.driver.base.drops) + sum(this.system.driver.intermediate.drops) + this.gatewayDrops;
  }

  /** Each stream's flows by direction, in scenario order: a packet's first payload bytes are its stream's index. */
  private readonly flowsOfStream: Partial<Record<Direction, Flow>>[] = [];
}
