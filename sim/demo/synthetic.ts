import { inject, injectable } from "../di.js";
import { ClockedComponent, Component, type ComponentContext, ComponentContextToken } from "../component.js";
import { defineEnum } from "../enum-type.js";
import { param } from "../parameters.js";
import { delay } from "../process.js";
import type { Signal, WideSignal } from "../signal.js";

/** Widths of a bank's eight signals: scalars, vectors and one wider than a number holds. */
export const BANK_WIDTHS = [1, 4, 8, 12, 16, 24, 32, 64] as const;

export const BankMode = defineEnum("bank_mode", ["HOLD", "COUNT", "SHIFT", "MIX"]);

/** One value a bank wrote: for tests that compare the dump with what the model did. */
export interface BankWrite {
  time: number;
  path: string;
  value: number | bigint;
}

/**
 * A synthetic clocked component with eight signals of mixed widths. Signal i may change every
 * (i+1)-th active cycle; bit 0 of the next value mixes in the neighbour bank's first signal, so
 * the result depends on every bank seeing its neighbours' committed values, never their next ones.
 * It sleeps while `enable` is low, so the kernel may skip its edges.
 */
@injectable()
export class SignalBank extends ClockedComponent {
  readonly outputs: Array<Signal | WideSignal>;
  readonly mode: Signal;
  neighbour: Signal | null = null;
  enable: Signal | null = null;
  /** When set, every write is appended here. */
  log: BankWrite[] | null = null;
  private state: number;
  private activeCycles = 0;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.outputs = BANK_WIDTHS.map((width, index) => (width > 53 ? this.wideSignal(`s${index}`, width) : this.signal(`s${index}`, width)));
    this.mode = this.enumSignal("mode", BankMode);
    this.state = this.random.nextUint32() | 1;
  }

  override isIdle(): boolean {
    return this.enable !== null && this.enable.value === 0;
  }

  evaluate(): void {
    if (this.isIdle()) return;
    this.activeCycles++;
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x;
    const carry = this.neighbour ? this.neighbour.value : 0;
    const outputs = this.outputs;
    for (let index = 0; index < outputs.length; index++) {
      if (this.activeCycles % (index + 1) !== 0) continue;
      const width = BANK_WIDTHS[index]!;
      const output = outputs[index]!;
      if (width > 53) {
        const value = ((BigInt(x >>> 0) << 32n) | BigInt((x ^ 0x5a5a5a5a) >>> 0)) ^ BigInt(carry);
        (output as WideSignal).set(value);
        this.record(output.path, value);
      } else {
        const value = ((x >>> 0) % 2 ** width ^ carry) >>> 0;
        (output as Signal).set(value);
        this.record(output.path, value);
      }
    }
    if (this.activeCycles % 5 === 0) {
      const mode = (x >>> 3) & 3;
      this.mode.set(mode);
      this.record(this.mode.path, mode);
    }
  }

  private record(path: string, value: number | bigint): void {
    this.log?.push({ time: this.kernel.now, path, value });
  }
}

export const BankCreationOrder = Symbol("BankCreationOrder");

/**
 * Banks in a ring, each reading its predecessor. A host process raises `enable` for bursts and
 * lowers it in between, so the design has idle stretches the kernel can skip.
 */
@injectable()
export class SyntheticDesign extends Component {
  static readonly parameterSpecs = {
    banks: param.integer(32, "Number of signal banks in the ring", { minimum: 1 }),
    burstCycles: param.cycles(400, "Core cycles each burst keeps the banks enabled", { minimum: 1 }),
    gapNanoseconds: param.integer(0, "Idle time between bursts (0: always enabled)", { minimum: 0, unit: "ns" }),
  };
  readonly params = this.parameters(SyntheticDesign.parameterSpecs);
  readonly banks: SignalBank[] = [];
  readonly enable: Signal;
  readonly burstStart = this.event("burst_start");

  constructor(@inject(ComponentContextToken) context: ComponentContext, @inject(BankCreationOrder) order: (count: number) => number[]) {
    super(context);
    this.enable = this.signal("enable", 1, { initial: this.params.gapNanoseconds === 0 ? 1 : 0 });
    // Creation order is injectable so a test can register the banks in shuffled orders.
    const banks = new Array<SignalBank>(this.params.banks);
    for (const index of order(this.params.banks)) banks[index] = this.child(SignalBank, `bank${String(index).padStart(2, "0")}`);
    banks.forEach((bank, index) => {
      bank.neighbour = banks[(index + banks.length - 1) % banks.length]!.outputs[0] as Signal;
      bank.enable = this.enable;
    });
    this.banks.push(...banks);
    if (this.params.gapNanoseconds > 0) this.process("host", () => this.bursts());
  }

  private *bursts() {
    const clock = this.banks[0]!.clock;
    for (;;) {
      yield delay(this.params.gapNanoseconds * 1000);
      this.enable.set(1);
      this.burstStart.fire();
      yield delay(this.params.burstCycles * clock.period);
      this.enable.set(0);
    }
  }
}

/** Creation order that registers banks in index order. */
export const inOrder = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
