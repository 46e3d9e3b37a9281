import { LONGEST_WIRE_FRAME } from "./link/frame.js";
import { inject, injectable } from "../sim/di.js";
import type { ClockDomain } from "../sim/clock-domain.js";
import { Component, type ComponentContext, ComponentContextToken } from "../sim/component.js";
import type { HostMemory } from "../sim/host/memory.js";
import { HostMemoryToken } from "../sim/host/token.js";
import { param } from "../sim/parameters.js";
import type { Command } from "../sim/process.js";
import type { SimEvent } from "../sim/sim-event.js";
import { periodOfMegahertz } from "../sim/time.js";
import { valueKind } from "../sim/shown-value.js";
import { DmaEngine } from "./dma/engine.js";
import { ErrorLog } from "./error-log.js";
import { InterruptController, InterruptQueueCount } from "./interrupts.js";
import { type Wire, WireToken, macPeriod } from "./link/wire.js";
import { Mac } from "./mac.js";
import { RegisterFile } from "./register-file.js";
import { RxEngine } from "./rx/engine.js";
import { type NicShared, NicSharedToken } from "./config.js";
import { type DeviceBus, registerOffset, registerValue } from "./spec/bus.js";
import { MAX_QUEUES } from "./spec/registers.js";
import { Statistics } from "./statistics.js";
import { TxEngine } from "./tx/engine.js";
import { SaCacheToken } from "./ipsec/crypto-job.js";
import { CryptoPipeline } from "./ipsec/crypto-pipeline.js";
import { type IpsecOffload, IpsecOffloadToken } from "./ipsec/offload.js";
import { SaCache } from "./ipsec/sa-cache.js";
import { SaRecordFetch } from "./ipsec/sa-record-fetch.js";
import { ClassScheduler, DEFAULT_BUCKET_BYTES, QueueSchedulerFactoryToken } from "./qos/class-scheduler.js";
import { checkedScheduler } from "./qos/checked-scheduler.js";
import { FrameStages } from "./trace/frame-stages.js";

/** The NIC's own parameters (top.nic.*), with their defaults: also read where a scenario is checked before any NIC is built. */
export const NIC_PARAMETERS = {
  queues: param.integer(MAX_QUEUES, "TX and RX queues (one per traffic class) and interrupt vectors besides the error vector", { minimum: 1, maximum: MAX_QUEUES }),
  coreMegahertz: param.clockMegahertz(250, "NIC core clock"),
  maxFrameBytes: param.bytes(9216, "Longest frame (without FCS) the NIC sends or accepts", { minimum: 60, maximum: LONGEST_WIRE_FRAME }),
  mmioReadNanoseconds: param.integer(800, "Round trip of an MMIO register read", { minimum: 2, maximum: 1e9, unit: "ns" }),
  mmioWriteNanoseconds: param.integer(400, "Time for a posted MMIO write to reach the device", { minimum: 1, maximum: 1e9, unit: "ns" }),
  priorityBurstBytes: param.bytes(DEFAULT_BUCKET_BYTES, "Depth of each priority class's policer (its token bucket at the frame start and the wire, in bytes of line time, and at the TX crypto engines, in data bytes), full at the start: two jumbo frames. A priority class whose bursts hold more waits behind the others under congestion, within its rate too (jumbo frames at 80 % of the rate, Poisson: p99 77 µs where alone 11); less than a longest frame or two, and it gets less than its rate there. IOS's priority burst is 200 ms at the rate, at most 2,000,000 bytes. A class over its rate takes its burst at the start of a backlog. The minimums' buckets stay two jumbo frames deep", { minimum: 64, maximum: 2_000_000 }),
};

/**
 * The network interface card: register file, DMA engine, TX and RX engines with their rings,
 * interrupt controller, error log and MAC. The host reaches it only through the DeviceBus it
 * implements: MMIO reads (with latency), posted MMIO writes, and interrupt messages.
 */
@injectable()
export class Nic extends Component implements DeviceBus {
  readonly params = this.parameters(NIC_PARAMETERS);
  readonly coreClock: ClockDomain;
  readonly macClock: ClockDomain;
  readonly errorLog: ErrorLog;
  readonly interrupts: InterruptController;
  readonly dma: DmaEngine;
  readonly tx: TxEngine;
  readonly rx: RxEngine;
  readonly mac: Mac;
  readonly registers: RegisterFile;
  readonly saCache: SaCache;
  readonly recordFetch: SaRecordFetch;
  readonly offload: IpsecOffload;
  readonly statistics: Statistics;
  /** Stage events of each frame (crypto queued, started, done; MAC; wire; descriptor done): attach a listener. */
  readonly stages = new FrameStages();
  private lastWriteArrival = 0;
  /** The kernel's labels for register accesses, made once (one made per access is garbage per frame). */
  private readonly mmioReadLabel = `${this.path}.mmio_read`;
  private readonly mmioWriteLabel = `${this.path}.mmio_write`;

  /** When the last posted MMIO write reaches the device (it has, when this is not after now). */
  get postedWritesLanded(): number {
    return this.lastWriteArrival;
  }

