import { describe, expect, test } from "vitest";
import { buildNic, delay, descriptors as D, diagnostics, ErrorCode, errorCodeName, FieldCode, fieldCodeName, registers as R, sequencedFrame, us } from "nicsim";

const BUFFER_BYTES = 2048;

/**
 * The classic off-by-one of a hand-written driver: an RX ring of `buffers` slots whose
 * descriptors point at buffers 1 to N of an N-buffer pool (`index + 1` where `index` was meant),
 * so the last descriptor names the bytes just past the pool, where another allocation follows.
 * With `writeSlotN`, the driver also writes a descriptor one slot past its N-slot TX ring.
 */
function offByOne(options: { hostMemoryGuard: boolean; writeSlotN?: boolean }) {
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1, "top.hostMemoryGuard": options.hostMemoryGuard } });
  const { nic: bus, memory } = top;
  const buffers = 4;
  const slots = 8;
  // Each allocation is followed by one that, without red zones, would start right where it ends.
  const transmitRing = memory.allocate(slots * D.DESCRIPTOR_BYTES, "my tx ring", R.RING_ALIGNMENT);
  const ring = memory.allocate(slots * D.DESCRIPTOR_BYTES, "my rx ring", R.RING_ALIGNMENT);
  const pool = memory.allocate(buffers * BUFFER_BYTES, "my rx buffers", 4096);
  memory.allocate(4 * BUFFER_BYTES, "my tx buffers", 4096);
  kernel.process("my_driver", function* () {
    bus.mmioWrite(R.RDBAL(0), ring % 2 ** 32);
    bus.mmioWrite(R.RDBAH(0), Math.floor(ring / 2 ** 32));
    bus.mmioWrite(R.RDLEN(0), slots * D.DESCRIPTOR_BYTES);
    bus.mmioWrite(R.SRRCTL(0), BUFFER_BYTES);
    bus.mmioWrite(R.RXDCTL(0), R.QUEUE_ENABLE);
    bus.mmioWrite(R.CTRL, R.CTRL_RX_ENABLE);
    for (let index = 0; index < buffers; index++) {
      memory.write(ring + index * D.DESCRIPTOR_BYTES, D.RX_DESCRIPTOR.encode({ bufferAddress: pool + (index + 1) * BUFFER_BYTES }));
    }
    if (options.writeSlotN) memory.write(transmitRing + slots * D.DESCRIPTOR_BYTES, new Uint8Array(D.DESCRIPTOR_BYTES));
    bus.mmioWrite(R.RDT(0), buffers);
    yield delay(us(2));
    for (let index = 0; index < buffers; index++) top.peer.send(sequencedFrame("to-host", 0, index, 200));
  });
  kernel.run({ until: us(40) });
  return { device: diagnostics(top.nic), log: top.nic.diagnostics };
}

describe("red zones: a driver's off-by-one is a device error, not a silent overlap", () => {
  test("buffer N of an N-buffer pool is refused as DMA_UNMAPPED on that descriptor's BUFFER_ADDRESS", () => {
    const { device, log } = offByOne({ hostMemoryGuard: false });
    expect(device.errors).toHaveLength(1);
    expect(device.errors[0]).toMatch(/DMA_UNMAPPED/);
    expect(log[0]!.code).toBe("DMA_UNMAPPED");
    expect(log[0]!.field).toBe("BUFFER_ADDRESS");
    expect(log[0]!.index).toBe(3);
  });

  test("with the host-memory guard, writing descriptor N of an N-slot ring stops the driver there, naming the ring", () => {
    expect(() => offByOne({ hostMemoryGuard: true, writeSlotN: true })).toThrow(/red zone 0 bytes after the end of 'my tx ring'/);
  });
});

describe("error and field names are exported", () => {
  test("errorCodeName and fieldCodeName translate the codes an error log entry holds", () => {
    expect(errorCodeName(ErrorCode.DMA_UNMAPPED)).toBe("DMA_UNMAPPED");
    expect(fieldCodeName(FieldCode.TAIL)).toBe("TAIL");
    expect(fieldCodeName(0xee)).toBeUndefined();
  });
});

describe("register writes take what JavaScript's bit operators give", () => {
  function readBack(write: (bus: ReturnType<typeof buildNic>["top"]["nic"]) => void) {
    const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
    let value: number | undefined;
    kernel.process("my_driver", function* () {
      write(top.nic);
      value = (yield top.nic.mmioRead(R.TDBAL(0))) as number;
    });
    kernel.run({ until: us(5) });
    return { value, errors: diagnostics(top.nic).errors };
  }

  test("a negative result of `|` (bit 31 set) is the same 32-bit pattern as its unsigned value", () => {
    const signed = readBack((bus) => bus.mmioWrite(R.TDBAL(0), (1 << 31) | 0x1000));
    expect((1 << 31) | 0x1000).toBeLessThan(0);
    expect(signed).toEqual({ value: 0x8000_1000, errors: [] });
    expect(readBack((bus) => bus.mmioWrite(R.TDBAL(0), 0x8000_1000))).toEqual(signed);
  });

  test.each([1.5, Number.NaN, 2 ** 32, -(2 ** 31) - 1])("%s is refused, naming the register", (value) => {
    expect(() => readBack((bus) => bus.mmioWrite(R.TDBAL(0), value))).toThrow(/MMIO write of .* to TDBAL\[0\]: registers take 32-bit integers/);
  });

  // From a driver developer's check: the text "1" was refused as "MMIO write of 1", as if 1 were the mistake; and from a re-check, a key word written to SA_STAGE as a text or beyond 32 bits was shown.
  test("a value that is not a 32-bit integer is refused saying what it is, never the value", () => {
    expect(() => readBack((bus) => bus.mmioWrite(R.TDBAL(0), "1" as unknown as number))).toThrow("MMIO write of a string to TDBAL[0]: registers take 32-bit integers");
    expect(() => readBack((bus) => bus.mmioWrite(R.TDBAL(0), 1n as unknown as number))).toThrow("MMIO write of a bigint to TDBAL[0]");
    expect(() => readBack((bus) => bus.mmioWrite(R.SA_STAGE(0), 0xd1d2d3d4d5))).toThrow("MMIO write of a number beyond 32 bits to SA_STAGE[0]");
    expect(() => readBack((bus) => bus.mmioWrite(R.SA_STAGE(0), 0xd1d2d3d4d5))).not.toThrow(new RegExp(`d1d2d3d4d5|${0xd1d2d3d4d5}`, "i"));
    expect(() => readBack((bus) => bus.mmioWrite(R.TDBAL(0), 1.5))).toThrow("MMIO write of a fraction to TDBAL[0]");
    // Nor the offset, past the register map: with the arguments swapped it is a key word (from a re-check).
    expect(() => readBack((bus) => bus.mmioWrite(0xa2513c9f, 1.5))).toThrow("MMIO write of a fraction to an offset at or past the register map's end (0x6000; not shown)");
    expect(() => readBack((bus) => bus.mmioWrite(0xa2513c9f, 1.5))).not.toThrow(/a2513c9f|2723232927/i);
  });
});
