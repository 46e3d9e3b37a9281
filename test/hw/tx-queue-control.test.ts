import { describe, expect, test } from "vitest";
import { buildNic, delay, diagnostics, registers as R, us } from "../../index.js";
import { RawTxRing } from "../support/raw-tx-ring.js";

/** A driver developer's checks of TXDCTL, TDH and EITR_PACKETS at their edges, on a ring driven by hand. */
describe("TX queue control, head and interrupt counting", () => {
  test("EITR_PACKETS counts frames written back wherever their RS bits are: RS only on each frame's first descriptor still fires at the threshold", () => {
    for (const rs of ["last", "first", "all"] as const) {
      const design = buildNic({ parameters: { "top.nic.queues": 1 } });
      const { kernel, top } = design;
      const ring = new RawTxRing(design, 0, 64);
      const fired: number[] = [];
      kernel.process("driver", function* () {
        ring.program();
        top.nic.mmioWrite(R.EITR(0), 1_000_000);
        top.nic.mmioWrite(R.EITR_PACKETS(0), 3);
        top.nic.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE);
        yield delay(us(2));
        top.nic.mmioWrite(R.IMS, 1);
        for (let frame = 0; frame < 4; frame++) ring.post(3000, { parts: 3, rs });
        ring.doorbell();
      });
      kernel.process("interrupts", function* () {
        yield top.nic.interrupt(0);
        fired.push(kernel.now);
      });
      kernel.run({ until: us(100) });
      // Three frames done within a few µs: the threshold fires it, long before EITR's 1 ms.
      expect(fired, `RS on ${rs}`).toHaveLength(1);
      expect(fired[0]!, `RS on ${rs}`).toBeLessThan(us(10));
    }
  });

  test("an enable refused as ENABLE_WHILE_BUSY is ignored whole: WTHRESH keeps its value", () => {
    const design = buildNic({ parameters: { "top.nic.queues": 1, "top.nic.tx.writeBackDelay": 100_000, "top.nic.dma.readLatency": 2000 } });
    const { kernel, top } = design;
    const ring = new RawTxRing(design, 0, 16);
    const read: number[] = [];
    kernel.process("driver", function* () {
      ring.program(8);
      top.nic.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE);
      for (let frame = 0; frame < 6; frame++) ring.post(200);
      ring.doorbell();
      yield delay(us(9));
      top.nic.mmioWrite(R.TXDCTL(0), 8 << 16);
      top.nic.mmioWrite(R.TXDCTL(0), R.QUEUE_ENABLE | (3 << 16));
      read.push((yield top.nic.mmioRead(R.TXDCTL(0))) as number);
    });
    kernel.run({ until: us(60) });
    expect(diagnostics(top.nic).errors.filter((error) => error.includes("ENABLE_WHILE_BUSY"))).toHaveLength(1);
    const control = R.TX_QUEUE_CONTROL_FIELDS;
    expect(control.ENABLE.get(read[0]!)).toBe(0);
    expect(control.BUSY.get(read[0]!)).toBe(1);
    expect(control.WTHRESH.get(read[0]!)).toBe(8);
  });

  test("TDH keeps moving after a disable as the frames already started finish, so it names the first frame not finished with", () => {
    const design = buildNic({ parameters: { "top.nic.queues": 1, "top.nic.tx.framesInFlight": 1, "top.nic.tx.priorityReserve": 0, "top.nic.dma.readLatency": 500 } });
    const { kernel, top } = design;
    const ring = new RawTxRing(design, 0, 16);
    const seen: { head: number; done: number }[] = [];
    kernel.process("driver", function* () {
      ring.program();
      top.nic.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE);
      for (let frame = 0; frame < 10; frame++) ring.post(300);
      ring.doorbell();
      yield delay(us(12));
      top.nic.mmioWrite(R.TXDCTL(0), 0);
      while (R.TX_QUEUE_CONTROL_FIELDS.BUSY.get((yield top.nic.mmioRead(R.TXDCTL(0))) as number)) yield delay(us(0.5));
      seen.push({ head: (yield top.nic.mmioRead(R.TDH(0))) as number, done: ring.done().reduce((sum, bit) => sum + bit, 0) });
    });
    kernel.run({ until: us(60) });
    // Every frame the device finished with has its DD set, and TDH is just past them.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.done).toBeGreaterThan(0);
    expect(seen[0]!.head).toBe(seen[0]!.done);
  });
});
