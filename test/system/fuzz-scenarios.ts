import fc from "fast-check";
import type { ScenarioInput } from "../../system/scenario/schema.js";
import { tunnelFrameBytes } from "../../system/ipsec-setup.js";

const CLASSES = ["gold", "silver", "bronze"];

/** Descriptors a TX frame may span: the NIC's TX descriptor cache (nic.tx.descriptorCache, 64 by default) bounds it besides the ring. */
const TX_DESCRIPTOR_CACHE = 64;
const TX_BUFFER_SIZES = [512, 1024, 2048, 4096, 9216];
const RX_BUFFER_SIZES = [256, 512, 1024, 2048, 4096, 16384];

/** A draw that is usually `usual` and now and then one of the corners, so that large dimensions cost little time on average. */
function mostly<T>(usual: fc.Arbitrary<T>, corners: fc.Arbitrary<T>, cornerWeight = 1): fc.Arbitrary<T> {
  return fc.oneof({ weight: 4, arbitrary: usual }, { weight: cornerWeight, arbitrary: corners });
}

/** Ring sizes from 8 to 4096 descriptors (multiples of 8, as TDLEN/RDLEN require), or the driver's default. */
const ringSize = mostly(fc.constant(undefined), fc.oneof(fc.constantFrom(8, 16, 24, 32, 64), fc.integer({ min: 2, max: 512 }).map((eighths) => eighths * 8)), 2);

/** The smallest buffer of `sizes` at least `chosen` that carries a `frame`-byte frame in at most `most` descriptors. */
function fitBuffer(chosen: number, frame: number, most: number, sizes: readonly number[]): number {
  return sizes.find((size) => size >= chosen && Math.ceil(frame / size) <= most) ?? sizes.at(-1)!;
}

/**
 * A random scenario: customers and their SAs (several per queue), the SA table, the traffic mix,
 * its priorities and spread over the SAs, up to 1024 streams, packets up to 9000 bytes; ring and
 * buffer sizes; fill mode, placement (and the metric policy's periods and threshold); crypto
 * policies (and where suspended contexts are saved) in the NIC and on the host; the host's cores and check interval; interrupt
 * moderation; DMA latency spikes, and with `dmaFaults` read errors and completion timeouts; the
 * gateway's faults; outbound and inbound rekeys and deletes, in turn or overlapping; interrupt
 * storms.
 */
