/**
 * What a drop site holds of what it dropped: an Ethernet frame, an IP packet, where its frame's
 * buffers are in host memory (a device that could not read them), or nothing.
 */
/** A host buffer a dropped frame had, for naming its bytes (drop attribution). */
export interface HostBuffer {
  readonly address: number;
  readonly length: number;
}

export type DroppedBytes = { readonly frame: Uint8Array } | { readonly packet: Uint8Array } | { readonly hostBuffers: readonly HostBuffer[] } | null;

export type DropObserver<Reason, Dropped = DroppedBytes> = (reason: Reason, dropped: Dropped) => void;

/**
 * Drops by reason. Each one is also shown to observers with what it took (the bytes, or a site's own record of them), so that a checker
 * (the scenario's scoreboard) can tell which packet every drop took, not only how many there were.
 */
export class DropCounter<Reason, Dropped = DroppedBytes> extends Map<Reason, number> {
  readonly observers: DropObserver<Reason, Dropped>[] = [];

  count(reason: Reason, dropped: Dropped): void {
    this.set(reason, (this.get(reason) ?? 0) + 1);
    for (const observer of this.observers) observer(reason, dropped);
  }
}
