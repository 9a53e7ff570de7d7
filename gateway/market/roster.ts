// The block roster: who may trade in a market area and on what terms. The district's blocks
// (grid prices, tariff, feed-in, connection cap), the DSO lines between them, the members
// (gateway, key, building, block), the market parameters every gateway must share, and the
// operator's key; versioned and signed by the operator (domain 'roster'). A gateway pins the
// operator key in its config and accepts only a newer, correctly signed version.
import { z } from 'zod';
import { fail, ok, type Result } from '../../core/result.js';
import { signEnvelope, verifyEnvelope, type SignedEnvelope } from '../../core/signed-envelope.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (an MQTT topic segment), at most 64');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const minorPerKWh = z.number().int().min(-1_000_000).max(1_000_000);

export const rosterBlockSchema = z.strictObject({
  id,
  /** Retail price of grid energy (spot + supplier margin), the fallback when no price list holds the interval. */
  gridImportPriceMinorPerKWh: minorPerKWh,
  /** Grid tariff added to every imported kWh. */
  gridTariffMinorPerKWh: minorPerKWh.default(0),
  /** Feed-in price for exported energy. */
  gridExportPriceMinorPerKWh: minorPerKWh,
  /** Transformer limit per interval on import and export each; absent = unlimited. */
  connectionCapWh: z.number().int().min(0).max(1e12).optional(),
});

export const rosterLineSchema = z.strictObject({
  id,
  from: id,
  to: id,
  capacityWh: z.number().int().min(0).max(1e12),
  feeMinorPerKWh: z.number().int().min(0).max(1_000_000),
  lossFraction: z.number().min(0).lt(1).default(0),
});

export const rosterMemberSchema = z.strictObject({
  /** The gateway id: its MQTT username and topic segment. */
  gatewayId: id,
  publicKey: hex64,
  buildingId: z.string().min(1).max(200),
  block: id,
});

export const marketParametersSchema = z.strictObject({
  /** Market interval length; divides a day. */
  intervalMinutes: z.number().int().refine((m) => m > 0 && 1440 % m === 0, 'must divide a day (5, 15, 30, 60)').default(15),
  /** Gate closure this long before the interval starts; orders after it are late. */
  gateClosureLeadMs: z.number().int().min(1000).max(86_400_000).default(300_000),
  /** A coordinator that has not published its snapshot this long after its turn began is passed over. */
  coordinatorTimeoutMs: z.number().int().min(500).max(600_000).default(10_000),
  /** How many coordinators in turn may try before the interval goes to grid only. */
  maxCoordinatorAttempts: z.number().int().min(1).max(16).default(3),
  /** Gateways wait this long after a snapshot before voting, so an equivocating second snapshot is seen first. */
  snapshotWindowMs: z.number().int().min(0).max(60_000).default(300),
  /** Tolerated difference between gateways' clocks. */
  clockSkewMs: z.number().int().min(0).max(60_000).default(2000),
  /** Without a majority by gate closure + this, the interval is grid only (a late certificate still counts). */
  finalityTimeoutMs: z.number().int().min(1000).max(86_400_000).default(120_000),
  solverBackend: z.enum(['auto', 'highs', 'glpk', 'js-lp-solver']).default('auto'),
  priceRule: z.enum(['midpoint', 'pay-as-clear']).default('midpoint'),
  /** Bound on one order step; more is an absurd quantity for a building in one interval. */
  maxStepEnergyWh: z.number().int().min(1).max(1e9).default(1_000_000),
  maxStepsPerOrder: z.number().int().min(1).max(100).default(10),
  /** The day-ahead plan's shared model choices (gateway/plan); absent fields take the defaults in docs/market-protocol.md. */
  dayAhead: z
    .strictObject({
      gridCharging: z.union([z.boolean(), z.literal('own-surplus-only')]).optional(),
      lossShare: z.number().min(0).lt(1).optional(),
      solverBackend: z.enum(['highs', 'glpk', 'js-lp-solver']).optional(),
    })
    .optional(),
});

