import { buildNic, delay, descriptors as D, diagnostics, frameSequence, registers as R, sequencedFrame, us } from "nicsim";

/**
 * A driver of your own, against the model's registers and host memory only: one TX ring, three
 * frames, polling for descriptor done. With `tailBeyondRing` it rings the doorbell with a tail
 * past the end of the ring, and the device says so.
 */
export function runOwnDriver(options: { tailBeyondRing?: boolean } = {}) {
  const { kernel, top } = buildNic({ parameters: { "top.nic.queues": 1 } });
  const { nic: bus, memory } = top;
  const delivered: number[] = [];
  top.peer.onReceive = (frame) => delivered.push(frameSequence(frame.bytes).sequence);
  const slots = 8;
  kernel.process("my_driver", function* () {
    // Bring up TX queue 0: ring base (64-bit, in two registers), length, enable.
    const ring = memory.allocate(slots * D.DESCRIPTOR_BYTES, "my tx ring", R.RING_ALIGNMENT);
    bus.mmioWrite(R.TDBAL(0), ring % 2 ** 32);
    bus.mmioWrite(R.TDBAH(0), Math.floor(ring / 2 ** 32));
    bus.mmioWrite(R.TDLEN(0), slots * D.DESCRIPTOR_BYTES);
    bus.mmioWrite(R.TXDCTL(0), R.QUEUE_ENABLE);
    bus.mmioWrite(R.CTRL, R.CTRL_TX_ENABLE);
    // Three frames, one descriptor each: buffer address, length, end of packet, report status.
    for (let index = 0; index < 3; index++) {
      const frame = sequencedFrame("to-peer", 0, index, 200);
      const buffer = memory.allocate(frame.length, `frame ${index}`);
      memory.write(buffer, frame);
      const descriptor = D.TX_DESCRIPTOR.encode({ bufferAddress: buffer, length: frame.length, command: D.TX_COMMAND_EOP | D.TX_COMMAND_RS });
      memory.write(ring + index * D.DESCRIPTOR_BYTES, descriptor);
    }
    // The doorbell: the tail register names the first slot the device may not use.
    bus.mmioWrite(R.TDT(0), options.tailBeyondRing ? slots + 1 : 3);
    // Poll the last descriptor's status for descriptor done (DD).
    const status = ring + 2 * D.DESCRIPTOR_BYTES + D.TX.STATUS;
    while ((memory.read(status, 1)[0]! & D.STATUS_DD) === 0) yield delay(us(1));
  });
  kernel.run({ until: us(100) });
  return { delivered, device: diagnostics(top.nic) };
}
