// Where every device of a running fleet listens: printed and written as JSON by
// `nabo sim fleet --out fleet.json`, read back by `nabo sim configs --fleet fleet.json`.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { zodProblems, type Problem as ConfigProblem } from '../../core/problems.js';
import type { DeviceEndpoint, DeviceIdentity } from '../devices/simulated-device.js';
import type { FleetWorld } from './fleet-world.js';
import { fleetRoleOf } from './fleet-file.js';

export const LISTING_VERSION = 1;

const parity = z.enum(['none', 'even', 'odd']);
const endpointSchema = z.discriminatedUnion('transport', [
  z.object({ transport: z.literal('modbus-tcp'), host: z.string().min(1), port: z.number().int().min(1).max(65535), unitId: z.number().int().min(0).max(255) }),
  z.object({
    transport: z.literal('modbus-rtu'),
    path: z.string().min(1),
    baudRate: z.number().int().positive(),
    parity,
    dataBits: z.literal(8),
    stopBits: z.union([z.literal(1), z.literal(2)]),
    unitId: z.number().int().min(1).max(247),
  }),
  z.object({ transport: z.literal('han'), path: z.string().min(1), baudRate: z.number().int().positive(), parity: z.enum(['none', 'even']) }),
  z.object({ transport: z.literal('dsmr-p1'), path: z.string().min(1), baudRate: z.number().int().positive() }),
  z.object({
    transport: z.literal('firmata'),
    path: z.string().min(1),
    baudRate: z.number().int().positive(),
    s0Pins: z.array(z.object({ pin: z.number().int(), pulsesPerKWh: z.number().positive(), quantity: z.enum(['energyImportWh', 'energyExportWh', 'pvEnergyWh']) })),
    relayPins: z.array(z.number().int()),
  }),
]);

const siteSchema = z.object({ latitude: z.number(), longitude: z.number() });

const listedDeviceSchema = z.object({
  deviceId: z.string().min(1),
  localId: z.string().min(1),
  kind: z.enum(['sdm630', 'modbus', 'sunspec-inverter', 'sunspec-storage', 'han', 'p1', 's0-board']),
  /** The device definition id of a `modbus` device, and the role it plays in its building. */
  model: z.string().optional(),
  role: z.enum(['grid-meter', 'pv', 'battery', 'hybrid']).optional(),
  /** The RTU bus id inside the building, for modbus-rtu devices. */
  bus: z.string().optional(),
  identity: z.object({ deviceId: z.string(), meterId: z.string(), model: z.string(), manufacturer: z.string().optional() }),
  endpoint: endpointSchema,
});

export const listingSchema = z.object({
  version: z.literal(LISTING_VERSION),
  seed: z.number().int(),
  /** Simulated time at the start of the fleet and its speed (simulated ms per real ms). */
  clock: z.object({
    mode: z.enum(['real', 'simulated']),
    startAt: z.string(),
    speed: z.number().positive(),
    /** Wall-clock time at which the simulated clock read `startAt`: simulated now = startAt + (wall now − this) × speed. */
    realStartedAt: z.string().optional(),
  }),
  /** The control API, e.g. http://127.0.0.1:40123. */
  control: z.object({ url: z.string() }).optional(),
  blocks: z.array(
    z.object({
      id: z.string().min(1),
      site: siteSchema,
      buildings: z.array(z.object({ id: z.string().min(1), name: z.string().optional(), pvKWp: z.number().optional(), batteryCapacityWh: z.number().optional(), devices: z.array(listedDeviceSchema) })),
    }),
  ),
});

export type FleetListing = z.output<typeof listingSchema>;
export type ListedBuilding = FleetListing['blocks'][number]['buildings'][number];
export type ListedDevice = ListedBuilding['devices'][number];

export interface ListingOptions {
  clock: { mode: 'real' | 'simulated'; startAt: string; speed: number; realStartedAt?: string };
  controlUrl?: string;
  /** Where each device listens, by fleet device id. */
  endpoints: ReadonlyMap<string, DeviceEndpoint>;
}

export function buildListing(world: FleetWorld, options: ListingOptions): FleetListing {
  return {
    version: LISTING_VERSION,
    seed: world.spec.seed,
    clock: options.clock,
    ...(options.controlUrl ? { control: { url: options.controlUrl } } : {}),
    blocks: world.spec.blocks.map((block) => ({
      id: block.id,
      site: { latitude: (block.site ?? world.spec.site).latitude, longitude: (block.site ?? world.spec.site).longitude },
      buildings: block.buildings.map((b) => ({
        id: b.id,
        ...(b.name ? { name: b.name } : {}),
        ...(b.pv ? { pvKWp: b.pv.kWp } : {}),
        ...(b.battery ? { batteryCapacityWh: b.battery.capacityWh } : {}),
        // Devices that did not start (no endpoint) are left out; the runner lists them as skipped.
        devices: (world.building(b.id)?.devices ?? []).flatMap((plan) => {
          const endpoint = options.endpoints.get(plan.deviceId);
          if (!endpoint) return [];
          const identity: DeviceIdentity = { ...plan.identity };
          const rtuBus = 'transport' in plan.spec && plan.spec.transport === 'modbus-rtu' ? (plan.spec.bus ?? 'rs485') : undefined;
          const model = plan.spec.kind === 'modbus' ? { model: plan.spec.model, role: fleetRoleOf(plan.spec) } : {};
          return [{ deviceId: plan.deviceId, localId: plan.localId, kind: plan.spec.kind, ...model, ...(rtuBus ? { bus: rtuBus } : {}), identity, endpoint }];
        }),
      })),
    })),
  };
}

export type ListingResult = { ok: true; listing: FleetListing } | { ok: false; problems: ConfigProblem[] };

export function readListingFile(file: string): ListingResult {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ path: '(file)', message: code ? `cannot read ${file}: ${code}` : `not JSON: ${(err as Error).message}` }] };
  }
  const parsed = listingSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error) };
  return { ok: true, listing: parsed.data };
}
