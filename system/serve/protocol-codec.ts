import { type FieldSpec, fieldBytes, HEADER_BYTES, MAX_MESSAGE_BYTES, MAX_TEXT_BYTES, type MessageName, type MessageSpec, MESSAGES, type ProtocolErrorName, WAIT_FOREVER_FROM } from "../../hw/spec/device-protocol.js";

/**
 * The one encoder and the one decoder of the device protocol, both derived from the message
 * table in hw/spec/device-protocol.ts: each field's offset is the sum of the sizes before it.
 */

type Spec<N extends MessageName> = Extract<(typeof MESSAGES)[number], { name: N }>;
type FieldValue<F> = F extends { type: "bytes" } ? Uint8Array : F extends { type: "text" } ? string : number;
/** The field values of message N, by field name. */
export type MessageValues<N extends MessageName> = { [F in Spec<N>["fields"][number] as F["name"]]: FieldValue<F> };
/** A decoded message: its name and its values. */
export type Message = { [N in MessageName]: { readonly name: N; readonly values: MessageValues<N> } }[MessageName];

export interface FieldLayout {
  readonly field: FieldSpec;
  readonly offset: number;
}

/** Where each field of a message sits: fixed fields at their offsets, then the tail (bytes or text), if any. */
export interface MessageLayout {
  readonly spec: MessageSpec;
  readonly fixed: readonly FieldLayout[];
  /** Bytes of the header and the fixed fields: the whole message when there is no tail. */
  readonly fixedBytes: number;
  readonly tail: FieldLayout | null;
}

function layOut(spec: MessageSpec): MessageLayout {
  let offset = HEADER_BYTES;
  const fixed: FieldLayout[] = [];
  let tail: FieldLayout | null = null;
  spec.fields.forEach((field, index) => {
    if (field.type === "bytes" || field.type === "text") {
      if (index !== spec.fields.length - 1) throw new Error(`${spec.name}.${field.name}: a ${field.type} field must be the message's last`);
      tail = { field, offset };
      return;
    }
    fixed.push({ field, offset });
    offset += fieldBytes(field.type);
  });
  return { spec, fixed, fixedBytes: offset, tail };
}

export const LAYOUTS: ReadonlyMap<MessageName, MessageLayout> = new Map(MESSAGES.map((spec) => [spec.name, layOut(spec)]));
const BY_CODE: ReadonlyMap<number, MessageLayout> = new Map([...LAYOUTS.values()].map((layout) => [layout.spec.code, layout]));

/** The name of the message of a type, if there is one. */
export function messageName(code: number): string | undefined {
  return BY_CODE.get(code)?.spec.name;
}

export function layoutOf(name: MessageName): MessageLayout {
  return LAYOUTS.get(name)!;
}

/** Which side sends a kind of message. */
export function sender(spec: MessageSpec): "client" | "server" {
  return spec.kind === "request" || spec.kind === "posted" ? "client" : "server";
}

function writeNumber(bytes: Uint8Array, offset: number, size: number, value: number): void {
  for (let index = 0; index < size; index++) bytes[offset + index] = Math.floor(value / 256 ** index) % 256;
}

function readNumber(bytes: Uint8Array, offset: number, size: number): number {
  let value = 0;
  for (let index = size - 1; index >= 0; index--) value = value * 256 + bytes[offset + index]!;
  return value;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/** Encode a message; a value that does not fit its field is the caller's bug, and throws naming it. */
export function encodeMessage<N extends MessageName>(name: N, values: MessageValues<N>): Uint8Array {
  const layout = layoutOf(name);
  const given = values as Record<string, number | Uint8Array | string>;
  const tailValue = layout.tail ? given[layout.tail.field.name] : undefined;
  const tail = typeof tailValue === "string" ? textEncoder.encode(tailValue) : (tailValue ?? new Uint8Array(0));
  if (!(tail instanceof Uint8Array)) throw new TypeError(`${name}.${layout.tail!.field.name}: expected bytes`);
  const lengths = layout.tail?.field.lengths;
  if (lengths && (tail.length < lengths[0] || tail.length > lengths[1])) throw new RangeError(`${name}.${layout.tail!.field.name}: ${tail.length} bytes; expected ${lengths[0]} to ${lengths[1]}`);
  const bytes = new Uint8Array(layout.fixedBytes + tail.length);
  writeNumber(bytes, 0, 4, bytes.length);
  writeNumber(bytes, 4, 4, layout.spec.code);
  for (const { field, offset } of layout.fixed) {
    const value = given[field.name];
    const size = fieldBytes(field.type as "u8");
    // No limit travels as the largest u64 (WAIT_FOREVER).
    if (value === Infinity && field.unbounded) bytes.fill(0xff, offset, offset + size);
    else if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value >= 2 ** (8 * size)) throw new RangeError(`${name}.${field.name}: ${String(value)} is not a ${field.type}`);
    else writeNumber(bytes, offset, size, value);
  }
  bytes.set(tail, layout.fixedBytes);
  return bytes;
}

/** A message the decoder refused: the error code, the type it had (0 if unknown) and what was wrong, naming the message and field. */
export interface Refusal {
  readonly error: ProtocolErrorName;
  readonly messageType: number;
  readonly text: string;
}

