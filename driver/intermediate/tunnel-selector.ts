import type { AddressSpan } from "./identity.js";

/** A Quick Mode's traffic selector pair, as the SPD selects by it: inner IPv4 subnets, protocol, destination port. */
export interface TunnelSelector {
  readonly source: AddressSpan;
  readonly destination: AddressSpan;
  readonly protocol: number;
  readonly port: number;
}

/** Quick Mode's client identities (RFC 2409 5.5: IDci, IDcr), each an ID payload (RFC 2407 4.6.2) of type ID_IPV4_ADDR_SUBNET with protocol and port. */
export interface SelectorPayloads {
  readonly local: { readonly type: number; readonly protocolId: number; readonly port: number; readonly data: Uint8Array };
  readonly remote: { readonly type: number; readonly protocolId: number; readonly port: number; readonly data: Uint8Array };
}

const ID_IPV4_ADDR_SUBNET = 4;

export function selectorKey(selector: TunnelSelector): string {
  return `${selector.source.first}-${selector.source.last}>${selector.destination.first}-${selector.destination.last}/${selector.protocol}:${selector.port}`;
}

/** An IPv4 subnet as ID_IPV4_ADDR_SUBNET data: the address, then the mask. */
function subnetData(span: AddressSpan): Uint8Array {
  const size = span.last - span.first + 1n;
  const mask = (0xffffffffn ^ (size - 1n)) & 0xffffffffn;
  const data = new Uint8Array(8);
  const view = new DataView(data.buffer);
  view.setUint32(0, Number(span.first));
  view.setUint32(4, Number(mask));
  return data;
}

/** The IDci and IDcr of a tunnel's Quick Mode, from the side whose SPD entry the selector is. */
export function selectorPayloads(selector: TunnelSelector): SelectorPayloads {
  return {
    local: { type: ID_IPV4_ADDR_SUBNET, protocolId: selector.protocol, port: selector.port, data: subnetData(selector.source) },
    remote: { type: ID_IPV4_ADDR_SUBNET, protocolId: selector.protocol, port: selector.port, data: subnetData(selector.destination) },
  };
}

export class SelectorError extends Error {}

/** The selector an IDci/IDcr pair names: both must be IPv4 subnets of one protocol and port (the tunnels this model negotiates). */
export function selectorFromPayloads(payloads: SelectorPayloads): TunnelSelector {
  const span = (payload: SelectorPayloads["local"], side: string): AddressSpan => {
    if (payload.type !== ID_IPV4_ADDR_SUBNET || payload.data.length !== 8) throw new SelectorError(`Quick Mode ${side} identity: type ${payload.type} with ${payload.data.length} bytes, expected ID_IPV4_ADDR_SUBNET (4) with 8`);
    const view = new DataView(payload.data.buffer, payload.data.byteOffset, 8);
    const mask = BigInt(view.getUint32(4));
    const first = BigInt(view.getUint32(0)) & mask;
    return { family: 4, first, last: first + (0xffffffffn ^ mask) };
  };
  if (payloads.local.protocolId !== payloads.remote.protocolId || payloads.local.port !== payloads.remote.port) throw new SelectorError("Quick Mode identities name different protocols or ports");
  return { source: span(payloads.local, "local"), destination: span(payloads.remote, "remote"), protocol: payloads.local.protocolId, port: payloads.local.port };
}