export const rosterSchema = z.strictObject({
  marketId: id,
  /** Strictly increasing; a gateway replaces its roster only by a higher version. */
  version: z.number().int().min(1),
  issuedAt: z.iso.datetime({ offset: false }),
  operatorPublicKey: hex64,
  parameters: marketParametersSchema,
  blocks: z.array(rosterBlockSchema).min(1).max(100),
  lines: z.array(rosterLineSchema).max(1000).default([]),
  members: z.array(rosterMemberSchema).max(10_000),
  /** Keys once members' and withdrawn (compromised, sold building): orders signed by them are refused as revoked. */
  revokedKeys: z.array(hex64).max(100_000).default([]),
});

export type Roster = z.output<typeof rosterSchema>;
export type RosterInput = z.input<typeof rosterSchema>;
export type RosterMember = Roster['members'][number];
export type RosterBlock = Roster['blocks'][number];
export type MarketParameters = Roster['parameters'];

export type RosterErrorKind = 'unsigned' | 'bad-signature' | 'wrong-signer' | 'invalid' | 'wrong-market' | 'older' | 'conflict';

export const ROSTER_DOMAIN = 'roster';

/** Shape and cross-references: unique ids and keys, known blocks, sane grid prices. */
export function validateRoster(raw: unknown): Result<Roster, 'invalid'> {
  const parsed = rosterSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return fail('invalid', `${issue.path.join('.') || '(roster)'}: ${issue.message}`);
  }
  const r = parsed.data;
  const blocks = new Set<string>();
  for (const [i, b] of r.blocks.entries()) {
    if (blocks.has(b.id)) return fail('invalid', `blocks.${i}.id: duplicate block ${b.id}`);
    blocks.add(b.id);
    if (b.gridExportPriceMinorPerKWh >= b.gridImportPriceMinorPerKWh + b.gridTariffMinorPerKWh) return fail('invalid', `blocks.${i}.gridExportPriceMinorPerKWh: must be below import price plus tariff`);
  }
  const lines = new Set<string>();
  for (const [i, l] of r.lines.entries()) {
    if (lines.has(l.id)) return fail('invalid', `lines.${i}.id: duplicate line ${l.id}`);
    lines.add(l.id);
    if (!blocks.has(l.from) || !blocks.has(l.to) || l.from === l.to) return fail('invalid', `lines.${i}: must join two different known blocks`);
  }
  const gateways = new Set<string>();
  const keys = new Set<string>(r.revokedKeys);
  for (const [i, m] of r.members.entries()) {
    if (gateways.has(m.gatewayId)) return fail('invalid', `members.${i}.gatewayId: duplicate gateway ${m.gatewayId}`);
    gateways.add(m.gatewayId);
    if (keys.has(m.publicKey)) return fail('invalid', `members.${i}.publicKey: used twice or revoked`);
    keys.add(m.publicKey);
    if (!blocks.has(m.block)) return fail('invalid', `members.${i}.block: unknown block ${m.block}`);
  }
  if (gateways.has('operator')) return fail('invalid', 'members: the gateway id "operator" is the operator\'s MQTT user');
  return ok(r);
}

export function signRoster(roster: Roster, operatorSeed: Uint8Array): SignedEnvelope<Roster> {
  return signEnvelope(ROSTER_DOMAIN, roster, operatorSeed);
}

