import { inject, injectable } from "../../sim/di.js";
import { Channel } from "../../sim/channel.js";
import { ClockedComponent, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { defineEnum } from "../../sim/enum-type.js";
import { param } from "../../sim/parameters.js";
import type { EspLayout } from "./esp-frame.js";
import { type SaCache, type SaEntry } from "./sa-cache.js";

export const CryptoState = defineEnum("crypto_state", ["IDLE", "ENCRYPT", "DECRYPT"]);

export type CryptoOutcome = "ok" | "icv-failed" | "invalidated";

export interface CryptoJob<Tag> {
  readonly encrypt: boolean;
  readonly entry: SaEntry;
  /** The frame, changed in place: ciphertext and ICV written (encrypt) or plaintext (decrypt, when the ICV verifies). */
  readonly frame: Uint8Array;
  readonly layout: EspLayout;
  readonly tag: Tag;
  readonly reply: Channel<CryptoResult<Tag>>;
}

export interface CryptoResult<Tag> {
  readonly job: CryptoJob<Tag>;
  readonly outcome: CryptoOutcome;
}

export const SaCacheToken = Symbol("SaCache");

/**
 * An inline AES-GCM engine serving jobs first come, first served, timed in cycles: key setup when
 * the SA differs from the previous job's, a pipeline latency, and bytesPerCycle of data. The bytes
 * are computed with the SA's block-granular GCM engine when the job completes, after checking the
 * SA was not invalidated meanwhile.
 */
@injectable()
export class CryptoEngine extends ClockedComponent {
  readonly params = this.parameters({
    bytesPerCycle: param.integer(16, "Bytes encrypted or decrypted per core cycle", { minimum: 1, maximum: 1024, unit: "bytes" }),
    latency: param.cycles(20, "Pipeline latency of a job, core cycles"),
    keySetupCycles: param.cycles(10, "Core cycles to load a different SA's key schedule"),
  });
  readonly state = this.enumSignal("state", CryptoState);
  readonly handle = this.signal("handle", 17);
  readonly jobBytes = this.signal("job_bytes", 16);
  readonly waiting = this.signal("jobs_waiting", 16);
  readonly completed = this.signal("jobs_done", 32, { kind: "integer" });
  readonly incoming: Channel<CryptoJob<unknown>>;
  private readonly queue: CryptoJob<unknown>[] = [];
  private current: CryptoJob<unknown> | null = null;
  private doneAt = 0;
  private lastEntry: SaEntry | null = null;
  private done = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(SaCacheToken) private readonly cache: SaCache) {
    super(context);
    this.incoming = new Channel(this.kernel, this.clock);
  }

  submit<Tag>(job: CryptoJob<Tag>): void {
    this.incoming.push(job as CryptoJob<unknown>);
  }

  override isIdle(): boolean {
    if (this.incoming.length > 0) return false;
    if (this.current) return this.kernel.now < this.doneAt;
    return this.queue.length === 0 && this.state.value === CryptoState.code("IDLE");
  }

  evaluate(): void {
    const now = this.kernel.now;
    for (let job = this.incoming.take(); job; job = this.incoming.take()) this.queue.push(job);
    if (this.current && now >= this.doneAt) {
      const job = this.current;
      this.current = null;
      job.reply.push({ job, outcome: this.cache.isCurrent(job.entry) ? this.run(job) : "invalidated" });
      this.completed.set(++this.done);
    }
    if (!this.current && this.queue.length > 0) {
      const job = this.queue.shift()!;
      const bytes = job.layout.dataEnd - job.layout.dataOffset;
      const setup = job.entry === this.lastEntry ? 0 : this.params.keySetupCycles;
      this.lastEntry = job.entry;
      const cycles = this.cache.params.lookupCycles + setup + this.params.latency + Math.ceil(bytes / this.params.bytesPerCycle);
      this.current = job;
      this.doneAt = now + cycles * this.clock.period;
      this.clock.wakeAt(this.doneAt, now);
    }
    const current = this.current;
    this.state.set(CryptoState.code(current ? (current.encrypt ? "ENCRYPT" : "DECRYPT") : "IDLE"));
    this.handle.set(current ? current.entry.index + 1 : 0);
    this.jobBytes.set(current ? Math.min(current.layout.dataEnd - current.layout.dataOffset, 0xffff) : 0);
    this.waiting.set(Math.min(this.queue.length, 0xffff));
  }

  /**
   * The real bytes: AES-GCM over the ESP payload with AAD SPI ‖ sequence and nonce salt ‖ IV.
   * Jobs here run start to finish (first come, first served), so the engine's one-shot path
   * serves; a pipeline that suspends jobs steps the engine's context instead, to the same bytes.
   */
  private run(job: CryptoJob<unknown>): CryptoOutcome {
    const { frame, layout, entry } = job;
    const nonce = new Uint8Array(12);
    nonce.set(entry.salt);
    nonce.set(frame.subarray(layout.ivOffset, layout.ivOffset + 8), 4);
    const aad = frame.subarray(layout.ivOffset - 8, layout.ivOffset);
    const icvLength = entry.icvLength as 8 | 12 | 16;
    if (job.encrypt) {
      frame.set(entry.engine.sealWhole(nonce, aad, frame.subarray(layout.dataOffset, layout.dataEnd), icvLength), layout.dataOffset);
      return "ok";
    }
    const plaintext = entry.engine.openWhole(nonce, aad, frame.subarray(layout.dataOffset, layout.icvEnd), icvLength);
    if (plaintext === null) return "icv-failed";
    frame.set(plaintext, layout.dataOffset);
    return "ok";
  }
}