export type Decoded = { readonly kind: "message"; readonly message: Message } | ({ readonly kind: "refused" } & Refusal);

const refuse = (error: ProtocolErrorName, messageType: number, text: string): Decoded => ({ kind: "refused", error, messageType, text });

/** The value a field's declaration refuses, in words, or null. Text is named by length only: it is the sender's, shown to no one. */
function valueProblem(field: FieldSpec, value: number): string | null {
  if (field.choices && !field.choices.includes(value)) return `${value}; expected one of ${field.choices.join(", ")}`;
  if (field.range && field.range[0] === field.range[1] && value !== field.range[0]) return `0x${value.toString(16)}; expected 0x${field.range[0].toString(16)}`;
  if (field.range && (value < field.range[0] || value > field.range[1])) return `${value}; expected ${field.range[0]} to ${field.range[1]}`;
  return null;
}

/** Whether a whole message (as the framer cut it) is one the client posts: no reply, so a client that leaves before it is served does not know it was lost. */
export function isPosted(bytes: Uint8Array): boolean {
  return BY_CODE.get(readNumber(bytes, 4, 4))?.spec.kind === "posted";
}

/**
 * Decode one whole message (as the framer cut it) sent by `from`; a message the other side may
 * not send counts as an unknown type. Every refusal names the message and the field.
 */
export function decodeMessage(bytes: Uint8Array, from: "client" | "server"): Decoded {
  const code = readNumber(bytes, 4, 4);
  const layout = BY_CODE.get(code);
  if (!layout || sender(layout.spec) !== from) return refuse("UNKNOWN_TYPE", code, `type 0x${code.toString(16)}: no message of that type${layout ? ` is sent by the ${from} (${layout.spec.name} is the ${sender(layout.spec)}'s)` : ""}`);
  const { spec, fixedBytes, tail } = layout;
  const name = spec.name;
  const tailBytes = bytes.length - fixedBytes;
  if (!tail && tailBytes !== 0) return refuse("WRONG_LENGTH", code, `${name}.length: ${bytes.length} bytes; ${name} is ${fixedBytes}`);
  if (tailBytes < 0) return refuse("WRONG_LENGTH", code, `${name}.length: ${bytes.length} bytes; ${name} is at least ${fixedBytes}`);
  const values: Record<string, number | Uint8Array | string> = {};
  for (const { field, offset } of layout.fixed) {
    const size = fieldBytes(field.type as "u8");
    const beyond = size === 8 && readNumber(bytes, offset + 4, 4) >= WAIT_FOREVER_FROM / 2 ** 32;
    if (beyond && !field.unbounded) return refuse("BAD_VALUE", code, `${name}.${field.name}: 2^53 or more, where it holds at most 2^53 - 1`);
    const value = beyond ? Infinity : readNumber(bytes, offset, size);
    const problem = valueProblem(field, value);
    if (problem !== null) return refuse("BAD_VALUE", code, `${name}.${field.name}: ${problem}`);
    values[field.name] = value;
  }
  if (tail) {
    const field = tail.field;
    const [minimum, maximum] = field.lengths ?? [0, Infinity];
    if (tailBytes < minimum || tailBytes > maximum || (field.lengthChoices && !field.lengthChoices.includes(tailBytes))) {
      const allowed = field.lengthChoices ? field.lengthChoices.join(" or ") : `${minimum} to ${maximum}`;
      return refuse("WRONG_LENGTH", code, `${name}.${field.name}: ${tailBytes} bytes; expected ${allowed}`);
    }
    const content = bytes.slice(fixedBytes);
    if (field.type === "text") {
      let text: string;
      try {
        text = textDecoder.decode(content);
      } catch {
        return refuse("BAD_VALUE", code, `${name}.${field.name}: not UTF-8`);
      }
      // A name is printed in the server's lines and the run's files: a control character would act on a terminal (colours, forged lines),
      // and a line separator or a bidirectional override would break or reorder what is shown.
      const control = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.exec(text);
      if (control !== null) return refuse("BAD_VALUE", code, `${name}.${field.name}: a control character (U+${control[0].charCodeAt(0).toString(16).padStart(4, "0").toUpperCase()}) at character ${control.index}`);
      values[field.name] = text;
    } else values[field.name] = content;
  }
  return { kind: "message", message: { name, values } as Message };
}

/** The header of a message, or why it cannot be one. */
export function readHeader(bytes: Uint8Array): { length: number; type: number; problem: string | null } {
  const length = readNumber(bytes, 0, 4);
  const type = readNumber(bytes, 4, 4);
  const problem = length < HEADER_BYTES || length > MAX_MESSAGE_BYTES ? `header.length: ${length}; a message is ${HEADER_BYTES} to ${MAX_MESSAGE_BYTES} bytes` : null;
  return { length, type, problem };
}

/** Text cut to what a text field holds (whole characters): what was wrong is said in its first words. */
export function clipText(text: string): string {
  let clipped = text;
  while (textEncoder.encode(clipped).length > MAX_TEXT_BYTES) clipped = clipped.slice(0, Math.floor(clipped.length * 0.9));
  return clipped;
}
