// The fleet file (YAML): blocks of buildings, each with its load, PV, battery and the devices
// that expose it. Validated by zod; every problem comes back with its path
// (`blocks[0].buildings[2].devices[1].unitId`), like `nabo config check` does for gateways.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { zodProblems, type Problem as ConfigProblem } from '../../core/problems.js';
import { parseYamlText } from '../../core/yaml-text.js';
import { DEVICE_DEFINITIONS, findDefinition } from '../../protocols/devices/index.js';

export const FLEET_VERSION = 1;

/** Ids become gateway config ids (buses, devices), so they follow the same rule. */
const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit');
const positive = z.number().positive('must be positive');
const percent = z.number().min(0, 'must be 0..100').max(100, 'must be 0..100');

const siteSchema = z.strictObject({
  latitude: z.number().min(-90, 'must be -90..90').max(90, 'must be -90..90'),
  longitude: z.number().min(-180, 'must be -180..180').max(180, 'must be -180..180'),
  altitudeM: z.number().min(-500).max(9000).optional(),
});

const loadSchema = z.discriminatedUnion('profile', [
  z.strictObject({
    profile: z.literal('household'),
    heatLossWPerK: positive.optional(),
    balanceTemperatureC: z.number().min(5).max(25).optional(),
    hotWaterKWhPerDay: z.number().min(0).optional(),
    standbyW: z.number().min(0).optional(),
    activityW: z.number().min(0).optional(),
  }),
  z.strictObject({ profile: z.literal('office'), areaM2: positive.optional(), heatLossWPerM2K: positive.optional() }),
]);

const pvSchema = z.strictObject({
  kWp: positive,
  tiltDeg: z.number().min(0, 'must be 0..90').max(90, 'must be 0..90').optional(),
  azimuthDeg: z.number().min(0, 'must be 0..360').max(360, 'must be 0..360').optional(),
  inverterAcLimitW: positive.optional(),
  dcLossFraction: z.number().min(0).max(0.9).optional(),
});

const batterySchema = z
  .strictObject({
    capacityWh: positive,
    maxChargeW: positive,
    maxDischargeW: positive,
    chargeEfficiency: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    dischargeEfficiency: z.number().gt(0, 'must be in (0, 1]').max(1, 'must be in (0, 1]').optional(),
    minSocPercent: percent.optional(),
    maxSocPercent: percent.optional(),
    initialSocPercent: percent.optional(),
  })
  .refine((b) => (b.minSocPercent ?? 5) <= (b.maxSocPercent ?? 100), { message: 'minSocPercent must not exceed maxSocPercent', path: ['minSocPercent'] });

const modbusTransport = z.enum(['modbus-tcp', 'modbus-rtu']);
const unitId = z.number().int().min(1, 'must be 1..247').max(247, 'must be 1..247');

const modbusCommon = {
  id,
  transport: modbusTransport.default('modbus-tcp'),
  unitId: unitId.optional(),
  /** The RTU bus of the building the device hangs on (modbus-rtu only). */
  bus: id.optional(),
};

const s0PinSchema = z.strictObject({
  pin: z.number().int().min(2, 'must be a digital pin 2..13').max(13, 'must be a digital pin 2..13'),
  /** What the pulses count. */
  counts: z.enum(['grid-import', 'grid-export', 'pv']),
  impulsesPerKWh: z.number().int().positive('must be a positive integer').default(1000),
});

const relayPinSchema = z.strictObject({
  pin: z.number().int().min(2, 'must be a digital pin 2..13').max(13, 'must be a digital pin 2..13'),
  /** Power of the load the relay switches (a water heater's rating), W; 0 for a spare output. */
  loadW: z.number().min(0, 'must be >= 0').max(50_000, 'must be at most 50 kW'),
});

/** A 2 kW water heater on pin 8 and a spare output on pin 9. */
export const DEFAULT_BOARD_RELAYS: ReadonlyArray<{ pin: number; loadW: number }> = [
  { pin: 8, loadW: 2000 },
  { pin: 9, loadW: 0 },
];

/** What a device stands for in its building: which truth of the physics it shows. */
export const FLEET_ROLES = ['grid-meter', 'pv', 'battery', 'hybrid'] as const;
export type FleetRole = (typeof FLEET_ROLES)[number];

/** Any protocols/devices definition, picked by its id; no code per device model. */
const modbusModelSchema = z.strictObject({
  kind: z.literal('modbus'),
  ...modbusCommon,
  model: z.string().refine((m) => findDefinition(m) !== undefined, { message: `must be a device definition id (${DEVICE_DEFINITIONS.map((d) => d.id).join(', ')})` }),
  /** Default from the definition's category: meters measure the grid, inverters their PV and battery. */
  role: z.enum(FLEET_ROLES).optional(),
});

