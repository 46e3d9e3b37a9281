import { describeDmaFaults } from "../scenario/run-ending.js";
import { PROTOCOL_VERSION, type ProtocolErrorName } from "../../hw/spec/device-protocol.js";
import { formatTime } from "../../sim/time.js";
import { type DeviceDiagnostics, diagnostics, framesInDevice } from "../hardware.js";
import { describeCounts } from "../report.js";
import { DIAGNOSTICS_KEPT } from "../../hw/error-log.js";
import type { PeerCounts } from "./bench-peer.js";
import type { ServedRun } from "./served-run.js";
import type { StoppingSignal } from "./stop-request.js";

/** How a served run ended. */
export type ServeEnding =
  | { readonly kind: "goodbye" }
  /**
   * The client went away without GOODBYE; `cutOff` names a message it left half sent, `unserved`
   * the whole ones not served (unread replies held them back), `unservedPosted` how many of them were
   * posted writes, which no reply would have said were lost;
   * `stoppedReading`: over stdio, it closed the server's output (stdout) rather than its input;
   * `readBytes`: its socket was closed before the server had read it to its end (a reply written to
   * it failed), after this many bytes: what came after, if the client sent more, was never read, and `cutOff` is the server's.
   */
  | { readonly kind: "disconnected"; readonly cutOff: string | null; readonly unserved?: number; readonly unservedPosted?: number; readonly stoppedReading?: true; readonly readBytes?: number }
  /** The client program the server started was killed by a signal (SIGSEGV, SIGKILL…) before its GOODBYE. */
  | { readonly kind: "client-killed"; readonly signal: NodeJS.Signals; readonly cutOff: string | null; readonly readBytes?: number }
  /** The client never connected (its command exited first, or its input ended before any message). */
  | { readonly kind: "no-client"; readonly reason: string }
  /** The server was stopped by a signal between two of the client's messages; its files stay under temporary names. */
  | { readonly kind: "interrupted"; readonly signal: StoppingSignal }
  | { readonly kind: "protocol-error"; readonly error: ProtocolErrorName; readonly message: string }
  | { readonly kind: "simulation-error"; readonly message: string };

export interface ServeSummary {
  readonly name: string;
  readonly seed: number;
  readonly protocol: string;
  readonly ending: ServeEnding & { readonly text: string };
  readonly simulatedNanoseconds: number;
  /** The same time exactly: near the model's last time (2^53 ps) nanoseconds as a number lose the picoseconds. */
  readonly simulatedPicoseconds: number;
  readonly client: { readonly name: string | null; readonly callNanoseconds: number; readonly messages: Readonly<Record<string, number>> };
  /** Frames each way, those still in the device's RX buffer when the run ended (a queue disabled, or out of buffers), and those it had taken to send and had not sent; its drops are in `device`. */
  readonly frames: { readonly toPeer: number; readonly toHost: number; readonly inRxBuffer: number; readonly inTxDevice: number; readonly txDescriptorsPending: number; readonly txDescriptorsAbandoned: number; readonly onWire: number };
  readonly peer: PeerCounts & { readonly refusals: Readonly<Record<string, number>>; readonly echo: boolean };
  readonly device: DeviceDiagnostics;
  /** The DMA engine's fault injection, in words (empty: none). */
  readonly faults: readonly string[];
  /** The run's files, by their names in the output directory. */
  readonly files: readonly string[];
}

/** The ending in words. */
export function describeEnding(ending: ServeEnding): string {
  switch (ending.kind) {
    case "goodbye":
      return "the client said goodbye";
    case "disconnected":
      return `the client disconnected without GOODBYE${ending.stoppedReading ? ": it stopped reading its replies (the server's stdout was closed)" : ""}${ending.unserved ? `, ${ending.unserved} of its messages not served (unread replies held them back; ${ending.unservedPosted ? `${ending.unservedPosted} of them posted writes, lost without a reply to say so` : "none of them posted"})` : ""}${cutOff(ending.cutOff, ending.readBytes)}${unread(ending.readBytes)}`;
    case "client-killed":
      return `the client was killed by ${ending.signal}, without GOODBYE${cutOff(ending.cutOff, ending.readBytes)}${unread(ending.readBytes)}`;
    case "no-client":
      return `no client connected: ${ending.reason}`;
    case "interrupted":
      return `interrupted by ${ending.signal}: the server was stopped between two of the client's messages`;
    case "protocol-error":
      return `protocol error ${ending.error}: ${ending.message}`;
    case "simulation-error":
      return `the model failed: ${ending.message}`;
  }
}

