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
  /** The same three while the traffic ran (its start to its end: no bring-up, no drain after it); null for a run whose traffic never started. */
  readonly whileTrafficRan: PreemptionCost | null;
}

/** Both directions' crypto engines' counts at one time. */
export interface EngineCounts {
  readonly tx: CryptoCounts;
  readonly rx: CryptoCounts;
}

export function engineCounts(offload: { readonly txCrypto: { readonly counts: CryptoCounts }; readonly rxCrypto: { readonly counts: CryptoCounts } }): EngineCounts {
  return { tx: offload.txCrypto.counts, rx: offload.rxCrypto.counts };
}

/** Above this percent of the busy time (as said, rounded), what preemption cost is said on a line of its own. */
const COSTLY_PERCENT = 25;

/** A direction's counts over the run, and `window` (its counts as the traffic started and as it ended) for the cost while the traffic ran. */
export function cryptoSummary(counts: CryptoCounts, window: { readonly start: CryptoCounts; readonly end: CryptoCounts } | null): CryptoSummary {
  const { jobs, preemptions, saves, restarts } = counts;
  const cost = (busy: number, lost: number, switching: number): PreemptionCost => ({ busyMicroseconds: round(busy / 1e6), lostMicroseconds: round(lost / 1e6), switchMicroseconds: round(switching / 1e6) });
  const whileTrafficRan = window && cost(window.end.busyPicoseconds - window.start.busyPicoseconds, window.end.lostPicoseconds - window.start.lostPicoseconds, window.end.switchPicoseconds - window.start.switchPicoseconds);
  return { jobs, preemptions, saves, restarts, ...cost(counts.busyPicoseconds, counts.lostPicoseconds, counts.switchPicoseconds), whileTrafficRan };
}

/** A direction's engines' busy time and what preemption took of it. */
export interface PreemptionCost {
  readonly busyMicroseconds: number;
  readonly lostMicroseconds: number;
  readonly switchMicroseconds: number;
}

/** What a sweep keeps of each run: the cost while the traffic ran (over the whole run, the drain's work without preemption diluted it 2.7-fold in an architect's check), or the whole run's if it never started. */
export const preemptionCost = (summary: CryptoSummary): PreemptionCost => {
  const { busyMicroseconds, lostMicroseconds, switchMicroseconds } = summary.whileTrafficRan ?? summary;
  return { busyMicroseconds, lostMicroseconds, switchMicroseconds };
};

/** What preemption cost, in whole percents of the busy time: the parts add up to the whole as said (12.6 and 12.6 read 13 and 13 beside a total of 25). */
export function percents(crypto: PreemptionCost): { readonly total: number; readonly lost: number; readonly switching: number } {
  const busy = crypto.busyMicroseconds;
  if (busy === 0) return { total: 0, lost: 0, switching: 0 };
  const total = Math.round((100 * (crypto.lostMicroseconds + crypto.switchMicroseconds)) / busy);
  const lost = Math.round((100 * crypto.lostMicroseconds) / busy);
  return { total, lost, switching: total - lost };
}

/**
 * "TX 1071 (work thrown away 67 % of the engines' busy time, saving and restoring 0 %)", the cost
 * left out where there were none; while the traffic ran, and over the whole run too where that
 * says otherwise (an engine busy with the drain's backlog, preempted by nothing, diluted 41 % to
 * 15 %; from an architect's check).
 */
function describeDirection(name: string, crypto: CryptoSummary): string {
  if (crypto.preemptions === 0) return `${name} 0`;
  const whole = percents(crypto);
  const during = crypto.whileTrafficRan === null ? whole : percents(crypto.whileTrafficRan);
  if (during.lost === whole.lost && during.switching === whole.switching) return `${name} ${crypto.preemptions} (work thrown away ${whole.lost} % of the engines' busy time, saving and restoring ${whole.switching} %)`;
  return `${name} ${crypto.preemptions} (work thrown away ${during.lost} % of the engines' busy time while the traffic ran, ${whole.lost} % over the whole run; saving and restoring ${during.switching} %, ${whole.switching} %)`;
}

/** The summary's words for the engines' preemptions, and a line of its own for a direction where they cost more than a quarter of the busy time. */
export function describePreemptions(crypto: { readonly tx: CryptoSummary; readonly rx: CryptoSummary }): { readonly counts: string; readonly costly: string[] } {
  const costly: string[] = [];
  for (const [name, direction] of [["TX", crypto.tx], ["RX", crypto.rx]] as const) {
    const total = percents(preemptionCost(direction)).total;
    if (total <= COSTLY_PERCENT) continue;
    const why = direction.restarts > 0
      ? "a priority class's jobs came more often than lower classes' jobs take, and each restart started one over (preempt-resume keeps its progress)"
      : "a priority class's jobs came often, each suspending a lower class's job";
    costly.push(`preemption took ${total} % of the ${name} crypto engines' busy time${direction.whileTrafficRan === null ? "" : " while the traffic ran"}: ${why}; README: "What preemption buys, and what it costs"`);
  }
  return { counts: `NIC crypto engine preemptions ${describeDirection("TX", crypto.tx)}, ${describeDirection("RX", crypto.rx)}`, costly };
}
