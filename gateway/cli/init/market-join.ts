// `nabo market join`: the installer's step once the block operator has put this gateway in the
// roster. Checks the signed roster against the pinned operator key and this gateway's own
// identity key (a gateway listed with another key could never trade), then fills and enables
// the config's market section from the roster and the config's own devices. Pure: the command
// reads the files and writes the YAML.
import { fail, ok, type Result } from '../../../core/result.js';
import type { NaboConfig } from '../../config/schema.js';
import type { Roster } from '../../market/roster.js';

export type JoinErrorKind = 'not-member' | 'key-mismatch' | 'revoked' | 'block-mismatch' | 'interval-mismatch' | 'no-grid-meter' | 'no-broker' | 'unknown-device';

export interface JoinInput {
  config: NaboConfig;
  roster: Roster;
  /** The public key of this gateway's identity key file (hex). */
  ownPublicKey: string;
  operatorPublicKey: string;
  /** How the config names the roster file (absolute, or relative to dataDir). */
  rosterFile: string;
  brokerUrl?: string;
  caFile?: string;
  gridMeterDeviceId?: string;
  orderLeadMs?: number;
}

/** A field `join` sets in the market section: its path inside the section and its value. */
export type Field = [path: string[], value: unknown];
export type MarketFields = Field[];

export interface JoinPlan {
  block: string;
  members: number;
  fields: MarketFields;
}

/** The one device of a role, or undefined when there is none or more than one. */
function onlyOfRole(config: NaboConfig, role: string): string | undefined {
  const found = config.devices.filter((d) => d.role === role);
  return found.length === 1 ? found[0]!.id : undefined;
}

export function planJoin(input: JoinInput): Result<JoinPlan, JoinErrorKind> {
  const { config, roster } = input;
  const id = config.gateway.id;
  const member = roster.members.find((m) => m.gatewayId === id);
  if (!member) return fail('not-member', `the roster (market ${roster.marketId}, version ${roster.version}) does not list gateway ${id}; send the operator its public key ${input.ownPublicKey}`);
  if (roster.revokedKeys.includes(input.ownPublicKey)) return fail('revoked', `this gateway's key ${input.ownPublicKey.slice(0, 16)}… is revoked in the roster`);
  if (member.publicKey !== input.ownPublicKey) {
    return fail('key-mismatch', `the roster lists ${id} with key ${member.publicKey.slice(0, 16)}…, but this gateway's identity key is ${input.ownPublicKey.slice(0, 16)}…; send the operator the right one (nabo keys show)`);
  }
  const market = config.market;
  if (market?.blockId !== undefined && market.blockId !== member.block) return fail('block-mismatch', `the config says block ${market.blockId}, the roster puts ${id} in block ${member.block}`);
  if (roster.parameters.intervalMinutes !== config.gateway.intervalMinutes) {
    return fail('interval-mismatch', `the roster's intervals are ${roster.parameters.intervalMinutes} minutes, gateway.intervalMinutes is ${config.gateway.intervalMinutes}`);
  }
  const brokerUrl = input.brokerUrl ?? market?.broker?.url;
  if (!brokerUrl) return fail('no-broker', 'the config has no market.broker.url: give --broker mqtts://<block broker>:8883');
  const deviceIds = new Set(config.devices.map((d) => d.id));
  const grid = input.gridMeterDeviceId ?? market?.gridMeterDeviceId ?? onlyOfRole(config, 'grid-meter');
  if (!grid) return fail('no-grid-meter', 'no single device with role grid-meter: give --grid-meter <device id>');
  if (!deviceIds.has(grid)) return fail('unknown-device', `--grid-meter ${grid}: no device with that id`);
  const pv = market?.pvDeviceId ?? onlyOfRole(config, 'pv');
  const caFile = input.caFile ?? market?.broker?.caFile;
  // Only these keys change; the rest of the section (and the file's comments) stays as it is.
  const fields: MarketFields = [
    [['enabled'], true],
    [['marketId'], roster.marketId],
    [['operatorPublicKey'], input.operatorPublicKey],
    [['blockId'], member.block],
    [['rosterFile'], input.rosterFile],
    [['broker', 'url'], brokerUrl],
    // The ACL keys on the user name; the password stays in the environment (nabo.env).
    [['broker', 'username'], id],
    ...(caFile ? [[['broker', 'caFile'], caFile] as Field] : []),
    [['gridMeterDeviceId'], grid],
    ...(pv && pv !== grid ? [[['pvDeviceId'], pv] as Field] : []),
    ...(input.orderLeadMs !== undefined ? [[['orderLeadMs'], input.orderLeadMs] as Field] : []),
  ];
  return ok({ block: member.block, members: roster.members.length, fields });
}
