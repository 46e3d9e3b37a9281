import { inject, injectable } from "../../sim/di.js";
import { Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { CpuWork } from "./cpu-work.js";

/**
 * One host core as the waveform shows it: what it is doing and for which traffic class, and a
 * pulse and a count for each job suspended on it. Its busy time feeds the utilisation plot.
 */
@injectable()
export class CpuCore extends Component {
  // A job can end and the next begin in one phase: the last write is the one that holds.
  readonly work = this.enumSignal("work", CpuWork, { lastWriteWins: true });
  readonly jobClass = this.signal("job_class", 3, { lastWriteWins: true });
  readonly preempted = this.event("preempted");
  readonly preemptionCount = this.signal("preemptions", 32, { kind: "integer", lastWriteWins: true });
  preemptions = 0;
  /** Picoseconds spent on jobs and switches, up to busySince. */
  private busyTotal = 0;
  private busySince: number | null = null;

  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
  }

  /** Busy time up to now, the running stretch included. */
  busy(now: number): number {
    return this.busyTotal + (this.busySince === null ? 0 : now - this.busySince);
  }

  get idle(): boolean {
    return this.busySince === null;
  }

  show(kind: (typeof CpuWork.names)[number], trafficClass: number, now: number): void {
    this.work.set(CpuWork.code(kind));
    this.jobClass.set(trafficClass);
    if (kind === "IDLE") {
      if (this.busySince !== null) this.busyTotal += now - this.busySince;
      this.busySince = null;
    } else if (this.busySince === null) this.busySince = now;
  }

  countPreemption(): void {
    this.preemptionCount.set(++this.preemptions);
    this.preempted.fire();
  }
}
