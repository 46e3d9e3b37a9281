import { describeIdentity, type IkeIdentity } from "./identity.js";
import type { IsakmpProfiles } from "./isakmp-profile.js";

/** An IKE (phase-1) SA: the peer, the identity it presented, the profile that matched it, and the tag that profile set. */
export interface IkeSa {
  readonly id: number;
  readonly peer: string;
  readonly identity: IkeIdentity;
  readonly profile: string | null;
  /** ipsec_qos_group from the profile; null when the profile sets none or nothing matched. */
  readonly qosGroup: number | null;
}

export class IsadbError extends Error {}

/** The IKE SA database (ISADB): the tag is stored with the IKE SA when the peer's identity matches a profile. */
export class Isadb {
  private readonly sas = new Map<number, IkeSa>();
  private nextId = 1;

  constructor(private readonly profiles: IsakmpProfiles) {}

  /** The phase-1 exchange completed with `peer`, which presented `identity` (Main Mode 5 / Aggressive Mode 1). */
  establish(peer: string, identity: IkeIdentity): IkeSa {
    const profile = this.profiles.match(identity);
    const sa: IkeSa = { id: this.nextId++, peer, identity, profile: profile?.name ?? null, qosGroup: profile?.ipsecQosGroup ?? null };
    this.sas.set(sa.id, sa);
    return sa;
  }

  get(id: number): IkeSa {
    const sa = this.sas.get(id);
    if (!sa) throw new IsadbError(`no IKE SA ${id}`);
    return sa;
  }

  delete(id: number): void {
    if (!this.sas.delete(id)) throw new IsadbError(`no IKE SA ${id} to delete`);
  }

  describe(sa: IkeSa): string {
    return `IKE SA ${sa.id} with ${sa.peer} (${describeIdentity(sa.identity)}): profile ${sa.profile ?? "none"}, ipsec_qos_group ${sa.qosGroup ?? "none"}`;
  }

  get size(): number {
    return this.sas.size;
  }
}
