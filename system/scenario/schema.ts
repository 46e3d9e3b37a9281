import { z } from "zod";
import { CRYPTO_BACKENDS, DEFAULT_CRYPTO_BACKEND } from "../../sim/crypto/backend-choice.js";
import { parameterTree } from "./parameter-tree.js";
import { isScopePattern, SCOPE_PATTERN_FORM } from "../../sim/vcd/selection.js";
import { wholeWithinRounding } from "../../sim/time.js";

/**
 * A list of at most `maximum` entries, refused as zod's max() refuses it but with its entries'
 * own mistakes said too: max() stopped before the entries, and 257 customers said only their count,
 * their hundreds of other mistakes coming a round later (from an outside check).
 */
function atMost<T extends z.ZodArray>(list: T, maximum: number): T {
  return list.check((context) => {
    if (context.value.length > maximum) context.issues.push({ code: "too_big", origin: "array", maximum, inclusive: true, input: context.value });
  });
}

/**
 * Sizes a scenario may have. A run holds a process per stream and direction, and a socket per SA of
 * each stream sent to the peer: far beyond these, memory runs out before anything useful is shown.
 */
export const LIMITS = {
  customers: 256,
  streams: 4096,
  /** A shorter mean gap rounds to nothing in the kernel's picoseconds, or offers far more than any line carries. */
  gapMicroseconds: 0.001,
  fileBytes: 8 * 1024 * 1024,
  /** Levels of mappings and lists: the deepest scenario has six (qos.policyMaps[0].classes[0].…); the walks over a value recurse. */
  nesting: 32,
  /** IPsec SA pairs of one customer. */
  customerSas: 64,
  /** SA pairs of all customers: their SPIs and inner ports must stay distinct. */
  sas: 256,
} as const;

/** A waveform scope pattern, checked at load (the recorder would refuse it only once the run starts). */
const scopePattern = z.string().superRefine((pattern, context) => {
  if (isScopePattern(pattern)) return;
  // Signal names write a customer name's '-' as '_': a pattern with the customer's own spelling is told so.
  const hint = pattern.includes("-") && isScopePattern(pattern.replaceAll("-", "_")) ? ` (signal names write a customer name's '-' as '_': '${pattern.replaceAll("-", "_")}')` : "";
  context.addIssue({ code: "custom", message: `expected ${SCOPE_PATTERN_FORM}${hint}` });
});

/** Positive and below a picosecond (1e-12 µs) rounds to none; not positive is refused as such. */
const atLeastOnePicosecond = (microseconds: number) => microseconds <= 0 || microseconds >= 0.000001;
/** A time in µs that is a whole number of picoseconds, the kernel's time base (one past a double's range in ps, or below a picosecond, is left to the check that says so). */
const wholePicoseconds = (microseconds: number) => !Number.isFinite(microseconds * 1e6) || !atLeastOnePicosecond(microseconds) || wholeWithinRounding(microseconds * 1e6);

export const IDENTITY_TYPES = ["ID_IPV4_ADDR", "ID_FQDN", "ID_USER_FQDN", "ID_IPV4_ADDR_SUBNET", "ID_IPV6_ADDR", "ID_IPV6_ADDR_SUBNET", "ID_IPV4_ADDR_RANGE", "ID_IPV6_ADDR_RANGE", "ID_DER_ASN1_DN", "ID_DER_ASN1_GN", "ID_KEY_ID"] as const;


/** A customer's name: some signals carry it (top.traffic.<name>_ready). */
export const customerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, "a name of letters, digits, '-' and '_', starting with a letter");

export const customerSchema = z.strictObject({
  name: customerName,
  /** The IKE phase-1 identity the customer's gateway presents: it selects the ISAKMP profile, hence the class. */
  // At most 4096 characters: an ID payload's length is 16 bits, and a longer name (an FQDN is at most 253) is a mistake.
  identity: z.strictObject({ type: z.enum(IDENTITY_TYPES), value: z.string().min(1).max(4096, "at most 4096 characters") }),
  /** IPsec SA pairs (tunnels) negotiated under the customer's IKE SA. */
  sas: z.int().min(1).max(LIMITS.customerSas).default(1),
  /**
   * IKEv1 on the wire: the gateway brings the customer up through phase 1 (its identity in the ID
   * payload) and a Quick Mode per SA pair before its traffic flows. Without it the SAs are keyed
   * by hand (from the seed) and exist from the start.
   */
  ike: z
    .strictObject({
      mode: z.enum(["main", "aggressive"]).default("main"),
      /** The host's keyring entry for this gateway (by its address). */
      preSharedKey: z.string().min(1).max(128),
      /** The key the gateway itself is configured with, when it differs from the host's (a misconfiguration: phase 1 fails). */
      gatewayPreSharedKey: z.string().min(1).max(128).optional(),
      /** The gateway's address; by default 192.0.2.(10 + the customer's index). Each gateway needs its own (Main Mode picks the key by address). */
      address: z
        .string()
        .refine((text) => /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(text) && text.split(".").every((part) => Number(part) <= 255), "expected an IPv4 address (a.b.c.d, each part 0 to 255, without leading zeros)")
        .optional(),
      /** The ESP SAs' lifetimes the gateway proposes in Quick Mode; the host rekeys at softLifetimePercent of either. 0: none proposed (seconds: RFC 2407's default, 28800 s, then applies). */
      lifetimeSeconds: z.int().min(0).max(86_400).default(3600),
      lifetimeKilobytes: z.int().min(0).max(2 ** 31).default(0),
    })
    .optional(),
});

