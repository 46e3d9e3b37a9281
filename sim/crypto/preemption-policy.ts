/**
 * What a waiting job of a higher class does to a running crypto job, in the NIC's engines and on
 * the host's cores alike (seed 000): suspend it and resume it later from its saved GCM state,
 * suspend it and start it over, or let it run to completion.
 */
export const PREEMPTION_POLICIES = ["preempt-resume", "preempt-restart", "run-to-completion"] as const;
export type PreemptionPolicy = (typeof PREEMPTION_POLICIES)[number];
