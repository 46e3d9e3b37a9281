import { Fifo, type InOrder, itsOwnEdge } from "../sim/fifo.js";
import type { QueueScope } from "./queue-scope.js";
import { DESCRIPTOR_BYTES } from "./spec/descriptors.js";
import { fromRegisterHalves, MAX_RING_DESCRIPTORS, QUEUE_FAULT_FIELDS, RDBAL, RDLEN, RING_ALIGNMENT, TDBAL, TDLEN } from "./spec/registers.js";
import type { Direction, ErrorLog } from "./error-log.js";
import { type ErrorCodeName, ErrorCode } from "./spec/errors.js";

/**
 * A descriptor ring as the device sees it through one queue's registers: base, length, head,
 * tail and enable, with the checks a real device makes when the driver enables it or rings
 * its doorbell. TX and RX queues both use it.
 */
export class RingRegisters {
  baseLow = 0;
  baseHigh = 0;
  lengthBytes = 0;
  head = 0;
  tail = 0;
  enabled = false;
  /** Next descriptor to fetch into the device's cache. */
  fetchPointer = 0;
  descriptors = 0;
  base = 0;
  /** The failed descriptor fetch that made the device disable the queue (TXDCTL.FAULT, TDFAULT), until the next enable. */
  fault: { readonly code: ErrorCodeName; readonly index: number } | null = null;
  /** The device disabled the queue for a fault and the driver has not written its control register since: doorbells still come, racing the error interrupt, and are ignored without an error. */
  faultUnheard = false;
  /** Frames (TX) or write-backs (RX) of the queue still in the device: TXDCTL.BUSY while above 0. */
  get inDevice(): number {
    this.countLeft();
    return this.held;
  }
  set inDevice(count: number) {
    this.countLeft();
    this.held = count;
  }
  private held = 0;
  /**
   * Edges on which one of them leaves, handled for the engine without its run there (a TX
   * write-back landed: TxWriteBackLandings): counted as left once that edge is committed for the
   * reader, as the engine's run would have left it.
   */
  private readonly leaving = new Fifo<number>();

  /** One of them leaves on the engine's edge at `edge`. */
  leaveOn(edge: number): void {
    this.leaving.push(edge);
  }

  /** The edges on which one of them is still to leave, after what a reader sees committed. */
  get leavingOn(): InOrder<number> {
    this.countLeft();
    return this.leaving;
  }

  private countLeft(): void {
    if (this.leaving.length === 0) return;
    this.held -= this.leaving.takeThrough(this.time.committedThrough, itsOwnEdge);
  }
  /**
   * Descriptors posted and not done (head to tail) when the driver enabled the ring again, which
   * resets head and tail: the driver's to reclaim, never sent (TX) or filled (RX). Counted so that
   * a TX frame given up that way is still seen somewhere (a disable drops what the device held).
   */
  abandoned = 0;

  constructor(
    readonly direction: Direction,
    readonly queue: number,
    private readonly errors: ErrorLog,
    readonly scope: QueueScope,
    /** The kernel: the latest time whose edges a reader sees committed. */
    private readonly time: { readonly committedThrough: number },
  ) {}

  get registerPrefix(): string {
    return this.direction === "tx" ? "TD" : "RD";
  }

  /** Descriptors posted by the driver and not yet fetched. */
  get unfetched(): number {
    return (this.tail - this.fetchPointer + this.descriptors) % this.descriptors;
  }

  addressOf(index: number): number {
    return this.base + index * DESCRIPTOR_BYTES;
  }

  /** Enable after checking base and length (and `extraCheck`, which logs its own), each problem logged, all of them at once; returns whether the ring is usable. */
  enable(extraCheck: () => boolean = () => true): boolean {
    const base = fromRegisterHalves(this.baseLow, this.baseHigh);
    const prefix = this.registerPrefix;
    // What the device took before the disable would complete into the new ring: its head would move by descriptors never posted.
    if (this.inDevice > 0) {
      this.report("ENABLE_WHILE_BUSY", "REGISTER", `${this.direction === "tx" ? "TXDCTL" : "RXDCTL"}.ENABLE (BUSY: ${this.direction === "tx" ? "frames" : "write-backs"} still in the device; the value logged, their count)`, this.inDevice);
      return false;
    }
    // What is wrong and the register's offset, not its value: the base and length were written while the queue was disabled, where a misdirected SA record puts key bytes.
    // From the low register, exact: a base beyond 2^53 is rounded as a number, and its low bits with it.
    // Every problem is logged at once: a driver developer's ring with three took three enables to learn of them.
    const aligned = this.baseLow % RING_ALIGNMENT === 0;
    if (!aligned) this.report("UNALIGNED_RING_BASE", "RING_BASE", `offset of ${prefix}BAL[${this.queue}] (the base written there is not a multiple of ${RING_ALIGNMENT}; the value is not logged)`, this.direction === "tx" ? TDBAL(this.queue) : RDBAL(this.queue));
    const descriptors = this.lengthBytes / DESCRIPTOR_BYTES;
    const lengthProblem = this.lengthBytes === 0 ? "0" : this.lengthBytes % RING_ALIGNMENT !== 0 ? `not a multiple of ${RING_ALIGNMENT}` : descriptors > MAX_RING_DESCRIPTORS ? `above ${MAX_RING_DESCRIPTORS * DESCRIPTOR_BYTES} bytes, ${MAX_RING_DESCRIPTORS} descriptors` : null;
    if (lengthProblem !== null) this.report("INVALID_RING_LENGTH", "RING_LENGTH", `offset of ${prefix}LEN[${this.queue}] (the length written there is ${lengthProblem}; the value is not logged)`, this.direction === "tx" ? TDLEN(this.queue) : RDLEN(this.queue));
    const extraHolds = extraCheck();
    if (!aligned || lengthProblem !== null || !extraHolds) return false;
    this.abandoned += this.pending;
    this.base = base;
    this.descriptors = descriptors;
    this.head = this.tail = this.fetchPointer = 0;
    this.enabled = true;
    this.fault = null;
    return true;
  }

