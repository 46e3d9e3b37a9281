/**
 * The longest drain after the traffic: at least this, or twenty times the traffic's time; with IKE exchanges under way at the traffic's end, twice an exchange's
 * whole retransmission time more (they are waited for at both ends: a responder that hears the last resend of a request then resends its answer as long);
 * and the line time of the gateway's output queue (a thousand jumbo frames at 25 Gb/s wait 2.9 ms).
 */
const DRAIN_LIMIT = 2_000_000_000;

/** The drain a run allows after a traffic of `duration` ps, before what IKE and the gateway's queue add: the part every run has. */
export function baseDrain(duration: number): number {
  return Math.max(20 * duration, DRAIN_LIMIT);
}
