import { join, relative } from "node:path";
import { container as rootContainer } from "../../sim/di.js";
import type { Design } from "../../sim/component.js";
import { AesGcmBackendToken } from "../../sim/crypto/backend.js";
import { eachAttempted, type FailedRunExtent, type LeftFile, OutputFiles } from "../../sim/output-files.js";
import { beginRunFiles, recordWaveform } from "../../sim/vcd/waveform.js";
import { type Capture, recordCapture } from "../../hw/link/capture.js";
import { type CapturedSa, espSaRecord, writeEspSaFile } from "../../sim/ipsec/wireshark-esp-sa.js";
import { spi } from "../../sim/ipsec/esp.js";
import type { IcvLength } from "../../sim/crypto/backend.js";
import { SA_DIRECTION_OUTBOUND, type SaRecordFields } from "../../hw/spec/sa-record.js";
import { buildNic } from "../hardware.js";
import type { NicHardware } from "../nic-system.js";
import { DeviceSession } from "./session.js";
import { describeEnding, formatServeSummary, type ServeEnding, serveSummary, type ServeSummary } from "./serve-summary.js";

/** What a served run is built from: a scenario's name, seed, device parameters and outputs, or the options'. */
export interface ServeConfig {
  readonly name: string;
  readonly seed: number;
  /** Parameters by path (`top.nic.queues`), or trees (`top.nic`: { queues: 1 }). */
  readonly parameters: Record<string, unknown>;
  readonly parametersSource?: string;
  /** Where the files go; null writes none (tests of the protocol alone). */
  readonly directory: string | null;
  readonly waveform: boolean;
  readonly pcap: boolean;
  /** Simulated CPU time every request costs the client, ps. */
  readonly callPicoseconds: number;
}

export const DEFAULT_CALL_NANOSECONDS = 20;

export interface ServedRunResult {
  readonly summary: ServeSummary;
  readonly text: string;
  /** The files, under their own names: none for a run stopped by a signal, whose files are `left`. */
  readonly files: readonly string[];
  /** The files left under temporary names (a run stopped by a signal, or whose files could not be written), each with its state. */
  readonly left: readonly LeftFile[];
  /** Why the files could not be written or named, when they could not. */
  readonly failure?: string;
  /** How far the run got when its files failed: the client had left (its simulation was over), and the files never begun. */
  readonly extent?: FailedRunExtent;
}


/**
 * One run of the device for one client: the NIC, host memory, wire and peer with no driver, the
 * client's session, and the run's files (VCD, .gtkw, pcap, esp_sa, summary), streamed while it
 * runs and given their own names when it ends, however it ends.
 */
export class ServedRun {
  readonly design: Design<NicHardware>;
  readonly session: DeviceSession;
  private readonly base: string | null;
  private readonly directory: string | null;
  private readonly files: OutputFiles | null;
  private readonly waveform: ReturnType<typeof recordWaveform> | null;
  private readonly capture: Capture | null;
  private result: ServedRunResult | null = null;

  constructor(readonly config: ServeConfig) {
    // The design registers the backend its parameters choose (top.cryptoBackend); the peer uses the same.
    this.design = buildNic({ seed: config.seed, parameters: config.parameters, parametersSource: config.parametersSource, container: rootContainer.createChildContainer() });
    this.session = new DeviceSession(this.design, { callPicoseconds: config.callPicoseconds }, this.design.container.resolve(AesGcmBackendToken));
    const { kernel, top } = this.design;
    this.base = config.directory === null ? null : join(config.directory, config.name);
    this.directory = config.directory;
    this.files = config.directory === null ? null : new OutputFiles(config.directory);
    // Before any client is served: a name taken by a directory, a device or a pipe would fail only when the client leaves.
    const suffixes = [...(config.waveform ? [".vcd", ".gtkw"] : []), ...(config.pcap ? [".pcap", ".esp_sa"] : []), ".summary.json"];
    const base = this.base;
    const files = this.files;
    const opened =
      base !== null && files !== null
        ? beginRunFiles(files, base, suffixes.map((suffix) => `${base}${suffix}`), config.waveform ? kernel : null, () => ({
            waveform: config.waveform ? recordWaveform(kernel, base, { comment: `nicsim serve ${config.name}, seed ${config.seed}` }, files) : null,
            capture: config.pcap ? recordCapture(top.wire, `${base}.pcap`, files) : null,
          }))
        : { waveform: null, capture: null };
    this.waveform = opened.waveform;
    this.capture = opened.capture;
    // The SAs the client installs in the NIC go into the key file too: the frames the NIC encrypts are in the capture, peer SA or not.
    if (this.capture) top.nic.offload.cache.onInstall = (fields) => (fields.direction === SA_DIRECTION_OUTBOUND ? this.deviceOutbound : this.deviceInbound).push(capturedSa(fields));
  }

  /** SAs installed in the NIC, as the key file holds them, by direction. */
  private readonly deviceOutbound: CapturedSa[] = [];
  private readonly deviceInbound: CapturedSa[] = [];

  get finished(): ServedRunResult | null {
    return this.result;
  }

  /**
   * End the run (once): close the waveform and capture, write the esp_sa file and the summary, and
   * give the files their names; a run stopped by a signal leaves them under their temporary names,
   * as `nicsim run` does, so that it replaces no earlier run's files.
   */
  finish(ending: ServeEnding): ServedRunResult {
    if (this.result) return this.result;
    try {
      return this.finishFiles(ending);
    } finally {
      // The names are free for another run however this one ended.
      this.files?.unlock();
    }
  }

