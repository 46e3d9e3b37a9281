export { changesByPath, readVcd, type ParsedChange, type ParsedVariable, type ParsedVcd } from "../../sim/vcd/read-vcd.js";
