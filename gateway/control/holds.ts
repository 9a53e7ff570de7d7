// Devices an installer or owner took out of automatic control (`nabo control hold`), kept in a
// small JSON file beside the store so the CLI can change it while the daemon runs; the control
// service reads it every period.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { relaysSectionSchema } from './relay-config.js';

export interface Hold {
  sinceIso: string;
  reason?: string;
}

export type Holds = Record<string, Hold>;

export function holdsFile(dataDir: string): string {
  return join(dataDir, 'control-holds.json');
}

/** The holds in force; a missing file is none, a damaged one is reported by the caller. */
export function readHolds(dataDir: string): { ok: true; holds: Holds } | { ok: false; error: string } {
  let text: string;
  try {
    text = readFileSync(holdsFile(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, holds: {} };
    return { ok: false, error: `cannot read ${holdsFile(dataDir)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, error: `${holdsFile(dataDir)} is not an object of holds` };
    return { ok: true, holds: parsed as Holds };
  } catch (err) {
    return { ok: false, error: `${holdsFile(dataDir)} is not JSON: ${(err as Error).message}` };
  }
}

/** Writes the holds atomically (a rename), so the daemon never reads half a file. */
export function writeHolds(dataDir: string, holds: Holds): void {
  const file = holdsFile(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(holds, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * Why `id` cannot be held, or undefined when it can: a device nabo steers (battery setpoints,
 * relay capability) or a relay of the `relays` section. Devices and relays share the name space.
 */
export function notHoldable(config: { devices: ReadonlyArray<{ id: string; capabilities: readonly string[] }>; relays?: unknown }, id: string): string | undefined {
  const parsed = relaysSectionSchema.safeParse(config.relays);
  const relays = parsed.success ? parsed.data : [];
  if (relays.some((r) => r.id === id)) return undefined;
  const device = config.devices.find((d) => d.id === id);
  if (!device) return `no device or relay '${id}' (devices: ${config.devices.map((d) => d.id).join(', ') || 'none'}; relays: ${relays.map((r) => r.id).join(', ') || 'none'})`;
  if (!device.capabilities.some((c) => c === 'battery-setpoint' || c === 'relay')) return `'${id}' is read only: nabo does not control it (capabilities: ${device.capabilities.join(', ')})`;
  return undefined;
}
