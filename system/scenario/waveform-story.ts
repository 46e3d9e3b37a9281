import type { StoryEvent, WaveformStory } from "../../sim/vcd/story.js";

const txCryptoSuspends: StoryEvent = { name: "TX crypto suspends", signals: ["top.nic.crypto_tx.*.preemption"], edge: "change" };
const rxCryptoSuspends: StoryEvent = { name: "RX crypto suspends", signals: ["top.nic.crypto_rx.*.preemption"], edge: "change" };
const hostPreemption: StoryEvent = { name: "{component} preempted", signals: ["top.driver.cpu.*.preempted"], edge: "change" };
const saInstall: StoryEvent = { name: "SA installed", signals: ["top.nic.sacache.installs"], edge: "change" };

/**
 * What a scenario's save file opens on: the first preemption (a crypto engine suspending a lower
 * class for a higher one, else a host core doing so, else the first SA install), with the stages
 * of the data flow from driver to wire around it and the queues that carried nothing left out.
 * The window is short enough for the markers' names not to overlap at 150 ns apart.
 */
export const SCENARIO_STORY: WaveformStory = {
  stages: [
    { name: "IKE", scopes: ["top.driver.intermediate.ike"] },
    { name: "traffic", scopes: ["top.traffic"] },
    { name: "driver", scopes: ["top.driver.intermediate", "top.driver.cpu", "top.driver.base"] },
    {
      name: "rings",
      scopes: ["top.nic.tx", "top.nic.rx"],
      // An RX queue's tail moves as the driver fills every ring; a TX queue's only as frames are posted to it.
      idle: [
        { components: ["top.nic.tx.q*"], unlessChanged: ["head", "tail", "fault"] },
        { components: ["top.nic.rx.q*"], unlessChanged: ["head", "fault"] },
      ],
    },
    { name: "DMA", scopes: ["top.nic.dma"] },
    { name: "SA table", scopes: ["top.nic.sacache", "top.nic.sa_fetch"] },
    { name: "crypto", scopes: ["top.nic.crypto_tx", "top.nic.crypto_rx"] },
    { name: "MAC", scopes: ["top.nic.mac"] },
    { name: "wire", scopes: ["top.wire", "top.peer"] },
    { name: "interrupts and errors", scopes: ["top.nic.interrupts", "top.nic.errors"] },
  ],
  anchors: [[txCryptoSuspends, rxCryptoSuspends], [hostPreemption], [saInstall]],
  events: [
    hostPreemption,
    txCryptoSuspends,
    rxCryptoSuspends,
    { name: "TX suspended job done", signals: ["top.nic.crypto_tx.*.suspended"], edge: "fall" },
    { name: "RX suspended job done", signals: ["top.nic.crypto_rx.*.suspended"], edge: "fall" },
    saInstall,
    { name: "SA evicted", signals: ["top.nic.sacache.evictions"], edge: "change" },
    { name: "device error", signals: ["top.nic.errors.count"], edge: "change" },
    { name: "IKE state", signals: ["top.driver.intermediate.ike.*_state"], edge: "change" },
  ],
  before: 400_000,
  after: 1_200_000,
  hex: ["**.handle", "**.message_handle", "**.path_spi", "**.suspended", "top.nic.interrupts.cause", "top.nic.interrupts.mask"],
};