  private finishFiles(ended: ServeEnding): ServedRunResult {
    let ending = ended;
    const { kernel } = this.design;
    const files: string[] = [];
    // The writes the client posted before it left still reach the device (a doorbell on a disabled queue, just before a disconnect, was never seen).
    // One that would land past the model's last time never does, as what would happen later never does.
    if (ending.kind !== "interrupted" && !kernel.failed) {
      try {
        this.session.clock.landPostedWrites();
      } catch (error) {
        // The model failed on the way: the files are left as a failed run's, below, and the summary says why.
        ending = { kind: "simulation-error", message: error instanceof Error ? error.message : String(error) };
      }
    }
    // Stopped between two messages, or the model failed (a file that could not be written as the run went among the causes): the files keep their temporary names.
    const unfinished = ending.kind === "interrupted" || kernel.failed;
    let summary: ReturnType<typeof serveSummary> | null = null;
    // The client has left: a failure from here is in writing the files.
    if (!unfinished) this.files?.simulationFinished(describeEnding(ending));
    // Every file's writing, the translate filters' too: a failure is said with the files left and their state, as a failed run's are, never as an exception from the socket's end.
    try {
      // The capture and the dump, streamed as the run went, are complete now: closed first, so that a failure writing the others does not call them cut off,
      // and each whatever the other's closing does.
      const waveform = this.waveform;
      // Each file written whatever became of the one before (a capture on a full disk lost the summary), the first failure said.
      eachAttempted([
        // Stopped between two messages, or after the model failed, they are cut off where the run stopped, as `nicsim run` says of its own (the capture was called complete: an outside check).
        // An interrupted run's dump has no end marker, as `nicsim run`'s has not: the marker says the run finished (it said so of a SIGTERM'd serve).
        () => eachAttempted([() => (unfinished ? this.capture?.writer.close() : this.capture?.close()), () => (waveform && !unfinished ? waveform.closeDump() : kernel.close())]),
        () => {
          if (!waveform) return;
          // Interrupted, the dump has no end marker and is cut off where the run stopped, as `nicsim run` says of its own (it was called complete, and `inspect` called it cut off: an outside check).
          const written = waveform.finish(unfinished);
          files.push(written.vcd, written.gtkw, ...written.filters);
        },
        () => {
          if (!this.capture) return;
          files.push(this.capture.path);
          // The keys leave the model here only, beside the capture, for the user's own decryption: the peer's SAs, and those installed in the NIC the peer was not given.
          // Wireshark takes the first line of an SPI: the encrypting end's key first (the NIC's outbound SAs, the peer's for what it sends), so that a client
          // that gave the two ends different keys sees the frames decrypted as sent.
          // Written without SAs too: an earlier run's of the same name, holding other keys, was left beside the new capture (an outside check).
          const sas = distinctSas([...this.deviceOutbound, ...this.session.peer.sas, ...this.deviceInbound]);
          files.push(`${this.base}.esp_sa`);
          this.files!.writeWith(`${this.base}.esp_sa`, (path) => writeEspSaFile(path, sas));
        },
        (failedBefore) => {
          if (this.base) files.push(`${this.base}.summary.json`);
          // Files left under temporary names are named by the listing of files left, not here by names they never got.
          // Named within the output directory: the summary is the same however --out was spelled (it held the paths as typed).
          // So are those whose own names are taken by now (found before the renaming, which would refuse them all).
          const named = !unfinished && !failedBefore && (this.files?.renameProblems().length ?? 0) === 0;
          summary = serveSummary(this, ending, named ? files.map((file) => relative(this.directory!, file)) : []);
          if (this.base) this.files!.write(`${this.base}.summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
        },
      ]);
      if (!unfinished) this.files?.commit();
    } catch (error) {
      summary ??= serveSummary(this, ending, []);
      this.result = { summary, text: formatServeSummary(summary), files: this.files?.renamedFiles ?? [], left: this.left(), failure: error instanceof Error ? error.message : String(error), extent: this.files?.extent };
      return this.result;
    }
    // Every step ran without a failure, the summary's among them.
    const written = summary!;
    this.result = { summary: written, text: formatServeSummary(written), files: unfinished ? [] : files, left: unfinished ? this.left() : [] };
    return this.result;
  }

  /** The run's files still under temporary names, as they are on disk now (all of them before the run has ended). */
  left(): LeftFile[] {
    return this.files?.left() ?? [];
  }
}

/** An installed record as the key file holds it (its addresses IPv4, the only ESP the device carries). */
function capturedSa(fields: SaRecordFields): CapturedSa {
  const address = (bytes: Uint8Array) => [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!] as const;
  return { sa: { spi: spi(fields.spi), keyMaterial: fields.keyMaterial.slice(), icvLength: fields.icvLength as IcvLength, esn: fields.esn }, source: address(fields.source), destination: address(fields.destination) };
}

/** Each SA once, in the order given (an SA installed again, or given to the peer and the NIC both, is one line). */
function distinctSas(sas: readonly CapturedSa[]): CapturedSa[] {
  const seen = new Set<string>();
  return sas.filter((sa) => {
    const line = espSaRecord(sa);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}
