import { parentPort, workerData } from "node:worker_threads";
import { pointFailure, runSweepPoint, type SweepPoint } from "./sweep.js";

// One sweep worker: runs the configurations it is sent, one at a time, and returns their figures.
const { file, keep } = workerData as { file: string | null; keep: string | null };
parentPort!.on("message", (point: SweepPoint) => {
  try {
    parentPort!.postMessage({ result: runSweepPoint(file, point, keep) });
  } catch (error) {
    parentPort!.postMessage({ error: pointFailure(point, error) });
  }
});
