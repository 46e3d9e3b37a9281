import { param } from "../../sim/parameters.js";
import { wholeReplayBlocks } from "../../sim/ipsec/replay-window.js";
import { softwareEspCostParameters } from "./software-esp-costs.js";

/** The intermediate driver's parameters (top.driver.intermediate). */
export const INTERMEDIATE_DRIVER_PARAMETERS = {
  ...softwareEspCostParameters,
  replayWindow: param.integer(64, "Anti-replay window of inbound SAs, packets, a multiple of 32", { minimum: 32, maximum: 65536, check: wholeReplayBlocks }),
  offload: param.boolean(true, "Place SAs in the NIC's SA table (as the placement policy decides) and let the NIC do ESP inline"),
  offloadCyclesPerPacket: param.integer(300, "CPU cycles per packet on the inline path (ESP headers and sequence number out, replay check in)", { minimum: 0, maximum: 1e9, unit: "cycles" }),
  messageNanoseconds: param.integer(150, "Cost of a message between the base and intermediate drivers, handled one at a time (at least 1 ns, so that each has its own time in the waveform)", { minimum: 1, maximum: 1e9, unit: "ns" }),
  receiveBacklog: param.integer(1000, "Received ESP packets an inbound SA may have waiting for a core before more are dropped (BACKLOG_FULL), as netdev_max_backlog", { minimum: 1, maximum: 1e6 }),
  placement: param.choice("token", ["token", "metric"] as const, "Which SAs the NIC caches: the policy registered under SaPlacementPolicyToken (default install-if-free), or seed 003's metric policy (parameters under .metric)"),
};
