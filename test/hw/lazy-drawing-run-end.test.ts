import { describe, expect, test } from "vitest";
import { buildNic, delay, registers as R, until, us } from "../../index.js";
import { CAUSE_ERROR } from "../../hw/spec/register-fields.js";
import { sequencedFrame } from "../../sim/packet/test-frames.js";
import { MemorySink } from "../../sim/vcd/sink.js";
import { VcdTracer } from "../../sim/vcd/tracer.js";
import type { TraceSelection } from "../../sim/vcd/selection.js";
import { lineSystem } from "../support/line-run.js";

/**
 * Unwatched, the MAC and the interrupt block keep what only their signals would show (a frame's
 * bits received, a cause that cannot fire, a mask written while nothing else is to do) and take no
 * edge for it. A run asking what is still to happen must count those edges as a watched block's:
 * `kernel.run()` with no limit ends at the same time, and `hasClockedWork` and `nextActivityTime`
 * answer the same, with the waveform, with it left out of the NIC, and without one; and a run with
 * a limit on such an edge takes it. From outside checks: an IMS write kept so ended an unbounded run
 * (and `nicsim serve`'s WAIT_FOREVER) 3 ns early, and a run stopped on its edge showed the old mask,
 * work to do and its edge still to come.
 */
const WATCHES: ReadonlyArray<[string, TraceSelection | undefined]> = [
  ["the whole waveform", {}],
  ["the DMA engine's signals only", { scopes: ["top.nic.dma"] }],
  ["no waveform", undefined],
];

function traced(kernel: { traceWith(tracer: VcdTracer): void }, trace: TraceSelection | undefined): void {
  if (trace) kernel.traceWith(new VcdTracer({ sink: new MemorySink(), ...trace }));
}

/** The times the ERROR vector's interrupts come at. */
function errorInterrupts({ kernel, top }: ReturnType<typeof buildNic>): number[] {
  const times: number[] = [];
  kernel.process("handler", function* () {
    for (;;) {
      yield top.nic.interrupt(1);
      times.push(kernel.now);
    }
  });
  return times;
}

/** Device writes made by a process, then a stop between the last write's landing and the edge after it, then a run to the end. */
function deviceRun(trace: TraceSelection | undefined, writes: ReadonlyArray<readonly [number, number]>) {
  const nic = buildNic({ parameters: { "top.nic.queues": 1 } });
  const { kernel, top } = nic;
  traced(kernel, trace);
  const fires = errorInterrupts(nic);
  kernel.process("driver", function* () {
    // Off the NIC clock's grid, so that each write lands between two edges.
    yield delay(us(1) + 1000);
    for (const [register, value] of writes) top.nic.mmioWrite(register, value);
  });
  const stops: string[] = [];
  // Between the landing and the edge after it, on that edge (kept, unwatched: the run takes it), and after.
  for (const until of [us(1.4) + 1500, us(1.4) + 3999, us(1.4) + 4000, us(1.4) + 4001]) {
    kernel.run({ until });
    stops.push(`${kernel.now}: work ${kernel.hasClockedWork()}, next ${kernel.nextActivityTime}, mask ${top.nic.interrupts.mask.value}, cause ${top.nic.interrupts.cause.value}`);
  }
  const end = kernel.run();
  return { end, stops, fires, mask: top.nic.interrupts.mask.value, cause: top.nic.interrupts.cause.value };
}

function lineRun(trace: TraceSelection | undefined, toHost: number, toPeer: number, bytes: number, intervalNanoseconds: number) {
  const { kernel, top } = lineSystem(3, 10, undefined, { "top.driver.base.interruptIntervalNanoseconds": intervalNanoseconds });
  traced(kernel, trace);
  kernel.process("load", function* () {
    yield top.driver.base.whenReady();
    for (let sequence = 0; sequence < toHost; sequence++) top.peer.send(sequencedFrame("to-host", sequence % 8, sequence, bytes));
    for (let sequence = 0; sequence < toPeer; sequence++) yield* top.driver.base.transmit(sequence % 4, sequencedFrame("to-peer", (sequence % 4) * 2, sequence, bytes), { more: false });
  });
  const end = kernel.run();
  return { end, received: top.driver.base.statistics.rxFrames, sent: top.peer.receivedFrames, rxFrames: top.nic.mac.rxFrames.value };
}