/** A message left half sent by the client, or, where its stream was cut before the server read it all, the last one the server read in part. */
const cutOff = (words: string | null, readBytes: number | undefined) => (!words ? "" : readBytes === undefined ? `, in the middle of a message (${words})` : `, the last message read in part (${words})`);

const unread = (readBytes: number | undefined) =>
  readBytes === undefined ? "" : `; a reply written to the closed end failed before the server had read the stream's end, so anything it sent after its first ${readBytes} bytes was not read or served (the server cannot tell whether more was sent)`;

export function serveSummary(run: ServedRun, ending: ServeEnding, files: readonly string[]): ServeSummary {
  const { kernel, top } = run.design;
  const session = run.session;
  const statistics = top.nic.statistics;
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  return {
    name: run.config.name,
    seed: run.config.seed,
    protocol: `${PROTOCOL_VERSION.major}.${PROTOCOL_VERSION.minor}`,
    ending: { ...ending, text: describeEnding(ending) },
    simulatedNanoseconds: kernel.now / 1000,
    simulatedPicoseconds: kernel.now,
    client: { name: session.clientName, callNanoseconds: run.config.callPicoseconds / 1000, messages: Object.fromEntries([...session.counts].sort(([a], [b]) => a.localeCompare(b))) },
    frames: {
      toPeer: sum(statistics.txPackets),
      toHost: sum(statistics.rxPackets),
      // Those taken from the TX rings (written back DD, some of them): a client that says goodbye at once leaves them unsent.
      ...framesInDevice(top.nic),
      // Posted and not done (TDH to TDT): the frames in flight's among them, and those the device had not fetched or started.
      txDescriptorsPending: sum(top.nic.tx.queues.map(({ ring }) => ring.pending)),
      // Posted and not done when the client enabled their ring again (TXDCTL.ENABLE resets head and tail): given up by the client, never sent.
      txDescriptorsAbandoned: sum(top.nic.tx.queues.map(({ ring }) => ring.abandoned)),
      // Sent by either end and not yet at the other (waiting for the line among them): with the rest, every frame the peer sent is counted somewhere.
      onWire: top.wire.framesInFlight,
    },
    peer: { ...session.peer.counts, refusals: Object.fromEntries(session.peer.refusals), echo: session.peer.echo },
    device: diagnostics(top.nic),
    faults: describeDmaFaults(top.nic.dma.params),
    files,
  };
}

/** A few lines for a person: how it ended, the traffic each way, and what the device objected to. */
export function formatServeSummary(summary: ServeSummary): string {
  const lines = [
    `${summary.name}: ${summary.ending.text} (seed ${summary.seed}, ${formatTime(summary.simulatedPicoseconds)} simulated, ${summary.client.name === null ? "no client" : summary.client.name === "" ? "a client with no name" : `client ${summary.client.name}`})`,
    `  frames: ${summary.frames.toPeer} sent by the NIC, ${summary.frames.toHost} delivered to the host; peer received ${summary.peer.received}, decrypted ${summary.peer.decrypted}, refused ${summary.peer.refused}, sent ${summary.peer.sent}`,
    `  dropped by the device: ${describeCounts(summary.device.drops)}; delivered flagged with an error in their descriptor: ${describeCounts(summary.device.flagged)}; still in its RX buffer at the end: ${summary.frames.inRxBuffer}; taken from the TX rings and not yet sent: ${summary.frames.inTxDevice}; TX descriptors posted and not yet done: ${summary.frames.txDescriptorsPending}${summary.frames.txDescriptorsAbandoned > 0 ? ` (and ${summary.frames.txDescriptorsAbandoned} given up: posted and not done when their ring was enabled again)` : ""}; on the wire at the end, either way: ${summary.frames.onWire}`,
    ...(summary.faults.length > 0 ? [`  faults injected: ${summary.faults.join(", ")}`] : []),
    `  device errors: ${summary.device.errorCount}${summary.device.errorCount > 0 ? "" : " (none)"}`,
    ...summary.device.errors.slice(0, 10).map((error) => `    ${error}`),
  ];
  if (summary.device.errorCount > 10) lines.push(`    … ${summary.device.errorCount - 10} more (the summary file lists up to ${2 * DIAGNOSTICS_KEPT})`);
  return `${lines.join("\n")}\n`;
}
