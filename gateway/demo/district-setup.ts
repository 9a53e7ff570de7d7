// What a simulated district needs before anything runs: an identity per gateway and for the
// operator, the operator's signed roster (blocks with their grid prices, DSO lines between
// them, members, market timing fit for the run's speed), the signed price list of the day, and
// one validated gateway config per building (devices from the simulator's listing, market,
// uplink and API sections). Pure functions over the fleet: the runner does the I/O.
import type { FleetSpec } from '../../device-sim/fleet/fleet-file.js';
import type { FleetListing, ListedBuilding } from '../../device-sim/fleet/listing.js';
import { gatewayConfigFor } from '../config/from-fleet.js';
import { validateConfig } from '../config/load.js';
import type { GatewayIdentity } from '../market/identity.js';
import { signPriceList, type PriceList } from '../market/prices.js';
import { signRoster, validateRoster, type Roster } from '../market/roster.js';

/** Prices of one interval, minor units (øre) per kWh. */
export interface IntervalPrices {
  /** Day-ahead spot plus the supplier's margin: what a kWh from the grid costs before the tariff. */
  importMinorPerKWh: number;
  /** The grid tariff's energy part (energiledd). */
  tariffMinorPerKWh: number;
  /** Paid for a kWh fed in. */
  exportMinorPerKWh: number;
}

export type PricesAt = (intervalStartMs: number) => IntervalPrices;

export interface DistrictPlan {
  marketId: string;
  roster: Roster;
  gatewayIds: string[];
  blockOf: Map<string, string>;
}

/**
 * Market timing in simulated ms for a run at `speed`: each wait is long enough in real time
 * for a loaded two-core machine (MQTT round trips, timer lateness), within the roster's bounds.
 */
/** Simulated ms for `ms` of real time at `speed`, kept within [min, max]. */
function realStep(speed: number): (ms: number, min: number, max: number) => number {
  return (ms, min, max) => Math.round(Math.min(max, Math.max(min, ms * speed)));
}

export function timingFor(speed: number, intervalMs = 900_000): Roster['parameters'] {
  const real = realStep(speed);
  return {
    intervalMinutes: intervalMs / 60_000,
    // Seconds of real time for each step: nine processes on two busy cores run timers late.
    gateClosureLeadMs: real(2000, 120_000, 600_000),
    coordinatorTimeoutMs: real(1500, 10_000, 600_000),
    maxCoordinatorAttempts: 3,
    snapshotWindowMs: real(100, 300, 60_000),
    clockSkewMs: real(300, 2000, 60_000),
    finalityTimeoutMs: real(5000, 120_000, intervalMs),
    solverBackend: 'glpk',
    // The day-ahead plan of a district is 9 buildings × 96 intervals: HiGHS solves it in ~60 % of glpk.js's time.
    dayAhead: { solverBackend: 'highs' },
    priceRule: 'midpoint',
    maxStepEnergyWh: 1_000_000,
    maxStepsPerOrder: 10,
  };
}

/** How long before gate closure a gateway sends its order: well over the clock skew, in real time too. */
export function orderLeadFor(speed: number): number {
  return Math.round(Math.min(450_000, Math.max(30_000, 1500 * speed)));
}