  disable(): void {
    this.enabled = false;
  }

  /**
   * A descriptor fetch failed: the ring cannot be trusted, so the device disables the queue until
   * the driver resets it. The log names `culprit`, the descriptor the fetch failed on (the first
   * outside mapped memory, for DMA_UNMAPPED), and which fetch it was; TDFAULT/RDFAULT keep the
   * fetch's first descriptor, the one recovery starts from.
   */
  disableOnFault(code: ErrorCodeName, fetch: { readonly first: number; readonly count: number }, culprit = fetch.first): void {
    const last = fetch.first + fetch.count - 1;
    const role = code === "DMA_UNMAPPED" ? "the first outside mapped memory" : "the first";
    const which = fetch.count === 1 ? "" : `; ${role} of the fetch of descriptors ${fetch.first} to ${last}`;
    this.report(code, "DESCRIPTOR", `address of the descriptor (ring at ${this.registerPrefix}BAL + ${DESCRIPTOR_BYTES} × index${which})`, this.addressOf(culprit), culprit);
    this.fault = { code, index: fetch.first };
    this.faultUnheard = true;
    this.disable();
  }

  /** TDFAULT/RDFAULT: the fault's code and first descriptor (QUEUE_FAULT_FIELDS), 0 without one. */
  get faultRegister(): number {
    return this.fault ? QUEUE_FAULT_FIELDS.pack({ CODE: ErrorCode[this.fault.code], INDEX: this.fault.index }) : 0;
  }

  /** A tail write: the doorbell. Returns whether it was accepted. */
  ringDoorbell(value: number): boolean {
    const name = `${this.registerPrefix}T`;
    // A refused write's value is not logged: a misdirected one (an SA record staged at the wrong offset) can carry key bytes.
    if (!this.enabled) {
      // A queue the device disabled for a failed fetch takes doorbells until the driver hears of it (its error interrupt): a race no driver can avoid, so no new error beside the fault's (the base driver's rang up to 17 under read errors).
      if (!this.faultUnheard) this.report("DOORBELL_ON_DISABLED_QUEUE", "TAIL", `${name} as it stands`, this.tail);
      return false;
    }
    if (value >= this.descriptors) {
      this.report("TAIL_BEYOND_RING", "TAIL", `descriptors in the ring (${this.registerPrefix}LEN / ${DESCRIPTOR_BYTES})`, this.descriptors);
      return false;
    }
    // The device owns [head, tail); a new tail may only add to that, or a descriptor would be fetched twice.
    if (this.distanceFromHead(value) < this.distanceFromHead(this.tail)) {
      this.report("TAIL_OVERRUN", "TAIL", `${name} as it stands (the tail written would move it back over descriptors the device owns, or around past the head)`, this.tail);
      return false;
    }
    this.tail = value;
    this.scope.doorbell.fire();
    return true;
  }

  /** Descriptors posted and not yet done (head to tail); none on a ring never set up. */
  get pending(): number {
    return this.descriptors > 0 ? this.distanceFromHead(this.tail) : 0;
  }

  private distanceFromHead(index: number): number {
    return (index - this.head + this.descriptors) % this.descriptors;
  }

  advanceHead(count: number): void {
    this.head = (this.head + count) % this.descriptors;
  }

  report(code: Parameters<ErrorLog["report"]>[0]["code"], field: Parameters<ErrorLog["report"]>[0]["field"], fieldName: string, value: number | bigint, index?: number, withheld = false): void {
    this.errors.report({ code, field, fieldName, value, queue: this.queue, direction: this.direction, index, ...(withheld ? { withheld } : {}) });
  }
}

