import { plural } from "../../sim/plural.js";
import { inject, injectable } from "../../sim/di.js";
import { buildDesign, Component, type ComponentContext, ComponentContextToken } from "../../sim/component.js";
import { cryptoBackend } from "../../sim/crypto/backend-choice.js";
import { EspOutbound, spi } from "../../sim/ipsec/esp.js";
import { Kernel } from "../../sim/kernel.js";
import { ETHERNET_HEADER_BYTES } from "../../sim/packet/ethernet.js";
import { sequencedPacket } from "../../sim/packet/test-frames.js";
import { delay } from "../../sim/process.js";
import { Random } from "../../sim/random.js";
import { HostCpu } from "../../driver/cpu/host-cpu.js";
import type { PreemptionPolicy } from "../../sim/crypto/preemption-policy.js";
import { tunnelledSystem } from "../tunnelled-system.js";
import { type Experiment, type Measurement, RATE_TOLERANCE, type Scale } from "./experiment.js";
import { INSTANT_HOST } from "./host.js";
import { steadyRate } from "./steady-rate.js";

/** A host CPU on its own, at `top.cpu`: for experiments and tests of its scheduling. */
@injectable()
export class CpuAlone extends Component {
  readonly cpu: HostCpu;
  constructor(@inject(ComponentContextToken) context: ComponentContext) {
    super(context);
    this.cpu = this.child(HostCpu, "cpu");
  }
}

const MEGAHERTZ = 3000;
const SETUP = 1500;
const PER_BYTE = 1.5;
const backend = cryptoBackend();
const sa = { spi: spi(0x5000), keyMaterial: new Uint8Array(20).fill(1), icvLength: 16 as const, esn: false };
const picoseconds = (cycles: number) => Math.round((cycles * 1e6) / MEGAHERTZ);
/** A job of B data bytes as the CPU times it: its setup, then its data. */
const jobTime = (bytes: number) => picoseconds(SETUP) + Math.round((bytes * PER_BYTE * 1e6) / MEGAHERTZ);

/** Software ESP jobs on a CPU of its own: bulk jobs (class 1) from time 0, and `urgent` plain jobs (class 7) arriving at given times. */
function runJobs(cores: number, policy: PreemptionPolicy, bulk: { count: number; bytes: number }, urgent: readonly number[] = [], checkBytes = 256) {
  const kernel = new Kernel();
  const { top } = buildDesign(kernel, CpuAlone, { parameters: { top: { cpu: { cores, megahertz: MEGAHERTZ, policy, checkBytes, switchCycles: 300 } } } });
  const finished: number[] = [];
  for (let index = 0; index < bulk.count; index++) {
    kernel.process(`bulk${index}`, function* () {
      const seal = new EspOutbound(backend, sa, { nextSequence: { high: 0, low: index + 1 } }).seal(new Uint8Array(bulk.bytes - 2), 4);
      yield* top.cpu.crypto("ESP_ENCRYPT", 1, { operation: seal.operation, bytes: seal.bytes, setupCycles: SETUP, cyclesPerByte: PER_BYTE });
      seal.finish();
      finished.push(kernel.now);
    });
  }
  urgent.forEach((time, index) =>
    kernel.process(`urgent${index}`, function* () {
      yield delay(time);
      yield* top.cpu.run("NAPI_POLL", 7, picoseconds(600));
    }),
  );
  kernel.run();
  return { makespan: Math.max(...finished), cpu: top.cpu };
}

/** Software ESP through the intermediate driver, offload off and every other driver cost zero: ESP frames per second on the wire. */
function softwareEspRate(cores: number, innerBytes: number, frames: number): number {
  const design = tunnelledSystem([{ name: "bulk", trafficClass: 0, qosGroup: 1 }], { ...INSTANT_HOST, "top.driver.intermediate.offload": false, "top.driver.cpu.cores": cores });
  const { kernel, top, peer } = design;
  peer.onDeliver = () => {};
  top.peer.keepReceived = false;
  const times: number[] = [];
  top.wire.tap((time, _, from) => from === "nic" && times.push(time));
  // More senders than cores, so that a core never waits for one.
  for (let sender = 0; sender < cores * 2; sender++) {
    kernel.process(`sender${sender}`, function* () {
      yield top.driver.base.whenReady();
      for (let sequence = sender; sequence < frames; sequence += cores * 2) yield* top.driver.intermediate.send(sequencedPacket("to-peer", 0, sequence, innerBytes + ETHERNET_HEADER_BYTES, { destinationPort: 49200 }));
    });
  }
  kernel.run({ until: 1e12 * 0.01, stopWhen: () => times.length >= frames });
  return steadyRate(times.slice(Math.floor(frames / 4))) * 1e12;
}


