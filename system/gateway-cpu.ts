import type { Kernel } from "../sim/kernel.js";
import type { IkeStep } from "../sim/ike/ike-types.js";
import { type IkeCosts, ikeWorkCycles } from "../driver/intermediate/ike-costs.js";

/** The gateway's CPU: its IKE work priced as the host's, at this clock. */
const GATEWAY_MEGAHERTZ = 2000;

/**
 * A gateway's CPU: work waits for it in order. A step is computed when the CPU takes it (a copy is
 * told from a new message then, as a daemon reading its socket would), and handed to `done` (its
 * actions happen, its timers start) when its work is done; then its own `sent`, if it has one. A
 * computation that finds nothing to do (null: a rekey the host's Quick Mode overtook) takes no time.
 */
export class GatewayCpu {
  /** Work in order, the first the CPU's while it is working on it. */
  private readonly waiting: { readonly compute: (now: number) => IkeStep | null; readonly sent: (() => void) | undefined }[] = [];
  private working = false;

  constructor(
    private readonly kernel: Kernel,
    private readonly label: string,
    private readonly costs: IkeCosts,
    private readonly done: (step: IkeStep) => void,
  ) {}

  /** It is working on a step whose messages it has not yet sent. */
  get busy(): boolean {
    return this.working;
  }

  handle(compute: (now: number) => IkeStep | null, sent?: () => void): void {
    this.waiting.push({ compute, sent });
    if (!this.working) this.next();
  }

  private next(): void {
    this.working = true;
    let step = this.waiting[0]!.compute(this.kernel.now);
    while (step === null) {
      this.waiting.shift()!.sent?.();
      if (this.waiting.length === 0) {
        this.working = false;
        return;
      }
      step = this.waiting[0]!.compute(this.kernel.now);
    }
    const picoseconds = Math.round((ikeWorkCycles(step.work, this.costs) * 1e6) / GATEWAY_MEGAHERTZ);
    this.kernel.schedule(picoseconds, this.label, () => {
      const { sent } = this.waiting.shift()!;
      this.done(step);
      sent?.();
      this.working = false;
      if (this.waiting.length > 0) this.next();
    });
  }
}