export function districtRoster(fleet: FleetSpec, marketId: string, operator: GatewayIdentity, identities: Map<string, GatewayIdentity>, prices: IntervalPrices, parameters: Roster['parameters'], issuedAt: string): DistrictPlan {
  const blocks = fleet.blocks.map((b) => ({
    id: b.id,
    gridImportPriceMinorPerKWh: prices.importMinorPerKWh,
    gridTariffMinorPerKWh: prices.tariffMinorPerKWh,
    gridExportPriceMinorPerKWh: prices.exportMinorPerKWh,
  }));
  // The DSO's lines: a chain between neighbouring blocks, each carrying 100 kWh per interval
  // at a small fee and 2 % loss (Lüth et al. 2018 use a comparable network charge).
  const lines = fleet.blocks.slice(1).map((b, k) => ({ id: `line-${fleet.blocks[k]!.id}-${b.id}`, from: fleet.blocks[k]!.id, to: b.id, capacityWh: 100_000, feeMinorPerKWh: 2, lossFraction: 0.02 }));
  const members = fleet.blocks.flatMap((b) =>
    b.buildings.map((h) => {
      const id = identities.get(h.id);
      if (!id) throw new Error(`no identity for ${h.id}`);
      return { gatewayId: h.id, publicKey: id.publicKey, buildingId: h.id, block: b.id };
    }),
  );
  const checked = validateRoster({ marketId, version: 1, issuedAt, operatorPublicKey: operator.publicKey, parameters, blocks, lines, members, revokedKeys: [] });
  if (!checked.ok) throw new Error(`district roster: ${checked.error.detail}`);
  return { marketId, roster: checked.value, gatewayIds: members.map((m) => m.gatewayId), blockOf: new Map(members.map((m) => [m.gatewayId, m.block])) };
}

export function signedRoster(plan: DistrictPlan, operator: GatewayIdentity) {
  return signRoster(plan.roster, operator.seed);
}

/** The operator's price list for [fromMs, toMs): one entry per interval, every block alike. */
export function signedPriceList(plan: DistrictPlan, operator: GatewayIdentity, pricesAt: PricesAt, fromMs: number, toMs: number) {
  const intervalMs = plan.roster.parameters.intervalMinutes * 60_000;
  const intervals: PriceList['intervals'] = [];
  for (let t = fromMs; t < toMs && intervals.length < 400; t += intervalMs) {
    const p = pricesAt(t);
    intervals.push({
      intervalStart: new Date(t).toISOString(),
      blocks: plan.roster.blocks.map((b) => ({ block: b.id, gridImportPriceMinorPerKWh: p.importMinorPerKWh, gridTariffMinorPerKWh: p.tariffMinorPerKWh, gridExportPriceMinorPerKWh: p.exportMinorPerKWh })),
    });
  }
  return signPriceList({ marketId: plan.marketId, version: 1, intervals }, operator.seed);
}

export interface GatewaySetup {
  marketId: string;
  operatorPublicKey: string;
  rosterFile: string;
  blockBrokerUrl: string;
  operatorBrokerUrl: string;
  /** The operator broker's CA when it listens on TLS, and this gateway's client certificate when it asks for one. */
  operatorTls?: { caFile: string; certFile?: string; keyFile?: string };
  password: string;
  apiPort: number;
  /** The battery's revert timeout written with every setpoint, simulated s (default 300). */
  revertTimeoutS?: number;
  speed: number;
  /** The day-ahead plan's local publication time (HH:MM); no plan without it. */
  planPublishAt?: string;
  /** Steer the battery (default true); false leaves it on its own self-consumption logic, read only. */
  control?: boolean;
}

/** The plan's collection and finality windows: a few real seconds each, as the market's steps. */
export function planTimingFor(speed: number): { collectMs: number; finalityTimeoutMs: number } {
  const real = realStep(speed);
  // Every gateway solves the district's plan (~2.5 s of CPU each on HiGHS, in a worker thread):
  // nine of them on two cores need ~12 s of real time, more on a loaded machine.
  return { collectMs: real(2000, 10_000, 900_000), finalityTimeoutMs: real(25_000, 10_000, 1_800_000) };
}