  constructor(
    @inject(ComponentContextToken) context: ComponentContext,
    @inject(HostMemoryToken) readonly memory: HostMemory,
    @inject(WireToken) wire: Wire,
  ) {
    super(context);
    // The NIC's blocks decide on their own state, woken by channels, register writes and wakeAt.
    const clock = { wakeOnSignalChange: false };
    this.coreClock = this.kernel.clock(`${this.path}.clk_core`, periodOfMegahertz(this.params.coreMegahertz), clock);
    this.macClock = this.kernel.clock(`${this.path}.clk_mac`, Math.round(macPeriod(wire.params.gigabitsPerSecond)), clock);
    const queues = this.params.queues;
    this.statistics = new Statistics(queues, this.kernel);
    this.container.register(InterruptQueueCount, { useValue: queues });
    this.errorLog = this.child(ErrorLog, "errors");
    this.interrupts = this.child(InterruptController, "interrupts", { clock: this.coreClock });
    this.dma = this.child(DmaEngine, "dma", { clock: this.coreClock });
    const own = !this.container.isRegistered(QueueSchedulerFactoryToken, true);
    if (own) {
      this.container.register(QueueSchedulerFactoryToken, { useValue: (count, rate) => new ClassScheduler(count, rate, { priorityBurst: this.params.priorityBurstBytes }) });
    }
    const lineBytesPerPicosecond = wire.bytesPerPicosecond;
    const factory = this.container.resolve(QueueSchedulerFactoryToken);
    // One registered from outside has its picks checked; the built-in one is not slowed by it.
    const makeScheduler = own ? factory : (count: number, rate: number) => checkedScheduler(factory(count, rate), count);
    const shared: NicShared = { queues, priorityBurstBytes: this.params.priorityBurstBytes, maxFrameBytes: this.params.maxFrameBytes, maxFrameBytesPath: `${this.path}.maxFrameBytes`, lineBytesPerPicosecond, makeScheduler: () => makeScheduler(queues, lineBytesPerPicosecond), stages: this.stages, dma: this.dma, errors: this.errorLog, interrupts: this.interrupts, statistics: this.statistics };
    this.container.register(NicSharedToken, { useValue: shared });
    this.saCache = this.child(SaCache, "sacache");
    this.container.register(SaCacheToken, { useValue: this.saCache });
    this.offload = {
      cache: this.saCache,
      txCrypto: this.child(CryptoPipeline, "crypto_tx", { clock: this.coreClock }),
      rxCrypto: this.child(CryptoPipeline, "crypto_rx", { clock: this.coreClock }),
      pointerFetch: false,
      qosClasses: new Map(),
    };
    this.container.register(IpsecOffloadToken, { useValue: this.offload });
    this.tx = this.child(TxEngine, "tx", { clock: this.coreClock });
    this.rx = this.child(RxEngine, "rx", { clock: this.coreClock });
    this.mac = this.child(Mac, "mac", { clock: this.macClock });
    this.recordFetch = this.child(SaRecordFetch, "sa_fetch", { clock: this.coreClock });
    this.registers = new RegisterFile(shared, this.tx, this.rx, this.mac, this.offload, this.recordFetch);
    this.errorLog.onError = () => this.interrupts.error();
    this.tx.toMac.consumer = this.mac;
    this.mac.fromTx = this.tx.toMac;
    this.mac.freed = this.tx.freed;
    this.mac.toRx = this.rx.fromMac;
  }

  get queues(): number {
    return this.params.queues;
  }

  mmioRead(offset: number): Command {
    registerOffset(offset, "read");
    return {
      arm: (scheduler, process) => {
        const now = scheduler.now;
        const half = Math.floor((this.params.mmioReadNanoseconds * 1000) / 2);
        // A read does not pass the posted writes before it (PCIe ordering).
        const arrival = Math.max(now + half, this.lastWriteArrival);
        this.kernel.schedule(arrival - now, this.mmioReadLabel, () => {
          const value = this.registers.read(offset);
          scheduler.resumeAt(process, arrival + half, value);
        });
      },
      describe: () => `MMIO read of ${this.registers.nameOf(offset)}`,
    };
  }

  mmioWrite(offset: number, written: number): void {
    registerOffset(offset, "write");
    const value = registerValue(written, () => this.registers.nameOf(offset));
    const now = this.kernel.now;
    const arrival = Math.max(now + this.params.mmioWriteNanoseconds * 1000, this.lastWriteArrival);
    this.lastWriteArrival = arrival;
    this.kernel.schedule(arrival - now, this.mmioWriteLabel, () => this.registers.write(offset, value));
  }

  interrupt(vector: number): SimEvent {
    // Only a whole number: "0" found vector 0 through the array's index (from a driver developer's check).
    const event = Number.isInteger(vector) ? this.interrupts.vectors[vector] : undefined;
    if (!event) throw new RangeError(`interrupt vector ${typeof vector === "number" ? vector : `${valueKind(vector)} (a vector is a number)`}: the device has vectors 0 to ${this.interrupts.vectors.length - 1}`);
    return event;
  }

  get diagnostics(): ErrorLog["diagnostics"] {
    return this.errorLog.diagnostics;
  }
}