const streamFields = z.strictObject({
  name: z.string().min(1),
  customer: z.string(),
  direction: z.enum(["to-peer", "to-host", "both"]),
  /** Inner IPv4 packet length. */
  packetBytes: z.int().min(64).max(9000),
  /** Offered rate as a fraction of the line rate (of the ESP frames on the wire), or a mean gap. */
  load: z.number().gt(0).max(1).optional(),
  gapMicroseconds: z.number().min(LIMITS.gapMicroseconds, `at least ${LIMITS.gapMicroseconds} µs (1 ns): a shorter gap rounds to nothing in picoseconds, or offers more than any line carries`).optional(),
  /** constant: evenly spaced; poisson: exponential gaps with the same mean. */
  pattern: z.enum(["constant", "poisson"]).default("poisson"),
  /** How packets go round the customer's SAs: even (in turn), or zipf (SA k of n carries a share proportional to 1/k). */
  spread: z.enum(["even", "zipf"]).default("even"),
});

/** A stream's rate, given by exactly one of these: a --set of one replaces the other where the file gives it. */
export const STREAM_RATE_FIELDS = ["load", "gapMicroseconds"] as const;

/**
 * Checked beside the entry's other mistakes (zod skips a refinement of an object with any): it was said only once they were fixed.
 * Its own two fields count as given when present, whatever their values, whose own mistakes are said at them.
 */
const stream = streamFields.refine((value) => (value.load === undefined) !== (value.gapMicroseconds === undefined), {
  message: `give exactly one of ${STREAM_RATE_FIELDS.join(" and ")}`,
  when: (payload) => typeof payload.value === "object" && payload.value !== null && !Array.isArray(payload.value),
});

/** What the device's fit of a stream depends on: its frames' length and its direction. */
export const streamShape = z.object({ packetBytes: streamFields.shape.packetBytes, direction: streamFields.shape.direction });

/** What a stream offers besides its shape, for the run's size: its rate, exactly one of load and gapMicroseconds. */
export const streamRate = z.object({ load: streamFields.shape.load, gapMicroseconds: streamFields.shape.gapMicroseconds }).refine((value) => (value.load === undefined) !== (value.gapMicroseconds === undefined));

const qosJson = z.looseObject({});

/** A run's name: it names the run's files (with suffixes such as .summary.json.partial), and a file name is at most 255 bytes. */
export const runName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "a name usable in file names: letters, digits, '-' and '_', starting with a letter or digit").max(128, "at most 128 characters: it names the run's files, with their suffixes");

/** The largest seed: the kernel's random streams are seeded with 32 bits. */
export const MAX_SEED = 2 ** 32 - 1;

/** The waveform's scope and exclude patterns (outputs.waveformScopes, outputs.waveformExclude). */
export const waveformPatterns = {
  // Empty, it would select nothing: a dump without a signal.
  waveformScopes: z.array(scopePattern).refine((scopes) => scopes.length > 0, "an empty list selects no signal: leave waveformScopes out to record every signal, or set outputs.waveform: false"),
  waveformExclude: z.array(scopePattern),
};

