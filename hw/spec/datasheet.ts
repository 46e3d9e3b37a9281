import { DESCRIPTOR_BYTES, type DescriptorField, RX_DESCRIPTOR_FIELDS, TX_DESCRIPTOR_FIELDS } from "./descriptors.js";
import { ERROR_DESCRIPTIONS, ErrorCode, type ErrorCodeName, FieldCode } from "./errors.js";
import { DEFAULT_SA_TABLE_ENTRIES, instanceLetter, MAX_QUEUES, REGISTERS, type RegisterSpec } from "./registers.js";
import { DEVICE_DROP_REASONS, DROP_REASON_CODE, type DeviceDropReason } from "./drop-reasons.js";
import { SA_RECORD_ALIGNMENT, SA_RECORD_BYTES, SA_RECORD_FIELDS } from "./sa-record.js";

const hex = (value: number, digits = 4): string => `0x${value.toString(16).toUpperCase().padStart(digits, "0")}`;

function offsetOf(register: RegisterSpec): string {
  if (register.stride === undefined) return hex(register.offset);
  return `${hex(register.offset)} + ${hex(register.stride, 2)}·${instanceLetter(register)}`;
}

function bits(field: { bit: number; width: number }): string {
  return field.width === 1 ? `${field.bit}` : `${field.bit + field.width - 1}:${field.bit}`;
}

function registerRows(): string[] {
  const rows = ["| register | offset | access | reset | description |", "| --- | --- | --- | --- | --- |"];
  // In offset order, as a reader looks an address up (REGISTERS is grouped by function).
  for (const register of [...REGISTERS].sort((a, b) => a.offset - b.offset)) {
    const name = register.stride === undefined ? register.name : `${register.name}[${instanceLetter(register)}]`;
    rows.push(`| ${name} | ${offsetOf(register)} | ${register.access} | ${hex(register.reset, 1)} | ${register.description} |`);
    for (const field of register.fields ?? []) rows.push(`| └ ${field.name} | bits ${bits(field)} | | | ${field.description} |`);
  }
  return rows;
}

function descriptorRows(fields: readonly DescriptorField[]): string[] {
  return [
    "| bytes | field | description |",
    "| --- | --- | --- |",
    ...fields.map((field) => `| ${field.offset}..${field.offset + field.bytes - 1} | ${field.name} | ${field.description} |`),
  ];
}

