/**
 * Hostile input on the command line and in the files it names: each entry is run as it is written
 * here (test/system/cli.test.ts runs `nicsim` with its arguments, in a fresh directory holding its
 * files) and must end with its exit status and error text, never a JavaScript exception.
 */

export interface HostileCommand {
  readonly input: string;
  readonly outcome: string;
  /** nicsim's arguments. */
  readonly args: readonly string[];
  /** Files made in the directory first: name → contents; a name ending in `/` is a directory. */
  readonly files?: Readonly<Record<string, string>>;
  /** Text the error output must hold, and the exit status. */
  readonly stderr: readonly string[];
  readonly status: number;
  /** Text the standard output must hold, for an input that is not an error. */
  readonly stdout?: readonly string[];
  /** Paths (in the directory) that must not exist afterwards: files that must not have been given their own names, or made at all. */
  readonly absent?: readonly string[];
  /** Text that must show nowhere in the output: a key given where it should not be. */
  readonly unshown?: readonly string[];
}

/** A small scenario; entries change one thing in it. */
const SCENARIO = `name: small
durationMicroseconds: 20
customers:
  - name: a
    identity: { type: ID_KEY_ID, value: a }
traffic:
  - name: s
    customer: a
    direction: both
    packetBytes: 200
    gapMicroseconds: 5
`;

/** A VCD of one signal, whose time unit is 1 ns: it rises at 1 µs and falls at 2.5 µs. */
const VCD = `$timescale 1 ns $end
$scope module top $end
$var wire 1 ! a $end
$upscope $end
$enddefinitions $end
#0
$dumpvars
0!
$end
#1000
1!
#2500
0!
`;

/** The VCD above as nicsim writes it: its $version names nicsim, and a finished run's dump ends with the end marker. */
const NICSIM_VCD = `$version\n\tnicsim 0.1.0 simulation kernel\n$end\n${VCD}`;
const END_MARKER = "$comment\n\tnicsim: end of dump; the run finished at 3000 ps\n$end\n";

/** A trace of two records. */
const record = (time: number) => `{"sa":1,"time":${time},"bytes":100,"direction":"tx"}`;

const RUN = ["run", "--quiet", "--no-waveform", "--out", "out"];
const manyStreams = Array.from({ length: 4097 }, (_, index) => `  - { name: s${index}, customer: a, direction: to-peer, packetBytes: 100, gapMicroseconds: 5 }`).join("\n");

