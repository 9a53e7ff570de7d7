// The gateway config's `relays` section (config version 2; the lead adds it to the main schema
// as a top-level list): flexible loads such as a water heater, each switched by a relay on a
// pin of a Firmata board. Times are clock time (the simulated clock in tests and the demo).
import { z } from 'zod';
import { formatPath, type Problem } from '../../core/problems.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit');
const ms = z.number().int('must be a whole number of ms').min(0, 'must be >= 0');

export const relayConfigSchema = z.strictObject({
  /** Names the relay in status, alarms and `nabo control hold <id>`. */
  id,
  name: z.string().optional(),
  /** The Firmata board: the id of its bus (kind firmata), or of a device on that board. */
  device: id,
  /** The digital output that drives the relay coil (HIGH = contact closed = load on). */
  pin: z.number().int().min(2, 'must be a digital pin 2..13 of an Uno').max(13, 'must be a digital pin 2..13 of an Uno'),
  /** The load's power when on (a water heater's rating), W. */
  loadW: z.number().positive('must be a positive number of W').max(50_000, 'must be at most 50 kW'),
  /** Least time on, and off, between switches: heating elements and compressors wear on short cycles. */
  minOnMs: ms.default(300_000),
  minOffMs: ms.default(300_000),
  /** The state the load is left in when nabo cannot judge (stale measurements) or is held off it. */
  failSafe: z.enum(['off', 'on']).default('off'),
  /** Switches allowed in any hour; further switches wait. */
  maxSwitchesPerHour: z.number().int().min(1, 'must be at least 1').max(3600).default(6),
  /** The board must report the commanded state within this time, or 'relay-stuck' is raised. */
  readBackTimeoutMs: z.number().int().positive('must be a positive number of ms').default(30_000),
});

export const relaysSectionSchema = z.array(relayConfigSchema).default([]);

export type RelayConfig = z.output<typeof relayConfigSchema>;

/** The parts of the main config the relays refer to. */
export interface RelayConfigContext {
  buses: ReadonlyArray<{ id: string; kind: string }>;
  devices: ReadonlyArray<{ id: string; bus: string; model: string; pin?: number | undefined }>;
}

/** The Firmata bus a relay's `device` names, or undefined when it names none. */
export function relayBoardBus(relay: Pick<RelayConfig, 'device'>, config: RelayConfigContext): string | undefined {
  const bus = config.buses.find((b) => b.id === relay.device);
  if (bus) return bus.kind === 'firmata' ? bus.id : undefined;
  const device = config.devices.find((d) => d.id === relay.device);
  const onBus = device ? config.buses.find((b) => b.id === device.bus) : undefined;
  return onBus?.kind === 'firmata' ? onBus.id : undefined;
}

type Issue = { path: Array<string | number>; message: string };

function relayIssues(relays: readonly RelayConfig[], config: RelayConfigContext): Issue[] {
  const issues: Issue[] = [];
  const ids = new Set<string>();
  const pins = new Map<string, number>();
  relays.forEach((r, i) => {
    const at = ['relays', i];
    if (ids.has(r.id)) issues.push({ path: [...at, 'id'], message: `duplicate relay id '${r.id}'` });
    if (config.devices.some((d) => d.id === r.id)) issues.push({ path: [...at, 'id'], message: `'${r.id}' is also a device id; holds name relays and devices alike` });
    ids.add(r.id);
    const bus = relayBoardBus(r, config);
    if (!bus) {
      issues.push({ path: [...at, 'device'], message: `'${r.device}' is not a Firmata board (a bus of kind firmata, or a device on one)` });
      return;
    }
    const key = `${bus}/${r.pin}`;
    if (pins.has(key)) issues.push({ path: [...at, 'pin'], message: `pin ${r.pin} of '${bus}' is already relays[${pins.get(key)}]` });
    else pins.set(key, i);
    const s0 = config.devices.find((d) => d.bus === bus && d.pin === r.pin && d.model !== 'relay');
    if (s0) issues.push({ path: [...at, 'pin'], message: `pin ${r.pin} of '${bus}' is the input of device '${s0.id}'` });
  });
  return issues;
}

/**
 * Cross-checks against the rest of the config: the board exists, the pin is free, ids are
 * unique (a relay id shares the holds' name space with devices).
 */
export function relayConfigProblems(relays: readonly RelayConfig[], config: RelayConfigContext): Problem[] {
  return relayIssues(relays, config).map((i) => ({ path: formatPath(i.path), message: i.message }));
}

/** The same checks for the main schema's superRefine: `addRelayConfigIssues(cfg.relays, cfg, ctx)`. */
export function addRelayConfigIssues(relays: readonly RelayConfig[], config: RelayConfigContext, ctx: z.RefinementCtx): void {
  for (const issue of relayIssues(relays, config)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}
