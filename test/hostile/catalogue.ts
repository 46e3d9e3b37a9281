/**
 * The catalogue of hostile inputs: each input, what the model does with it, and the test that
 * shows it. `catalogue.test.ts` checks every test named here exists and that the catalogue
 * covers every register, descriptor field and error code; `npm run catalogue` writes it out as
 * docs/hostile-inputs.md.
 */

import { COMMAND_LINE } from "./command-line.js";

export interface HostileInput {
  readonly input: string;
  readonly outcome: string;
  /** What it exercises: `register:NAME`, `tx:FIELD`, `rx:FIELD`, `error:CODE`, or a kind of input (`esp:`, `frame:`, `scenario:`, `policy:`). */
  readonly covers: readonly string[];
  /** The test file (from the repository root) and the test's name as written there (a `test.each` template keeps its `%s`). */
  readonly test: readonly [file: string, name: string];
}

const MISUSE = "test/hostile/driver-misuse.test.ts";
const REGISTERS = "test/hostile/registers.test.ts";
const DESCRIPTORS = "test/hostile/descriptors.test.ts";
const OFFLOAD = "test/hw/ipsec-offload.test.ts";
const HANDLES = "test/hw/sa-handles.test.ts";
const RECOVERY = "test/driver/recovery.test.ts";
const LIFECYCLE = "test/driver/sa-lifecycle.test.ts";
const ESP = "test/ipsec/esp.test.ts";
const INTERMEDIATE = "test/driver/intermediate.test.ts";
const VALIDATION = "test/system/scenario-validation.test.ts";
const OVERRIDES = "test/system/scenario-overrides.test.ts";
const OUTPUTS = "test/hostile/outputs.test.ts";
const CLI = "test/system/cli.test.ts";
const FUZZ = "test/system/scoreboard-properties.test.ts";
const IKE = "test/system/ike-scenario.test.ts";
const ISAKMP = "test/ike/malformed.test.ts";

