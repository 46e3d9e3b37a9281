/** The shares experiment's named configurations (`nicsim validate`): each a policy map, what its classes offer, and the design it runs on. */
import type { MeasuredClass, ShareConfiguration } from "./shares.js";

/** A class that always has a frame waiting. */
export const BACKLOGGED = Infinity;

export const SMALL = [64];
export const JUMBO = [9000];
const STANDARD = [1514];
const MIXED = [64, 128, 576, 1514, 4000, 9000];

/** Two minimums of 5 % and class-default's weight, backlogged with 1400-byte packets: the crypto-bound windows' classes. */
const TWO_SMALL_MINIMUMS: readonly MeasuredClass[] = [
  { name: "silver", bandwidthPercent: 5, offered: BACKLOGGED, sizes: [1400] },
  { name: "bronze", bandwidthPercent: 5, offered: BACKLOGGED, sizes: [1400] },
  { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: [1400] },
];

/** Four TX crypto engines at 1 byte per cycle (a jumbo job holds one 36 µs), a 1 MB TX buffer, and 128 frames in flight, which classes of 64-byte frames against jumbo ones need. */
const FOUR_SLOW_ENGINES_WIDE_WINDOW = { cryptoBytesPerCycle: 1, cryptoEngines: 4, parameters: { "top.nic.tx.bufferBytes": 1_048_576, "top.nic.tx.framesInFlight": 128 } } as const;

