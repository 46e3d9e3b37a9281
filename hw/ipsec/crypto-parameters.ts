import { param } from "../../sim/parameters.js";

/** The parameters of a direction's crypto pipeline, shared by its engines. */
export const cryptoParameters = {
  engines: param.integer(1, "Crypto engines in this direction, serving one priority queue", { minimum: 1, maximum: 16 }),
  bytesPerCycle: param.integer(16, "Bytes each engine encrypts or decrypts per core cycle", { minimum: 1, maximum: 1024, unit: "bytes" }),
  latency: param.cycles(20, "Pipeline latency of a job, core cycles"),
  keySetupCycles: param.cycles(10, "Core cycles to load a different SA's key schedule"),
  policy: param.choice("preempt-resume", ["preempt-resume", "preempt-restart", "run-to-completion"] as const, "What a higher-priority job does to the running one"),
  checkInterval: param.cycles(8, "Cycles between looks for a higher-priority job while one runs", { minimum: 1 }),
  saveCycles: param.cycles(4, "Cycles to save a job's GCM context to a slot"),
  restoreCycles: param.cycles(4, "Cycles to restore a saved context"),
  contextSlots: param.integer(4, "Saved contexts each engine can hold (suspended jobs)", { minimum: 1, maximum: 64 }),
};
