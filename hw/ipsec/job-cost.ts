import type { ParameterValues } from "../../sim/parameters.js";
import type { cryptoParameters } from "./crypto-parameters.js";
import type { Work } from "./crypto-job.js";

/**
 * What a crypto job costs its class at the engines' scheduler, in data bytes: the engine's time for
 * it, one job every max(data, front, (front + data + latency) / depth) cycles back to back, its data
 * whole cycles of the data path (a 68-byte job holds 16-byte cycles for 80: charged 68, a class of
 * them left 7 % of the engine to no one), its front stage (`frontCycles`) the lookup and a key the
 * engine has not cached. Charged its data alone, a
 * 64-byte job loading its key took an engine more than twice what it paid, and with one job in the
 * pipeline at a time eight times: the minimums over such jobs never ran out, and a class with only a
 * remaining share got nothing (architects' checks). Jobs whose fronts and data differ a lot still
 * leave the engine idle between them beyond this (a 250-cycle front after a 5-cycle job): that is
 * charged to no one.
 */
export function jobCost(work: Work, frontCycles: number, params: Pick<ParameterValues<typeof cryptoParameters>, "bytesPerCycle" | "latency" | "pipelineDepth">): number {
  const { bytesPerCycle, latency, pipelineDepth } = params;
  const front = frontCycles * bytesPerCycle;
  const data = Math.ceil(work.bytes / bytesPerCycle) * bytesPerCycle;
  return Math.max(data, front, (front + latency * bytesPerCycle + data) / pipelineDepth);
}
