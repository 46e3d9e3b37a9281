import { BLOCK_BYTES } from "../../sim/crypto/gcm-engine.js";
import { PREEMPTION_POLICIES } from "../../sim/crypto/preemption-policy.js";
import { param } from "../../sim/parameters.js";

/** The host CPU's clock, MHz, which every cost counted in cycles is converted with. */
export const DEFAULT_HOST_MEGAHERTZ = 3000;
export const DEFAULT_HOST_CORES = 4;

/** The host's cores and their clock: HostCpu's parameters, and what a scenario's warnings weigh work against. */
export const hostCpuClockParameters = {
  cores: param.integer(DEFAULT_HOST_CORES, "Host CPU cores that run driver work", { minimum: 1, maximum: 64 }),
  megahertz: param.megahertz(DEFAULT_HOST_MEGAHERTZ, "Host CPU clock, which every cost counted in cycles is converted with"),
};

/** HostCpu's parameters: its cores and clock, and how software crypto gives way to a higher class. */
export const HOST_CPU_PARAMETERS = {
  ...hostCpuClockParameters,
  policy: param.choice("preempt-resume", PREEMPTION_POLICIES, "What a waiting job of a higher traffic class does to a running software crypto job"),
  checkBytes: param.bytes(256, "Bytes of software crypto between looks for a waiting job of a higher class (a multiple of 16)", { minimum: 16, maximum: 65536, check: wholeBlocks }),
  switchCycles: param.cycles(300, "Cycles a core spends suspending a crypto job for another (saving its GCM state and switching stacks)"),
};

/** A crypto job can stop only between 16-byte blocks. */
function wholeBlocks(bytes: number): string | null {
  return bytes % BLOCK_BYTES === 0 ? null : `a multiple of ${BLOCK_BYTES} (a crypto job can stop only between ${BLOCK_BYTES}-byte blocks)`;
}