/** Verifies a signed roster of untrusted origin against the pinned operator key. */
export function verifyRoster(envelope: unknown, operatorPublicKey: string, marketId?: string): Result<{ roster: Roster; envelope: SignedEnvelope<Roster> }, RosterErrorKind> {
  if (envelope === null || typeof envelope !== 'object' || !('signature' in envelope)) return fail('unsigned', 'a roster must be a signed envelope (payload, signer, signature); run `nabo roster sign`');
  const checked = verifyEnvelope<unknown>(ROSTER_DOMAIN, envelope);
  if (!checked.ok) return fail(checked.error.kind === 'signature' ? 'bad-signature' : 'unsigned', checked.error.detail);
  if (checked.value.signer !== operatorPublicKey) return fail('wrong-signer', `signed by ${checked.value.signer.slice(0, 12)}…, not the operator key ${operatorPublicKey.slice(0, 12)}…`);
  const roster = validateRoster(checked.value.payload);
  if (!roster.ok) return roster;
  if (roster.value.operatorPublicKey !== operatorPublicKey) return fail('wrong-signer', 'the roster names another operator key than the one pinned');
  if (marketId !== undefined && roster.value.marketId !== marketId) return fail('wrong-market', `roster of market ${roster.value.marketId}, expected ${marketId}`);
  return ok({ roster: roster.value, envelope: { payload: roster.value, signer: checked.value.signer, signature: checked.value.signature } });
}

/** The roster a gateway holds: replaced only by a newer signed version, each refusal counted by reason. */
export class RosterHolder {
  private held: { roster: Roster; envelope: SignedEnvelope<Roster> } | undefined;
  readonly refused = new Map<RosterErrorKind, number>();
  private readonly listeners = new Set<(roster: Roster) => void>();

  constructor(
    readonly operatorPublicKey: string,
    readonly marketId: string,
  ) {}

  get current(): Roster | undefined {
    return this.held?.roster;
  }

  get envelope(): SignedEnvelope<Roster> | undefined {
    return this.held?.envelope;
  }

  onChange(listener: (roster: Roster) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Offers a roster; returns whether it was taken (a re-delivery of the held version is 'same'). */
  offer(envelope: unknown): Result<'replaced' | 'same', RosterErrorKind> {
    const r = this.check(envelope);
    if (!r.ok) this.refused.set(r.error.kind, (this.refused.get(r.error.kind) ?? 0) + 1);
    return r;
  }

  private check(envelope: unknown): Result<'replaced' | 'same', RosterErrorKind> {
    const v = verifyRoster(envelope, this.operatorPublicKey, this.marketId);
    if (!v.ok) return v;
    const held = this.held;
    if (held && v.value.roster.version < held.roster.version) return fail('older', `version ${v.value.roster.version} is older than the held ${held.roster.version}`);
    if (held && v.value.roster.version === held.roster.version) {
      if (v.value.envelope.signature === held.envelope.signature) return ok('same');
      return fail('conflict', `a different roster with the held version ${held.roster.version}`);
    }
    this.held = v.value;
    for (const l of this.listeners) l(v.value.roster);
    return ok('replaced');
  }
}

/** Members that may trade, sorted by gateway id: the coordinator rotation runs over this list. */
export function activeMembers(roster: Roster): RosterMember[] {
  const revoked = new Set(roster.revokedKeys);
  return roster.members.filter((m) => !revoked.has(m.publicKey)).sort((a, b) => (a.gatewayId < b.gatewayId ? -1 : a.gatewayId > b.gatewayId ? 1 : 0));
}

/** More than half of the roster's active members: the size of a finality certificate. */
export function majorityOf(roster: Roster): number {
  return Math.floor(activeMembers(roster).length / 2) + 1;
}

export function intervalMsOf(roster: Roster): number {
  return roster.parameters.intervalMinutes * 60_000;
}

/**
 * The coordinator of an interval's attempt: members in gateway-id order, starting at the
 * interval's index (start / length) and moving one on per attempt, so every gateway names the
 * same one and the duty rotates evenly.
 */
export function coordinatorFor(roster: Roster, intervalStartMs: number, attempt: number): RosterMember | undefined {
  const members = activeMembers(roster);
  if (members.length === 0) return undefined;
  const index = Math.floor(intervalStartMs / intervalMsOf(roster));
  return members[(((index + attempt) % members.length) + members.length) % members.length];
}
