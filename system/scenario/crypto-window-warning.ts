import { plural } from "../../sim/plural.js";
import type { QosConfig } from "../../driver/intermediate/qos-config.js";
import { cryptoParameters } from "../../hw/ipsec/crypto-parameters.js";
import { DEFAULT_FRAMES_IN_FLIGHT, DEFAULT_PRIORITY_RESERVE } from "../../hw/tx/parameters.js";
import type { Scenario } from "./schema.js";
import type { SourceMap } from "./source-map.js";
import { givenNumber } from "./given-number.js";

/**
 * TX frames in flight fewer than the TX crypto engines hold: few frames or none wait for the
 * engines, so they encrypt in the order frames start, and the classes' shares of them are the frame
 * start's, not the policy's (0.15 of 4 engines' at 24 frames against their 32 jobs, where the policy
 * gives 0.059; from 32 up, within a point). Only where the shares of the engines can matter: inline
 * offload, and two or more classes that are not priority classes.
 */
export function cryptoWindowWarning(scenario: Scenario, qos: QosConfig | null, source: SourceMap): string[] {
  const classes = qos?.policyMaps[0]?.classes ?? [];
  const sharing = classes.filter((klass) => klass.priorityPercent === undefined).length + (classes.some((klass) => klass.name === "class-default") ? 0 : 1);
  const nic = scenario.nic as { tx?: Record<string, unknown>; crypto_tx?: Record<string, unknown> };
  const offload = (scenario.driver as { intermediate?: { offload?: unknown } }).intermediate?.offload;
  if (qos === null || sharing < 2 || offload === false) return [];
  const framesInFlight = givenNumber(nic.tx?.framesInFlight, DEFAULT_FRAMES_IN_FLIGHT);
  const reserve = givenNumber(nic.tx?.priorityReserve, DEFAULT_PRIORITY_RESERVE);
  const engines = givenNumber(nic.crypto_tx?.engines, cryptoParameters.engines.defaultValue);
  const depth = givenNumber(nic.crypto_tx?.pipelineDepth, cryptoParameters.pipelineDepth.defaultValue);
  const window = framesInFlight - reserve;
  // A reserve of the whole window or more is refused at the build, which says so: not warned of here as well.
  if (window >= engines * depth || window <= 0) return [];
  const given = ([["tx", "framesInFlight"], ["tx", "priorityReserve"], ["crypto_tx", "engines"], ["crypto_tx", "pipelineDepth"]] as const).find(([block, name]) => nic[block]?.[name] !== undefined)!;
  return [
    source.at(
      ["nic", ...given],
      `warning: nic.tx.framesInFlight less nic.tx.priorityReserve leaves ${plural(window, "frame")} in flight to the classes that are not priority classes, fewer than the TX crypto engines hold (${engines} × pipelineDepth ${depth} = ${engines * depth}): few frames or none wait for the engines, which encrypt in the order frames start, so the classes' shares of them are the frame start's, not the policy's`,
    ),
  ];
}