describe("what a run still has to do, with blocks drawing lazily", () => {
  test.each([
    ["an IMS write with nothing else to do (the mask kept)", [[R.IMS, CAUSE_ERROR]]],
    ["an IMC write", [[R.IMC, CAUSE_ERROR]]],
    ["ERROR raised for its masked vector (a write to read-only STATUS)", [[R.STATUS, 0]]],
    ["ERROR raised, then its vector unmasked", [[R.STATUS, 0], [R.IMS, CAUSE_ERROR]]],
    ["a cause set by ICS", [[R.ICS, CAUSE_ERROR]]],
  ] as const)("%s", (_, writes) => {
    const [watched, ...others] = WATCHES.map(([, trace]) => deviceRun(trace, writes));
    expect(watched!.end.reason).toBe("exhausted");
    for (const [index, other] of others.entries()) expect(other, WATCHES[index + 1]![0]).toEqual(watched);
  });

  test.each([
    [3, 0, 60, 0],
    [0, 3, 60, 0],
    [3, 3, 1514, 0],
    [5, 5, 60, 10_000],
  ])("%i frames received and %i sent of %i bytes, EITR %i ns: a run to the end", (toHost, toPeer, bytes, interval) => {
    const [watched, ...others] = WATCHES.map(([, trace]) => lineRun(trace, toHost, toPeer, bytes, interval));
    expect(watched).toMatchObject({ end: { reason: "exhausted" }, received: toHost, sent: toPeer, rxFrames: toHost });
    for (const [index, other] of others.entries()) expect(other, WATCHES[index + 1]![0]).toEqual(watched);
  });

  test("a process waiting on mask from between an IMS write and its edge", () => {
    const seen = WATCHES.map(([, trace]) => {
      const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
      traced(kernel, trace);
      const changes: number[] = [];
      kernel.process("driver", function* () {
        yield delay(us(1) + 1000);
        top.nic.mmioWrite(R.IMS, CAUSE_ERROR);
      });
      kernel.run({ until: us(1.4) + 1500 });
      kernel.process("waiter", function* () {
        yield until(top.nic.interrupts.mask, (value) => value !== 0);
        changes.push(kernel.now);
      });
      const end = kernel.run();
      return { changes, end };
    });
    expect(seen[0]!.changes).toEqual([us(1.4) + 4000]);
    for (const other of seen.slice(1)) expect(other).toEqual(seen[0]);
  });
});

describe("a device call between runs, on the edge the last run stopped at", () => {
  // From outside checks: the IMS write kept only its mask to draw, and ERROR, raised after it before that edge, was taken a cycle late; raised first for its masked vector, it was kept for the next edge, and the IMS write's run on this one did not take it.
  test.each([
    ["IMS first", [us(2)]],
    ["STATUS first", [us(2)]],
    ["IMS alone", []],
  ] as const)("%s (IMS, and a write to read-only STATUS, which raises ERROR): the interrupts come on that edge, which is still to come between the runs", (order, expected) => {
    const seen = WATCHES.map(([, trace]) => {
      const nic = buildNic({ parameters: { "top.nic.queues": 1 } });
      const { kernel, top } = nic;
      traced(kernel, trace);
      const times = errorInterrupts(nic);
      kernel.run({ until: us(2) });
      if (order !== "STATUS first") top.nic.interrupts.enable(CAUSE_ERROR);
      if (order !== "IMS alone") top.nic.registers.write(R.STATUS, 0);
      if (order === "STATUS first") top.nic.interrupts.enable(CAUSE_ERROR);
      // The edge at the stop is still to come, kept or not.
      const between = { work: kernel.hasClockedWork(), next: kernel.nextActivityTime };
      kernel.run({ until: us(3) });
      return { times, between };
    });
    expect(seen[0]).toEqual({ times: expected, between: { work: true, next: us(2) } });
    for (const other of seen.slice(1)) expect(other).toEqual(seen[0]);
  });
});
