import { performance } from "node:perf_hooks";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { FileSink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import { buildNicSystem } from "../../system/build.js";
import { simulated, type WorkloadMeasurement } from "./workload-measurement.js";

export type Direction = "tx" | "rx";

/** The queues a plain workload's frames are spread over, a share each: its frames are a multiple of it. */
export const PLAIN_QUEUES = 4;
const QUEUES = PLAIN_QUEUES;

export interface PlainMeasurement extends WorkloadMeasurement {
  /** The wire's busy time for the frames over the time from the first to the last. */
  readonly lineRateShare: number;
}

/**
 * The plain datapath: driver + NIC (4 queues) + wire + peer, frames of one length offered at the
 * line rate. TX: the host posts them on 4 queues as fast as its driver can; RX: the peer sends
 * them back to back. With `vcd`, the whole design is traced to that file. `frames` a multiple of 4.
 */
export function measurePlain(direction: Direction, frameLength: number, frames: number, vcd: string | null = null): PlainMeasurement {
  if (frames % QUEUES !== 0) throw new RangeError(`plain workload of ${frames} frames: expected a multiple of ${QUEUES} (one share per queue)`);
  const { kernel, top } = buildNicSystem({ seed: 1, parameters: { "top.nic.queues": QUEUES } });
  if (vcd !== null) kernel.traceWith(new VcdTracer({ sink: new FileSink(vcd) }));
  const driver = top.driver.base;
  driver.keepReceived = false;
  top.peer.keepReceived = false;
  const perQueue = frames / QUEUES;
  const templates = Array.from({ length: QUEUES }, (_, queue) => sequencedFrame(direction === "tx" ? "to-peer" : "to-host", queue * 2, 0, frameLength));
  // Frames pass the tap at the NIC's port: TX as they leave it, RX as they arrive.
  const side = direction === "tx" ? "nic" : "peer";
  let wireFrames = 0;
  top.wire.tap((_, __, from) => {
    if (from === side) wireFrames++;
  });
  // The line-rate share is taken where frames are delivered: it shows whether the receiver kept up.
  let first = 0;
  let last = 0;
  const arrived = () => {
    if (first === 0) first = kernel.now;
    last = kernel.now;
  };
  top.peer.onReceive = arrived;
  driver.onReceive = arrived;
  if (direction === "tx") {
    for (let queue = 0; queue < QUEUES; queue++) {
      kernel.process(`sender${queue}`, function* () {
        yield driver.whenReady();
        for (let sequence = 0; sequence < perQueue; sequence++) yield* driver.transmit(queue, templates[queue]!, { more: sequence + 1 < perQueue, trafficClass: queue * 2 });
      });
    }
  } else {
    kernel.process("peer", function* () {
      yield driver.whenReady();
      for (let sequence = 0; sequence < frames; sequence++) {
        const end = top.peer.send(templates[sequence % QUEUES]!);
        // Keep a few frames queued on the peer's line: back to back, without building a huge backlog.
        if (sequence % 16 === 15) yield delay(Math.max(0, end - kernel.now - 100_000));
      }
    });
  }
  const delivered = () => (direction === "tx" ? top.peer.receivedFrames : driver.statistics.rxFrames);
  const started = performance.now();
  kernel.run({ stopWhen: () => delivered() >= frames });
  kernel.close();
  const seconds = (performance.now() - started) / 1000;
  const wireTime = top.wire.occupancy(frameLength) * (frames - 1);
  return { offered: frames, wireFrames, delivered: delivered(), seconds, ...simulated(kernel, top.nic), lineRateShare: wireTime / (last - first) };
}
