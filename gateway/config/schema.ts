// The gateway's configuration (`nabo.yaml`), as a zod schema. The same schema is exported as a
// JSON Schema file (deploy/nabo.schema.json) for editor completion; `nabo config check` prints
// every problem with its path.
import { z } from 'zod';
import { isTimeZone } from '../../core/time-zone.js';
import { modelProblem } from './models.js';
import { planConfigSchema } from '../plan/config.js';
import { addRelayConfigIssues, relaysSectionSchema } from '../control/relay-config.js';
import { apiSectionSchema, isLoopbackHost, marketSectionSchema, paymentSectionSchema, uplinkSectionSchema } from './sections.js';
import { hanOptionsSchema } from '../acquisition/han-options.js';

export const CONFIG_VERSION = 2;

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit');

const port = z.number().int().min(1, 'must be 1..65535').max(65535, 'must be 1..65535');
const positiveMs = z.number().int().positive('must be a positive number of ms');

const serialLine = {
  path: z.string().min(1, 'must name a serial device, e.g. /dev/ttyUSB0'),
  baudRate: z
    .number()
    .int()
    .refine((b) => [300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(b), 'must be a standard baud rate (300..115200)'),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
};

const busCommon = {
  id,
  timeoutMs: positiveMs.default(1000),
  /** Silence kept between frames on this bus, on top of the protocol's own. */
  interFrameDelayMs: z.number().int().min(0).default(0),
};

const modbusRtuBus = z.strictObject({ kind: z.literal('modbus-rtu'), ...busCommon, ...serialLine, baudRate: serialLine.baudRate.default(9600) });
const modbusTcpBus = z.strictObject({
  kind: z.literal('modbus-tcp'),
  ...busCommon,
  host: z.string().min(1, 'must name a host'),
  port: port.default(502),
  /** Modbus RTU frames carried over TCP (serial gateways), instead of MBAP. */
  rtuOverTcp: z.boolean().default(false),
});
const hanBus = z.strictObject({ kind: z.literal('han'), ...busCommon, ...serialLine, baudRate: serialLine.baudRate.default(2400), parity: serialLine.parity.default('even') });
const p1Bus = z.strictObject({ kind: z.literal('dsmr-p1'), ...busCommon, ...serialLine, baudRate: serialLine.baudRate.default(115200) });
const iecBus = z.strictObject({ kind: z.literal('iec62056-21'), ...busCommon, ...serialLine, baudRate: serialLine.baudRate.default(300), dataBits: serialLine.dataBits.default(7), parity: serialLine.parity.default('even') });
const firmataBus = z.strictObject({ kind: z.literal('firmata'), ...busCommon, path: serialLine.path, baudRate: serialLine.baudRate.default(57600) });

export const busSchema = z.discriminatedUnion('kind', [modbusRtuBus, modbusTcpBus, hanBus, p1Bus, iecBus, firmataBus]);

const pollSchema = z
  .object({
    /** Period of the fast group (power, voltage, current). */
    fastMs: positiveMs.default(1000),
    /** Period of the slow group (energy counters, identity, settings). */
    slowMs: positiveMs.default(60_000),
  })
  .default({ fastMs: 1000, slowMs: 60_000 });

const watts = z.number().positive('must be a positive number of W');
const percent = z.number().min(0, 'must be 0..100').max(100, 'must be 0..100');
const seconds = z.number().int('must be a whole number of seconds').positive('must be a positive number of seconds');

const limitsSchema = z.strictObject({
  maxChargeW: watts.optional(),
  maxDischargeW: watts.optional(),
  minSocPercent: percent.default(10),
  maxSocPercent: percent.default(95),
  /** Largest setpoint change per second. */
  rampWPerS: watts.optional(),
  /** The device falls back to its own control when no setpoint came for this long. */
  revertTimeoutS: seconds.default(300),
  /** Relays: least time on, and off, between switches (compressors, water heaters). */
  minOnS: seconds.optional(),
  minOffS: seconds.optional(),
});

const hexKey = z.string().regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits (AES-128)');

export const deviceSchema = z.strictObject({
  id,
  name: z.string().optional(),
  bus: id,
  /** A device definition from protocols/devices (e.g. eastron-sdm630, sunspec, han, dsmr-p1, s0). */
  model: z.string().min(1, 'must name a device model'),
  /** What the device measures for the building. */
  role: z.enum(['grid-meter', 'pv', 'battery', 'load', 'sub-meter']).default('sub-meter'),
  unitId: z.number().int().min(1, 'must be 1..247').max(247, 'must be 1..247').optional(),
  poll: pollSchema,
  /** Upper bound for sane power values, in W; readings above it are rejected. */
  ratedPowerW: z.number().positive('must be positive').optional(),
  /** S0 input pin on a Firmata board. */
  pin: z.number().int().min(0).max(127).optional(),
  /** S0 meter constant, impulses per kWh. */
  impulsesPerKWh: z.number().positive('must be positive').optional(),
  /** AES-128-GCM keys of a HAN meter that encrypts; may come from the environment. */
  encryptionKey: hexKey.optional(),
  authenticationKey: hexKey.optional(),
  /** HAN meters: country and per-item scaler overrides the frames do not carry (gateway/acquisition/han-options.ts). */
  han: hanOptionsSchema.optional(),
  /** What nabo may do with the device: read it, write battery setpoints, switch it as a relay. */
  capabilities: z.array(z.enum(['read', 'battery-setpoint', 'relay'])).min(1, 'must list at least one capability').default(['read']),
  /** Safety limits control never exceeds, whatever the plan or the market says. */
  limits: limitsSchema.optional(),
});

export const configSchema = z
  .object({
    version: z.number().int().positive('must be a positive integer'),
    gateway: z.strictObject({
      id,
      name: z.string().optional(),
      /** Where the SQLite store and the identity key live. */
      dataDir: z.string().min(1).default('/var/lib/nabo'),
      timeZone: z
        .string()
        .refine(isTimeZone, 'must be an IANA time zone such as Europe/Oslo')
        .default('Europe/Oslo'),
      /** Length of a metering and market interval; the roster's must be the same. */
      intervalMinutes: z
        .number()
        .int('must be a whole number of minutes')
        .refine((m) => m > 0 && 1440 % m === 0, 'must divide a day (e.g. 5, 15, 30, 60)')
        .default(15),
    }),
    site: z
      .object({
        latitude: z.number().min(-90, 'must be -90..90').max(90, 'must be -90..90'),
        longitude: z.number().min(-180, 'must be -180..180').max(180, 'must be -180..180'),
        /**
         * The connection's cap in W, import and export alike: the main fuse (e.g. 3 × 25 A × 230 V
         * = 17 250 W) or the DSO's limit, whichever is lower. Control and relays never take the
         * connection past it by what they steer.
         */
        connectionCapW: z.number().positive('must be a positive number of W').optional(),
      })
      .default({ latitude: 63.43, longitude: 10.4 }),
    clock: z
      .discriminatedUnion('mode', [
        z.strictObject({ mode: z.literal('real') }),
        z.strictObject({
          mode: z.literal('simulated'),
          startAt: z.iso.datetime({ message: 'must be an ISO 8601 UTC time, e.g. 2026-06-21T00:00:00Z' }),
          speed: z.number().positive('must be positive').default(1),
          /**
           * The real (wall-clock) instant at which simulated time read `startAt`, when the clock
           * must follow a simulator that is already running: a gateway started later catches up.
           */
          anchoredAt: z.iso.datetime({ message: 'must be an ISO 8601 UTC time' }).optional(),
          /**
           * A file that will name that instant (`{"anchoredAt": "…"}`): the clock holds at
           * `startAt` until it appears, so a district's processes start before time moves.
           */
          anchorFile: z.string().min(1).optional(),
        }),
      ])
      .default({ mode: 'real' }),
    log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') }).default({ level: 'info' }),
    store: z
      .object({
        /** File name inside dataDir, or an absolute path. */
        path: z.string().min(1).default('nabo.db'),
        rawRetentionDays: z.number().int().min(1, 'must be at least 1 day').default(7),
        aggregateRetentionDays: z.number().int().min(1, 'must be at least 1 day').default(365),
        flushIntervalMs: positiveMs.default(1000),
      })
      .default({ path: 'nabo.db', rawRetentionDays: 7, aggregateRetentionDays: 365, flushIntervalMs: 1000 }),
    buses: z.array(busSchema).default([]),
    devices: z.array(deviceSchema).default([]),
    market: marketSectionSchema.optional(),
    uplink: uplinkSectionSchema.optional(),
    /** The day-ahead plan (gateway/plan/config.ts): the same on every gateway of a market. */
    plan: planConfigSchema.optional(),
    /** Flexible loads switched by relays on a Firmata board (gateway/control/relay-config.ts). */
    relays: relaysSectionSchema,
    payment: paymentSectionSchema.optional(),
    api: apiSectionSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    addRelayConfigIssues(cfg.relays, cfg, ctx);
    const busIds = new Map<string, number>();
    cfg.buses.forEach((b, i) => {
      if (busIds.has(b.id)) ctx.addIssue({ code: 'custom', path: ['buses', i, 'id'], message: `duplicate bus id '${b.id}' (also buses[${busIds.get(b.id)}])` });
      else busIds.set(b.id, i);
    });
    const deviceIds = new Map<string, number>();
    const unitsOnBus = new Map<string, number>();
    cfg.devices.forEach((d, i) => {
      if (deviceIds.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id '${d.id}' (also devices[${deviceIds.get(d.id)}])` });
      else deviceIds.set(d.id, i);
      const busIndex = busIds.get(d.bus);
      if (busIndex === undefined) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'bus'], message: `no bus with id '${d.bus}'` });
        return;
      }
      const bus = cfg.buses[busIndex];
      const wrongModel = bus ? modelProblem(d.model, bus.kind) : undefined;
      if (wrongModel) ctx.addIssue({ code: 'custom', path: ['devices', i, 'model'], message: wrongModel });
      if (d.capabilities.includes('battery-setpoint')) {
        if (bus?.kind !== 'modbus-rtu' && bus?.kind !== 'modbus-tcp') ctx.addIssue({ code: 'custom', path: ['devices', i, 'capabilities'], message: 'battery-setpoint needs a battery on a Modbus bus' });
        for (const field of ['maxChargeW', 'maxDischargeW'] as const) {
          if (d.limits?.[field] === undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'limits', field], message: 'required for a device with the battery-setpoint capability' });
        }
      }
      if (d.capabilities.includes('relay') && bus?.kind !== 'firmata') ctx.addIssue({ code: 'custom', path: ['devices', i, 'capabilities'], message: 'relay needs a Firmata board (bus kind firmata) and a pin' });
      if (d.limits && d.limits.minSocPercent >= d.limits.maxSocPercent) ctx.addIssue({ code: 'custom', path: ['devices', i, 'limits', 'minSocPercent'], message: `must be below maxSocPercent (${d.limits.maxSocPercent})` });
      if (bus && (bus.kind === 'modbus-rtu' || bus.kind === 'modbus-tcp')) {
        if (d.unitId === undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'unitId'], message: 'required for a device on a Modbus bus (1..247)' });
        else {
          const key = `${d.bus}/${d.unitId}`;
          if (unitsOnBus.has(key)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'unitId'], message: `unit ${d.unitId} is already used on bus '${d.bus}' by devices[${unitsOnBus.get(key)}]` });
          else unitsOnBus.set(key, i);
        }
      }
      if (bus?.kind === 'firmata' && d.pin === undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'pin'], message: 'required for a device on a Firmata board' });
      if (d.model === 's0' && d.impulsesPerKWh === undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'impulsesPerKWh'], message: 'required for an S0 meter (the constant printed on the meter, imp/kWh)' });
    });
    for (const field of ['gridMeterDeviceId', 'pvDeviceId'] as const) {
      const id = cfg.market?.[field];
      if (id !== undefined && !deviceIds.has(id)) ctx.addIssue({ code: 'custom', path: ['market', field], message: `no device with id '${id}'` });
    }
    if (cfg.api && cfg.api.enabled && !isLoopbackHost(cfg.api.listen.host) && !cfg.api.token) {
      ctx.addIssue({ code: 'custom', path: ['api', 'token'], message: `required when api.listen.host (${cfg.api.listen.host}) is not a loopback address` });
    }
  });

export type NaboConfig = z.output<typeof configSchema>;
export type BusConfig = z.output<typeof busSchema>;
export type DeviceConfig = z.output<typeof deviceSchema>;
