import { SignalError } from "./errors.js";
import type { EnumType } from "./enum-type.js";
import { formatTime } from "./time.js";

export type VariableKind = "wire" | "reg" | "integer";

/** Widest signal held as a JavaScript number; wider ones hold a bigint. */
export const MAX_NUMBER_WIDTH = 53;

/** What a signal needs from the kernel: the current phase, the commit list and the clock for messages. */
export interface SignalHost {
  readonly now: number;
  readonly phase: number;
  /** Signals written this phase, the first `pendingCount` of them (the array is reused, never truncated). */
  readonly pending: AnySignal[];
  pendingCount: number;
}

export interface SignalOptions {
  kind?: VariableKind;
  /** Value before the first commit. */
  initial?: number | bigint;
  enumType?: EnumType;
  /**
   * Let several writers set the signal in one phase, the last write winning: for software state
   * (a driver counter) updated by several processes. Hardware signals keep one driver.
   */
  lastWriteWins?: boolean;
}

export type SignalPredicate<T> = (value: T) => boolean;

/**
 * Counts the changes of any signal's `watched` (its waveform window opening or closing, its first
 * waiter or its last leaving): a block asking on every run whether any of its dozens of signals is
 * watched asks again only after one. One count for every kernel: another's changes only make it ask.
 */
export const watchChanges = { count: 0 };

export interface SignalWaiter<T> {
  readonly predicate: SignalPredicate<T>;
  readonly resume: (value: T) => void;
}

/**
 * A two-phase signal: reads see the value committed at the end of the previous phase; writes set
 * the next value, and the kernel commits every written signal together, so the order in which
 * components evaluate cannot change what any of them sees.
 */
export abstract class SignalBase<T extends number | bigint> {
  current: T;
  next: T;
  /** Phase of the last write, to detect two different writes in one phase. */
  writePhase = -1;
  /** Position in the trace, or -1 when the signal is not dumped. */
  traceIndex = -1;
  /** Processes waiting for a value: changed only by addWaiter and releaseWaiters, which count the changes of `watched` (watchChanges). */
  private waiters: SignalWaiter<T>[] | null = null;

  get hasWaiters(): boolean {
    return this.waiters !== null;
  }
  lastWriteWins = false;
  /**
   * Called when a process starts waiting on the signal: a block that, unwatched, brings it up to
   * date only when it runs for other reasons wakes here to show it edge by edge again.
   */
  onWatched: (() => void) | null = null;
  /** Called before the signal is read: a block that, unwatched, draws it only when it runs brings it up to date for the reader. */
  refresh: (() => void) | null = null;

  constructor(
    protected readonly host: SignalHost,
    readonly path: string,
    readonly width: number,
    readonly kind: VariableKind,
    readonly enumType: EnumType | undefined,
    initial: T,
  ) {
    if (!Number.isInteger(width) || width < 1) throw new SignalError(`signal '${path}': width ${width} is not a positive integer`);
    // IEEE 1364 dumps an integer as 32 bits: another width is a reg vector (GTKWave read either; a stricter reader would not).
    if (kind === "integer" && width !== 32) throw new SignalError(`signal '${path}': an integer is 32 bits wide in a VCD (IEEE 1364), not ${width}: declare a reg of ${width} bits`);
    this.current = initial;
    this.next = initial;
  }

  /** Applied by subclasses after construction, from SignalOptions. */
  protected applyOptions(options: SignalOptions): void {
    this.lastWriteWins = options.lastWriteWins ?? false;
  }

  get value(): T {
    if (this.refresh !== null) this.refresh();
    return this.current;
  }

  /**
   * Set the value a commit at an earlier edge would have made, without one: for a block that
   * drew the signal lazily and brings it up to date as it is read. Only for a signal outside the
   * waveform, which would have recorded the change at that edge.
   */
  showDrawn(value: T): void {
    this.current = value;
    this.next = value;
  }

  get name(): string {
    return this.path.slice(this.path.lastIndexOf(".") + 1);
  }