export const COMMAND_LINE: readonly HostileCommand[] = [
  { input: "`run --set __proto__.polluted=1`", outcome: "Refused, naming the option and the segment; nothing is set", args: ["run", "--set", "__proto__.polluted=1"], stderr: ["--set __proto__.polluted: '__proto__' cannot be a path segment"], status: 1 },
  { input: "`run --set constructor.prototype.x=1`", outcome: "Refused, naming the option and the segment", args: ["run", "--set", "constructor.prototype.x=1"], stderr: ["--set constructor.prototype.x: 'constructor' cannot be a path segment"], status: 1 },
  { input: "`run --set` with a path the scenario does not have (`custmers.0.sas=2`)", outcome: "Refused with the field meant and the fields the scenario has", args: ["run", "--set", "custmers.0.sas=2"], stderr: ["--set custmers.0.sas: the scenario has no field 'custmers' (did you mean customers?) (fields: name,"], status: 1 },
  {
    input: "`run --set` of a list cut short (`outputs.waveformScopes=[\"top.nic.**\"`), which was taken as a string",
    outcome: "Refused, naming the option; no part of the value is shown (it may hold a key)",
    args: ["run", "--set", 'outputs.waveformScopes=["top.nic.**"'],
    stderr: ['--set outputs.waveformScopes: the value starts as JSON (with [, { or ") but does not parse as JSON'],
    status: 1,
  },
  { input: "`run --set` past the end of a list (`traffic.7.load=0.1`)", outcome: "Refused with the list's length", args: [...RUN, "small.yaml", "--set", "traffic.7.load=0.1"], files: { "small.yaml": SCENARIO }, stderr: ["--set traffic.7.load: traffic has 1 entry, so there is no traffic.7"], status: 1 },
  { input: "`--seed \"\"` (which ran seed 0)", outcome: "Refused: a whole number from 0 to 4294967295", args: ["run", "--seed", ""], stderr: ["--seed '': expected a whole number from 0 to 4294967295"], status: 1 },
  { input: "A misspelt command (`nicsim runn`), which `run`, the default command, took for a scenario file", outcome: "Refused as an unknown command, with the command meant", args: ["runn"], stderr: ["unknown command 'runn' (did you mean run?)"], status: 1 },
  { input: "`--seed 1e3`", outcome: "Refused: digits only", args: ["run", "--seed", "1e3"], stderr: ["--seed '1e3': expected a whole number from 0 to 4294967295"], status: 1 },
  { input: "`--seed ' 1'` (a blank around the digits)", outcome: "Refused: digits only", args: ["run", "--seed", " 1"], stderr: ["--seed ' 1': expected a whole number from 0 to 4294967295"], status: 1 },
  { input: "`run --out ''` (which wrote into the current directory)", outcome: "Refused, naming the option; nothing is written", args: ["run", "--quiet", "--out", "", "small.yaml"], files: { "small.yaml": SCENARIO }, stderr: ["--out '': expected a path (say '.' for the current directory)"], status: 1, absent: ["small.summary.json", "small.pcap"] },
  { input: "`policy-eval --out ''`", outcome: "Refused, naming the option", args: ["policy-eval", "--out", ""], stderr: ["--out '': expected a base name for the files"], status: 1 },
  { input: "`run --out /proc/nicsim` (where no directory can be made)", outcome: "Fails at once, naming the directory, the option and why (Node's recursive mkdir never returns there)", args: [...RUN.slice(0, -1), "/proc/nicsim", "small.yaml"], files: { "small.yaml": SCENARIO }, stderr: ["output directory /proc/nicsim (--out): cannot create /proc/nicsim (ENOENT: no such file or directory)"], status: 1 },
  { input: "`run --out /proc/self` (a directory in which no file can be made)", outcome: "Fails before the run, naming the output directory and the option", args: [...RUN.slice(0, -1), "/proc/self", "small.yaml"], files: { "small.yaml": SCENARIO }, stderr: ["output directory /proc/self (--out): cannot create files in it (ENOENT"], status: 1 },
  { input: "`run --out /sys/kernel` (a directory that refuses new files)", outcome: "Fails before the run, naming the output directory and the option", args: [...RUN.slice(0, -1), "/sys/kernel", "small.yaml"], files: { "small.yaml": SCENARIO }, stderr: ["output directory /sys/kernel (--out): cannot create files in it ("], status: 1 },
  { input: "`run --out taken` where `taken` is a file", outcome: "Fails at once, naming it", args: [...RUN.slice(0, -1), "taken/sub", "small.yaml"], files: { "small.yaml": SCENARIO, taken: "a file" }, stderr: ["output directory taken/sub (--out):", "/taken exists and is not a directory"], status: 1 },
  {
    input: "A run that fails after its files were opened (here: the report cannot be written)",
    outcome: "No file gets its own name; each file left under its temporary name is listed with its state; an earlier run's files are untouched",
    args: [...RUN, "small.yaml"],
    files: { "small.yaml": SCENARIO, "out/small.html.partial/": "" },
    stderr: ["EISDIR", "The run did not finish; no file was given its own name", "out/small.pcap.partial: complete", "out/small.summary.json.partial: complete"],
    status: 1,
    absent: ["out/small.pcap", "out/small.summary.json"],
  },
  {
    input: "A directory where one of a run's files is to go (`out/small.html/`), and a file where its filters' directory is to go (`out/small.filters`), which were found after the run's work",
    outcome: "Both refused before the run, at once; nothing is left behind",
    args: ["run", "--quiet", "--out", "out", "small.yaml"],
    files: { "small.yaml": SCENARIO, "out/small.html/": "", "out/small.filters": "a file" },
    stderr: ["out/small.html is a directory, so the file cannot have that name", "output directory out/small.filters:", "small.filters exists and is not a directory"],
    status: 1,
    absent: ["out/small.vcd", "out/small.vcd.partial", "out/small.pcap.partial", "out/small.summary.json.partial", "out/small.gtkw.partial"],
  },
  {
    input: "`plain-traffic --out pt/x` where `pt/x.report.json` is a directory, which was found after the run",
    outcome: "Refused before the run; nothing is left behind",
    args: ["plain-traffic", "--out", "pt/x"],
    files: { "pt/x.report.json/": "" },
    stderr: ["pt/x.report.json is a directory, so the file cannot have that name"],
    status: 1,
    absent: ["pt/x.vcd.partial", "pt/x.pcap.partial", "pt/x.vcd"],
  },
  {
    input: "A waveform window that ends before it starts (`--set outputs.waveformFromMicroseconds=50 --set outputs.waveformToMicroseconds=10`)",
    outcome: "Refused at load, naming both options, before any file is made",
    args: ["run", "--quiet", "--out", "out", "small.yaml", "--set", "outputs.waveformFromMicroseconds=50", "--set", "outputs.waveformToMicroseconds=10"],
    files: { "small.yaml": SCENARIO },
    stderr: ["--set outputs.waveformToMicroseconds: 10 µs is before outputs.waveformFromMicroseconds = 50 µs (--set outputs.waveformFromMicroseconds)"],
    status: 1,
    absent: ["out"],
  },
  { input: "`run --set outputs.waveformScopes.0=x` where the scenario has no list there", outcome: "Refused, blamed on the option (not on the scenario file's line)", args: [...RUN, "small.yaml", "--set", "outputs.waveformScopes.0=x"], files: { "small.yaml": SCENARIO }, stderr: ["--set outputs.waveformScopes.0: the scenario has no outputs.waveformScopes to index into; set the whole list"], status: 1 },
  { input: "`inspect` of a truncated VCD (cut in its header)", outcome: "Refused with the file, the line and what was expected", args: ["inspect", "cut.vcd"], files: { "cut.vcd": VCD.slice(0, VCD.indexOf("$upscope") + 4) }, stderr: ["cut.vcd:4: not a whole VCD: the file ends in the middle of this line: it is truncated"], status: 1 },
  { input: "`inspect` of a VCD truncated in its body", outcome: "Refused with the line where it stops", args: ["inspect", "cut.vcd", "--signal", "top.a"], files: { "cut.vcd": VCD.slice(0, -2) }, stderr: ["cut.vcd:13: not a whole VCD: the file ends in the middle of this line: it is truncated"], status: 1 },
  { input: "`inspect` of a VCD nicsim wrote, cut at a line boundary (what a killed run leaves)", outcome: "Listed, with a warning on stderr and in the listing: the end-of-dump marker is missing, so the file is cut off", args: ["inspect", "cut.vcd", "--signal", "top.a"], files: { "cut.vcd": NICSIM_VCD.slice(0, NICSIM_VCD.indexOf("#2500")) }, stderr: ["cut.vcd: written by nicsim but without its end-of-dump marker: the file is cut off"], stdout: ["1.000 µs  1", "# warning: cut.vcd: written by nicsim but without its end-of-dump marker"], status: 0 },
  { input: "`inspect` of a VCD nicsim wrote under a run's temporary name (`x.vcd.partial`)", outcome: "Listed, with a warning that the run did not finish", args: ["inspect", "x.vcd.partial"], files: { "x.vcd.partial": NICSIM_VCD + END_MARKER }, stderr: ["x.vcd.partial: a temporary name: the run writing this file did not finish"], stdout: ["top.a  [1]"], status: 0 },
  { input: "`inspect` of a whole VCD nicsim wrote (ending with its end marker)", outcome: "Listed, with no warning", args: ["inspect", "whole.vcd", "--signal", "top.a"], files: { "whole.vcd": NICSIM_VCD + END_MARKER }, stderr: [], stdout: ["2.500 µs  0"], status: 0 },
  { input: "`inspect` of a file that is not a VCD", outcome: "Refused at line 1 with what was expected", args: ["inspect", "garbage.vcd"], files: { "garbage.vcd": "\u0000\u0001PK garbage\n" }, stderr: ["garbage.vcd:1: not a whole VCD: expected a declaration"], status: 1 },
  { input: "`inspect` of a VCD whose `$timescale` is not 1 ps", outcome: "--from/--to in µs, converted to the file's unit; every printed time in µs to the file's resolution (ns: 3 decimals), starting with the value held as the window opens", args: ["inspect", "ns.vcd", "--signal", "top.a", "--from", "0.5", "--to", "2"], files: { "ns.vcd": VCD }, stderr: [], stdout: ["(the file's $timescale is 1 ns)", "0.500 µs  0  (held since 0.000 µs)", "1.000 µs  1"], status: 0 },
  { input: "`inspect --from abc`", outcome: "Refused, naming the option", args: ["inspect", "ns.vcd", "--signal", "top.a", "--from", "abc"], files: { "ns.vcd": VCD }, stderr: ["--from 'abc': expected a time in µs, a non-negative number"], status: 1 },
  { input: "`inspect --from 5 --to 1`", outcome: "Refused: the window is empty", args: ["inspect", "ns.vcd", "--signal", "top.a", "--from", "5", "--to", "1"], files: { "ns.vcd": VCD }, stderr: ["--from 5 is after --to 1: the window is empty"], status: 1 },
  { input: "`policy-eval --trace` with a `null` line", outcome: "Refused with the file, the line and what was expected", args: ["policy-eval", "--trace", "null.jsonl"], files: { "null.jsonl": '{"sa":1,"time":0,"bytes":100,"direction":"tx"}\nnull\n' }, stderr: ["null.jsonl:2: expected an object"], status: 1 },
  { input: "`policy-eval --trace` whose times go backwards", outcome: "Refused with the file, the line and the earlier line", args: ["policy-eval", "--trace", "back.jsonl"], files: { "back.jsonl": `${record(5)}\n${record(3)}\n` }, stderr: ["back.jsonl:2: time 3 ps is before 5 ps on line 1: a trace's records are in time order"], status: 1 },
  { input: "`policy-eval --trace` of a trace at one time (which reported 10^12 installs/s)", outcome: "Refused: a rate needs two distinct times", args: ["policy-eval", "--trace", "one.jsonl"], files: { "one.jsonl": `${record(5)}\n` }, stderr: ["one.jsonl: every record is at 5 ps: a trace must span two distinct times"], status: 1 },
  { input: "`policy-eval --trace` of an empty trace", outcome: "Refused: nothing to evaluate", args: ["policy-eval", "--trace", "empty.jsonl"], files: { "empty.jsonl": "\n" }, stderr: ["empty.jsonl: the trace holds no SA accesses"], status: 1 },
  { input: "A scenario of 4097 streams", outcome: "Refused before the run with the limit", args: [...RUN, "many.yaml"], files: { "many.yaml": SCENARIO.slice(0, SCENARIO.indexOf("traffic:")) + `traffic:\n${manyStreams}\n` }, stderr: ["many.yaml:6:1: traffic: 4097 entries: expected at most 4096 entries"], status: 1 },
  { input: "A gap that rounds to 0 ps", outcome: "Refused before the run, naming the field", args: [...RUN, "gap.yaml"], files: { "gap.yaml": SCENARIO.replace("gapMicroseconds: 5", "gapMicroseconds: 0.0000001") }, stderr: ["gap.yaml:11:5: traffic[0].gapMicroseconds = 1e-7: at least 0.001 µs (1 ns)"], status: 1 },
  {
    input: "A scenario offering far more than the line carries (duration × rate)",
    outcome: "Refused before the run: what would wait in memory, and the limit",
    args: [...RUN, "over.yaml"],
    files: { "over.yaml": SCENARIO.replace("durationMicroseconds: 20", "durationMicroseconds: 10000").replace("gapMicroseconds: 5", "gapMicroseconds: 0.001").replace("packetBytes: 200", "packetBytes: 1400") },
    stderr: ["over.yaml:2:1: durationMicroseconds = 10000: the streams to-peer offer", "would wait in memory; at most 1000000 packets and 1 GB may"],
    status: 1,
  },
  {
    input: "Ring lengths the device refuses (not a multiple of 128 bytes)",
    outcome: "Both refused before the run, each at its line",
    args: [...RUN, "rings.yaml"],
    files: { "rings.yaml": `${SCENARIO}driver:\n  base:\n    txRingDescriptors: 9\n    rxRingDescriptors: 30\n` },
    stderr: ["rings.yaml:14:5: driver.base.txRingDescriptors = 9: expected a multiple of 4 descriptors (9 of 32 bytes make a TDLEN of 288, not a multiple of 128)", "rings.yaml:15:5: driver.base.rxRingDescriptors = 30"],
    status: 1,
  },
  {
    input: "A ring length the device refuses, given with `--set`, and the same value as a sweep's grid axis",
    outcome: "Refused before the run, named once by the option that gave it (`--grid` for the sweep's axis, with the configuration's values)",
    args: [...RUN, "small.yaml", "--set", "driver.base.txRingDescriptors=9"],
    files: { "small.yaml": SCENARIO },
    stderr: ["--set driver.base.txRingDescriptors = 9: expected a multiple of 4 descriptors (9 of 32 bytes make a TDLEN of 288, not a multiple of 128)"],
    status: 1,
  },
  {
    input: "`sweep --grid driver.base.txRingDescriptors=8,9,13`: two configurations' rings the device refuses",
    outcome: "The sweep stops before any run, naming each configuration, its values and the `--grid` axis",
    args: ["sweep", "small.yaml", "--grid", "driver.base.txRingDescriptors=8,9,13", "--workers", "1", "--out", "sweep.jsonl"],
    files: { "small.yaml": SCENARIO },
    stderr: [
      'configuration 1 (driver.base.txRingDescriptors = 9): --grid driver.base.txRingDescriptors = 9: expected a multiple of 4 descriptors (9 of 32 bytes make a TDLEN of 288',
      'configuration 2 (driver.base.txRingDescriptors = 13): --grid driver.base.txRingDescriptors = 13: expected a multiple of 4 descriptors (13 of 32 bytes make a TDLEN of 416',
    ],
    status: 1,
    absent: ["sweep.jsonl"],
  },
  {
    input: "`run` with a misspelt scenario field, a misspelt parameter and a value out of range, all given with `--set`",
    outcome: "Refused before the run with all three at once, each with the name meant",
    args: [...RUN, "small.yaml", "--set", "trafic.0.load=0.5", "--set", "nic.quues=3", "--set", "durationMicroseconds=-1"],
    files: { "small.yaml": SCENARIO },
    stderr: ["--set trafic.0.load: the scenario has no field 'trafic' (did you mean traffic?)", "--set nic.quues: no such parameter (did you mean nic.queues?)", "--set durationMicroseconds = -1: expected more than 0"],
    status: 1,
  },
  {
    input: "`sweep` with one path as two `--grid` axes, another both `--set` and swept, and a misspelt axis",
    outcome: "Refused before any run with each, the misspelt axis once for every configuration",
    args: ["sweep", "small.yaml", "--grid", "nic.queues=2", "--grid", "nic.queues=4", "--set", "seed=3", "--grid", "seed=1,2", "--grid", "traffic.0.lod=0.1", "--out", "sweep.jsonl"],
    files: { "small.yaml": SCENARIO },
    stderr: [
      "--grid nic.queues: given as 2 axes; give its values once (--grid nic.queues=2,4)",
      "--grid seed: also given by --set seed, whose value the grid's would replace; drop one",
      "every configuration: --grid traffic.0.lod: traffic.0 has no field 'lod' (did you mean load?)",
    ],
    status: 1,
    absent: ["sweep.jsonl"],
  },
  { input: "A wire rate the MAC clock cannot have (`wire.gigabitsPerSecond: 3`)", outcome: "Refused before the run at its line", args: [...RUN, "small.yaml", "--set", "wire.gigabitsPerSecond=3"], files: { "small.yaml": SCENARIO }, stderr: ["--set wire.gigabitsPerSecond = 3: expected a rate that divides 64000: the MAC clock (64 bits per cycle) would have a period of 21333.333333333332 ps"], status: 1 },
  { input: "A --set with nothing before its '=', or ':' typed for '=', whose value is a key (`--set =KEY`, `--set customers.0.ike.preSharedKey:KEY`)", outcome: "Refused, saying what a --set takes; the argument is not shown, as it may hold a key", args: [...RUN, "small.yaml", "--set", "=hostile-key-1", "--set", "customers.0.ike.preSharedKey:hostile-key-2"], files: { "small.yaml": SCENARIO }, stderr: ["--set: expected path=value, with a path before the '=' (the argument is not shown: it may hold a key)"], status: 1, unshown: ["hostile-key-1"] },
  { input: "The same with ':' for '=' alone (`--set customers.0.ike.preSharedKey:KEY`)", outcome: "Refused without the argument", args: [...RUN, "small.yaml", "--set", "customers.0.ike.preSharedKey:hostile-key-2"], files: { "small.yaml": SCENARIO }, stderr: ["--set: expected path=value"], status: 1, unshown: ["hostile-key-2"] },
  { input: "A sweep over a key under a misspelt name, or given whole where its customer's ike goes, with a mistake in some configurations (`--grid customers.0.ike.pre_shared_key=K1 --grid customers.0.ike=K2 --grid nic.sacache.txEntries=0,4`)", outcome: "Every mistake named; the configurations' values show <secret> for each key", args: ["sweep", "small.yaml", "--grid", "customers.0.ike.pre_shared_key=hostile-key-3", "--grid", "customers.0.ike=hostile-key-4", "--grid", "nic.sacache.txEntries=0,4"], files: { "small.yaml": SCENARIO }, stderr: ['configuration 0 (customers.0.ike.pre_shared_key = "<secret>", customers.0.ike = "<secret>", nic.sacache.txEntries = 0)'], status: 1, unshown: ["hostile-key-3", "hostile-key-4"] },
  { input: "A --set inside a place another --set gives whole (`--set traffic.0=x --set traffic.0.load=0.3`)", outcome: "Refused, naming both, before the run (it was a JavaScript TypeError)", args: [...RUN, "small.yaml", "--set", "traffic.0=x", "--set", "traffic.0.load=0.3"], files: { "small.yaml": SCENARIO }, stderr: ["--set traffic.0.load: inside traffic.0, which --set traffic.0 gives whole; give one or the other"], status: 1 },
  { input: "`sweep` with three axes of one path, a value twice in an axis, and a --set whose path a --grid's begins (`--grid seed=1,2 --grid seed=3 --grid seed=2,4 --grid nic.queues=2,2 --set seedz=3`)", outcome: "The path said once with its values each once; the repeated value noted (a determinism check repeats one on purpose); the --set named as a --set", args: ["sweep", "small.yaml", "--grid", "seed=1,2", "--grid", "seed=3", "--grid", "seed=2,4", "--grid", "nic.queues=2,2", "--set", "seedz=3"], files: { "small.yaml": SCENARIO }, stderr: ["--grid seed: given as 3 axes; give its values once (--grid seed=1,2,3,4)", "nicsim sweep: note: --grid nic.queues: 2 given more than once: those configurations run as many times (as a check of determinism would)", "every configuration: --set seedz: the scenario has no field 'seedz'"], status: 1 },
  { input: "`serve --scenario` with a mistake in the file and others in --set, one of them a driver parameter (`--set nic.qeues=3 --set driver.base.txRingDescriptors=8`)", outcome: "Every one named before anything is served, the driver's with why it does not apply (the client is the driver)", args: ["serve", "--stdio", "--scenario", "device.yaml", "--set", "nic.qeues=3", "--set", "driver.base.txRingDescriptors=8"], files: { "device.yaml": "name: device\nnic:\n  queus: 4\n" }, stderr: ["--set driver.base.txRingDescriptors: serve has no driver (the client is the driver), so no driver parameter applies", "--set nic.qeues: no such parameter (did you mean nic.queues?)", "device.yaml:3:3: nic.queus: no such parameter (did you mean nic.queues?)"], status: 1 },
  { input: "`latency --set nic.crypto_tx.policy=…` (the value the report varies) beside a misspelt parameter", outcome: "Both refused before the first run: the policy because every row would be relabelled", args: ["latency", "--direction", "tx", "--set", "nic.crypto_tx.policy=run-to-completion", "--set", "nic.qeues=2"], stderr: ['--set nic.crypto_tx.policy = "run-to-completion": the report runs each crypto policy in turn (its rows are the policies); drop this value', "--set nic.qeues: no such parameter (did you mean nic.queues?)"], status: 1 },
  { input: "A metric policy's parameter with the token placement chosen (`--set driver.intermediate.placement=token --set driver.intermediate.metric.threshold=3`), and a misspelt one beside it", outcome: "Refused, saying it applies only with placement: metric (it said no such parameter, with an unrelated guess); the misspelt one is no such parameter, with the policy's name meant (it was told it applies only with placement: metric)", args: [...RUN, "small.yaml", "--set", "driver.intermediate.placement=token", "--set", "driver.intermediate.metric.threshold=3", "--set", "driver.intermediate.metric.treshold=3"], files: { "small.yaml": SCENARIO }, stderr: ["--set driver.intermediate.metric.threshold = 3: applies only with driver.intermediate.placement: metric (it is token)", "--set driver.intermediate.metric.treshold: no such parameter (did you mean driver.intermediate.metric.threshold?)"], status: 1 },
  { input: "`serve --scenario` whose file's nic.tx.priorityReserve (70) is above the default framesInFlight, with `--set nic.tx.framesInFlight=100`", outcome: "Served: the file is checked with the --set values in it (it was refused, quoting the default 64)", args: ["serve", "--stdio", "--scenario", "device.yaml", "--set", "nic.tx.framesInFlight=100", "--out", "out"], files: { "device.yaml": "name: device\nnic:\n  tx:\n    priorityReserve: 70\n" }, stderr: ["device: no client connected"], status: 1 },
  { input: "`serve --set seed=4` (a scenario field, not a device parameter)", outcome: "Refused, saying serve's --set gives the device's parameters and where the rest comes from", args: ["serve", "--stdio", "--set", "seed=4"], stderr: ["--set seed: serve's --set gives the device's parameters (nic, wire, cryptoBackend, hostMemoryGuard); the rest comes from --scenario, --seed, --name or --out"], status: 1 },
  { input: "`latency --set 'nic={\"crypto_tx\":{\"policy\":\"run-to-completion\"}}'`: the varied policy inside an object", outcome: "Refused as the policy given by its own path is", args: ["latency", "--direction", "tx", "--set", 'nic={"crypto_tx":{"policy":"run-to-completion"}}'], stderr: ['nic.crypto_tx.policy = "run-to-completion": the report runs each crypto policy in turn'], status: 1 },
  { input: "Several option mistakes together (`--seed abc`, one place set twice, a value that starts as JSON and does not parse) beside a misspelt --set and a mistake in the file", outcome: "Every one reported at once, the options' in the order given, then the scenario's (commander stopped at the first option, which hid the rest)", args: [...RUN, "small.yaml", "--seed", "abc", "--set", "nic.queues=4", "--set", "nic.queues=5", "--set", "outputs.waveformScopes=[x", "--set", "nic.quues=4"], files: { "small.yaml": SCENARIO.replace("durationMicroseconds: 20", "durationMicroseconds: -1") }, stderr: ["--seed 'abc': expected a whole number from 0 to 4294967295\n  --set nic.queues: nic.queues is given by an earlier --set too; give it once\n  --set outputs.waveformScopes: the value starts as JSON", "--set nic.quues: no such parameter (did you mean nic.queues?)", "small.yaml:2:1: durationMicroseconds"], status: 1 },
  { input: "Mistakes in several options of a command without a scenario (`inspect --from abc --to x`)", outcome: "Each one named, all at once, before the file is read", args: ["inspect", "missing.vcd", "--from", "abc", "--to", "x"], files: {}, stderr: ["its options have mistakes:\n  --from 'abc': expected a time in µs, a non-negative number\n  --to 'x': expected a time in µs, a non-negative number"], status: 1 },
  { input: "One place given twice (`--set top.nic.queues=40 --set nic.queues=50`)", outcome: "Refused: the later would silently replace the earlier", args: [...RUN, "small.yaml", "--set", "top.nic.queues=40", "--set", "nic.queues=50"], files: { "small.yaml": SCENARIO }, stderr: ["--set nic.queues: nic.queues is given by an earlier --set too; give it once"], status: 1 },
  { input: "`--set seed=3` with `--seed 4`", outcome: "Refused, naming both", args: [...RUN, "small.yaml", "--set", "seed=3", "--seed", "4"], files: { "small.yaml": SCENARIO }, stderr: ["--set seed: also given by --seed; drop one"], status: 1 },
  { input: "`--grid` values that are JSON mappings with commas inside (`--grid 'nic.tx={\"bufferBytes\":2048,\"framesInFlight\":8},{\"bufferBytes\":4096,\"framesInFlight\":8}'`)", outcome: "Split at the commas between values only (it was refused as JSON cut short); each configuration's mistake named by its --grid", args: ["sweep", "small.yaml", "--grid", 'nic.tx={"bufferBytes":2048,"framesInFlight":8},{"bufferBytes":4096,"framesInFlight":8}'], files: { "small.yaml": SCENARIO }, stderr: ["--grid nic.tx.bufferBytes = 2048: each of the 8 queues' parts", "--grid nic.tx.bufferBytes = 4096: each of the 8 queues' parts"], status: 1 },
  { input: "A run's name longer than a file name can be (300 letters), as the scenario's `name` and as `serve --name`", outcome: "Refused before anything is made, naming the field or option (it failed at open with a bare ENAMETOOLONG)", args: [...RUN, "small.yaml", "--set", `name=${"a".repeat(300)}`], files: { "small.yaml": SCENARIO }, stderr: ["--set name: 300 characters: at most 128 characters: it names the run's files, with their suffixes"], status: 1 },
  { input: "`serve --name` longer than a file name can be", outcome: "Refused as the scenario's name would be", args: ["serve", "--stdio", "--name", "a".repeat(300)], stderr: ["--name: expected at most 128 characters"], status: 1 },
  { input: "A key given where the scenario file goes, with an option mistake beside it (`nicsim customers.0.ike.preSharedKey=KEY --seed x`)", outcome: "Refused as `nicsim run`, without the key (the heading repeated the first argument, key and all)", args: ["customers.0.ike.preSharedKey=K3YSECRET", "--seed", "x"], files: {}, stderr: ["nicsim run: the scenario cannot run:", "a path=value is given with --set (the argument is not shown"], status: 1, unshown: ["K3YSECRET"] },
  { input: "An option commander does not know, written with a key as its value (`--sed=customers.0.ike.preSharedKey=KEY`)", outcome: "Refused by its name alone (it was echoed whole, key and all)", args: ["run", "--sed=customers.0.ike.preSharedKey=K3YSECRET"], files: {}, stderr: ["error: unknown option '--sed…'"], status: 1, unshown: ["K3YSECRET"] },
  { input: "A key typed after its path with ':' or a blank for '=' (`--set 'customers.0.ike.preSharedKey:KEY='`), or in a file without its ':' (`ike: { mode: main, preSharedKey KEY }`)", outcome: "Refused without the path or the field's name, which hold the key (both were echoed)", args: [...RUN, "k.yaml", "--set", "customers.0.ike.preSharedKey:K3YSECRET2=", "--set", "customers.0.ike.preSharedKey K3YSECRET3="], files: { "k.yaml": SCENARIO.replace("    identity: { type: ID_KEY_ID, value: a }", "    identity: { type: ID_KEY_ID, value: a }\n    ike: { mode: main, preSharedKey K3YSECRET4 }") }, stderr: ["--set: a path with ':' or a blank in it (the argument is not shown", "k.yaml:6:5: customers[0].ike: a field whose name has ':', '=' or a blank in it (not shown"], status: 1, unshown: ["K3YSECRET"] },
  { input: "A value nested 5,000 levels deep, given by `--set`, `--grid` or in a file", outcome: "Refused as nested past 32 levels, with the other mistakes (it was 'Maximum call stack size exceeded', alone)", args: [...RUN, "deep.yaml", "--seed", "x", "--set", `nic=${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`], files: { "deep.yaml": `name: deep\nnic: ${"{a: ".repeat(5000)}1${"}".repeat(5000)}\n` }, stderr: ["--set nic: the value nests mappings and lists more than 32 levels deep", "--seed 'x'", "deep.yaml:2:", "mappings and lists nested more than 32 levels deep"], status: 1 },
  { input: "Option mistakes in commands with choices and paths: `latency --direction sideways --packets abc --load 5`", outcome: "All three at once, the choice with the choices (commander stopped at the choice, alone)", args: ["latency", "--direction", "sideways", "--packets", "abc", "--load", "5"], files: {}, stderr: ["--direction 'sideways': expected one of tx, rx, both", "--packets 'abc'", "--load '5'"], status: 1 },
  { input: "Empty names where a file or a signal goes: `validate --markdown '' --json '' --readme ''`, `inspect --signal ''`, `serve --scenario ''`", outcome: "Refused, each named (they were taken as none given: validate wrote nothing, inspect listed every signal, serve served the defaults)", args: ["validate", "--fast", "--markdown", "", "--json", "", "--readme", ""], files: {}, stderr: ["--markdown '': expected a file", "--json '': expected a file", "--readme '': expected a file"], status: 1 },
  { input: "`serve --scenario ''`", outcome: "Refused: an empty name names no scenario (the defaults were served)", args: ["serve", "--stdio", "--scenario", ""], files: {}, stderr: ["--scenario '': expected a file"], status: 1 },
  { input: "A `__proto__` key under `nic:` or `wire:` in `serve --scenario`", outcome: "Refused at its line, as `run` refuses it (serve dropped it without a word)", args: ["serve", "--stdio", "--scenario", "sp.yaml"], files: { "sp.yaml": "name: s\nnic: {__proto__: {queues: 99}}\nwire: {__proto__: 1}\n" }, stderr: ["sp.yaml:2:7: nic.__proto__: no such parameter", "sp.yaml:3:8: wire.__proto__: no such parameter"], status: 1 },
  { input: "A misspelt command with an option mistake (`nicsim rnu --seed abc`)", outcome: "The command meant, alone: its options are the meant command's to judge, once it is spelt right (it said only that no .yaml file is named rnu)", args: ["rnu", "--seed", "abc"], files: {}, stderr: ["unknown command 'rnu' (did you mean run?)"], status: 1, unshown: ["--seed 'abc'"] },
  { input: "A parameter tree given whole at the design's root (`plain-traffic --set 'top={\"nic\":{\"queues\":4}}'`)", outcome: "Taken as the design's values: the run goes (it was refused, 'nic.queues: no such parameter (did you mean nic.queues?)', the root taken twice)", args: ["plain-traffic", "--set", 'top={"nic":{"queues":4}}', "--out", "pt"], files: {}, stderr: [], stdout: ["plain-traffic: all 3200 frames arrived"], status: 0 },
  { input: "A file that cannot be read: a scenario that is not there, a trace that is not there, a directory given to `inspect`", outcome: "Named with why in words: no such file, a directory (it was the system's: 'ENOENT: no such file or directory, open …')", args: ["policy-eval", "--trace", "nowhere.jsonl"], files: {}, stderr: ["nowhere.jsonl: cannot read: no such file"], status: 1 },
  { input: "`inspect` of a directory", outcome: "Named as a directory (it was the system's EISDIR)", args: ["inspect", "somewhere"], files: { "somewhere/": "" }, stderr: ["somewhere: cannot read: a directory, not a file"], status: 1 },
  { input: "An option and a --set of the same field beside another mistake (`run --seed 1 --set seed=2 --set nic.queues=99`)", outcome: "Both reported (the clash was reported alone)", args: [...RUN, "small.yaml", "--seed", "1", "--set", "seed=2", "--set", "nic.queues=99"], files: { "small.yaml": SCENARIO }, stderr: ["--set seed: also given by --seed; drop one", "--set nic.queues = 99: expected at most 8"], status: 1 },
  { input: "A value of 3,000 characters for a choice and a parameter (`--set cryptoBackend=xxx…`, `--set nic.sacache.txEntries=xxx…`)", outcome: "Shown by its length (it was printed whole)", args: [...RUN, "small.yaml", "--set", `cryptoBackend=${"x".repeat(3000)}`, "--set", `nic.sacache.txEntries=${"y".repeat(3000)}`], files: { "small.yaml": SCENARIO }, stderr: ["--set cryptoBackend = a text of 3000 characters: expected one of node, noble", "--set nic.sacache.txEntries = a text of 3000 characters: expected a number"], status: 1, unshown: ["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"] },
  { input: "More ways a key reaches a message: an unknown option run together with it (`--sed:KEY`, `-xKEY`), a path going on below a key's field (`--set customers.0.ike.preSharedKey.KEY=1`), a file name holding a path=value (`inspect customers.0.ike.preSharedKey=KEY`)", outcome: "Each refused without the key", args: [...RUN, "--set", "customers.0.ike.preSharedKey.K3YSECRET5=1"], files: {}, stderr: ["--set: a path below a key's field (the argument is not shown"], status: 1, unshown: ["K3YSECRET5"] },
  { input: "`--sed:KEY` and `-xKEY`", outcome: "The option named without what follows its name", args: ["run", "-xK3YSECRET6"], files: {}, stderr: ["error: unknown option '-x…'"], status: 1, unshown: ["K3YSECRET6"] },
  { input: "`inspect customers.0.ike.preSharedKey=KEY` (a path=value where a file goes)", outcome: "Not read, and not shown", args: ["inspect", "customers.0.ike.preSharedKey=K3YSECRET7"], files: {}, stderr: ["the file named (not shown"], status: 1, unshown: ["K3YSECRET7"] },
  { input: "A YAML file whose syntax breaks at a key (`preSharedKey: data-gateway-key } }`), or whose key is written as an alias (`preSharedKey: *key`)", outcome: "Refused at the line without quoting the text (the library quoted it, key and all, and named the alias)", args: [...RUN, "y.yaml"], files: { "y.yaml": "name: y\ncustomers:\n  - name: a\n    ike: { mode: main, preSharedKey: K3YSECRET8 } }\n" }, stderr: ["y.yaml:4:"], status: 1, unshown: ["K3YSECRET8"] },
  { input: "A YAML alias inside the value it names (`seed: &s [*s]`), or a chain of 5,000 aliases", outcome: "Refused as holding itself, or past the scenario's size, in under a second (the first overflowed the stack; the chain took 26 s to refuse)", args: [...RUN, "self.yaml"], files: { "self.yaml": "name: x\nnic: &x {self: *x}\n" }, stderr: ["self.yaml: a YAML alias (*name) inside the value it names (&name): a scenario cannot hold itself"], status: 1 },
  { input: "`run --out o --set 'outputs={\"directory\":\"p\"}'` (the option's field inside a mapping given whole)", outcome: "Refused as a clash (it ran into o without a word)", args: [...RUN, "small.yaml", "--out", "o", "--set", 'outputs={"directory":"p"}'], files: { "small.yaml": SCENARIO }, stderr: ["--set outputs: gives outputs.directory, also given by --out; drop one"], status: 1, absent: ["o", "p"] },
  { input: "`run ''`", outcome: "Refused: an empty name names no scenario (the default scenario ran)", args: ["run", "--quiet", ""], files: {}, stderr: ["the scenario file '': expected a file"], status: 1 },
  { input: "`validate --only nope --only dmaa --json ''` and `inspect ''`", outcome: "Every mistake at once, an experiment with the one meant (an unknown experiment was reported alone, without a suggestion; an empty VCD name read as ': cannot read')", args: ["validate", "--only", "nope", "--only", "dmaa", "--json", ""], files: {}, stderr: ["--only 'nope': expected one of wire-rate,", "--only 'dmaa': expected one of wire-rate, dma, crypto, shares, preemption, host-cpu, accounting, kernel-work (did you mean dma?)", "--json '': expected a file"], status: 1 },
  { input: "`serve --out d customers.0.ike.preSharedKey=KEY` (--set forgotten: the argument is taken as the client to start)", outcome: "Refused without showing it, pointing to --set; nothing is started or written (it was started, named on stderr and written into the summary)", args: ["serve", "--out", "d", "customers.0.ike.preSharedKey=hostile-key-5"], stderr: ["a path=value is given with --set (the argument is not shown: it may hold a key)"], status: 1, unshown: ["hostile-key-5"], absent: ["d"] },
  { input: "`run --set customers.0.ike.preSharedKey=correct horse` (a value with a space, unquoted: its second word is taken as the scenario file)", outcome: "Refused without showing the word", args: [...RUN, "--set", "durationMicroseconds=20", "hostile-key-6"], stderr: ["the scenario file given is no .yaml, .yml or .json file, and no such file exists (it is not shown"], status: 1, unshown: ["hostile-key-6"] },
  { input: "`plain-traffic`, `latency` or `serve` with one --set inside another (`--set 'traffic={\"framesPerQueue\":3}' --set traffic.framesPerQueue=5`)", outcome: "Refused (the later silently won)", args: ["plain-traffic", "--set", 'traffic={"framesPerQueue":3}', "--set", "traffic.framesPerQueue=5"], stderr: ["--set traffic.framesPerQueue: inside traffic, which an earlier --set gives whole; give one or the other"], status: 1 },
  { input: "`serve --set hostMemoryGuard=7` beside a scenario file with a mistake; `serve --set hostMemoryGuard=false` alone", outcome: "The served design's own parameter is a device parameter: checked with the file's mistakes, and taken when right (it was refused as a scenario field)", args: ["serve", "--stdio", "--scenario", "device.yaml", "--set", "hostMemoryGuard=7"], files: { "device.yaml": "name: device\nnic:\n  queus: 4\n" }, stderr: ["--set hostMemoryGuard = 7: expected true or false", "device.yaml:3:3: nic.queus: no such parameter"], status: 1 },
  { input: "`run --out a --set outputs.directory=b`", outcome: "Refused: which should stand is not for the command to guess", args: [...RUN, "small.yaml", "--set", "outputs.directory=b"], files: { "small.yaml": SCENARIO }, stderr: ["--set outputs.directory: also given by --out; drop one"], status: 1 },
  { input: "A device where a file goes: `inspect /dev/zero`, `policy-eval --trace /dev/zero`", outcome: "Refused as a device before any read (it read without end)", args: ["inspect", "/dev/zero"], files: {}, stderr: ["/dev/zero: cannot read: a device, not a file (it might never end)"], status: 1 },
  { input: "`params --readme nosuch.md`, and `validate --readme notes.md` where notes.md has no markers", outcome: "Refused with the other option mistakes, before any work: the file in words, or the markers it lacks (params showed the system's ENOENT; validate said so only after its whole suite had run)", args: ["validate", "--fast", "--readme", "notes.md", "--json", ""], files: { "notes.md": "# notes\n" }, stderr: ["its options have mistakes:", "--readme: notes.md: no <!-- validation:start --> … <!-- validation:end --> markers around the section to rewrite", "--json '': expected a file"], status: 1 },
  { input: "`params --readme nosuch.md`", outcome: "Refused with the file's problem in words", args: ["params", "--readme", "nosuch.md"], files: {}, stderr: ["--readme: nosuch.md: cannot read: no such file"], status: 1 },
  { input: "`plain-traffic --set nic.maxFrameBytes=200` (its IMIX has frames of up to 1514 bytes)", outcome: "Refused before the run, at the --set, with the frame that does not fit, as run refuses a scenario's stream (it ran to its time limit, the long frames dropped as OVERSIZE)", args: ["plain-traffic", "--no-waveform", "--set", "nic.maxFrameBytes=200", "--set", "nic.tx.descriptorBatch=0"], files: {}, stderr: ["--set nic.maxFrameBytes = 200: plain-traffic's IMIX has frames of up to 1514 bytes: its ESP frame (1570 bytes) is longer than the NIC takes", "--set nic.tx.descriptorBatch = 0: expected at least 1"], status: 1, absent: ["waveforms"] },
  { input: "`sweep --shard 5/2 --workers 0 --grid nic.queues=x,8`, and `serve --socket '' --call-ns x`", outcome: "Every mistake at once: the shard that does not exist with the other options' and the grid's (the shard was reported alone, after the others were mended; an empty socket name was taken as none given)", args: ["sweep", "--shard", "5/2", "--workers", "0", "--grid", "nic.queues=x,8"], files: {}, stderr: ["--workers '0': expected a whole number from 1", "--shard 5/2: shard 5 of 2 does not exist (shards are numbered 0 to 1)", "--grid nic.queues = \"x\": expected a number"], status: 1, absent: ["waveforms"] },
  { input: "`serve --socket` where no socket can be (its directory missing) with a bad `--seed`", outcome: "Said with the option's mistake (it was found only once the others were mended)", args: ["serve", "--socket", "nodir/s.sock", "--seed", "abc"], files: {}, stderr: ["--seed 'abc': expected a whole number from 0 to 4294967295", "socket path nodir/s.sock: the directory nodir does not exist"], status: 1 },
  { input: "`serve --socket taken.sock` where a file that is not a socket is", outcome: "Refused before serving, with the other mistakes", args: ["serve", "--socket", "taken.sock", "--set", "nic.queues=99"], files: { "taken.sock": "a file" }, stderr: ["--set nic.queues = 99: expected at most 8", "socket path taken.sock: a file that is not a socket is there; choose another path"], status: 1 },
  { input: "`serve --socket '' --call-ns x`", outcome: "Both named at once (an empty socket name was taken as none given)", args: ["serve", "--socket", "", "--call-ns", "x"], files: {}, stderr: ["--socket '': expected a socket's path", "--call-ns 'x': expected a whole number from 0 to 1000000000"], status: 1 },
  { input: "A misspelt command with options or arguments after it (`nicsim swep --grid seed=1,2`, `nicsim inspct x.vcd`)", outcome: "Refused as an unknown command, with the command meant (run took the word for a scenario file and its options for its own: \"unknown option '--grid'\", \"too many arguments for 'run'\")", args: ["swep", "--grid", "seed=1,2"], files: {}, stderr: ["nicsim: unknown command 'swep' (did you mean sweep?); nicsim --help lists the commands"], status: 1, absent: ["waveforms"] },
  { input: "`sweep-merge '' --out ''`", outcome: "Both empty names named at once (the shard's read as ': cannot read: no such file')", args: ["sweep-merge", "", "--out", ""], files: {}, stderr: ["its options have mistakes:", "a shard's file name '': expected a file", "--out '': expected a path"], status: 1 },
  { input: "`run --out taken/sub --set nic.queues=x` where `taken` is a file", outcome: "The place no file can go is named with the other mistakes, and nothing is made (it was reported alone, after the others were mended)", args: ["run", "--quiet", "--no-waveform", "small.yaml", "--out", "taken/sub", "--set", "nic.queues=x"], files: { "small.yaml": SCENARIO, taken: "a file" }, stderr: ["--set nic.queues = \"x\": expected a number", "output directory taken/sub (--out): cannot create ", "taken is a file)"], status: 1 },
  { input: "`run --seed abc --out taken/sub` where `taken` is a file", outcome: "Both named at once", args: ["run", "--quiet", "--no-waveform", "small.yaml", "--out", "taken/sub", "--seed", "abc"], files: { "small.yaml": SCENARIO, taken: "a file" }, stderr: ["--seed 'abc': expected a whole number", "output directory taken/sub (--out): cannot create "], status: 1 },
  { input: "`run --sed 3` (an unknown option, no value run into it)", outcome: "Named whole, with the options meant (its last letter was cut off: '--se…')", args: ["run", "--sed", "3"], files: {}, stderr: ["unknown option '--sed'", "Did you mean one of --seed, --set?"], status: 1 },
  { input: "A misspelt command that is also a file's name in the directory (`nicsim swep --grid x` beside a file `swep`)", outcome: "Refused as an unknown command, with the one meant (run took the file for its scenario and --grid for its own option)", args: ["swep", "--grid", "seed=1"], files: { swep: "" }, stderr: ["nicsim: unknown command 'swep' (did you mean sweep?)"], status: 1 },
  { input: "`help swep`", outcome: "The command meant (the general help was printed, exit status 1, without a word)", args: ["help", "swep"], files: {}, stderr: ["unknown command 'swep' (did you mean sweep?)"], status: 1 },
  { input: "`run --out /proc/nicsim --set durationMicroseconds=-1`, and `run --set outputs.directory=taken/x --seed 99999999999`", outcome: "The place with the scenario's or the options' other mistakes (it was left out when the scenario's own check refused it)", args: ["run", "--quiet", "--out", "/proc/nicsim", "--set", "durationMicroseconds=-1"], files: {}, stderr: ["--set durationMicroseconds = -1: expected more than 0", "output directory /proc/nicsim (--out): cannot create /proc/nicsim"], status: 1 },
  { input: "`run --set outputs.directory=taken/x --seed 99999999999` where `taken` is a file", outcome: "Both named at once, the place by its --set", args: ["run", "--quiet", "--set", "outputs.directory=taken/x", "--seed", "99999999999"], files: { taken: "a file" }, stderr: ["--seed '99999999999': expected a whole number", "output directory taken/x (--set outputs.directory): cannot create "], status: 1 },
  { input: "`sweep --keep /proc/k --out taken/s.jsonl` beside a mistake in the grid", outcome: "Both places named with the grid's mistake before any run, nothing made (--keep was found by the second run, after the first had run; 'waveforms/' was left behind)", args: ["sweep", "--quiet", "--grid", "seed=1,x", "--set", "durationMicroseconds=20", "--keep", "/proc/k", "--out", "taken/s.jsonl"], files: { taken: "a file" }, stderr: ["output directory taken (--out): ", "taken exists and is not a directory", "output directory /proc/k (--keep): cannot create /proc/k", "--grid seed = \"x\": expected a number"], status: 1, absent: ["waveforms"] },
  { input: "`policy-eval --trace empty.jsonl --trace nowhere.jsonl --out /proc/x`", outcome: "Every trace's problem and the place, at once, and nothing made (the first trace's was said alone, and an empty waveforms/ was left behind)", args: ["policy-eval", "--trace", "empty.jsonl", "--trace", "nowhere.jsonl", "--out", "/proc/x"], files: { "empty.jsonl": "" }, stderr: ["the evaluation cannot run:", "empty.jsonl: the trace holds no SA accesses", "nowhere.jsonl: cannot read: no such file", "output directory /proc (--out): cannot create files in it"], status: 1, absent: ["waveforms"] },
  { input: "`policy-eval --trace nowhere.jsonl`", outcome: "Refused, and nothing made (an empty waveforms/ was left behind)", args: ["policy-eval", "--trace", "nowhere.jsonl"], files: {}, stderr: ["nowhere.jsonl: cannot read: no such file"], status: 1, absent: ["waveforms"] },
  { input: "`plain-traffic`, `latency` or `serve` with `--seed abc --set nic.queues=99 --set nic.maxFrameBytes=200`", outcome: "The option's mistake with the design's, at once (the --seed was said alone, and the --set values only once it was mended)", args: ["plain-traffic", "--no-waveform", "--seed", "abc", "--set", "nic.queues=99", "--set", "nic.maxFrameBytes=200"], files: {}, stderr: ["--seed 'abc': expected a whole number", "--set nic.queues = 99: expected at most 8", "--set nic.maxFrameBytes = 200: plain-traffic's IMIX"], status: 1, absent: ["waveforms"] },
  { input: "`latency --seed abc --set nic.queues=99`", outcome: "Both at once", args: ["latency", "--seed", "abc", "--set", "nic.queues=99"], files: {}, stderr: ["--seed 'abc': expected a whole number", "--set nic.queues = 99: expected at most 8"], status: 1, absent: ["waveforms"] },
  { input: "`serve --stdio --out sv --name b` where `sv/b.summary.json` is a directory", outcome: "Refused before any client is served, naming it (a JavaScript exception with a stack trace when the client left)", args: ["serve", "--stdio", "--out", "sv", "--name", "b"], files: { "sv/b.summary.json/": "" }, stderr: ["nicsim serve: sv/b.summary.json is a directory, so the file cannot have that name"], status: 1 },
  { input: "A key repeated elsewhere by a YAML alias (`preSharedKey: &k KEY`, then `lifetimeKilobytes: *k` and `customer: *k`)", outcome: "Each mistake named, the key shown as <secret> where the alias put it (it was shown whole: '= \"KEY\": expected a number', \"no customer 'KEY'\")", args: [...RUN, "anchor.yaml"], files: { "anchor.yaml": "name: anchor\ndurationMicroseconds: 20\ncustomers:\n  - name: A\n    identity: { type: ID_KEY_ID, value: a }\n    ike: { preSharedKey: &k K3YANCHOR9, lifetimeKilobytes: *k }\ntraffic:\n  - name: s\n    customer: *k\n    direction: both\n    packetBytes: 200\n    gapMicroseconds: 5\n" }, stderr: ["customers[0].ike.lifetimeKilobytes = <secret>: expected a number", "traffic[0].customer: no customer <secret>"], status: 1, unshown: ["K3YANCHOR9"] },
  { input: "`sweep --out sw/dir.jsonl` where `sw/dir.jsonl` is a directory; `validate --markdown va/d.md --json va/d.json` where `va/d.json` is one", outcome: "Refused before any run (every configuration ran and the results were lost; the suite ran for seconds and then failed, having written over the Markdown)", args: ["sweep", "--quiet", "--grid", "seed=1,2", "--set", "durationMicroseconds=20", "--out", "sw/dir.jsonl"], files: { "sw/dir.jsonl/": "" }, stderr: ["sw/dir.jsonl is a directory, so the file cannot have that name"], status: 1 },
  { input: "`validate --fast --only kernel-work --markdown va/d.md --json va/d.json` where `va/d.json` is a directory", outcome: "Refused before the suite runs; va/d.md is left as it was", args: ["validate", "--fast", "--only", "kernel-work", "--markdown", "va/d.md", "--json", "va/d.json"], files: { "va/d.md": "OLD\n", "va/d.json/": "" }, stderr: ["nicsim validate: va/d.json is a directory, so the file cannot have that name"], status: 1 },
  { input: "`latency --out lat/e` where `lat/e.md` is a directory", outcome: "Refused before the benchmark runs; an earlier lat/e.json is left as it was (it ran, then wrote over lat/e.json and failed on lat/e.md)", args: ["latency", "--packets", "5", "--direction", "tx", "--out", "lat/e"], files: { "lat/e.json": "OLD\n", "lat/e.md/": "" }, stderr: ["nicsim latency: lat/e.md is a directory, so the file cannot have that name"], status: 1 },
  { input: "`plain-traffic --out .` (or `--out pt/`): a directory where a base name goes", outcome: "Refused: the files would be named ..vcd, ..pcap, … (it wrote them, hidden, and exited 0)", args: ["plain-traffic", "--out", "."], files: {}, stderr: ["--out '.': expected a base name for the files, not a directory"], status: 1, absent: ["..vcd", "..pcap"] },
  { input: "A key given twice in one mapping (`ike:` twice under a customer), beside other mistakes", outcome: "Each named at its line with the file's other mistakes (the YAML library's 'Map keys must be unique' stopped everything, without naming the key)", args: [...RUN, "twice.yaml"], files: { "twice.yaml": SCENARIO.replace("    identity: { type: ID_KEY_ID, value: a }\n", "    identity: { type: ID_KEY_ID, value: a }\n    sas: 0\n    ike: { mode: main }\n    ike: { mode: aggressive }\n") }, stderr: ["twice.yaml:8:5: 'ike' given twice in one mapping (first on line 7)", "twice.yaml:6:5: customers[0].sas = 0: expected at least 1"], status: 1 },
  { input: "`policy-eval --trace bad.jsonl` where line 2 has a negative SA and line 4 is not JSON", outcome: "Both lines named at once (the first alone was)", args: ["policy-eval", "--trace", "bad.jsonl"], files: { "bad.jsonl": '{"sa":1,"time":5,"bytes":10,"direction":"tx"}\n{"sa":-1,"time":6,"bytes":10,"direction":"tx"}\n{"sa":1,"time":7,"bytes":10,"direction":"tx"}\ngarbage\n' }, stderr: ["bad.jsonl:2: field 'sa' must be a non-negative integer", "bad.jsonl:4: not JSON"], status: 1, absent: ["waveforms"] },
  { input: "`run --out 'sp ace'` (an output directory with a blank in its name)", outcome: "The 'open with' line quotes each path, so that it can be pasted into a shell (it printed them bare)", args: ["run", "--quiet", "small.yaml", "--out", "sp ace"], files: { "small.yaml": SCENARIO }, stderr: [], stdout: ["open with: gtkwave 'sp ace/small.gtkw'    (capture: wireshark 'sp ace/small.pcap'; report: 'sp ace/small.html')"], status: 0 },
];
