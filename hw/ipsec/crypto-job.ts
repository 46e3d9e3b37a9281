import type { Account } from "../qos/class-scheduler.js";
import type { Channel } from "../../sim/channel.js";
import type { GcmOperation } from "../../sim/crypto/gcm-operation.js";
import type { EspLayout } from "./esp-frame.js";
import type { SaEntry } from "./sa-cache.js";

export type CryptoOutcome = "ok" | "icv-failed" | "invalidated";

export interface CryptoJob<Tag> {
  readonly encrypt: boolean;
  readonly entry: SaEntry;
  /** The traffic class queue the job belongs to: its TX_SCHED orders the job (seed 000). */
  readonly queue: number;
  /** The frame, changed in place: ciphertext and ICV written (encrypt) or plaintext (decrypt, when the ICV verifies). */
  readonly frame: Uint8Array;
  readonly layout: EspLayout;
  readonly tag: Tag;
  readonly reply: Channel<CryptoResult<Tag>>;
}

export interface CryptoResult<Tag> {
  readonly job: CryptoJob<Tag>;
  readonly outcome: CryptoOutcome;
  /** Times this job was suspended or displaced for a higher-priority one. */
  readonly preemptions: number;
}

/** A job in the pipeline: its real GCM state and how far it got. */
export interface Work {
  readonly job: CryptoJob<unknown>;
  /** Bytes of the job's data (payload, padding, trailer): what its data path time and its scheduler cost count. */
  readonly bytes: number;
  /** The AES-GCM of the job: its real state once suspended (`operation.saved`), and how far it got. */
  readonly operation: GcmOperation;
  /** Its place among the pipeline's jobs, in the order they came: of two suspended jobs of one rank, the older resumes first. */
  readonly arrival: number;
  preemptions: number;
  /** Times it was sent back with nothing gained (out of an engine's front, or out of its data path before a block) since it last gained a block. */
  cuts: number;
  /** The scheduler account its place in an engine was charged to: a job displaced back is credited there (it was credited to whichever queue was picked last). */
  charged: Account | null;
  /** What it was charged there (jobCost): credited back as much. */
  chargedCost: number;
  /** Stage events already recorded: an engine's front took it, its key was ready, its data path took it. */
  started: boolean;
  ready: boolean;
  running: boolean;
}

export const SaCacheToken = Symbol("SaCache");
