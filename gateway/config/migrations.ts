// Numbered config migrations: a file written for version N is lifted step by step to the
// current version before validation. Version 1 is the first, so the chain is empty today;
// the mechanism exists so that the first schema change is a new entry, not a breaking change.
import { CONFIG_VERSION } from './schema.js';
import type { Problem as ConfigProblem } from '../../core/problems.js';

export interface ConfigMigration {
  from: number;
  to: number;
  describe: string;
  migrate(doc: Record<string, unknown>): Record<string, unknown>;
}

export const CONFIG_MIGRATIONS: ReadonlyArray<ConfigMigration> = [];

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