/** The NIC's datasheet in Markdown, generated from the same definitions the model and driver use. */
export function datasheetMarkdown(): string {
  const errors = (Object.keys(ErrorCode) as ErrorCodeName[]).map((name) => `| ${ErrorCode[name]} | ${name} | ${ERROR_DESCRIPTIONS[name]} |`);
  const fields = Object.entries(FieldCode).map(([name, code]) => `| ${code} | ${name} |`);
  return [
    "# NIC datasheet",
    "",
    "Generated from `hw/spec/` by `npm run datasheet`; a test keeps this file current.",
    "",
    "## Register map",
    "",
    `32-bit registers, little-endian. Up to ${MAX_QUEUES} queue pairs (q); vectors v = 0..queues, the last one being the error vector.`,
    "Bits a register's fields do not define read as 0, and written they are ignored (CTRL, TXDCTL, RXDCTL and SA_CTRL among them), but in",
    "three registers: TX_SCHED and TXPBSIZE take their fields without them and log the write (VALUE_OUT_OF_RANGE, its value withheld), and",
    "SA_COMMAND refuses the command (INVALID_SA_HANDLE), since a key word staged one past SA_STAGE lands there.",
    "Reset values that follow the NIC's configuration are given for the default one (8 queues, a 160 KB TX packet buffer, 9216-byte",
    `frames, SA tables of ${DEFAULT_SA_TABLE_ENTRIES} entries): STATUS.QUEUES is \`nic.queues\`, MAXFRS is \`nic.maxFrameBytes\`, TXDMAX is \`nic.tx.descriptorCache\`, each TXPBSIZE is \`nic.tx.bufferBytes\``,
    "over `nic.queues`, in KB (40 with 4 queues), and SA_TABLE_SIZE is `nic.sacache.txEntries` and `nic.sacache.rxEntries`.",
    "",
    ...registerRows(),
    "",
    "## Interrupts",
    "",
    "Vector q (one per queue pair) signals the causes TX_DONE[q] and RX_DONE[q]; the vector after the last queue signals ERROR.",
    "A vector fires when one of its causes is pending in ICR and enabled in IMS, and either EITR_PACKETS frames were written back",
    "(a frame counts once, with the last of its descriptors written back) since it last fired or EITR ns have passed since then (a vector",
    "that has not fired yet fires at once). Firing clears its causes in ICR and in IMS (auto-clear, auto-mask);",
    "the driver polls, then writes IMS to enable them again, and a cause raised meanwhile fires at once.",
    "",
    `## TX descriptor (${DESCRIPTOR_BYTES} bytes)`,
    "",
    ...descriptorRows(TX_DESCRIPTOR_FIELDS),
    "",
    "The device reads descriptors from TDH up to TDT, a frame being the descriptors up to one with EOP. Once it has read a frame's",
    "buffers it writes STATUS (DD) and ERROR back into every descriptor with RS, and into the frame's last descriptor when the",
    "frame was dropped for an error. With TXDCTL.WTHRESH n > 0 it instead gathers the queue's done descriptors, RS or not, and",
    "writes them back whole (all 32 bytes, DD set) in one burst per run of ring slots once n wait, the oldest has waited",
    "nic.tx.writeBackDelay core cycles, or TXDCTL is written with another WTHRESH or with ENABLE clear; TX_DONE follows the burst.",
    "A frame is dropped for the first error found, one ERRLOG entry each: its descriptors in ring order, each for LENGTH 0",
    "(ZERO_LENGTH_BUFFER), then CLASS (INVALID_CLASS), then, past the first, IPSEC, SA_HANDLE and SA_POINTER against the first's",
    "(IPSEC_FIELDS_DIFFER); then its length (OVER_LENGTH_BUFFER). Only a frame without any is read (DMA errors) and has its SA",
    "looked up (INVALID_SA_HANDLE, STALE_SA_HANDLE, SA_POINTER errors): fix the first error and the next may show.",
    "",
    `## RX descriptor (${DESCRIPTOR_BYTES} bytes)`,
    "",
    ...descriptorRows(RX_DESCRIPTOR_FIELDS),
    "",
    "The driver writes BUFFER_ADDRESS and clears the rest; the device writes bytes 8..31 back after the frame's data, in one write,",
    "with DD set. A frame longer than SRRCTL spans several descriptors; EOP marks its last.",
    "",
    `## SA record (${SA_RECORD_BYTES} bytes in host memory, ${SA_RECORD_ALIGNMENT}-byte aligned)`,
    "",
    "The intermediate driver keeps each IPsec SA in host memory in this layout and passes a pointer to it with every packet",
    "(TX descriptor SA_POINTER), so that the base driver and the NIC can reach the SA without a copy.",
    "",
    ...descriptorRows(SA_RECORD_FIELDS),
    "",
    "## Error codes (ERRLOG_CODE, descriptor ERROR)",
    "",
    "| code | name | meaning |",
    "| --- | --- | --- |",
    ...errors,
    "",
    "## Drop reasons",
    "",
    "Every frame the device drops, or delivers flagged for the driver to drop (ESP_MALFORMED, ESP_ICV_FAILED), is counted by one of",
    "these reasons in DROP_COUNT[code], and by name in the library's diagnostics() (drops, or flagged) and a run's summary.",
    "",
    "| code | reason | when, and what else a driver sees |",
    "| --- | --- | --- |",
    ...(Object.keys(DEVICE_DROP_REASONS) as DeviceDropReason[]).map((name) => `| ${DROP_REASON_CODE[name]} | ${name} | ${DEVICE_DROP_REASONS[name]} |`),
    "",
    "## Field codes (ERRLOG_LOCATION.FIELD)",
    "",
    "| code | field |",
    "| --- | --- |",
    ...fields,
    "",
  ].join("\n");
}