export const scenarioSchema = z.strictObject({
  name: runName,
  description: z.string().optional(),
  seed: z.int().min(0).max(MAX_SEED).default(1),
  /** Simulated time the traffic runs; the run then drains until every packet is in, or nothing moves for 100 µs. */
  // At least a picosecond: a shorter positive duration (1e-12) passes as whole picoseconds, and is none.
  durationMicroseconds: z.number().gt(0).max(1_000_000).refine(atLeastOnePicosecond, "expected at least 0.000001 (1 ps)").refine(wholePicoseconds, "expected a whole number of picoseconds (at most six decimals)"),
  /** Parameter overrides of the NIC (`top.nic`), the drivers (`top.driver`), the wire (`top.wire`) and the remote gateway's station (`top.peer`). */
  nic: parameterTree.default({}),
  driver: parameterTree.default({}),
  wire: parameterTree.default({}),
  peer: parameterTree.default({}),
  /** The QoS policy: the seed's Cisco IOS text, or the same as JSON. */
  qos: z.union([z.string(), qosJson]).optional(),
  customers: atMost(z.array(customerSchema).min(1), LIMITS.customers),
  /** The scoreboards (conservation laws, order, payloads, counters); off only for speed. */
  checks: z.boolean().default(true),
  /** The AES-GCM the model computes with (the parameter `top.cryptoBackend`): node (node:crypto, OpenSSL) or noble (@noble/ciphers, pure JavaScript); the same bytes either way. */
  cryptoBackend: z.enum(CRYPTO_BACKENDS).default(DEFAULT_CRYPTO_BACKEND),
  /** Faults: the remote gateway corrupts (the ICV fails) and replays frames; SAs are rekeyed and deleted mid-flight; the NIC's interrupt causes stick. */
  faults: z
    .strictObject({
      corruptProbability: z.number().min(0).max(1).default(0),
      replayProbability: z.number().min(0).max(1).default(0),
      /** Copies of the gateway's packets a forger sends in the clear: the host must drop each as UNPROTECTED (RFC 4301 5.2: a protected flow's packet arriving unprotected). */
      cleartextProbability: z.number().min(0).max(1).default(0),
      /**
       * Copies sent under another tunnel's SA (another customer's where there is one, else another of the customer's own), as a gateway
       * injecting into a flow it does not carry: the host must drop each as SELECTOR_MISMATCH (RFC 4301 5.2 step 4).
       */
      crossTunnelProbability: z.number().min(0).max(1).default(0),
      /** Outbound SAs rekeyed while traffic flows (at random times, random tunnels): packets under the old SA finish or are dropped and counted. */
      rekeys: z.int().min(0).max(64).default(0),
      /** Inbound SAs rekeyed the same way: the host installs the new SA, the gateway sends under it from then on, the old one is deleted. */
      inboundRekeys: z.int().min(0).max(64).default(0),
      /** Rekeys and deletes each start at their own time, even while others are still under way (as when the host and the gateway start exchanges at once); otherwise one after another. */
      overlappingSaChanges: z.boolean().default(false),
      /**
       * SAs deleted without a successor (at random times, random tunnels, either direction): an outbound one takes its policy
       * with it, so the tunnel's later packets are dropped as NO_POLICY; the gateway goes on sending under a deleted inbound one (UNKNOWN_SPI).
       */
      deletes: z.int().min(0).max(64).default(0),
      /** IKE messages the link loses (either way), each with this probability: the sender retransmits. */
      ikeLossProbability: z.number().min(0).max(0.9).default(0),
      /** ESP SA pairs a gateway deletes mid-traffic with an Informational Delete (IKE customers): the host deletes its ends through the SA lifecycle. */
      ikeDeletes: z.int().min(0).max(64).default(0),
      /** Malformed ISAKMP messages (truncated, garbage, wrong lengths) a gateway sends at random times: the host drops and counts each. */
      ikeMalformed: z.int().min(0).max(64).default(0),
      /** Interrupt storms: for 2 to 20 µs at a random time, every interrupt cause stays asserted, so each vector fires again as soon as it is unmasked and its EITR allows. */
      interruptStorms: z.int().min(0).max(64).default(0),
    })
    .default({ corruptProbability: 0, replayProbability: 0, cleartextProbability: 0, crossTunnelProbability: 0, rekeys: 0, inboundRekeys: 0, overlappingSaChanges: false, deletes: 0, ikeLossProbability: 0, ikeDeletes: 0, ikeMalformed: 0, interruptStorms: 0 }),
  traffic: atMost(z.array(stream).min(1), LIMITS.streams),
  outputs: z
    .strictObject({
      // Empty would write into whatever directory the run starts in, as `--out ''` is refused for.
      directory: z.string().refine((text) => text.trim() !== "", "expected a path (say '.' for the current directory)").default("waveforms"),
      waveform: z.boolean().default(true),
      /** What the waveform holds: scope patterns (`*` within a name, `**` across levels) and a window in µs. */
      waveformScopes: waveformPatterns.waveformScopes.optional(),
      waveformExclude: waveformPatterns.waveformExclude.optional(),
      // At most 1000 s: no run is longer, and beyond it a time in ps passes what a double holds exactly.
      // Whole picoseconds, as the duration: 5.0000001 to 5.0000004 both became 5 µs, and 0.0000004 passed where `to` refused it.
      waveformFromMicroseconds: z.number().min(0).max(1e9).refine(atLeastOnePicosecond, "expected 0 or at least 0.000001 (1 ps)").refine(wholePicoseconds, "expected a whole number of picoseconds (at most six decimals)").optional(),
      waveformToMicroseconds: z.number().min(0).max(1e9).refine(atLeastOnePicosecond, "expected 0 or at least 0.000001 (1 ps)").refine(wholePicoseconds, "expected a whole number of picoseconds (at most six decimals)").optional(),
      pcap: z.boolean().default(true),
      html: z.boolean().default(true),
      /** The run's SA accesses (`<name>.sa-trace.jsonl`, one record per packet) for `nicsim policy-eval --trace`. */
      saTrace: z.boolean().default(true),
      /** Samples over the traffic for the plots; a run longer than ten times that many doubles its interval as it goes. */
      samples: z.int().min(10).max(10_000).default(100),
    })
    .default({ directory: "waveforms", waveform: true, pcap: true, html: true, saTrace: true, samples: 100 }),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type TrafficStream = Scenario["traffic"][number];
export type ScenarioCustomer = Scenario["customers"][number];
