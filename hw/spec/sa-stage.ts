/**
 * SA_STAGE: 32 registers over one 128-byte image, word w being bytes 4w..4w+3 little-endian. It
 * holds an SA record for INSTALL, or the record's host address in words 0 and 1 for
 * INSTALL_POINTER and INVALIDATE_POINTER.
 */
import { defineLayout } from "./layout.js";
import { SA_STAGE_WORDS } from "./registers.js";

const WORD_BYTES = 4;

/** One SA_STAGE register's bytes in the image. */
const STAGE_WORD = defineLayout("SA_STAGE word", WORD_BYTES, {
  value: { name: "SA_STAGE", offset: 0, bytes: WORD_BYTES, description: "Bytes 4w..4w+3 of the staged image" },
}).fields.value;

/** The staged image as INSTALL_POINTER and INVALIDATE_POINTER read it. */
export const SA_STAGE_POINTER = defineLayout("SA_STAGE pointer", SA_STAGE_WORDS * WORD_BYTES, {
  pointer: { name: "SA_POINTER", offset: 0, bytes: 8, description: "Host address of the SA record (words 0 and 1)" },
});

/** SA_STAGE[word] of an image. */
export function stageWord(image: Uint8Array, word: number): number {
  return STAGE_WORD.read(image, WORD_BYTES * word);
}

/** A write of SA_STAGE[word] into the image (`value` a 32-bit pattern, signed or not). */
export function writeStageWord(image: Uint8Array, word: number, value: number): void {
  STAGE_WORD.write(image, value >>> 0, WORD_BYTES * word);
}

/** The SA_STAGE words that stage an image, from word 0: a whole record, or a pointer's two. */
export function stageWords(image: Uint8Array, words = SA_STAGE_WORDS): number[] {
  return Array.from({ length: words }, (_, word) => stageWord(image, word));
}

/** The two words that stage a pointer. */
export function pointerStageWords(pointer: number): number[] {
  return stageWords(SA_STAGE_POINTER.encode({ pointer }), SA_STAGE_POINTER.fields.pointer.bytes / WORD_BYTES);
}
