import type { CryptoCounts } from "../../hw/ipsec/crypto-pipeline.js";
import { round } from "./measurements.js";

/** A direction's NIC crypto engines over a run: jobs, preemptions, and what the preemptions cost of the data paths' busy time. */
export interface CryptoSummary {
  readonly jobs: number;
  readonly preemptions: number;
  readonly saves: number;
  readonly restarts: number;
  /** The data paths' busy time, summed over the engines (running, saving, restoring). */
  readonly busyMicroseconds: number;
  /** Of it, running whose progress was thrown away: a restarted job's, a displaced one's, a save's part block. */
  readonly lostMicroseconds: number;
  /** Of it, saving and restoring contexts. */
  readonly switchMicroseconds: number;
}

/** Above this percent of the busy time (as said, rounded), what preemption cost is said on a line of its own. */
const COSTLY_PERCENT = 25;

export function cryptoSummary(counts: CryptoCounts): CryptoSummary {
  const { jobs, preemptions, saves, restarts } = counts;
  return { jobs, preemptions, saves, restarts, busyMicroseconds: round(counts.busyPicoseconds / 1e6), lostMicroseconds: round(counts.lostPicoseconds / 1e6), switchMicroseconds: round(counts.switchPicoseconds / 1e6) };
}

/** A direction's engines' busy time and what preemption took of it: what a sweep keeps of each run. */
export type PreemptionCost = Pick<CryptoSummary, "busyMicroseconds" | "lostMicroseconds" | "switchMicroseconds">;

export const preemptionCost = ({ busyMicroseconds, lostMicroseconds, switchMicroseconds }: CryptoSummary): PreemptionCost => ({ busyMicroseconds, lostMicroseconds, switchMicroseconds });

/** What preemption cost, in whole percents of the busy time: the parts add up to the whole as said (12.6 and 12.6 read 13 and 13 beside a total of 25). */
export function percents(crypto: PreemptionCost): { readonly total: number; readonly lost: number; readonly switching: number } {
  const busy = crypto.busyMicroseconds;
  if (busy === 0) return { total: 0, lost: 0, switching: 0 };
  const total = Math.round((100 * (crypto.lostMicroseconds + crypto.switchMicroseconds)) / busy);
  const lost = Math.round((100 * crypto.lostMicroseconds) / busy);
  return { total, lost, switching: total - lost };
}

/** "TX 1071 (work thrown away 67 % of the engines' busy time, saving and restoring 0 %)", the cost left out where there were none. */
function describeDirection(name: string, crypto: CryptoSummary): string {
  if (crypto.preemptions === 0) return `${name} 0`;
  const { lost, switching } = percents(crypto);
  return `${name} ${crypto.preemptions} (work thrown away ${lost} % of the engines' busy time, saving and restoring ${switching} %)`;
}

/** The summary's words for the engines' preemptions, and a line of its own for a direction where they cost more than a quarter of the busy time. */
export function describePreemptions(crypto: { readonly tx: CryptoSummary; readonly rx: CryptoSummary }): { readonly counts: string; readonly costly: string[] } {
  const costly: string[] = [];
  for (const [name, direction] of [["TX", crypto.tx], ["RX", crypto.rx]] as const) {
    const { total } = percents(direction);
    if (total <= COSTLY_PERCENT) continue;
    const why = direction.restarts > 0
      ? "a priority class's jobs came more often than lower classes' jobs take, and each restart started one over (preempt-resume keeps its progress)"
      : "a priority class's jobs came often, each suspending a lower class's job";
    costly.push(`preemption took ${total} % of the ${name} crypto engines' busy time: ${why}; README: "What preemption buys, and what it costs"`);
  }
  return { counts: `NIC crypto engine preemptions ${describeDirection("TX", crypto.tx)}, ${describeDirection("RX", crypto.rx)}`, costly };
}
