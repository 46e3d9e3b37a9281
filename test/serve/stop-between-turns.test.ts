import { setImmediate as nextTurn } from "node:timers/promises";
import { expect, test } from "vitest";
import * as R from "../../hw/spec/registers.js";
import { Connection } from "../../system/serve/connection.js";
import { MessageFramer } from "../../system/serve/message-framer.js";
import { decodeMessage, encodeMessage } from "../../system/serve/protocol-codec.js";
import { type ServeConfig, ServedRun, type ServedRunResult } from "../../system/serve/served-run.js";
import { concatenate } from "../../sim/bytes.js";

const config: ServeConfig = { name: "turns", seed: 1, parameters: { "top.nic.queues": 1 }, directory: null, waveform: false, pcap: false, callPicoseconds: 20_000 };

const batch = (goodbye: boolean) =>
  concatenate([
    encodeMessage("HELLO", { magic: 0x4d49534e, major: 1, minor: 0, client_name: "batch" }),
    encodeMessage("WAIT", { duration_ps: 1_000_000 }),
    encodeMessage("WAIT", { duration_ps: 2_000_000 }),
    encodeMessage("MMIO_READ", { offset: R.STATUS }),
    ...(goodbye ? [encodeMessage("GOODBYE", {})] : []),
  ]);

/** A connection serving `turnMilliseconds` at a time, with what it sent back (by message name) and how its source was paused. */
function connect(turnMilliseconds: number) {
  const replies: string[] = [];
  const framer = new MessageFramer();
  const source = { paused: 0, resumed: 0, pause: () => source.paused++, resume: () => source.resumed++ };
  let result: ServedRunResult | null = null;
  const sink = {
    write: (bytes: Uint8Array) => {
      framer.push(bytes);
      for (let frame = framer.next(); frame.kind === "message"; frame = framer.next()) {
        const decoded = decodeMessage(frame.bytes, "server");
        if (decoded.kind === "message") replies.push(decoded.message.name);
      }
      return true;
    },
    end: () => {},
  };
  const connection = new Connection(new ServedRun(config), sink, (ended) => (result = ended), null, source, turnMilliseconds);
  return { connection, replies, source, result: () => result };
}

async function untilEnded(client: ReturnType<typeof connect>): Promise<void> {
  for (let turn = 0; turn < 100 && client.result() === null; turn++) await nextTurn();
}

// From a protocol fuzzer's check: messages sent in one write were served in one synchronous loop, so Ctrl-C during the first of several long waits was heard only after the last (3.2 s later).
test("messages received together are served over several turns of the event loop when a turn's time is up, with the same replies and run; a stop signal between turns ends the run there", async () => {
  const whole = connect(Infinity);
  whole.connection.receive(batch(true));
  expect(whole.replies).toEqual(["HELLO_REPLY", "WAIT_REPLY", "WAIT_REPLY", "MMIO_READ_REPLY", "GOODBYE_REPLY"]);
  const wholeSummary = whole.result()!.summary;

  const turns = connect(0);
  turns.connection.receive(batch(true));
  // A turn of no time serves one message; the rest wait, the client's stream paused meanwhile.
  expect(turns.replies).toEqual(["HELLO_REPLY"]);
  expect(turns.source.paused).toBe(1);
  await untilEnded(turns);
  expect(turns.replies).toEqual(whole.replies);
  expect(turns.source.resumed).toBe(turns.source.paused);
  expect(turns.result()!.summary).toEqual(wholeSummary);

  const stopped = connect(0);
  stopped.connection.receive(batch(true));
  stopped.connection.interrupt("SIGINT");
  expect(stopped.replies).toEqual(["HELLO_REPLY"]);
  expect(stopped.result()!.summary.ending.kind).toBe("interrupted");
  await nextTurn();
  expect(stopped.replies).toEqual(["HELLO_REPLY"]);
});

test("a client that leaves while received messages wait for the next turn has them served first, as in one turn", async () => {
  const whole = connect(Infinity);
  whole.connection.receive(batch(false));
  whole.connection.disconnected();
  const left = connect(0);
  left.connection.receive(batch(false));
  left.connection.disconnected();
  expect(left.replies).toEqual(whole.replies);
  expect(left.replies).toHaveLength(4);
  expect(left.result()!.summary).toEqual(whole.result()!.summary);
  expect(left.result()!.summary.ending).toMatchObject({ kind: "disconnected", cutOff: null });

  // Its stream ended (half-closed) while they waited: served over the turns, then the disconnect.
  const halfClosed = connect(0);
  halfClosed.connection.receive(batch(false));
  halfClosed.connection.inputEnded();
  expect(halfClosed.result()).toBeNull();
  await untilEnded(halfClosed);
  expect(halfClosed.replies).toEqual(whole.replies);
  expect(halfClosed.result()!.summary).toEqual(whole.result()!.summary);
});