/** A building's gateway config: what `nabo sim configs` writes, plus market, uplink, control limits and API. */
export function districtGatewayConfig(listing: FleetListing, fleet: FleetSpec, blockId: string, building: ListedBuilding, dataRoot: string, s: GatewaySetup): Record<string, unknown> {
  const raw = gatewayConfigFor(listing, blockId, building, { dataRoot }) as { devices: Array<Record<string, unknown>>; [k: string]: unknown };
  const spec = fleet.blocks.find((b) => b.id === blockId)?.buildings.find((b) => b.id === building.id);
  const grid = raw.devices.find((d) => d.role === 'grid-meter');
  const pv = raw.devices.find((d) => d.role === 'pv');
  const battery = raw.devices.find((d) => d.role === 'battery');
  if (!grid) throw new Error(`${building.id}: no grid meter in the listing`);
  // A district of nine processes on two cores: every device is read once a simulated minute
  // (power and counters alike), enough for quarter-hour energy and for control, and no faster
  // in real time than the buses and the machine can carry.
  for (const d of raw.devices) if (d.bus !== undefined && d.model !== 's0' && d.model !== 'han' && d.model !== 'dsmr-p1') d.poll = { fastMs: Math.max(60_000, pollMs(d.poll)), slowMs: Math.max(60_000, pollMs(d.poll)) };
  // Without control nabo only reads the battery (no setpoint capability), so orders offer none
  // of its flexibility, only the exchange its own self-consumption logic leaves.
  const steered = s.control !== false;
  if (battery && spec?.battery && steered) {
    const b = spec.battery;
    battery.capabilities = ['read', 'battery-setpoint'];
    battery.limits = { maxChargeW: b.maxChargeW, maxDischargeW: b.maxDischargeW, minSocPercent: b.minSocPercent, maxSocPercent: b.maxSocPercent, rampWPerS: Math.max(b.maxChargeW, b.maxDischargeW), revertTimeoutS: s.revertTimeoutS ?? 300 };
  }
  return {
    ...raw,
    // The connection: a house on 3 × 25 A at 230 V, an office on 3 × 160 A (sized for its PV and battery).
    site: { ...(raw.site as Record<string, unknown>), connectionCapW: spec?.load.profile === 'office' ? 110_400 : 17_250 },
    market: {
      enabled: true,
      marketId: s.marketId,
      operatorPublicKey: s.operatorPublicKey,
      rosterFile: s.rosterFile,
      broker: { url: s.blockBrokerUrl, username: building.id, password: s.password },
      gridMeterDeviceId: grid.id,
      ...(pv && pv.id !== grid.id ? { pvDeviceId: pv.id } : {}),
      // The array's orientation, as an installer enters it, for the clear-sky PV forecast.
      ...(spec?.pv?.tiltDeg !== undefined ? { pvTiltDeg: spec.pv.tiltDeg } : {}),
      ...(spec?.pv?.azimuthDeg !== undefined ? { pvAzimuthDeg: spec.pv.azimuthDeg } : {}),
      ...(battery && spec?.battery
        ? { battery: { deviceId: battery.id, capacityWh: spec.battery.capacityWh, minSocPercent: spec.battery.minSocPercent, maxSocPercent: spec.battery.maxSocPercent, maxChargeW: spec.battery.maxChargeW, maxDischargeW: spec.battery.maxDischargeW } }
        : {}),
      orderLeadMs: orderLeadFor(s.speed),
    },
    uplink: {
      enabled: true,
      brokerUrl: s.operatorBrokerUrl,
      ...(s.operatorTls ? { tls: s.operatorTls } : {}),
      marketId: s.marketId,
      passwordEnv: 'NABO_UPLINK_PASSWORD',
      ackTimeoutMs: 10_000,
      anchor: { enabled: true, batchPeriodMs: 3_600_000 },
    },
    ...(s.planPublishAt !== undefined ? { plan: { enabled: true, publishAt: s.planPublishAt, ...planTimingFor(s.speed) } } : {}),
    api: { enabled: true, listen: { host: '127.0.0.1', port: s.apiPort } },
  };
}

function pollMs(poll: unknown): number {
  return poll && typeof poll === 'object' && 'fastMs' in poll && typeof poll.fastMs === 'number' ? poll.fastMs : 0;
}

export function checkedConfig(raw: Record<string, unknown>, buildingId: string): void {
  const v = validateConfig(raw, {});
  if (!v.ok) throw new Error(`generated config of ${buildingId} is invalid: ${v.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
}
