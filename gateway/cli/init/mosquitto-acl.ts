// A Mosquitto ACL for a block broker from a roster's member list, following the agreed topic
// layout: every gateway reads the block's topics and writes only under its own id; only the
// operator writes the roster and prices; uplink topics are each gateway's own. A stand-in for
// the market's `nabo roster mosquitto-acl` (which reads the signed roster itself) until that
// command is on this branch; both must write the same rules.
import { fail, ok, type Result } from '../../../core/result.js';

export interface AclMembers {
  marketId: string;
  /** The operator's MQTT user: publishes roster and prices, reads everything of the market. */
  operator: string;
  /** Gateway ids, which are also their MQTT user names. */
  gateways: readonly string[];
}

const ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Topics a gateway publishes under its own id. */
export const GATEWAY_TOPIC_KINDS = ['order', 'snapshot', 'vote', 'plan', 'alarm'] as const;

export function mosquittoAcl(members: AclMembers): Result<string, 'id'> {
  for (const id of [members.marketId, members.operator, ...members.gateways]) {
    if (!ID.test(id)) return fail('id', `'${id}' is not an id (a-z, 0-9, _ and -), so it cannot be put in an ACL safely`);
  }
  if (members.gateways.includes(members.operator)) return fail('id', `'${members.operator}' is both the operator and a gateway`);
  const root = `nabo/v1/${members.marketId}`;
  const lines = [`# Mosquitto ACL for market ${members.marketId}: ${members.gateways.length} gateways and the operator.`, '# Generated; edit the roster and generate it again rather than editing this file.', ''];
  lines.push(`user ${members.operator}`, `topic write ${root}/roster`, `topic write ${root}/prices`, `topic read ${root}/#`, `topic write ${root}/uplink/+/ack`, '');
  for (const gw of [...members.gateways].sort()) {
    lines.push(`user ${gw}`, `topic read ${root}/roster`, `topic read ${root}/prices`);
    for (const kind of GATEWAY_TOPIC_KINDS) lines.push(`topic read ${root}/${kind}/+`, `topic write ${root}/${kind}/${gw}`);
    lines.push(`topic write ${root}/uplink/${gw}/records`, `topic read ${root}/uplink/${gw}/ack`, '');
  }
  return ok(lines.join('\n'));
}