export const fleetDeviceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sdm630'), ...modbusCommon }),
  modbusModelSchema,
  z.strictObject({ kind: z.literal('sunspec-inverter'), ...modbusCommon }),
  z.strictObject({ kind: z.literal('sunspec-storage'), ...modbusCommon, sunspecModel: z.union([z.literal(124), z.literal(802)]).default(124) }),
  z.strictObject({ kind: z.literal('han'), id, vendor: z.enum(['aidon', 'kaifa', 'kamstrup']).default('aidon') }),
  z.strictObject({ kind: z.literal('p1'), id, dsmrVersion: z.enum(['5.0', '4.2', 'e-mucs']).default('5.0') }),
  z.strictObject({
    kind: z.literal('s0-board'),
    id,
    pins: z.array(s0PinSchema).min(1, 'needs at least one pin'),
    /** Relay outputs and the loads they switch; by default a 2 kW water heater on pin 8 and a spare on 9. */
    relays: z.array(relayPinSchema).default(() => DEFAULT_BOARD_RELAYS.map((r) => ({ ...r }))),
  }),
]);

const rtuBusSchema = z.strictObject({
  id,
  baudRate: z
    .number()
    .int()
    .refine((b) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(b), 'must be a standard baud rate (1200..115200)')
    .default(9600),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  /** Hold answers back by their time on the wire, as a real line would. */
  lineTiming: z.boolean().default(false),
});

const buildingSchema = z.strictObject({
  id,
  name: z.string().optional(),
  load: loadSchema.default({ profile: 'household' }),
  pv: pvSchema.optional(),
  battery: batterySchema.optional(),
  rtuBuses: z.array(rtuBusSchema).default([]),
  devices: z.array(fleetDeviceSchema).min(1, 'a building needs at least one device'),
});

const blockSchema = z.strictObject({
  id,
  name: z.string().optional(),
  site: siteSchema.optional(),
  buildings: z.array(buildingSchema).min(1, 'a block needs at least one building'),
});

export const fleetSchema = z
  .strictObject({
    version: z.literal(FLEET_VERSION, { message: `must be ${FLEET_VERSION}` }),
    seed: z.number().int('must be an integer').min(0).max(2 ** 32 - 1),
    site: siteSchema.default({ latitude: 63.43, longitude: 10.4 }),
    /** Address the Modbus TCP devices listen on. */
    host: z.string().min(1).default('127.0.0.1'),
    /** Cells over which the physics holds powers constant, ms. */
    stepMs: z.number().int().min(100, 'must be at least 100 ms').max(900_000).default(1000),
    blocks: z.array(blockSchema).min(1, 'a fleet needs at least one block'),
  })
  .superRefine((fleet, ctx) => {
    const blocks = new Map<string, number>();
    const buildings = new Map<string, string>();
    const fullIds = new Set<string>();
    fleet.blocks.forEach((block, bi) => {
      if (blocks.has(block.id)) ctx.addIssue({ code: 'custom', path: ['blocks', bi, 'id'], message: `duplicate block id '${block.id}'` });
      blocks.set(block.id, bi);
      block.buildings.forEach((b, hi) => {
        checkBuilding(b, ['blocks', bi, 'buildings', hi], buildings, ctx);
        b.devices.forEach((d, di) => {
          const full = fleetDeviceId(b, d);
          if (fullIds.has(full) && b.devices.findIndex((o) => o.id === d.id) === di) {
            ctx.addIssue({ code: 'custom', path: ['blocks', bi, 'buildings', hi, 'devices', di, 'id'], message: `fleet device id '${full}' (building-device) is also made by another building` });
          }
          fullIds.add(full);
        });
      });
    });
  });

type BuildingInput = z.output<typeof buildingSchema>;