/** Named configurations: every kind of class, frame sizes mixed within and across classes, offered loads under and over each share. */
export const NAMED_CONFIGURATIONS: readonly ShareConfiguration[] = [
  { label: "2 classes, bandwidth 70/30: 64-byte frames against 9000-byte frames", classes: [{ name: "small", bandwidthPercent: 70, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", bandwidthPercent: 30, offered: BACKLOGGED, sizes: JUMBO }] },
  { label: "2 classes, bandwidth 30/70: the small frames have the small share", classes: [{ name: "small", bandwidthPercent: 30, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", bandwidthPercent: 70, offered: BACKLOGGED, sizes: JUMBO }] },
  { label: "2 classes by bandwidth remaining 30/70: 64-byte frames against 9000-byte frames", classes: [{ name: "small", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: JUMBO }] },
  {
    label: "4 classes: priority 10 (64 B), bandwidth 20 (9000 B) and 30 (128 B), class-default (4000 and 9000 B)",
    classes: [
      { name: "voice", priorityPercent: 10, offered: BACKLOGGED, sizes: SMALL },
      { name: "jumbo", bandwidthPercent: 20, offered: BACKLOGGED, sizes: JUMBO },
      { name: "small", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [128] },
      { name: "class-default", offered: BACKLOGGED, sizes: [4000, 9000] },
    ],
  },
  {
    label: "3 classes: priority 20 (1514 B), bandwidth 50 (64 B), class-default (9000 B)",
    classes: [{ name: "voice", priorityPercent: 20, offered: BACKLOGGED, sizes: STANDARD }, { name: "data", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL }, { name: "class-default", offered: BACKLOGGED, sizes: JUMBO }],
  },
  { label: "priority 10 offered 60 % on an otherwise idle link: the policer stands aside", classes: [{ name: "voice", priorityPercent: 10, offered: 0.6, sizes: MIXED }] },
  { label: "priority 10 offered 60 % against backlogged bulk: policed to 10 %", classes: [{ name: "voice", priorityPercent: 10, offered: 0.6, sizes: STANDARD }, { name: "class-default", offered: BACKLOGGED, sizes: MIXED }] },
  // From an architect's check: bulk's descriptors on their way (its packets closer together than a fetch's round trip) were counted as congestion, and held the priority class to its 10 % on a line 20 % used.
  {
    label: "priority 10 offered 30 % beside a minimum of 50 % offered 10 % in 64-byte frames closer together than a descriptor fetch takes: the line is not congested",
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: 0.1, sizes: SMALL }],
  },
  {
    label: "the same over a DMA link of 8 bytes per cycle (about 0.64 of the line, not saturated): the line is not congested",
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: 0.1, sizes: SMALL }],
  },
  {
    label: "priority 10 offered 30 % in 9000-byte frames beside a minimum of 50 % offered 50 % in 576-byte frames: the line is not congested",
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: JUMBO }, { name: "bulk", bandwidthPercent: 50, offered: 0.5, sizes: [576] }],
  },
  {
    label: "priority 10 offered 30 % (64 to 9000 B) beside a minimum offered 30 % (64 and 128 B) and class-default 20 % (64 and 9000 B): the line is not congested",
    classes: [
      { name: "voice", priorityPercent: 10, offered: 0.3, sizes: [64, 1514, 9000] },
      { name: "bulk", bandwidthPercent: 50, offered: 0.3, sizes: [64, 128] },
      { name: "class-default", offered: 0.2, sizes: [64, 9000] },
    ],
  },
  // From a re-check of that fix: the DMA's tags, not its link, were the bottleneck, and gold over its rate took 0.30 beside backlogged bulk.
  {
    label: "DMA with 8 read tags (64-byte frames fill them first): priority 10 offered 30 % beside a backlogged minimum of 50 % in 64-byte frames",
    dmaBound: true,
    parameters: { "top.nic.dma.maxOutstandingReads": 8 },
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL }],
  },
  {
    // One descriptor per fetch: in batches of 8 the fetches no longer fill the tags, and the DMA is not the bottleneck.
    label: "DMA reads of 1,000 cycles' latency, a descriptor per fetch (the fetches fill the tags): priority 10 offered 30 % beside a backlogged minimum of 50 % in 64-byte frames",
    dmaBound: true,
    parameters: { "top.nic.dma.readLatency": 1000, "top.nic.tx.descriptorBatch": 1 },
    classes: [{ name: "voice", priorityPercent: 10, offered: 0.3, sizes: [1400] }, { name: "bulk", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL }],
  },
  // From a second re-check: each tag was taken to carry a whole MRRS, so one tag of 4096 bytes looked faster than the line; frames of 1514 bytes filled it, nothing held the frame start back, and 70/30 gave 50/50.
  {
    label: "DMA with one read tag and an MRRS of 4096 bytes, frames of 1514 (the tag, not the link, is the bottleneck): bandwidth remaining 70/30",
    dmaBound: true,
    parameters: { "top.nic.dma.maxOutstandingReads": 1, "top.nic.dma.maxReadRequest": 4096 },
    classes: [{ name: "silver", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: STANDARD }, { name: "class-default", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: STANDARD }],
  },
  { label: "2 priority classes of 10 % offered 60 % each and nothing else: over their rates, they still fill the line", classes: [{ name: "p1", priorityPercent: 10, offered: 0.6, sizes: [1400] }, { name: "p2", priorityPercent: 10, offered: 0.6, sizes: [200, 1514] }] },
  {
    label: "3 priority classes of 5 % offered 30 % each, class-default 70 %",
    classes: [
      { name: "p1", priorityPercent: 5, offered: 0.3, sizes: [1400] },
      { name: "p2", priorityPercent: 5, offered: 0.3, sizes: SMALL },
      { name: "p3", priorityPercent: 5, offered: 0.3, sizes: JUMBO },
      { name: "class-default", offered: 0.7, sizes: MIXED },
    ],
  },
  {
    label: "4 classes by bandwidth remaining 60/30/10 and an unset class-default, mixed sizes",
    classes: [
      { name: "a", bandwidthRemainingPercent: 60, offered: BACKLOGGED, sizes: MIXED },
      { name: "b", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: SMALL },
      { name: "c", bandwidthRemainingPercent: 10, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", offered: BACKLOGGED, sizes: STANDARD },
    ],
  },
  {
    label: "a class under its minimum: bandwidth 40 offered 15 %, the rest shared by remaining 75/25",
    classes: [
      { name: "light", bandwidthPercent: 40, offered: 0.15, sizes: MIXED },
      { name: "heavy", bandwidthRemainingPercent: 75, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", bandwidthRemainingPercent: 25, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "the default scenario's policy: priority 10, bandwidth 50 and 30, class-default remaining 100",
    classes: [
      { name: "gold", priorityPercent: 10, offered: 0.02, sizes: [142] },
      { name: "silver", bandwidthPercent: 50, offered: BACKLOGGED, sizes: [1464] },
      { name: "bronze", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1464] },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: SMALL },
    ],
  },
  {
    label: "8 classes: priority, minimums with and without weights, weights alone, class-default; loads under and over",
    classes: [
      { name: "p", priorityPercent: 5, offered: 0.03, sizes: [200] },
      { name: "b1", bandwidthPercent: 20, offered: BACKLOGGED, sizes: SMALL },
      { name: "b2", bandwidthPercent: 15, bandwidthRemainingPercent: 40, offered: BACKLOGGED, sizes: JUMBO },
      { name: "b3", bandwidthPercent: 10, offered: 0.04, sizes: MIXED },
      { name: "r1", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: STANDARD },
      { name: "r2", bandwidthRemainingPercent: 10, offered: BACKLOGGED, sizes: [256, 9000] },
      { name: "b4", bandwidthPercent: 5, offered: BACKLOGGED, sizes: [128, 1514] },
      { name: "class-default", offered: BACKLOGGED, sizes: MIXED },
    ],
  },
  {
    label: "ESP through crypto engines slowed to 6 bytes per cycle: bandwidth 30/70 holds in the engines too",
    cryptoBytesPerCycle: 6,
    classes: [{ name: "first", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1400] }, { name: "class-default", bandwidthPercent: 70, offered: BACKLOGGED, sizes: [1400] }],
  },
  {
    // From an architect's check: with a TX buffer whose parts outlast the frames in flight, the frame start, which works in line rates, gave each minimum 5 % of the line (30 % of the engines).
    label: "Crypto engines at 2 bytes per cycle, 1 MB TX buffer (the frames in flight hold classes back, not their parts): minimums of 5 % and weights hold in the engines",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: TWO_SMALL_MINIMUMS,
  },
  {
    // From a re-check: the engines placed a priority class's jobs over the others' unpoliced, and a suspended job waited for ever on one its policer held back: priority 10 offered 60 % took them whole.
    label: "Crypto engines at 2 bytes per cycle, priority 10 offered 60 % of the line: policed to 10 % of the engines, a minimum and weights sharing the rest",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: [
      { name: "gold", priorityPercent: 10, offered: 0.6, sizes: [1400] },
      { name: "silver", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    // From a re-check of the one above: the strict queues' frames filled the frames in flight past the window's sharing, and class-default started none.
    label: "Crypto engines at 2 bytes per cycle, priority 10 and 5 both offered 60 % of the line: each policed to its percent of the engines",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: [
      { name: "p1", priorityPercent: 10, offered: 0.6, sizes: [1400] },
      { name: "p2", priorityPercent: 5, offered: 0.6, sizes: [1400] },
      { name: "silver", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    // From the window's own check: shares rounded up (4 each of 10) did not fit together, and the class below its share never reached it.
    label: "Crypto engines at 2 bytes per cycle, 10 frames in flight for 3 classes (not a multiple of them): minimums of 5 % and weights hold in the engines",
    cryptoBytesPerCycle: 2,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576, "top.nic.tx.framesInFlight": 18 },
    classes: TWO_SMALL_MINIMUMS,
  },
  {
    // From the window's own check: frames in the engines counted against their class's share, so a class whose share was all in them had none waiting for the engines' scheduler.
    label: "4 crypto engines at 1 byte per cycle, 33 frames in flight against the 32 jobs they hold: minimums of 5 % and weights hold in the engines",
    cryptoBytesPerCycle: 1,
    cryptoEngines: 4,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576, "top.nic.tx.framesInFlight": 41 },
    classes: TWO_SMALL_MINIMUMS,
  },
  {
    // From an architect's check: reads past what the DMA's tags hold waited there first come first served, so once the buffer parts (or descriptors fetched behind those reads) and not the window held the classes, 70/30 came out 50/50.
    label: "DMA link at 8 bytes per cycle (about 0.64 of the line), 128 frames in flight: weights 70/30 share what it carries",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8, "top.nic.tx.framesInFlight": 128 },
    classes: [
      { name: "silver", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    label: "DMA link at 8 bytes per cycle, the default window and buffer parts: minimums of 30 and 10 % of the line, priority 5 offered 30 %",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [
      { name: "voice", priorityPercent: 5, offered: 0.3, sizes: [200, 1514] },
      { name: "silver", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1400] },
      { name: "class-default", bandwidthPercent: 10, offered: BACKLOGGED, sizes: [1400] },
    ],
  },
  {
    label: "DMA link at 8 bytes per cycle: 64-byte frames against 9000-byte frames by weights 30/70",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [
      { name: "small", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    // From an outside check: minimums are rates of the line, and served a frame each in turn where the link carried less than they add up to, these got 0.03, 0.30 and 0.30 of the line.
    label: "DMA link at 8 bytes per cycle: minimums of 30 % each in 64-, 1500- and 9000-byte frames, more than it carries, share it by their percents",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [
      { name: "small", bandwidthPercent: 30, offered: BACKLOGGED, sizes: SMALL },
      { name: "silver", bandwidthPercent: 30, offered: BACKLOGGED, sizes: [1500] },
      { name: "class-default", bandwidthPercent: 30, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    // From an outside check: the two classes' reads, both ahead of bulk's, were issued first come first served among themselves: 0.237 each.
    label: "DMA link at 6 bytes per cycle: two priority classes of 40 and 30 %, each offered 40 %, the higher first",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 6 },
    classes: [
      { name: "voice", priorityPercent: 40, offered: 0.4, sizes: [1500] },
      { name: "video", priorityPercent: 30, offered: 0.4, sizes: [1500] },
      { name: "class-default", offered: BACKLOGGED, sizes: STANDARD },
    ],
  },
  {
    // Served in turn by frame, the 40 % class of 256-byte frames got the least (0.034 of the line, the 10 % class 0.101).
    label: "DMA link at 4 bytes per cycle: minimums of 40 % in 256-byte, 20 % in 1500-byte and 10 % in 9000-byte frames share what it carries by their percents",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 4 },
    classes: [
      { name: "small", bandwidthPercent: 40, offered: BACKLOGGED, sizes: [256] },
      { name: "silver", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [1500] },
      { name: "class-default", bandwidthPercent: 10, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "DMA link at 8 bytes per cycle, sizes mixed within classes: priority 5 offered 30 %, minimums of 50 % (64 and 1514 B) and 20 % (9000 B) past what it carries, class-default by its weight alone",
    dmaBound: true,
    parameters: { "top.nic.dma.bytesPerCycle": 8 },
    classes: [
      { name: "voice", priorityPercent: 5, offered: 0.3, sizes: [200, 1514] },
      { name: "small", bandwidthPercent: 50, offered: BACKLOGGED, sizes: [64, 1514] },
      { name: "jumbo", bandwidthPercent: 20, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", offered: BACKLOGGED, sizes: STANDARD },
    ],
  },
  {
    // From an architect's check: a job was taken into an engine's front while a 9000-byte job held its data path (36 µs at 1 byte per cycle), and the class's later frames, done on other engines, waited for it to leave in order: 0.016 of the engines.
    // 128 frames in flight: at 64 the window's equal shares (in frames) left the small class 17, done long before an engine freed from a jumbo job again, and 0.167 of the line over 4 ms with a 1 MB buffer; 0.180 now that jumbo classes hold back frames the engines have enough of (FramesInFlight.engineHeld).
    label: "4 crypto engines at 1 byte per cycle, 128 frames in flight: a minimum of 20 % in 64-byte frames against two classes of 9000-byte frames",
    ...FOUR_SLOW_ENGINES_WIDE_WINDOW,
    classes: [
      { name: "small", bandwidthPercent: 20, offered: BACKLOGGED, sizes: SMALL },
      { name: "silver", bandwidthPercent: 30, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", bandwidthRemainingPercent: 100, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    // From an outside check: the four engines freed together, took the small class's waiting jobs while its next frames were read, found it without one and took jumbo jobs together for 36 µs, with the jumbo class's frames filling half the window; 0.078 of the line with 128 frames in flight and a 1 MB buffer, 0.60 with the defaults.
    label: "4 crypto engines at 1 byte per cycle, the default window and TX buffer: weights 80/20, 64-byte frames against 9000-byte frames",
    cryptoBytesPerCycle: 1,
    cryptoEngines: 4,
    classes: [
      { name: "small", bandwidthRemainingPercent: 80, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", bandwidthRemainingPercent: 20, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "4 crypto engines at 1 byte per cycle, 128 frames in flight: weights 99/1, 64-byte frames against 9000-byte frames",
    ...FOUR_SLOW_ENGINES_WIDE_WINDOW,
    classes: [
      { name: "small", bandwidthRemainingPercent: 99, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", bandwidthRemainingPercent: 1, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    // From an outside check of the hold above: a class with frames on their way but no job waiting at the engines was no congestion there, and gold over its rate took 0.080 of the line for 0.016.
    label: "4 crypto engines at 1 byte per cycle, the default window and TX buffer: priority 5 in 9000-byte frames offered 0.2, policed to its rate beside class-default in 1514-byte frames",
    cryptoBytesPerCycle: 1,
    cryptoEngines: 4,
    classes: [
      { name: "gold", priorityPercent: 5, offered: 0.2, sizes: JUMBO },
      { name: "class-default", offered: BACKLOGGED, sizes: STANDARD },
    ],
  },
  {
    // From the same check: held at two frames on their way, a class of 64- and 9000-byte frames found none as engines freed together (0.1755 of the line for 0.1795).
    label: "4 crypto engines at 1 byte per cycle, 256 frames in flight: weights 33/27, 64- and 9000-byte frames against 9000-byte frames",
    cryptoBytesPerCycle: 1,
    cryptoEngines: 4,
    parameters: { "top.nic.tx.framesInFlight": 256 },
    classes: [
      { name: "mixed", bandwidthRemainingPercent: 33, offered: BACKLOGGED, sizes: [64, 9000] },
      { name: "class-default", bandwidthRemainingPercent: 27, offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "4 crypto engines at 1 byte per cycle, 1 MB TX buffer: a minimum of 50 % in 64-byte frames against class-default in 9000-byte frames",
    cryptoBytesPerCycle: 1,
    cryptoEngines: 4,
    parameters: { "top.nic.tx.bufferBytes": 1_048_576 },
    classes: [
      { name: "small", bandwidthPercent: 50, offered: BACKLOGGED, sizes: SMALL },
      { name: "class-default", offered: BACKLOGGED, sizes: JUMBO },
    ],
  },
  {
    label: "4 crypto engines at 1 byte per cycle, 128 frames in flight, sizes mixed within and across classes: priority 10 offered 60 % (64 and 1514 B), a minimum of 20 % (64 and 576 B), weights 70/30 (9000 B; 1514 and 9000 B)",
    ...FOUR_SLOW_ENGINES_WIDE_WINDOW,
    classes: [
      { name: "voice", priorityPercent: 10, offered: 0.6, sizes: [64, 1514] },
      { name: "small", bandwidthPercent: 20, offered: BACKLOGGED, sizes: [64, 576] },
      { name: "jumbo", bandwidthRemainingPercent: 70, offered: BACKLOGGED, sizes: JUMBO },
      { name: "class-default", bandwidthRemainingPercent: 30, offered: BACKLOGGED, sizes: [1514, 9000] },
    ],
  },
];