export const CATALOGUE: readonly HostileInput[] = [
  // Registers, whichever they are.
  { input: "A write to any read-only register", outcome: "READ_ONLY_REGISTER naming it (and its queue); the write is ignored", covers: ["error:READ_ONLY_REGISTER", "access:RO"], test: [REGISTERS, "a write to read-only %s is ignored"] },
  { input: "A read of any write-only register", outcome: "WRITE_ONLY_REGISTER naming it; the read returns 0", covers: ["error:WRITE_ONLY_REGISTER", "access:WO"], test: [REGISTERS, "a read of write-only %s returns 0"] },
  { input: "A per-queue or per-vector register of an instance the device does not have", outcome: "UNKNOWN_REGISTER with the offset; reads return all ones", covers: ["error:UNKNOWN_REGISTER", "access:instance"], test: [REGISTERS, "%s of an instance the device does not have is no register"] },
  { input: "An unaligned access inside any register", outcome: "UNKNOWN_REGISTER with the offset; nothing changes", covers: ["error:UNKNOWN_REGISTER", "access:unaligned"], test: [REGISTERS, "an unaligned access inside %s is no register"] },
  { input: "An offset where no register is", outcome: "UNKNOWN_REGISTER; the read returns 0xFFFFFFFF", covers: ["error:UNKNOWN_REGISTER"], test: [MISUSE, "a read of an offset with no register returns all ones"] },
  // Register values.
  { input: "TDT (or RDT) at or past the ring's end", outcome: "TAIL_BEYOND_RING; the doorbell is ignored", covers: ["register:TDT", "register:RDT", "error:TAIL_BEYOND_RING"], test: [MISUSE, "a tail beyond the ring"] },
  { input: "TDT moved back over descriptors the device owns (a ring overrun)", outcome: "TAIL_OVERRUN; ignored, and each posted descriptor is processed exactly once", covers: ["register:TDT", "register:RDT", "error:TAIL_OVERRUN"], test: [MISUSE, "a tail moved back over posted descriptors: ignored, and every posted descriptor is done exactly once"] },
  { input: "A doorbell on a queue that is not enabled", outcome: "DOORBELL_ON_DISABLED_QUEUE; ignored", covers: ["register:TDT", "error:DOORBELL_ON_DISABLED_QUEUE"], test: [MISUSE, "a doorbell on a disabled queue"] },
  { input: "TXDCTL.ENABLE with a ring base not 128-byte aligned", outcome: "UNALIGNED_RING_BASE; the queue stays disabled", covers: ["register:TDBAL", "register:TDBAH", "register:TXDCTL", "error:UNALIGNED_RING_BASE"], test: [MISUSE, "an unaligned ring base: the queue stays disabled"] },
  { input: "RXDCTL.ENABLE with a ring length that is not a multiple of 128 bytes", outcome: "INVALID_RING_LENGTH; the queue stays disabled", covers: ["register:RDLEN", "register:TDLEN", "register:RXDCTL", "register:RDBAL", "register:RDBAH", "error:INVALID_RING_LENGTH"], test: [REGISTERS, "a ring length that is not a multiple of 128 bytes: enabling is refused"] },
  { input: "RXDCTL.ENABLE with SRRCTL 0", outcome: "ZERO_LENGTH_BUFFER; the queue stays disabled", covers: ["register:SRRCTL", "register:RXDCTL", "error:ZERO_LENGTH_BUFFER"], test: [MISUSE, "an RX queue enabled with a zero buffer size (SRRCTL) stays disabled"] },
  { input: "Ring base, ring length or SRRCTL written while the queue is enabled", outcome: "QUEUE_REGISTER_WHILE_ENABLED; ignored (the device keeps what it took at the enable)", covers: ["register:TDBAL", "register:TDBAH", "register:TDLEN", "register:RDBAL", "register:RDBAH", "register:RDLEN", "register:SRRCTL", "error:QUEUE_REGISTER_WHILE_ENABLED"], test: [REGISTERS, "%s written while its queue is enabled is ignored (the device keeps what it took at the enable)"] },
  { input: "TX_SCHED with a percent above 100", outcome: "VALUE_OUT_OF_RANGE; 100 is used and read back", covers: ["register:TX_SCHED", "error:VALUE_OUT_OF_RANGE"], test: [REGISTERS, "a TX_SCHED percent above 100 is taken as 100, and says so"] },
  { input: "TXPBSIZE smaller than one longest frame", outcome: "VALUE_OUT_OF_RANGE; one longest frame (MAXFRS, in KB) is used and read back", covers: ["register:TXPBSIZE", "error:VALUE_OUT_OF_RANGE"], test: [REGISTERS, "a TXPBSIZE part smaller than one longest frame is taken as one, and says so"] },
  { input: "TXPBSIZE parts adding up to more than the TX packet buffer", outcome: "VALUE_OUT_OF_RANGE; the part is cut to what the others leave", covers: ["register:TXPBSIZE", "error:VALUE_OUT_OF_RANGE"], test: [REGISTERS, "TXPBSIZE parts adding up to more than the TX packet buffer: the part is cut to what is left, and says so"] },
  { input: "TX_SCHED with a remaining percent above 100", outcome: "VALUE_OUT_OF_RANGE; 100 is used and read back", covers: ["register:TX_SCHED", "error:VALUE_OUT_OF_RANGE"], test: [REGISTERS, "a TX_SCHED remaining percent above 100 is taken as 100, and says so"] },
  { input: "SA_COMMAND with an index past the table, or operation 0", outcome: "INVALID_SA_HANDLE; SA_STATUS holds the code", covers: ["register:SA_COMMAND", "error:INVALID_SA_HANDLE"], test: [REGISTERS, "SA_COMMAND with %s is refused, with SA_STATUS saying why"] },
  { input: "SA_COMMAND written while an INSTALL_POINTER reads its record; INSTALL_POINTER through a pointer to unmapped memory", outcome: "SA_COMMAND_BUSY, the command ignored (SA_STATUS reads BUSY until the record is in); DMA_UNMAPPED, nothing read", covers: ["register:SA_COMMAND", "register:SA_STATUS", "error:SA_COMMAND_BUSY", "error:DMA_UNMAPPED"], test: [OFFLOAD, "INSTALL_POINTER: the device reads the record through the staged pointer, SA_STATUS reads BUSY until it is installed, and a command meanwhile is refused"] },
  { input: "SA_COMMAND install of a staged record with a bad length (SA_STAGE)", outcome: "SA_RECORD_INVALID naming the problem; SA_STATUS holds the code", covers: ["register:SA_COMMAND", "register:SA_STAGE", "error:SA_RECORD_INVALID"], test: [OFFLOAD, "a staged record with a bad length is refused by SA_COMMAND with SA_STATUS"] },
  // Descriptors.
  { input: "TX LENGTH 0", outcome: "ZERO_LENGTH_BUFFER; the descriptor comes back done with the code", covers: ["tx:LENGTH", "tx:STATUS", "tx:ERROR", "error:ZERO_LENGTH_BUFFER"], test: [MISUSE, "a zero-length buffer: the descriptor comes back done with the error code"] },
  { input: "A TX frame longer than the maximum, across two buffers", outcome: "OVER_LENGTH_BUFFER at the frame's last descriptor; dropped", covers: ["tx:LENGTH", "error:OVER_LENGTH_BUFFER"], test: [MISUSE, "an over-length frame across two buffers"] },
  { input: "TX BUFFER_ADDRESS in unmapped memory", outcome: "DMA_UNMAPPED; the read is not made, the descriptor comes back with the code", covers: ["tx:BUFFER_ADDRESS", "error:DMA_UNMAPPED"], test: [MISUSE, "a TX buffer in unmapped memory"] },
  { input: "RX BUFFER_ADDRESS in unmapped memory", outcome: "DMA_UNMAPPED; the write is not made", covers: ["rx:BUFFER_ADDRESS", "error:DMA_UNMAPPED"], test: [MISUSE, "an RX buffer in unmapped memory"] },
  { input: "TX CLASS above 7", outcome: "INVALID_CLASS; dropped, descriptor done with the code", covers: ["tx:CLASS", "error:INVALID_CLASS"], test: [DESCRIPTORS, "CLASS above 7: the frame is dropped as INVALID_CLASS, and its descriptor comes back done with that code"] },
  { input: "TX OFFLOAD all ones; STATUS and ERROR set by the driver before posting", outcome: "No bits are defined in OFFLOAD: ignored; STATUS and ERROR are written over", covers: ["tx:OFFLOAD", "tx:STATUS", "tx:ERROR"], test: [DESCRIPTORS, "OFFLOAD has no bits defined: all ones there change nothing; STATUS and ERROR set by the driver are written over"] },
  { input: "TX COMMAND without EOP on the last posted descriptor", outcome: "Not an error: the device waits for the rest of the frame", covers: ["tx:COMMAND"], test: [DESCRIPTORS, "COMMAND without EOP on the last posted descriptor: the device waits for the rest of the frame, and sends it whole once posted"] },
  { input: "TX COMMAND.IPSEC on a frame that is not its SA's ESP (another SPI), or too short for ESP", outcome: "ESP_MALFORMED; dropped, descriptor done with the code", covers: ["tx:COMMAND", "tx:SA_POINTER", "error:ESP_MALFORMED"], test: [OFFLOAD, "TX: an IPSEC descriptor whose frame is not its SA's ESP (another SA's SPI), or too short for ESP, is dropped as ESP_MALFORMED"] },
  { input: "TX SA_HANDLE out of range, or naming an empty entry", outcome: "INVALID_SA_HANDLE; dropped", covers: ["tx:SA_HANDLE", "error:INVALID_SA_HANDLE"], test: [OFFLOAD, "a handle out of range, and a handle naming an empty entry"] },
  { input: "TX SA_HANDLE issued for an SA whose entry has been filled again since (a stale handle)", outcome: "STALE_SA_HANDLE naming the descriptor and handle; dropped, counted in SA_STALE_HANDLES; never taken for the entry's new SA", covers: ["tx:SA_HANDLE", "error:STALE_SA_HANDLE", "register:SA_STALE_HANDLES"], test: [HANDLES, "a handle issued for an SA names it, and after its entry is filled with another SA it is refused as STALE_SA_HANDLE and counted, not taken for the newcomer"] },
  { input: "SA_COMMAND install into an entry that holds an SA, without REPLACE", outcome: "SA_ENTRY_OCCUPIED; the entry keeps its SA and its handle", covers: ["register:SA_COMMAND", "error:SA_ENTRY_OCCUPIED"], test: [HANDLES, "an install over an occupied entry without REPLACE is refused (SA_ENTRY_OCCUPIED) and the entry keeps its SA and handle; with REPLACE it is overwritten"] },
  { input: "SA_COMMAND install of an SA already in another entry of the same table", outcome: "SA_DUPLICATE naming the entry that holds it; nothing changes", covers: ["register:SA_COMMAND", "error:SA_DUPLICATE"], test: [HANDLES, "the same SA installed in a second entry is refused (SA_DUPLICATE, naming the entry that holds it), in both tables"] },
  { input: "An SA record staged from a wrong offset (key and salt bytes where MAGIC belongs)", outcome: "SA_RECORD_INVALID naming the field and its offset; no key or salt byte in ERRLOG_VALUE or the diagnostic", covers: ["register:SA_STAGE", "secret:staged-record"], test: [HANDLES, "a record staged from a wrong offset (its key where the magic belongs) is refused without a byte of the key or salt in ERRLOG_VALUE or the diagnostic"] },
  { input: "TX SA_POINTER to unmapped memory, or to a record with a bad magic", outcome: "DMA_UNMAPPED, or SA_RECORD_INVALID naming BAD_MAGIC; dropped", covers: ["tx:SA_POINTER", "error:DMA_UNMAPPED", "error:SA_RECORD_INVALID"], test: [OFFLOAD, "pointer fetch through a pointer to unmapped memory, and to a record with a bad magic"] },
  { input: "An SA invalidated while its packets are in the NIC", outcome: "SA_INVALIDATED drops, counted; no packet uses it afterwards", covers: ["error:SA_INVALIDATED"], test: [OFFLOAD, "an SA deleted mid-burst: no packet is processed with it after, its record is freed only when the NIC is done, and reused memory is never followed"] },
  { input: "RX write-back fields (LENGTH, STATUS, ERROR, CLASS, SPI, SA_HANDLE) left with garbage by the driver", outcome: "Written over by the device", covers: ["rx:LENGTH", "rx:STATUS", "rx:ERROR", "rx:CLASS", "rx:SPI", "rx:SA_HANDLE"], test: [DESCRIPTORS, "the write-back fields are the device's: whatever the driver left in them is written over"] },
  // DMA faults.
  { input: "DMA read errors (completer abort)", outcome: "DMA_READ_ERROR for each descriptor fetch; the queue is disabled and reported, and reset by the driver again and again, backing off", covers: ["error:DMA_READ_ERROR"], test: [MISUSE, "read errors on every request: descriptor fetches fail, each queue is disabled and reported"] },
  { input: "DMA completion timeouts", outcome: "DMA_COMPLETION_TIMEOUT after the timeout", covers: ["error:DMA_COMPLETION_TIMEOUT"], test: [MISUSE, "completion timeouts are reported after the timeout"] },
  { input: "DMA read errors and completion timeouts under traffic, rings of 16 to 1024, frames up to 9000 bytes", outcome: "The queue the device disabled is reset by the base driver (TXDCTL/RXDCTL.FAULT, QUEUE_FAULTS); every frame lost is counted by reason (the fault's code, QUEUE_RESET) with its bytes, and traffic goes on", covers: ["error:DMA_READ_ERROR", "error:DMA_COMPLETION_TIMEOUT", "fault:queue-reset"], test: [RECOVERY, "%s: every frame arrives once or is counted by reason, the driver's drops name exactly the frames lost on its rings"] },
  { input: "A replayed ESP packet waiting for a core while its inbound SA is deleted", outcome: "Dropped (UNKNOWN_SPI): the SA's lease is refused once it is dying; its replay window is never made again", covers: ["esp:replay-after-delete"], test: [LIFECYCLE, "offload %s: replays waiting for a core while their inbound SA is deleted are dropped, not accepted by a fresh replay window"] },
  { input: "Two rekeys and a delete of one SA at once", outcome: "One new SA; the second rekey returns null; the delete waits for the packets holding the SA; none lost uncounted", covers: ["sa:concurrent-changes"], test: [LIFECYCLE, "a rekey, a second rekey of the same SA and a delete at once: one new SA, the old one dead once its packets are out, no packet lost uncounted"] },
  // Frames from the wire.
  { input: "Bad FCS, runt and oversize frames", outcome: "Dropped and counted by reason (FCS_ERROR, RUNT, OVERSIZE); good frames around them arrive", covers: ["frame:bad-fcs", "frame:runt", "frame:oversize"], test: [MISUSE, "bad FCS, runt and oversize frames are dropped and counted by reason; good ones around them arrive"] },
  { input: "Truncated ESP, and ESP whose ICV fails, through the NIC", outcome: "Flagged in the RX descriptor (ESP_MALFORMED, ESP_ICV_FAILED) and counted; never delivered as good", covers: ["esp:truncated", "esp:wrong-icv", "error:ESP_ICV_FAILED", "error:ESP_MALFORMED"], test: [OFFLOAD, "RX: a truncated ESP packet and one whose ICV fails are flagged and counted, not delivered as good"] },
  { input: "ESP with wrong padding, decrypted by the NIC", outcome: "Dropped by the driver as BAD_PADDING", covers: ["esp:mis-padded"], test: [OFFLOAD, "RX: a packet the NIC decrypted whose padding is wrong is dropped by the driver as BAD_PADDING"] },
  { input: "Replayed ESP, and ESP with an unknown SPI, at the intermediate driver", outcome: "Dropped and counted (REPLAYED, UNKNOWN_SPI)", covers: ["esp:replayed", "esp:unknown-spi"], test: [INTERMEDIATE, "inbound: a replayed ESP packet and one with an unknown SPI are dropped and counted by reason"] },
  { input: "Replays and packets older than the window, in software ESP", outcome: "Dropped before decryption; out of order within the window accepted", covers: ["esp:replayed"], test: [ESP, "replays and packets older than the window are dropped before decryption; out of order within it is accepted"] },
  { input: "ESP carrying a dummy packet (next header 59)", outcome: "Dropped silently, counted by reason", covers: ["esp:next-header-59"], test: [ESP, "a dummy packet (next header 59) is dropped silently, by reason"] },
  { input: "ESP with any bit flipped", outcome: "The ICV fails; the replay window is unchanged", covers: ["esp:wrong-icv"], test: [ESP, "random packets, keys and ICV lengths round-trip; a flipped bit anywhere fails and leaves the window unchanged"] },
  // Scenario and policy texts.
  { input: "An ISAKMP message to the host's UDP 500 that is truncated, longer or shorter than its header says, of another version, or whose payloads run past its end", outcome: "Dropped by the IKE daemon and counted by reason (TRUNCATED, LENGTH_MISMATCH, BAD_VERSION, PAYLOAD_LENGTH, …); no IKE SA or traffic changes", covers: ["ike:malformed"], test: [IKE, "malformed ISAKMP messages are dropped and counted by reason, and nothing else changes"] },
  { input: "An ISAKMP message for no IKE SA the host has (an unknown cookie), or a first message without the payloads its exchange needs", outcome: "Dropped with its reason (UNKNOWN_COOKIE, MISSING_PAYLOAD); no session is left behind", covers: ["ike:malformed"], test: [ISAKMP, "a first message without the payloads its exchange needs leaves no session behind"] },
  { input: "An ISAKMP message from an address with no keyring entry", outcome: "Dropped and counted (UNKNOWN_PEER); the gateways' IKE SAs are untouched", covers: ["ike:unknown-peer"], test: [IKE, "an ISAKMP message from an address with no keyring entry is dropped and counted (UNKNOWN_PEER), and a gateway's garbage never reaches another's IKE SA"] },
  { input: "A gateway configured with the wrong pre-shared key", outcome: "Phase 1 fails (AUTHENTICATION_FAILED): no SA; the customer's packets are dropped and counted as NO_SA both ways; the run succeeds as accounted", covers: ["ike:authentication"], test: [IKE, "a wrong pre-shared key fails phase 1: no SA, and the customer's packets are dropped and counted as NO_SA both ways"] },
  { input: "An Informational Delete of an SA pair while its traffic flows", outcome: "The pair is deleted through the SA lifecycle (packets holding it finish), its policy goes back to a trap; packets are counted as NO_SA until the next one the host sends has IKE negotiate the tunnel again (acquire)", covers: ["ike:delete"], test: [IKE, "a Delete arriving mid-flight goes through the SA lifecycle: the pair is deleted, its packets counted as NO_SA until the next one hits the trap and the host negotiates it again"] },
  { input: "Two IKE gateways at one address, a gateway at the host's address, IKE faults without IKE customers, SA faults with only IKE customers", outcome: "Rejected at load, at the field's line, with what to use instead", covers: ["scenario:cross-field"], test: [VALIDATION, "24. IKE: a gateway address taken twice or the host's, faults without the customers they act on"] },
  { input: "Scenario YAML that does not parse", outcome: "Rejected before the run, with line and column", covers: ["scenario:syntax"], test: [VALIDATION, "1. YAML that does not parse: the line and column"] },
  { input: "Scenario with an unknown field, a missing one, a wrong type, a value out of range", outcome: "Rejected with the field's path and line", covers: ["scenario:field"], test: [VALIDATION, "2. an unknown field, as a typo would make"] },
  { input: "Scenario naming a customer that does not exist, or defining one twice", outcome: "Rejected with the stream's or customer's line", covers: ["scenario:reference"], test: [VALIDATION, "7. a stream of a customer that does not exist"] },
  { input: "Scenario with an unknown NIC parameter, or one out of range", outcome: "Rejected with the path, the line and a suggestion", covers: ["scenario:parameter"], test: [VALIDATION, "11. a NIC parameter that does not exist: the scenario's path, its line, and a suggestion"] },
  { input: "QoS policy text with a mistake", outcome: "Rejected with its line in the scenario file", covers: ["policy:text"], test: [VALIDATION, "10. a mistake in the QoS policy: its line in the file, not in the policy text"] },
  { input: "`--set` through an object's prototype, to a field the scenario does not have, or past a list's end", outcome: "Refused naming the `--set`; nothing is set, no prototype is touched", covers: ["scenario:override"], test: [OVERRIDES, "17. --set: a path through an object's prototype is refused and pollutes nothing; a path the schema does not have, or past a list's end, is named; a bad value set so is named by its --set"] },
  { input: "Scenario of more streams than a run can hold, a gap that rounds to 0 ps, a duration not in whole picoseconds, more offered than the line carries by far", outcome: "Rejected before the run, naming the field and the limit", covers: ["scenario:size"], test: [VALIDATION, "18. sizes: more streams or customers than a run can hold, a gap that rounds to nothing, a duration not in whole picoseconds, and more offered than the line carries by far"] },
  { input: "A scenario file larger than any scenario needs (8 MiB)", outcome: "Refused before it is parsed, with its size and the limit", covers: ["scenario:size"], test: [VALIDATION, "20. a scenario file larger than any scenario needs is refused before it is parsed"] },
  { input: "Ring lengths the device refuses, a NIC clock or wire rate whose period is not whole picoseconds, several parameter mistakes together", outcome: "Every one rejected before the run at once, each at its line", covers: ["scenario:cross-field"], test: [VALIDATION, "19. ring lengths the device refuses, a NIC clock whose period is not whole picoseconds, a wire rate the MAC clock cannot have, values out of range, and an empty value, a list or an infinite number (each at its own line, the values beside it still checked): every one at once"] },
  { input: "A run that fails in the middle (a component throws)", outcome: "No file gets its own name; the files left under temporary names are listed with their state (partial or complete); an earlier run's files are untouched", covers: ["run:failure"], test: [OUTPUTS, "a run that fails mid-run names each file it left and its state, and leaves an earlier run's files as they were"] },
  { input: "A name one of a run's files cannot take (a directory made there during the run)", outcome: "Every name is checked before any file is renamed: none is renamed, and the files left are listed", covers: ["run:rename"], test: [OUTPUTS, "a name taken by a directory (made during the run) fails before any file is renamed"] },
  { input: "A rename that still fails part way through giving a run's files their names", outcome: "The report lists the files renamed and those left under temporary names, with their state", covers: ["run:rename"], test: [OUTPUTS, "a rename failing part way: the report names the files renamed and those left, with their state"] },
  { input: "SIGINT (Ctrl-C) or SIGTERM during `nicsim run`", outcome: "The run stops at its next step; the waveform and capture are flushed, each file left is named with its state and size; exit status 130 or 143 (a second signal stops at once)", covers: ["run:signal"], test: [CLI, "%s: exit status %i, each file left named with its state and size, none given its own name"] },
  { input: "A waveform window that ends before it starts (`outputs.waveformToMicroseconds` < `waveformFromMicroseconds`)", outcome: "Rejected at load, at the field's line or its `--set`, before any file is made", covers: ["scenario:cross-field"], test: [VALIDATION, "21. a waveform window that ends before it starts: at load, at the field's line (or its --set), not at run time; one that starts at its end is allowed"] },
  { input: "Rules between parameter values (priorityReserve ≥ framesInFlight, a buffer part shorter than the longest frame) broken with rules on one value (a wire rate the MAC clock cannot have, checkBytes not whole blocks)", outcome: "Every one at once, --set first, then in the file's order (a rule between values threw and hid the rest)", covers: ["scenario:cross-field"], test: [VALIDATION, "16b. rules between values (priorityReserve, the buffer's parts) and rules on one value (the MAC's period, checkBytes' blocks) broken together: every one, --set first, then in the file's order"] },
  { input: "An empty value, a list or `.inf` among a scenario's parameters (`queues:` with nothing after it, `cores: [2]`), beside other mistakes", outcome: "Each refused at its own line, saying what it is; the values beside it still checked (the branch was refused whole as \"Invalid input\", at its parent's line, hiding the rest)", covers: ["scenario:cross-field"], test: [VALIDATION, "19. ring lengths the device refuses, a NIC clock whose period is not whole picoseconds, a wire rate the MAC clock cannot have, values out of range, and an empty value, a list or an infinite number (each at its own line, the values beside it still checked): every one at once"] },
  { input: "A scenario file with a second YAML document (`---`), or with aliases that expand past a scenario's size (a \"billion laughs\", or a long string named a thousand times)", outcome: "Refused with the file's name in the scenario's words (it gave the YAML library's advice to its own callers, or no file at all); a `---` that ends the file with nothing after it but comments is no second document, and is accepted", covers: ["scenario:cross-field"], test: [VALIDATION, "20b. a second YAML document, and aliases that would expand past a scenario's size, are refused with the file's name in the scenario's words"] },
  { input: "A scenario value of the wrong kind or out of its range (`sas: two`, `sas: 2.5`, `sas: [2]`, a pre-shared key given as a number)", outcome: "Refused at its line in the parameters' words, `path = value: expected …` (it was the schema library's: \"Invalid input: expected number, received string\", \"Too big: expected number to be <=9000\"); a list or mapping named by its kind, a key as <secret>", covers: ["scenario:cross-field"], test: [VALIDATION, "4. a value of the wrong type"] },
  { input: "A `__proto__` key among a scenario's parameters (`nic: { __proto__: { queues: 2 } }`), at a group's top or deeper", outcome: "Refused at its line as no such parameter, with the group's other mistakes (at a group's top it was dropped without a word)", covers: ["scenario:cross-field"], test: [VALIDATION, "20c. a __proto__ key in a parameter group is refused at its line, at any depth, with the group's other mistakes (an object built by assignment took it for its prototype and dropped it)"] },
  { input: "A value a stream's frames do not fit, given by `--set` or the file, or left at its default", outcome: "The stream's line, and where the value was given (its `--set` or its line; nothing for a default)", covers: ["scenario:cross-field"], test: [VALIDATION, "15b. a value a stream does not fit is named with where it was given: its --set, its line, or nothing for a default"] },
  { input: "`--set traffic.0=x --set traffic.0.load=0.3`: a place inside another given whole", outcome: "Refused naming both (it was a JavaScript TypeError)", covers: ["scenario:override"], test: [OVERRIDES, "17b. a --set inside a place another --set gives whole (traffic.0=x, traffic.0.load=0.3) is refused by name, not with a JavaScript error"] },
  { input: "`--set traffic.0.load` into a file without `traffic`; `--set customers.0=null`", outcome: "The --set blamed for its own mistake and the file for its missing list, with a hint in the list's shape (`[{…}]`); the stream told its customer was replaced by one without a name", covers: ["scenario:override"], test: [OVERRIDES, "17c. a --set into a list the file lacks is blamed on the --set and the file's missing list on the file, with a hint in the list's shape; a customer replaced by one without a name is said so"] },
  { input: "`--set` below a place the scenario file does not have (`outputs.waveformScopes.0=x`)", outcome: "Rejected, blamed on the `--set`, not on the file's line", covers: ["scenario:override"], test: [OVERRIDES, "22. a --set that makes a place the file does not have is blamed on the option, not on the file"] },
  { input: "FUZZ_SEED, FUZZ_RUNS, FUZZ_SHRINK_SECONDS or FUZZ_DMA_FAULTS not a value the fuzzer can use (`abc`, ` 7`, `0` runs)", outcome: "`npm run fuzz` refuses it, naming the variable and what it takes (rather than running \"seed NaN\")", covers: ["fuzz:environment"], test: [FUZZ, "%s=%j is refused with the variable's name"] },
  { input: "Bad IKE identities and ISAKMP profiles", outcome: "Refused with a reason", covers: ["policy:identity"], test: [INTERMEDIATE, "the first matching profile wins; bad identities and profiles are refused with a reason"] },
  { input: "A scenario with 19 mistakes of every kind: unknown and misspelt fields, values out of range, unknown customers, names defined twice, bad QoS lines, misspelt and out-of-range parameters", outcome: "All reported in one load, in the file's order, each at its true line:column, misspelt names with the name meant", covers: ["scenario:all-at-once"], test: [VALIDATION, "23. a scenario with mistakes of every kind: all of them in one load, each at its true line and column, misspelt names with the name meant"] },
  { input: "A QoS mistake inside an indented `qos: |` block, or in a quoted string", outcome: "Its line and column in the file (the block's indentation counted), or its line and column within the string", covers: ["policy:text"], test: [VALIDATION, "24. a QoS mistake is at its true column whatever the block's indentation; a policy in a quoted string is placed within it"] },
  { input: "An ISAKMP profile's tag that no class map (or no class of the policy) matches", outcome: "Accepted, with a warning at the tag's line, printed with the run", covers: ["policy:text"], test: [VALIDATION, "26. a tag no class map matches is accepted, with a warning at its line that the run prints"] },
  { input: "An incomplete IOS line (`match identity host domain` with no domain, `priority percent` with no number)", outcome: "Refused as incomplete, naming what is missing and where; never a value taken from a keyword", covers: ["policy:text"], test: ["test/driver/qos-config.test.ts", "an incomplete line is an error, not a value taken from its keyword (`match identity host domain` is not a host named 'domain')"] },
  { input: "A misspelt field in the JSON form of the QoS policy (`clases`, `priorityPercnt`, an unknown top-level field)", outcome: "Refused at its JSON path with the field meant (the policy was dropped without a word: everything in class-default)", covers: ["policy:text"], test: ["test/driver/qos-config.test.ts", "a misspelt field of the JSON form is refused at its path with the field meant, at every level (it dropped what it held without a word)"] },
  { input: "Words after a complete IOS command (`set ipsec-qos-group 1 2`)", outcome: "Refused at the first word left over", covers: ["policy:text"], test: ["test/driver/qos-config.test.ts", "words after a complete command are an error at the first of them"] },
  { input: "IOS commands outside the supported subset (`service-policy output`, `interface`, `police`, `shape`, `match dscp`, `priority` in kbps)", outcome: "Refused as not supported, with the line and the commands supported there (a near keyword suggested)", covers: ["policy:text"], test: ["test/driver/qos-config.test.ts", "common IOS commands outside the subset are refused as not supported, with the line and what is supported there"] },
];

