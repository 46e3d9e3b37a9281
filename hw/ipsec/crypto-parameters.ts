import { param } from "../../sim/parameters.js";
import { PREEMPTION_POLICIES } from "../../sim/crypto/preemption-policy.js";

/** Where the crypto engines save suspended jobs' contexts. */
export const CONTEXT_STORES = ["per-engine", "shared"] as const;

/**
 * The parameters of a direction's crypto pipeline, shared by its engines. The defaults describe a
 * fully pipelined 128-bit AES-GCM core (one 16-byte block per cycle, as CAST's AES-GCM-X or the
 * pipelined GCM of Yang, Mishra and Karri, 34 Gb/s at 271 MHz): round-per-stage AES and the GHASH
 * multiplier give a latency of about 20 cycles, and the next packet's lookup and key setup
 * overlap the one before, so one engine at 250 MHz keeps a 25 Gb/s line busy down to the
 * smallest ESP frames.
 */
export const cryptoParameters = {
  engines: param.integer(1, "Crypto engines in this direction, serving one scheduler of jobs", { minimum: 1, maximum: 16 }),
  bytesPerCycle: param.integer(16, "Bytes each engine's data path encrypts or decrypts per core cycle", { minimum: 1, maximum: 1024, unit: "bytes" }),
  latency: param.cycles(20, "Pipeline latency: cycles from a job's last data in to its ICV out"),
  keySetupCycles: param.cycles(10, "Core cycles to load an SA's key schedule that is not in the engine's key cache"),
  keyCacheEntries: param.integer(4, "Expanded key schedules each engine keeps (least recently used replaced)", { minimum: 1, maximum: 1024 }),
  pipelineDepth: param.integer(8, "Jobs an engine holds at once (key setup, data path, pipeline tail); 1 runs jobs one after another with nothing overlapped, but for a preempting job's key setup beside the job it suspends", { minimum: 1, maximum: 256 }),
  policy: param.choice("preempt-resume", PREEMPTION_POLICIES, "What a waiting job of a higher strict class does to the running one"),
  checkInterval: param.cycles(8, "Cycles between looks for a higher-priority job while one runs", { minimum: 1 }),
  saveCycles: param.cycles(4, "Cycles to save a job's GCM context to a slot"),
  restoreCycles: param.cycles(4, "Cycles to restore a saved context"),
  cutsBeforeProgressOwed: param.integer(0, "Under preempt-resume, times a job may be sent back with nothing gained (out of an engine's front stage, or out of its data path before a block past where it entered) before it is owed progress: it then keeps its front and is suspended only past a block, or past what its restore and save take to run, if more. 0 never owes it: a priority class that always has a job waiting can hold another job for ever", { minimum: 0, maximum: 1_000_000 }),
  contextSlots: param.integer(4, "Saved contexts each engine can hold (suspended jobs)", { minimum: 1, maximum: 64 }),
  contextStore: param.choice("per-engine", CONTEXT_STORES, "Where suspended jobs' contexts are saved: per-engine, in slots of the engine that suspended them, which alone can resume them (into its front at once, where they wait for the job that suspended them); shared, in one store of engines × contextSlots that every engine reaches, so a suspended job resumes in whichever engine's data path frees first"),
};
