import { describe, expect, test } from "vitest";
import { type DmaReads, ENGINE_LOOKAHEAD_ROUND_TRIPS, type EngineQueue, FramesInFlight } from "../../hw/tx/frames-in-flight.js";

/** Crypto engines whose queue the test sets by hand: `count` of them, 4 bytes a cycle between them. */
class Engines implements EngineQueue {
  readonly bytesPerCycle = 4;
  constructor(readonly count = 2) {}
  jobs = new Map<number, number[]>();
  get backlogged(): boolean {
    return [...this.jobs.values()].some((bytes) => bytes.length > 0);
  }
  queued(queue: number): number {
    return this.jobs.get(queue)?.length ?? 0;
  }
  queuedBytes(queue: number): number {
    return (this.jobs.get(queue) ?? []).reduce((sum, bytes) => sum + bytes, 0);
  }
  wait(queue: number, bytes: number): void {
    this.jobs.set(queue, [...(this.jobs.get(queue) ?? []), bytes]);
  }
}

const reads: DmaReads = { ahead: Infinity, fasterThanLine: true, saturatedBytes: Infinity, tags: 64, maxReadRequest: 512, roundTripCycles: 141 };
/** What keeps the engines busy for the lookahead's round trips: 4,512 bytes. */
const lookahead = 4 * ENGINE_LOOKAHEAD_ROUND_TRIPS * 141;

function framesInFlight(count = 2) {
  const engines = new Engines(count);
  return { engines, flight: new FramesInFlight(engines, reads, () => false) };
}

// The hold at the frame start that keeps a class of large frames from filling the window with jobs the engines have enough of (README: "The window's shares are in frames").
describe("FramesInFlight.engineHeld", () => {
  test("holds a class whose frames on their way to the engines (read or reading) are one for each engine, two at least, and hold the lookahead, while jobs wait there", () => {
    const { engines, flight } = framesInFlight();
    engines.wait(0, 9000);
    expect(flight.engineHeld(0)).toBe(false);
    flight.start(0, true, 9000, 18, true);
    expect(flight.engineHeld(0)).toBe(true);
    // Another class, with nothing on its way, is not held.
    expect(flight.engineHeld(1)).toBe(false);
  });

  test("with four engines, four frames: engines freeing together each find one", () => {
    const { engines, flight } = framesInFlight(4);
    engines.wait(0, 9000);
    flight.start(0, true, 9000, 18, true);
    flight.start(0, true, 9000, 18, true);
    expect(flight.engineHeld(0)).toBe(false);
    flight.start(0, true, 9000, 18, true);
    expect(flight.engineHeld(0)).toBe(true);
  });

  test("nothing is held while no job waits at the engines: they are not the bottleneck", () => {
    const { flight } = framesInFlight();
    flight.start(0, true, 9000, 18, true);
    flight.start(0, true, 9000, 18, true);
    flight.start(0, true, 9000, 18, true);
    expect(flight.engineHeld(0)).toBe(false);
  });

  test("small frames are held only once their bytes reach the lookahead", () => {
    const { engines, flight } = framesInFlight();
    engines.wait(1, 9000);
    const frames = Math.ceil(lookahead / 118);
    for (let frame = 0; frame < frames - 1; frame++) flight.start(0, true, 118, 1, true);
    expect(flight.engineHeld(0)).toBe(false);
    flight.start(0, true, 118, 1, true);
    expect(flight.engineHeld(0)).toBe(true);
  });

  test("a frame read stops counting as reading; as a job it counts by the engines' queue", () => {
    const { engines, flight } = framesInFlight();
    engines.wait(1, 9000);
    flight.start(0, true, 9000, 18, true);
    flight.start(0, true, 9000, 18, true);
    expect(flight.engineHeld(0)).toBe(true);
    flight.read(0, 9000, true);
    expect(flight.engineHeld(0)).toBe(false);
    engines.wait(0, 9000);
    expect(flight.engineHeld(0)).toBe(true);
  });

  test("plain frames, which the engines never see, and frames refused before any read never count", () => {
    const { engines, flight } = framesInFlight();
    engines.wait(1, 9000);
    flight.start(0, true, 9000, 18, false);
    flight.start(0, true, 9000, 18, false);
    flight.start(0, false, 9000, 0, true);
    flight.start(0, false, 9000, 0, true);
    expect(flight.engineHeld(0)).toBe(false);
  });
});
