import type { HostAddress, HostMemory } from "../../sim/host/memory.js";
import { checkSaParameters, type EspSaParameters, EspSaError, hexSpi, type Spi } from "../../sim/ipsec/esp.js";
import { formatIpv4, type Ipv4Address, PROTOCOL_ESP } from "../../sim/packet/ipv4.js";
import { encodeSaRecord, SA_DIRECTION_INBOUND, SA_DIRECTION_OUTBOUND, SA_RECORD_ALIGNMENT, SA_RECORD_BYTES } from "../../hw/spec/sa-record.js";
import type { IkeSa } from "./isadb.js";
import type { Selectors } from "./spd.js";

export type SaDirection = "outbound" | "inbound";

/** An IPsec SA in the SADB, with the record in host memory that a pointer to it names. */
export interface IpsecSa {
  readonly uniqueId: number;
  readonly protocol: typeof PROTOCOL_ESP;
  readonly direction: SaDirection;
  readonly parameters: EspSaParameters;
  /** Tunnel endpoints. */
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** ipsec_qos_group inherited from the IKE SA it was negotiated under; null: no tag (classify by the inner DSCP). */
  readonly qosGroup: number | null;
  readonly ikeSaId: number | null;
  /** The SA record in host memory: the pointer the intermediate driver passes down with each packet. */
  readonly record: HostAddress;
  /** The traffic it carries, as the SPD entry of its tunnel selects it outbound (an inbound SA's packets match it mirrored); null: any. */
  readonly selectors: Selectors | null;
}

export class SadbError extends Error {}

export interface SaRequest {
  readonly direction: SaDirection;
  readonly parameters: EspSaParameters;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** The tunnel's selectors (RFC 4301 4.4.2: an SA's entry holds them): a decrypted packet outside them is dropped. */
  readonly selectors?: Selectors | null;
}

/**
 * The IPsec SA database (SADB). An SA is identified by SPI, destination and protocol (RFC 4301
 * 4.1) within its direction; adding a second one with the same triple, or deleting or rekeying
 * one that does not exist, is an error that names it.
 */
export class Sadb {
  private readonly byKey = new Map<string, IpsecSa>();
  private nextId = 1;

  /** `listener` hears of every SA the database receives (negotiated, added, or a rekey's new one) and of every one it lets go. */
  constructor(
    private readonly memory: HostMemory,
    private readonly listener: { added(sa: IpsecSa): void; removed(sa: IpsecSa): void } = { added: () => {}, removed: () => {} },
  ) {}

  /** Add an SA negotiated under an IKE SA: it inherits that IKE SA's ipsec_qos_group tag. */
  negotiate(ikeSa: IkeSa, request: SaRequest): IpsecSa {
    return this.insert(request, ikeSa.qosGroup, ikeSa.id);
  }

  /** Add a manually keyed SA (no IKE SA, so no tag). */
  add(request: SaRequest, qosGroup: number | null = null): IpsecSa {
    return this.insert(request, qosGroup, null);
  }

  find(direction: SaDirection, spi: number, destination?: Ipv4Address): IpsecSa | undefined {
    if (destination) return this.byKey.get(key(direction, spi, destination));
    for (const sa of this.byKey.values()) if (sa.direction === direction && sa.parameters.spi === spi) return sa;
    return undefined;
  }

  delete(direction: SaDirection, spi: number, destination: Ipv4Address): void {
    const sa = this.byKey.get(key(direction, spi, destination));
    if (!sa) throw new SadbError(`cannot delete ${direction} SA ${hexSpi(spi)} to ${formatIpv4(destination)}: no such SA`);
    this.byKey.delete(key(direction, spi, destination));
    this.byRecordAddress.delete(sa.record);
    this.listener.removed(sa);
    // Clear the keys before the memory is given back.
    this.memory.write(sa.record, new Uint8Array(SA_RECORD_BYTES));
    this.memory.free(sa.record);
  }

  /** Replace an SA with one under a new SPI and keys; same endpoints, tag and IKE SA. */
  rekey(old: IpsecSa, spi: Spi, keyMaterial: Uint8Array): IpsecSa {
    if (this.byKey.get(key(old.direction, old.parameters.spi, old.destination)) !== old) {
      throw new SadbError(`cannot rekey ${old.direction} SA ${hexSpi(old.parameters.spi)}: it is not in the SADB`);
    }
    const fresh = this.insert({ ...old, parameters: { ...old.parameters, spi, keyMaterial } }, old.qosGroup, old.ikeSaId);
    this.delete(old.direction, old.parameters.spi, old.destination);
    return fresh;
  }

  /** The SA whose record is at this address. */
  byRecord(record: number): IpsecSa | undefined {
    return this.byRecordAddress.get(record);
  }
  private readonly byRecordAddress = new Map<number, IpsecSa>();

  all(): IpsecSa[] {
    return [...this.byKey.values()];
  }

  private insert(request: SaRequest, qosGroup: number | null, ikeSaId: number | null): IpsecSa {
    try {
      checkSaParameters(request.parameters);
    } catch (error) {
      throw new SadbError(`cannot add ${request.direction} SA: ${(error as EspSaError).message}`);
    }
    const id = key(request.direction, request.parameters.spi, request.destination);
    if (this.byKey.has(id)) {
      throw new SadbError(`cannot add ${request.direction} SA ${hexSpi(request.parameters.spi)} to ${formatIpv4(request.destination)}: an SA with that SPI, destination and protocol exists`);
    }
    const record = this.memory.allocate(SA_RECORD_BYTES, `SA ${hexSpi(request.parameters.spi)} record`, SA_RECORD_ALIGNMENT);
    const sa: IpsecSa = { uniqueId: this.nextId++, protocol: PROTOCOL_ESP, direction: request.direction, parameters: request.parameters, source: request.source, destination: request.destination, qosGroup, ikeSaId, record, selectors: request.selectors ?? null };
    this.memory.write(record, encodeRecord(sa));
    this.byKey.set(id, sa);
    this.byRecordAddress.set(record, sa);
    this.listener.added(sa);
    return sa;
  }
}

function key(direction: SaDirection, spi: number, destination: Ipv4Address): string {
  return `${direction} ${spi} ${formatIpv4(destination)}`;
}

/** The SA record of hw/spec/sa-record.ts for an SA. */
export function encodeRecord(sa: IpsecSa): Uint8Array {
  return encodeSaRecord({
    uniqueId: sa.uniqueId,
    protocol: sa.protocol,
    direction: sa.direction === "outbound" ? SA_DIRECTION_OUTBOUND : SA_DIRECTION_INBOUND,
    spi: sa.parameters.spi,
    esn: sa.parameters.esn,
    qosGroup: sa.qosGroup,
    icvLength: sa.parameters.icvLength,
    keyMaterial: sa.parameters.keyMaterial,
    source: Uint8Array.from(sa.source),
    destination: Uint8Array.from(sa.destination),
  });
}
