// Builders for market tests: deterministic identities (seeds from a name) and a district roster
// of blocks × buildings joined in a line of DSO lines.
import { createHash } from 'node:crypto';
import { identityFromSeed, type GatewayIdentity } from '../../../gateway/market/identity.js';
import { signRoster, validateRoster, type MarketParameters, type Roster, type RosterInput } from '../../../gateway/market/roster.js';

export function identityOf(name: string): GatewayIdentity {
  return identityFromSeed(createHash('sha256').update(`nabo-test-key/${name}`).digest());
}

export const OPERATOR = identityOf('operator');

export interface District {
  roster: Roster;
  identities: Map<string, GatewayIdentity>;
  gatewayIds: string[];
}

export function district(options: { blocks?: number; buildings?: number; marketId?: string; version?: number; parameters?: Partial<MarketParameters>; revoked?: string[] } = {}): District {
  const nBlocks = options.blocks ?? 1;
  const nBuildings = options.buildings ?? 3;
  const identities = new Map<string, GatewayIdentity>();
  const members: RosterInput['members'] = [];
  const blocks: RosterInput['blocks'] = [];
  for (let b = 1; b <= nBlocks; b++) {
    blocks.push({ id: `block-${b}`, gridImportPriceMinorPerKWh: 100 + 5 * b, gridTariffMinorPerKWh: 40, gridExportPriceMinorPerKWh: 50 });
    for (let h = 1; h <= nBuildings; h++) {
      const gatewayId = `b${b}-h${h}`;
      const id = identityOf(gatewayId);
      identities.set(gatewayId, id);
      members.push({ gatewayId, publicKey: id.publicKey, buildingId: `building-${b}-${h}`, block: `block-${b}` });
    }
  }
  const lines: RosterInput['lines'] = [];
  for (let b = 1; b < nBlocks; b++) lines.push({ id: `line-${b}-${b + 1}`, from: `block-${b}`, to: `block-${b + 1}`, capacityWh: 5000, feeMinorPerKWh: 3, lossFraction: 0 });
  const revoked = (options.revoked ?? []).map((g) => identities.get(g)!.publicKey);
  const input: RosterInput = {
    marketId: options.marketId ?? 'test-market',
    version: options.version ?? 1,
    issuedAt: '2026-06-01T00:00:00Z',
    operatorPublicKey: OPERATOR.publicKey,
    parameters: { gateClosureLeadMs: 60_000, ...options.parameters },
    blocks,
    lines,
    members: members.filter((m) => !revoked.includes(m.publicKey)),
    revokedKeys: revoked,
  };
  const r = validateRoster(input);
  if (!r.ok) throw new Error(r.error.detail);
  return { roster: r.value, identities, gatewayIds: members.map((m) => m.gatewayId) };
}

export function signed(roster: Roster) {
  return signRoster(roster, OPERATOR.seed);
}