export function randomScenarios(options: { dmaFaults: boolean }): fc.Arbitrary<ScenarioInput> {
  const stream = fc.record({
    customer: fc.nat(),
    direction: fc.constantFrom("to-peer", "to-host", "both"),
    packetBytes: mostly(fc.integer({ min: 64, max: 1500 }), fc.integer({ min: 1501, max: 9000 })),
    load: fc.option(fc.double({ min: 0.02, max: 0.35, noNaN: true }), { nil: undefined }),
    gapMicroseconds: fc.double({ min: 0.5, max: 8, noNaN: true }),
    pattern: fc.constantFrom("poisson", "constant"),
    spread: fc.constantFrom("even", "zipf"),
  });
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      durationMicroseconds: fc.integer({ min: 15, max: 50 }),
      tableEntries: fc.integer({ min: 1, max: 8 }),
      fill: fc.constantFrom("driver", "pointer"),
      placement: fc.constantFrom("token", "metric"),
      policy: fc.constantFrom("preempt-resume", "preempt-restart", "run-to-completion"),
      engines: fc.integer({ min: 1, max: 2 }),
      contextStore: fc.constantFrom("per-engine", "shared"),
      bytesPerCycle: fc.constantFrom(4, 8, 16, 32),
      extraLatency: fc.constantFrom(0, 0, 40, 200),
      readError: options.dmaFaults ? fc.constantFrom(0, 0, 0.0005, 0.005) : fc.constant(0),
      completionTimeout: options.dmaFaults ? fc.constantFrom(0, 0, 0.0005, 0.005) : fc.constant(0),
      cores: fc.constantFrom(1, 2, 4, 8),
      hostPolicy: fc.constantFrom("preempt-resume", "preempt-restart", "run-to-completion"),
      checkBytes: fc.constantFrom(16, 256, 4096),
      switchCycles: fc.constantFrom(0, 300),
      interruptInterval: fc.constantFrom(0, 0, 10_000),
      txRing: ringSize,
      rxRing: ringSize,
      txBuffer: fc.option(fc.constantFrom(...TX_BUFFER_SIZES), { nil: undefined }),
      rxBuffer: fc.option(fc.constantFrom(...RX_BUFFER_SIZES), { nil: undefined }),
      metric: fc.record({ decayPeriodNanoseconds: fc.constantFrom(2_000, 100_000), policyPeriodNanoseconds: fc.constantFrom(0, 5_000, 50_000), threshold: fc.constantFrom(-1, 0, 2), replaceOnMiss: fc.boolean() }),
      customers: fc.array(
        fc.record({
          sas: fc.integer({ min: 1, max: 6 }),
          group: fc.integer({ min: 1, max: 4 }),
          // Through IKE (Main or Aggressive Mode, a kilobyte lifetime or none, seconds up to a day's) or keyed by hand.
          ike: fc.option(fc.record({ mode: fc.constantFrom("main" as const, "aggressive" as const), lifetimeKilobytes: fc.constantFrom(0, 30, 300), lifetimeSeconds: fc.constantFrom(3600, 0, 86_400) }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      streams: fc.array(stream, { minLength: 1, maxLength: 4 }),
      // Many streams: copies of a light stream, each sending a packet or two.
      manyStreams: fc.oneof({ weight: 30, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 200, max: 1020 }) }),
      corrupt: fc.constantFrom(0, 0, 0.03),
      replay: fc.constantFrom(0, 0, 0.03),
      rekeys: fc.constantFrom(0, 0, 1, 2, 4),
      inboundRekeys: fc.constantFrom(0, 0, 1, 2, 4),
      deletes: fc.constantFrom(0, 0, 1, 2),
      overlapping: fc.boolean(),
      interruptStorms: fc.constantFrom(0, 0, 1),
      ikeLoss: fc.constantFrom(0, 0, 0.1),
      ikeDeletes: fc.constantFrom(0, 0, 1),
      ikeMalformed: fc.constantFrom(0, 0, 2),
      // Forged copies from the gateway's side: in the clear, and under another tunnel's SA (where there is another).
      cleartext: fc.constantFrom(0, 0, 0.03),
      crossTunnel: fc.constantFrom(0, 0, 0.03),
    })
    .map((draw): ScenarioInput => {
      const many = Array.from({ length: draw.manyStreams }, (_, index) => ({ customer: index, direction: "both" as const, packetBytes: 64 + (index % 16) * 40, load: undefined, gapMicroseconds: 20, pattern: "constant" as const, spread: "even" as const }));
      const streams = [...draw.streams, ...many];
      // Buffers large enough for the longest frame in the descriptors a ring (and the NIC's TX cache) lets it span.
      const longest = tunnelFrameBytes(Math.max(...streams.map((stream) => stream.packetBytes)));
      const txRing = draw.txRing ?? 512;
      const rxRing = draw.rxRing ?? 512;
      const txBuffer = fitBuffer(draw.txBuffer ?? 2048, longest, Math.min(txRing - 1, TX_DESCRIPTOR_CACHE), TX_BUFFER_SIZES);
      const rxBuffer = fitBuffer(draw.rxBuffer ?? 2048, longest, rxRing - 1, RX_BUFFER_SIZES);
      // SA faults change manually keyed SAs, IKE faults IKE's: each only where there are such customers.
      const manual = draw.customers.some((customer) => !customer.ike);
      const ike = draw.customers.some((customer) => customer.ike);
      return {
        name: "random",
        seed: draw.seed,
        durationMicroseconds: draw.durationMicroseconds,
        nic: {
          sacache: { txEntries: draw.tableEntries, rxEntries: draw.tableEntries },
          crypto_tx: { policy: draw.policy, engines: draw.engines, contextStore: draw.contextStore, bytesPerCycle: draw.bytesPerCycle },
          crypto_rx: { policy: draw.policy, engines: draw.engines, contextStore: draw.contextStore, bytesPerCycle: draw.bytesPerCycle },
          dma: { extraLatencyMaximum: draw.extraLatency, ...(draw.readError > 0 ? { readErrorProbability: draw.readError } : {}), ...(draw.completionTimeout > 0 ? { completionTimeoutProbability: draw.completionTimeout } : {}) },
        },
        driver: {
          cpu: { cores: draw.cores, policy: draw.hostPolicy, checkBytes: draw.checkBytes, switchCycles: draw.switchCycles },
          base: { saFill: draw.fill, interruptIntervalNanoseconds: draw.interruptInterval, txRingDescriptors: txRing, rxRingDescriptors: rxRing, txBufferBytes: txBuffer, rxBufferBytes: rxBuffer },
          // Cheap Diffie-Hellman: IKE brings customers up in tens of µs, not hundreds, so the random runs stay short.
          intermediate: { placement: draw.placement, ...(draw.placement === "metric" ? { metric: draw.metric } : {}), ike: { cyclesPerModularExponentiation: 20_000 } },
        },
        // Group 4 has no profile: its SAs are untagged and fall back to the inner DSCP.
        qos: [
          ...draw.customers.flatMap((customer, index) => (customer.group <= 3 ? [`crypto isakmp profile c${index}`, ` match identity host domain c${index}.example`, ` set ipsec-qos-group ${customer.group}`] : [])),
          ...CLASSES.flatMap((name, index) => [`class-map match-any ${name}`, ` match qos-group ${index + 1}`]),
          "policy-map edge",
          " class gold",
          "  priority percent 10",
          " class silver",
          "  bandwidth percent 40",
          " class bronze",
          "  bandwidth percent 30",
        ].join("\n"),
        customers: draw.customers.map((customer, index) => ({
          name: `c${index}`,
          identity: { type: "ID_FQDN" as const, value: `gw.c${index}.example` },
          sas: customer.sas,
          ...(customer.ike ? { ike: { ...customer.ike, preSharedKey: `key-c${index}` } } : {}),
        })),
        traffic: streams.map((stream, index) => ({
          name: `s${index}`,
          customer: `c${stream.customer % draw.customers.length}`,
          direction: stream.direction,
          packetBytes: stream.packetBytes,
          pattern: stream.pattern,
          spread: stream.spread,
          ...(stream.load !== undefined ? { load: stream.load } : { gapMicroseconds: stream.gapMicroseconds }),
        })),
        faults: {
          corruptProbability: draw.corrupt,
          replayProbability: draw.replay,
          cleartextProbability: draw.cleartext,
          crossTunnelProbability: draw.customers.reduce((sas, customer) => sas + customer.sas, 0) > 1 ? draw.crossTunnel : 0,
          rekeys: manual ? draw.rekeys : 0,
          inboundRekeys: manual ? draw.inboundRekeys : 0,
          deletes: manual ? draw.deletes : 0,
          overlappingSaChanges: draw.overlapping,
          interruptStorms: draw.interruptStorms,
          ikeLossProbability: ike ? draw.ikeLoss : 0,
          ikeDeletes: ike ? draw.ikeDeletes : 0,
          ikeMalformed: ike ? draw.ikeMalformed : 0,
        },
        outputs: { waveform: false, pcap: false, html: false, saTrace: false },
      };
    });
}