const SIZES: Record<Scale, readonly number[]> = { fast: [64, 1400], full: [64, 600, 1400, 9000] };
const CORES: Record<Scale, readonly number[]> = { fast: [1, 4], full: [1, 2, 4, 8] };

export const hostCpu: Experiment = {
  name: "host-cpu",
  title: "The host's cores: software ESP makespan and rate, and how long a higher class waits for a core",
  closedForm:
    "A software ESP job of B data bytes takes T = (S + c·B) / f on a core (S cycles of setup, c per byte, clock f). J jobs ready at once on N cores end at " +
    "⌈J / N⌉ · T. A job of a higher class that finds every core busy with lower-class crypto (and no other such job ahead of it) waits at most S / f (a " +
    "running job's setup is not suspended) plus checkBytes · c / f (to its next check) plus the switch, under preempt-resume and preempt-restart; under " +
    "run-to-completion at most T. " +
    "Through the driver with offload off and every other cost zero, ESP frames leave at min(line, N · f / (S + c · B)).",
  run(scale) {
    const rows: Measurement[] = [];
    for (const cores of CORES[scale]) {
      for (const bytes of SIZES[scale]) {
        // A whole number of rounds, one job more, one job fewer.
        for (const count of [2 * cores, 3 * cores + 1, Math.max(1, 5 * cores - 1)]) {
          const { makespan } = runJobs(cores, "preempt-resume", { count, bytes });
          rows.push({ quantity: `${plural(cores, "core")}, ${count} jobs of ${bytes} data bytes: makespan`, unit: "ps", expected: Math.ceil(count / cores) * jobTime(bytes), measured: makespan, tolerance: { kind: "exact" } });
        }
      }
    }
    const random = Random.derive(7, "host-cpu urgent arrivals");
    for (const policy of ["preempt-resume", "preempt-restart", "run-to-completion"] as const) {
      for (const cores of CORES[scale]) {
        const bytes = 9000;
        // Arrivals while the bulk jobs still hold every core, one in each slice of the time so that none waits behind another.
        const count = scale === "fast" ? 8 : 30;
        const slice = Math.floor((6 * jobTime(bytes)) / count);
        const urgent = Array.from({ length: count }, (_, index) => index * slice + random.integer(0, slice / 2));
        const { cpu } = runJobs(cores, policy, { count: 8 * cores, bytes }, urgent);
        const waits = cpu.statistics.waits.get(7)!;
        const bound = policy === "run-to-completion" ? jobTime(bytes) : picoseconds(SETUP + 256 * PER_BYTE + 300);
        rows.push({ quantity: `${policy}, ${plural(cores, "core")} busy with 9000-byte jobs: longest wait of a higher-class job`, unit: "ps", expected: bound, measured: waits.maximum, tolerance: { kind: "at-most" } });
        if (policy === "run-to-completion") rows.push({ quantity: `${policy}, ${plural(cores, "core")}: suspensions`, unit: "count", expected: 0, measured: cpu.statistics.preemptions, tolerance: { kind: "exact" } });
      }
    }
    for (const cores of [1, 2]) {
      for (const inner of scale === "fast" ? [1400] : [200, 1400]) {
        const dataBytes = Math.ceil((inner + 2) / 4) * 4;
        const expected = (cores * MEGAHERTZ * 1e6) / (SETUP + PER_BYTE * dataBytes);
        rows.push({ quantity: `software ESP through the driver, ${plural(cores, "core")}, ${inner}-byte packets: frames per second`, unit: "frames/s", expected, measured: softwareEspRate(cores, inner, scale === "fast" ? 200 : 600), tolerance: RATE_TOLERANCE });
      }
    }
    return rows;
  },
};
