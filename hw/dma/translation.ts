import { formatAddress, type HostMemory } from "../../sim/host/memory.js";

/**
 * The IOMMU check the DMA engine makes before it issues an access: whether host memory maps the
 * range, and, where it does not, how the device's error names it.
 */
export class DmaTranslation {
  constructor(private readonly memory: HostMemory) {}

  /** Whether a DMA to this range would be translated. */
  reachable(address: number, length: number): boolean {
    return this.memory.isMapped(address, length);
  }

  /** How a range it would not translate is named in its error: one that starts in mapped memory says it runs past it (its address alone looked right). */
  unmappedName(field: string, address: number, length: number): string {
    const why = this.whyUnmapped(address, length);
    return why === null ? field : `${field} (${why})`;
  }

  /** What unmappedName says of an access DMA cannot make: bytes running past what they start in, or a region the host freed; null for neither. */
  whyUnmapped(address: number, length: number): string | null {
    if (this.reachable(address, 1)) return `its ${length} bytes run past the mapped memory it starts in`;
    // A use after free: the region is named, as a red zone's is.
    const freed = this.memory.freedRegionOf(address);
    return freed ? `in '${freed.label}', which the host freed: ${formatAddress(freed.start)}, ${freed.size} bytes` : null;
  }
}