function checkBuilding(b: BuildingInput, path: Array<string | number>, seen: Map<string, string>, ctx: z.RefinementCtx): void {
  const where = path.join('/');
  if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate building id '${b.id}' (building ids are unique in the fleet)` });
  seen.set(b.id, where);
  const busIds = new Set(b.rtuBuses.map((r) => r.id));
  const deviceIds = new Set<string>();
  const unitsOnBus = new Set<string>();
  b.devices.forEach((d, di) => {
    const at = [...path, 'devices', di];
    if (deviceIds.has(d.id)) ctx.addIssue({ code: 'custom', path: [...at, 'id'], message: `duplicate device id '${d.id}' in building '${b.id}'` });
    deviceIds.add(d.id);
    if (d.kind === 'sunspec-inverter' && !b.pv) ctx.addIssue({ code: 'custom', path: [...at, 'kind'], message: 'a PV inverter needs the building to have pv' });
    if (d.kind === 'sunspec-storage' && !b.battery) ctx.addIssue({ code: 'custom', path: [...at, 'kind'], message: 'a storage device needs the building to have a battery' });
    if (d.kind === 's0-board') {
      const pins = new Set<number>();
      d.pins.forEach((p, pi) => {
        if (pins.has(p.pin)) ctx.addIssue({ code: 'custom', path: [...at, 'pins', pi, 'pin'], message: `pin ${p.pin} is used twice` });
        pins.add(p.pin);
        if (p.counts === 'pv' && !b.pv) ctx.addIssue({ code: 'custom', path: [...at, 'pins', pi, 'counts'], message: 'counts PV but the building has no pv' });
      });
      d.relays.forEach((r, ri) => {
        if (pins.has(r.pin)) ctx.addIssue({ code: 'custom', path: [...at, 'relays', ri, 'pin'], message: `pin ${r.pin} is used twice` });
        pins.add(r.pin);
      });
    }
    if (d.kind === 'modbus') {
      const role = fleetRoleOf(d);
      if ((role === 'pv' || role === 'hybrid') && !b.pv) ctx.addIssue({ code: 'custom', path: [...at, 'role'], message: `a ${role} device needs the building to have pv` });
      if ((role === 'battery' || role === 'hybrid') && !b.battery) ctx.addIssue({ code: 'custom', path: [...at, 'role'], message: `a ${role} device needs the building to have a battery` });
    }
    if (d.kind === 'sdm630' || d.kind === 'modbus' || d.kind === 'sunspec-inverter' || d.kind === 'sunspec-storage') {
      if (d.transport === 'modbus-rtu') {
        if (d.unitId === undefined) ctx.addIssue({ code: 'custom', path: [...at, 'unitId'], message: 'required for a device on an RTU bus (1..247)' });
        const bus = d.bus ?? 'rs485';
        if (d.bus !== undefined && !busIds.has(d.bus)) ctx.addIssue({ code: 'custom', path: [...at, 'bus'], message: `no RTU bus '${d.bus}' in rtuBuses of building '${b.id}'` });
        const key = `${bus}/${d.unitId}`;
        if (d.unitId !== undefined && unitsOnBus.has(key)) ctx.addIssue({ code: 'custom', path: [...at, 'unitId'], message: `unit ${d.unitId} is already used on bus '${bus}'` });
        unitsOnBus.add(key);
      } else if (d.bus !== undefined) ctx.addIssue({ code: 'custom', path: [...at, 'bus'], message: 'only a modbus-rtu device hangs on a bus' });
    }
  });
}

export type FleetSpec = z.output<typeof fleetSchema>;
export type FleetBlock = FleetSpec['blocks'][number];
export type FleetBuilding = FleetBlock['buildings'][number];
export type FleetDevice = FleetBuilding['devices'][number];
export type FleetRtuBus = FleetBuilding['rtuBuses'][number];

export type FleetResult = { ok: true; fleet: FleetSpec } | { ok: false; problems: ConfigProblem[] };

export function validateFleet(raw: unknown): FleetResult {
  const parsed = fleetSchema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { ok: true, fleet: parsed.data };
  return { ok: false, problems: zodProblems(parsed.error) };
}

export function parseFleetText(text: string): FleetResult {
  const parsed = parseYamlText(text);
  if (!parsed.ok) return parsed;
  return validateFleet(parsed.value);
}

export function loadFleetFile(file: string): FleetResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ path: '(file)', message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
  return parseFleetText(text);
}

/** The role of a `modbus` device: as written, or from its definition's category. */
export function fleetRoleOf(d: { model: string; role?: FleetRole | undefined }): FleetRole {
  if (d.role) return d.role;
  switch (findDefinition(d.model)?.category ?? 'meter') {
    case 'meter':
      return 'grid-meter';
    case 'pv-inverter':
      return 'pv';
    case 'battery-inverter':
      return 'battery';
    case 'hybrid-inverter':
    case 'energy-gateway':
      return 'hybrid';
  }
}

/** The fleet-wide device id the simulated device reports: `<building>-<device>`. */
export function fleetDeviceId(building: { id: string }, device: { id: string }): string {
  return `${building.id}-${device.id}`;
}
