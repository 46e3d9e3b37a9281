import type { IdPayload } from "../../sim/ike/ike-types.js";
import type { AddressSpan } from "./identity.js";
import type { Selectors } from "./spd.js";
import { identityFromIdPayload, identityToIdPayload } from "./identity-payload.js";

/** A Quick Mode's traffic selector pair, as the SPD selects by it: inner IPv4 subnets, protocol, destination port. */
export interface TunnelSelector {
  readonly source: AddressSpan;
  readonly destination: AddressSpan;
  readonly protocol: number;
  readonly port: number;
}

/** Quick Mode's client identities (RFC 2409 5.5: IDci, IDcr), each an ID payload (RFC 2407 4.6.2) of type ID_IPV4_ADDR_SUBNET with protocol and port. */
export interface SelectorPayloads {
  readonly local: IdPayload;
  readonly remote: IdPayload;
}

/** A tunnel's selector as the SPD and its SAs select by it: one destination port. */
export function spdSelectors(selector: TunnelSelector): Selectors {
  return { source: selector.source, destination: selector.destination, protocol: selector.protocol, destinationPorts: [selector.port, selector.port] };
}

export function selectorKey(selector: TunnelSelector): string {
  return `${selector.source.first}-${selector.source.last}>${selector.destination.first}-${selector.destination.last}/${selector.protocol}:${selector.port}`;
}

/** The IDci and IDcr of a tunnel's Quick Mode, from the side whose SPD entry the selector is. */
export function selectorPayloads(selector: TunnelSelector): SelectorPayloads {
  const subnet = (span: AddressSpan) => identityToIdPayload({ type: "ID_IPV4_ADDR_SUBNET", span, text: "" }, selector.protocol, selector.port);
  return { local: subnet(selector.source), remote: subnet(selector.destination) };
}

export class SelectorError extends Error {}

/** The selector an IDci/IDcr pair names: both must be IPv4 subnets of one protocol and port (the tunnels this model negotiates). */
export function selectorFromPayloads(payloads: SelectorPayloads): TunnelSelector {
  const span = (payload: IdPayload, side: string): AddressSpan => {
    const decoded = identityFromIdPayload(payload);
    if (decoded.kind !== "ok" || decoded.identity.type !== "ID_IPV4_ADDR_SUBNET") {
      throw new SelectorError(`Quick Mode ${side} identity: ${decoded.kind === "ok" ? `${decoded.identity.type}, expected ID_IPV4_ADDR_SUBNET` : decoded.reason}`);
    }
    return decoded.identity.span;
  };
  if (payloads.local.protocolId !== payloads.remote.protocolId || payloads.local.port !== payloads.remote.port) throw new SelectorError("Quick Mode identities name different protocols or ports");
  return { source: span(payloads.local, "local"), destination: span(payloads.remote, "remote"), protocol: payloads.local.protocolId, port: payloads.local.port };
}
