import type { Channel } from "../../sim/channel.js";
import type { InjectionToken } from "../../sim/di.js";
import type { GcmContext } from "../../sim/crypto/gcm-engine.js";
import type { ParameterValues } from "../../sim/parameters.js";
import type { EspLayout } from "./esp-frame.js";
import type { SaEntry } from "./sa-cache.js";
import type { cryptoParameters } from "./crypto-parameters.js";
import type { FrameStages } from "../trace/frame-stages.js";

export type CryptoOutcome = "ok" | "icv-failed" | "invalidated";

export interface CryptoJob<Tag> {
  readonly encrypt: boolean;
  readonly entry: SaEntry;
  /** Higher runs first: the packet's traffic class (seed 000). */
  readonly priority: number;
  /** The frame, changed in place: ciphertext and ICV written (encrypt) or plaintext (decrypt, when the ICV verifies). */
  readonly frame: Uint8Array;
  readonly layout: EspLayout;
  readonly tag: Tag;
  readonly reply: Channel<CryptoResult<Tag>>;
}

export interface CryptoResult<Tag> {
  readonly job: CryptoJob<Tag>;
  readonly outcome: CryptoOutcome;
  /** Times this job was suspended for a higher-priority one. */
  readonly preemptions: number;
}

/** A job in the pipeline: its real GCM state and how far it got. */
export interface Work {
  readonly job: CryptoJob<unknown>;
  /** The GCM context at `bytesDone`, once the job has been suspended (null: never stepped). */
  context: GcmContext | null;
  output: Uint8Array | null;
  bytesDone: number;
  preemptions: number;
  /** An engine has begun it (key setup) at least once. */
  started: boolean;
}

/** What an engine sees of the other engines of its direction. */
export interface EngineView {
  /** The job the engine is working on (running, saving, restoring or in key setup), if any. */
  readonly running: Work | null;
}

/** The shared side of a direction's crypto engines: parameters, the priority queue, the engines. */
export interface CryptoDispatch {
  readonly params: ParameterValues<typeof cryptoParameters>;
  /** Jobs ready to start, highest priority first. */
  readonly queue: Work[];
  readonly engines: readonly EngineView[];
  /** Bumped whenever a job arrives or an engine starts, suspends or finishes one: engines look again. */
  readonly epoch: number;
  readonly stages: FrameStages;
  changed(): void;
  enqueue(work: Work, front?: boolean): void;
}

export const CryptoDispatchToken: InjectionToken<CryptoDispatch> = Symbol("CryptoDispatch");
export const SaCacheToken = Symbol("SaCache");
