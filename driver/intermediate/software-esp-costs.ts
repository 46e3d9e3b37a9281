import { param } from "../../sim/parameters.js";

/** CPU cycles of software ESP on the host: the intermediate driver's parameters, and what a scenario's warnings weigh the offered traffic by. */
export const softwareEspCostParameters = {
  cyclesPerPacket: param.integer(1500, "CPU cycles of software ESP per packet before the data (lookup, headers, key and nonce setup)", { minimum: 0, maximum: 1e9, unit: "cycles" }),
  cyclesPerByte: param.number(1.5, "CPU cycles of software ESP per byte encrypted or decrypted", { minimum: 0, maximum: 1e6, unit: "cycles" }),
};
