/**
 * Traffic classes (0 to 7) and the DSCPs that carry them, by RFC 4594 and Cisco's QoS baseline:
 * the top class (a policy's priority class, voice) is EF; the bandwidth classes below it AF41,
 * AF31, AF21 and AF11 in rank order; then CS2, CS1 (lower effort) and best effort for
 * class-default. Class numbers come from the policy map: priority classes first from 7 down,
 * then bandwidth classes, class-default 0. One table both ways, as a NIC's DSCP-to-class map.
 */
const CLASS_DSCP: readonly number[] = [0, 8, 16, 10, 18, 26, 34, 46];

export const DSCP_EF = 46;

/** The DSCP that marks a traffic class's packets. */
export function classDscp(trafficClass: number): number {
  const dscp = CLASS_DSCP[trafficClass];
  if (dscp === undefined) throw new RangeError(`traffic class ${trafficClass}: classes are 0 to 7`);
  return dscp;
}

/** The traffic class of a DSCP: the table's, else its class selector (top three bits), so CSn is class n. */
export function dscpClass(dscp: number): number {
  const trafficClass = CLASS_DSCP.indexOf(dscp);
  return trafficClass >= 0 ? trafficClass : dscp >> 3;
}