  /** Write the next value; it becomes visible to everyone after this phase commits. */
  set(value: T): void {
    const host = this.host;
    // Writing the value it already holds, first in a phase, changes nothing: skip the commit list.
    // (Such a write then does not count towards the one-driver check.)
    if (value === this.current && this.writePhase !== host.phase) return;
    if (!this.fits(value)) {
      throw new SignalError(`value ${formatValue(value)} does not fit signal '${this.path}' (${this.width} bits) at ${formatTime(host.now)}`);
    }
    if (this.writePhase === host.phase) {
      if (this.next !== value && this.lastWriteWins) {
        this.next = value;
      } else if (this.next !== value) {
        throw new SignalError(
          `signal '${this.path}' written twice in one phase at ${formatTime(host.now)} with different values ` +
            `(${formatValue(this.next)} then ${formatValue(value)}); a signal has one driver`,
        );
      }
      return;
    }
    this.writePhase = host.phase;
    this.next = value;
    host.pending[host.pendingCount++] = this as unknown as AnySignal;
  }

  /** Commit the next value; returns whether the value changed. */
  commit(): boolean {
    if (this.next === this.current) return false;
    this.current = this.next;
    return true;
  }

  private recorded = false;

  /** Whether the waveform records its changes now: traced, and its dump window open (or about to open). */
  get inWaveform(): boolean {
    return this.recorded;
  }

  set inWaveform(recorded: boolean) {
    if (recorded !== this.recorded) watchChanges.count++;
    this.recorded = recorded;
  }

  /** Whether anything sees each change: the waveform, or a process waiting on it. */
  get watched(): boolean {
    return this.recorded || this.waiters !== null;
  }

  addWaiter(waiter: SignalWaiter<T>): void {
    if (this.waiters === null) {
      this.waiters = [];
      watchChanges.count++;
    }
    this.waiters.push(waiter);
    this.onWatched?.();
  }

  /** Resume the waiters whose condition now holds; keep the rest. */
  releaseWaiters(): void {
    const waiters = this.waiters;
    if (waiters === null) return;
    const value = this.current;
    const kept: SignalWaiter<T>[] = [];
    for (const waiter of waiters) {
      if (waiter.predicate(value)) waiter.resume(value);
      else kept.push(waiter);
    }
    if (kept.length > 0) this.waiters = kept;
    else {
      this.waiters = null;
      watchChanges.count++;
    }
  }

  protected abstract fits(value: T): boolean;
}

/** Signals of 1 to 53 bits, held as numbers. */
export class Signal extends SignalBase<number> {
  private readonly maximum: number;

  constructor(host: SignalHost, path: string, width: number, options: SignalOptions = {}) {
    if (width > MAX_NUMBER_WIDTH) throw new SignalError(`signal '${path}': ${width} bits needs a WideSignal (numbers hold at most ${MAX_NUMBER_WIDTH})`);
    super(host, path, width, options.kind ?? (width === 1 ? "wire" : "reg"), options.enumType, Number(options.initial ?? 0));
    this.maximum = 2 ** width - 1;
    this.applyOptions(options);
    if (!this.fits(this.current)) throw new SignalError(`signal '${path}': initial value ${this.current} does not fit ${width} bits`);
  }

  protected fits(value: number): boolean {
    return value >= 0 && value <= this.maximum && Number.isInteger(value);
  }
}

/** Signals wider than 53 bits, held as bigints (use bytesToBigint for byte buffers). */
export class WideSignal extends SignalBase<bigint> {
  private readonly maximum: bigint;

  constructor(host: SignalHost, path: string, width: number, options: SignalOptions = {}) {
    super(host, path, width, options.kind ?? "reg", undefined, BigInt(options.initial ?? 0n));
    this.maximum = (1n << BigInt(width)) - 1n;
    this.applyOptions(options);
    if (!this.fits(this.current)) throw new SignalError(`signal '${path}': initial value does not fit ${width} bits`);
  }

  protected fits(value: bigint): boolean {
    return typeof value === "bigint" && value >= 0n && value <= this.maximum;
  }
}

export type AnySignal = SignalBase<number> | SignalBase<bigint>;

export function bytesToBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

export function bigintToBytes(value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = length - 1; index >= 0; index--) {
    bytes[index] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

function formatValue(value: number | bigint): string {
  return typeof value === "bigint" || Number.isInteger(value) ? `0x${value.toString(16)}` : String(value);
}
