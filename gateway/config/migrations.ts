// Numbered config migrations: a file written for version N is lifted step by step to the
// current version before validation, so a gateway's file keeps working across upgrades.
// `nabo config migrate` writes the lifted file; `nabo config check` says that it was lifted.
import { CONFIG_VERSION } from './schema.js';
import type { Problem as ConfigProblem } from '../../core/problems.js';

export interface ConfigMigration {
  from: number;
  to: number;
  describe: string;
  migrate(doc: Record<string, unknown>): Record<string, unknown>;
}

type Doc = Record<string, unknown>;

function isObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * 1 → 2: the interval length moves from `market` to `gateway` (metering needs it without a
 * market); the block broker (`mqtt`) moves to `market.broker`; a market section whose
 * `enabled` was false stays, disabled, so nothing written in the file is lost.
 */
export const V1_TO_V2: ConfigMigration = {
  from: 1,
  to: 2,
  describe: 'interval length to gateway.intervalMinutes; mqtt to market.broker',
  migrate(doc) {
    const out: Doc = { ...doc };
    const market = isObject(doc.market) ? { ...doc.market } : undefined;
    const mqtt = isObject(doc.mqtt) ? { ...doc.mqtt } : doc.mqtt;
    delete out.mqtt;
    if (market && market.intervalMinutes !== undefined) {
      out.gateway = { ...(isObject(doc.gateway) ? doc.gateway : {}), intervalMinutes: market.intervalMinutes };
      delete market.intervalMinutes;
    }
    if (market || mqtt !== undefined) {
      const next: Doc = market ?? { enabled: false };
      if (mqtt !== undefined) next.broker = mqtt;
      out.market = next;
    }
    return out;
  },
};

export const CONFIG_MIGRATIONS: ReadonlyArray<ConfigMigration> = [V1_TO_V2];

export type MigrationResult = { ok: true; value: Record<string, unknown>; from: number } | { ok: false; problem: ConfigProblem };

export function migrateConfig(
  doc: Record<string, unknown>,
  migrations: ReadonlyArray<ConfigMigration> = CONFIG_MIGRATIONS,
  current: number = CONFIG_VERSION,
): MigrationResult {
  const version = doc.version;
  if (version === undefined) return { ok: false, problem: { path: 'version', message: `required (this nabo writes version ${current})` } };
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, problem: { path: 'version', message: `must be a positive integer, got ${JSON.stringify(version)}` } };
  }
  if (version > current) {
    return { ok: false, problem: { path: 'version', message: `${version} is newer than this nabo understands (${current}); upgrade nabo` } };
  }
  let value = structuredClone(doc);
  let at = version;
  while (at < current) {
    const step = migrations.find((m) => m.from === at);
    if (!step) return { ok: false, problem: { path: 'version', message: `no migration from version ${at}` } };
    value = step.migrate(value);
    value.version = step.to;
    at = step.to;
  }
  return { ok: true, value, from: version };
}
