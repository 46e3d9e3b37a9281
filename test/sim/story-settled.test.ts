import { expect, test } from "vitest";
import { Activity } from "../../sim/vcd/activity.js";
import { layOut, storySettledBy, type WaveformStory } from "../../sim/vcd/story.js";
import type { TracedItem } from "../../sim/vcd/tracer.js";
import { SCENARIO_STORY } from "../../system/scenario/waveform-story.js";

const STORY: WaveformStory = {
  stages: [{ name: "all", scopes: ["top.**"] }],
  anchors: [[{ name: "suspends", signals: ["top.engine.preemption"], edge: "change" }], [{ name: "preempted", signals: ["top.core.preempted"], edge: "change" }]],
  events: [
    { name: "suspends", signals: ["top.engine.preemption"], edge: "change" },
    { name: "preempted", signals: ["top.core.preempted"], edge: "change" },
  ],
  before: 100,
  after: 1000,
  hex: [],
};

/** A run's watched changes: a core preempted at 500 and every 300 after, the engine first suspending at 2000 and with it after, to 1,000,000. */
function activity(settledBy: ReturnType<typeof storySettledBy> | null): Activity {
  const record = new Activity(["top.engine.preemption", "top.core.preempted"], settledBy ?? null);
  const engine = record.add("top.engine.preemption");
  const core = record.add("top.core.preempted");
  record.began(engine, 0, 0);
  record.began(core, 0, 0);
  // In time order, as the tracer reports them.
  for (let time = 500; time <= 1_000_000; time += 300) {
    record.changed(core, time, time % 600 === 500 ? 1 : 0);
    if (time >= 2000) record.changed(engine, time, 1);
  }
  record.to = 1_000_000;
  return record;
}

test("once the first anchor group has changed, changes a window's length past it are counted and not kept (a long run's waveform kept every preemption and install to its end), and the layout is the same", () => {
  const items = ["top.engine.preemption", "top.core.preempted"].map((path) => ({ path, width: 1, kind: "wire" }) as unknown as TracedItem);
  const everything = activity(null);
  const settled = activity(storySettledBy(STORY)!);
  // The layout, without its hex predicate (a function, new each time).
  const laid = (record: Activity) => {
    const { hex: _hex, ...layout } = layOut(items, record, STORY);
    return layout;
  };
  expect(laid(settled)).toEqual(laid(everything));
  expect(layOut(items, settled, STORY).window).toEqual({ from: 1900, to: 3000 });
  const kept = (record: Activity) => [...record.watchedHistories().values()].reduce((sum, history) => sum + history.changes.length, 0);
  expect(kept(everything)).toBeGreaterThan(6000);
  // Up to 2000 + 1000: the core's 9 changes, the engine's 4.
  expect(kept(settled)).toBe(13);
  expect(settled.changeCount("top.core.preempted")).toBe(everything.changeCount("top.core.preempted"));
  // The scenario's own story is settled by its crypto engines' suspensions; a first group of rises or falls settles nothing.
  expect(storySettledBy(SCENARIO_STORY)).toEqual({ signals: ["top.nic.crypto_tx.*.preemption", "top.nic.crypto_rx.*.preemption"], after: SCENARIO_STORY.after });
  expect(storySettledBy({ ...STORY, anchors: [[{ name: "done", signals: ["top.engine.suspended"], edge: "fall" }]] })).toBeUndefined();
});