/** Registers where every value is valid, and why: the catalogue needs no value misuse for them. */
export const ANY_VALUE_VALID: Readonly<Record<string, string>> = {
  CTRL: "Two enable bits; the others are reserved and ignored",
  ICR: "Write 1 to clear: any bits, cleared or not pending",
  ICS: "Any causes may be raised from software (the interrupt storm fault does just that)",
  IMS: "Any causes may be enabled",
  IMC: "Any causes may be disabled",
  EITR: "Any interval in ns, 0 meaning at once",
  EITR_PACKETS: "Any threshold, 0 meaning none",
  ERRLOG_POP: "Any value pops; an empty log stays empty",
  SA_CTRL: "One bit; the others are reserved and ignored",
  SA_QOS_MAP: "Any nibble is a valid tag → class entry or none",
};

/** The catalogue as a Markdown table, for docs/hostile-inputs.md. */
export function renderCatalogue(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const lines = [
    "# Hostile inputs",
    "",
    "Generated from `test/hostile/catalogue.ts` by `npm run catalogue`; `test/hostile/catalogue.test.ts` checks that each test named here exists and that every register, descriptor field and error code is covered.",
    "",
    "| Input | What the model does | Test |",
    "| --- | --- | --- |",
    ...CATALOGUE.map((entry) => `| ${cell(entry.input)} | ${cell(entry.outcome)} | \`${entry.test[0]}\`: ${cell(entry.test[1])} |`),
    "",
    "## On the command line",
    "",
    "Each is run as written in `test/hostile/command-line.ts` (by `test/system/cli.test.ts`), which checks the exit status and the error text.",
    "",
    "| Input | What nicsim does | Exit status | Error text (part), or output |",
    "| --- | --- | --- | --- |",
    ...COMMAND_LINE.map((entry) => `| ${cell(entry.input)} | ${cell(entry.outcome)} | ${entry.status} | ${[...entry.stderr, ...(entry.stdout ?? [])].map((text) => `\`${cell(text)}\``).join("; ")} |`),
    "",
    "Registers where every value is valid:",
    "",
    ...Object.entries(ANY_VALUE_VALID).map(([name, why]) => `- ${name}: ${why}`),
    "",
  ];
  return lines.join("\n");
}
