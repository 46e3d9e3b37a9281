import { inject, injectable } from "../di.js";
import type { ClockDomain } from "../clock-domain.js";
import { ClockedComponent, Component, type ComponentContext, ComponentContextToken } from "../component.js";
import { defineEnum } from "../enum-type.js";
import { param } from "../parameters.js";
import { delay, until } from "../process.js";

export const ProducerState = defineEnum("producer_state", ["IDLE", "FETCH", "SEND"]);
export const ConsumerState = defineEnum("consumer_state", ["IDLE", "SERIALISE"]);

/** Clock domains of the demonstration, registered before the tree is built. */
export interface PipelineClocks {
  core: ClockDomain;
  line: ClockDomain;
}
export const PipelineClocksToken = Symbol("PipelineClocks");

/** A word FIFO in the core domain. Pops are requested by toggling pop_toggle (a clock-crossing handshake). */
@injectable()
export class WordFifo extends ClockedComponent {
  readonly params = this.parameters({ depth: param.integer(16, "FIFO depth in 32-bit words", { minimum: 1, maximum: 4096 }) });
  readonly pushValid = this.signal("push_valid", 1);
  readonly pushData = this.signal("push_data", 32);
  readonly popToggle = this.signal("pop_toggle", 1);
  readonly count = this.signal("count", 13);
  readonly full = this.signal("full", 1);
  readonly head = this.signal("head", 32);
  private readonly words: number[] = [];
  private seenToggle = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  override isIdle(): boolean {
    return this.pushValid.value === 0 && this.popToggle.value === this.seenToggle;
  }

  evaluate(): void {
    if (this.popToggle.value !== this.seenToggle) {
      this.seenToggle = this.popToggle.value;
      this.words.shift();
    }
    if (this.pushValid.value === 1 && this.words.length < this.params.depth) this.words.push(this.pushData.value);
    this.count.set(this.words.length);
    this.full.set(this.words.length >= this.params.depth ? 1 : 0);
    this.head.set(this.words[0] ?? 0);
  }
}

/** Fetches a burst after each doorbell (fixed latency), then pushes its words while the FIFO has room. */
@injectable()
export class Producer extends ClockedComponent {
  readonly params = this.parameters({ fetchLatency: param.cycles(12, "Core cycles from doorbell to the first word") });
  readonly state = this.enumSignal("state", ProducerState);
  readonly doorbell = this.signal("doorbell", 8);
  readonly wordsSent = this.signal("words_sent", 32, { kind: "integer" });
  fifo!: WordFifo;
  private pending = 0;
  private wait = 0;
  private lastDoorbell = 0;
  private sent = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  override isIdle(): boolean {
    return this.state.value === ProducerState.code("IDLE") && this.doorbell.value === this.lastDoorbell;
  }

  evaluate(): void {
    const fifo = this.fifo;
    // The doorbell carries a running count of requested words (mod 256), like a tail pointer.
    if (this.doorbell.value !== this.lastDoorbell) {
      this.pending += (this.doorbell.value - this.lastDoorbell + 256) % 256;
      this.lastDoorbell = this.doorbell.value;
      if (this.state.value === ProducerState.code("IDLE")) this.wait = this.params.fetchLatency;
    }
    let push = 0;
    if (this.pending > 0 && this.wait > 0) {
      this.wait--;
      this.state.set(ProducerState.code("FETCH"));
    } else if (this.pending > 0) {
      this.state.set(ProducerState.code("SEND"));
      if (fifo.full.value === 0 && !(fifo.pushValid.value === 1 && fifo.count.value + 1 >= fifo.params.depth)) {
        push = 1;
        fifo.pushData.set((this.sent * 0x9e3779b1) >>> 0);
        this.pending--;
        this.sent++;
        this.wordsSent.set(this.sent);
      }
    } else {
      this.state.set(ProducerState.code("IDLE"));
    }
    fifo.pushValid.set(push);
  }
}

/** Serialises words onto a line in its own clock domain: wordCycles line cycles per word. */
@injectable()
export class Consumer extends ClockedComponent {
  readonly params = this.parameters({ wordCycles: param.cycles(4, "Line cycles to serialise one word", { minimum: 1 }) });
  readonly state = this.enumSignal("state", ConsumerState);
  readonly lineData = this.signal("line_data", 32);
  readonly wordDone = this.event("word_done");
  fifo!: WordFifo;
  private remaining = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  override isIdle(): boolean {
    return this.remaining === 0 && this.fifo.count.value === 0;
  }

  evaluate(): void {
    if (this.remaining > 0) {
      if (--this.remaining === 0) this.wordDone.fire();
      return;
    }
    // wordCycles >= 1 line cycle (longer than a core cycle) has passed since the last pop, so count shows it.
    if (this.fifo.count.value > 0) {
      this.lineData.set(this.fifo.head.value);
      this.fifo.popToggle.set(this.fifo.popToggle.value ^ 1);
      this.remaining = this.params.wordCycles;
      this.state.set(ConsumerState.code("SERIALISE"));
    } else {
      this.state.set(ConsumerState.code("IDLE"));
    }
  }
}

/**
 * The demonstration design: a host process rings a doorbell with random bursts; a producer
 * fetches and pushes the words into a FIFO; a consumer in the line clock domain drains it.
 */
@injectable()
export class PipelineDemo extends Component {
  readonly params = this.parameters({
    bursts: param.integer(40, "Doorbells the host rings", { minimum: 1 }),
    maxBurstWords: param.integer(24, "Largest burst in words", { minimum: 1, maximum: 255 }),
    meanGapNanoseconds: param.integer(400, "Mean idle time between doorbells", { minimum: 0, unit: "ns" }),
  });
  readonly fifo: WordFifo;
  readonly producer: Producer;
  readonly consumer: Consumer;
  readonly requested = this.signal("requested_words", 32, { kind: "integer" });

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(PipelineClocksToken) clocks: PipelineClocks) {
    super(context);
    this.fifo = this.child(WordFifo, "fifo", { clock: clocks.core });
    this.producer = this.child(Producer, "producer", { clock: clocks.core });
    this.consumer = this.child(Consumer, "consumer", { clock: clocks.line });
    this.producer.fifo = this.fifo;
    this.consumer.fifo = this.fifo;
    this.process("host", () => this.host());
  }

  private *host() {
    let total = 0;
    for (let burst = 0; burst < this.params.bursts; burst++) {
      yield delay(Math.round(this.random.exponential(this.params.meanGapNanoseconds)) * 1000);
      total += this.random.integer(1, this.params.maxBurstWords);
      this.producer.doorbell.set(total % 256);
      this.requested.set(total);
    }
    yield until(this.producer.wordsSent, total);
    yield until(this.fifo.count, 0);
    yield this.consumer.wordDone;
    this.kernel.stop(`all ${total} words serialised`);
  }
}
