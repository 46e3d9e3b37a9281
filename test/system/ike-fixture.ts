/** Two customers' profiles for IKE tests: gold (an FQDN under gold.example, strict priority) and bulk (the key id 'bulk', 60 %). */
export const IKE_QOS = `crypto isakmp profile gold-gw
 match identity host domain gold.example
 set ipsec-qos-group 1
crypto isakmp profile bulk-gw
 match identity group bulk
 set ipsec-qos-group 2
class-map match-any gold
 match qos-group 1
class-map match-any bulk
 match qos-group 2
policy-map edge
 class gold
  priority percent 10
 class bulk
  bandwidth percent 60
 class class-default
  bandwidth remaining percent 100
`;
