// Reading a gateway config: YAML → migrations → secrets from the environment → schema.
// Every problem comes back with the path of the field it concerns, so an installer can fix a
// file from the message alone.
import { readFileSync } from 'node:fs';
import type { Problem } from '../../core/problems.js';
import { zodProblems } from '../../core/problems.js';
import { parseYamlText } from '../../core/yaml-text.js';
import { CONFIG_VERSION, configSchema, type NaboConfig } from './schema.js';
import { migrateConfig } from './migrations.js';

/** A config problem: the field's path and what is wrong. */
export type ConfigProblem = Problem;

export type ConfigResult = { ok: true; config: NaboConfig; migratedFrom?: number } | { ok: false; problems: ConfigProblem[] };

function setIn(raw: Record<string, unknown>, path: readonly string[], value: string): void {
  let at: unknown = raw;
  for (const key of path.slice(0, -1)) {
    if (!at || typeof at !== 'object') return;
    at = (at as Record<string, unknown>)[key];
  }
  // Only where the file has the section: a secret alone does not enable a capability.
  if (at && typeof at === 'object') (at as Record<string, unknown>)[path[path.length - 1] as string] = value;
}

/** Environment variables that may carry secrets instead of the file (applied after migration). */
export const SECRET_ENVIRONMENT: ReadonlyArray<{ variable: string; describe: string; apply: (raw: Record<string, unknown>, value: string) => void }> = [
  { variable: 'NABO_MQTT_PASSWORD', describe: 'market.broker.password', apply: (raw, v) => setIn(raw, ['market', 'broker', 'password'], v) },
  { variable: 'NABO_MQTT_USERNAME', describe: 'market.broker.username', apply: (raw, v) => setIn(raw, ['market', 'broker', 'username'], v) },
  // The uplink reads its password from the variable its section names (uplink.passwordEnv, NABO_UPLINK_PASSWORD by default).
  { variable: 'NABO_API_TOKEN', describe: 'api.token', apply: (raw, v) => setIn(raw, ['api', 'token'], v) },
];

/** `NABO_DEVICE_<ID>_ENCRYPTION_KEY` / `_AUTHENTICATION_KEY`, id upper-cased with - as _. */
function applyDeviceSecrets(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const devices = raw.devices;
  if (!Array.isArray(devices)) return;
  for (const d of devices) {
    if (!d || typeof d !== 'object' || typeof (d as { id?: unknown }).id !== 'string') continue;
    const key = ((d as { id: string }).id).toUpperCase().replace(/-/g, '_');
    const enc = env[`NABO_DEVICE_${key}_ENCRYPTION_KEY`];
    const auth = env[`NABO_DEVICE_${key}_AUTHENTICATION_KEY`];
    if (enc) (d as Record<string, unknown>).encryptionKey = enc;
    if (auth) (d as Record<string, unknown>).authenticationKey = auth;
  }
}

/** Validates an already parsed document (a plain object). */
export function validateConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: '(root)', message: 'must be a mapping of fields (version, gateway, buses, devices, …)' }] };
  }
  const migrated = migrateConfig(raw as Record<string, unknown>);
  if (!migrated.ok) return { ok: false, problems: [migrated.problem] };
  const doc = migrated.value;
  for (const s of SECRET_ENVIRONMENT) {
    const v = env[s.variable];
    if (v !== undefined && v !== '') s.apply(doc, v);
  }
  applyDeviceSecrets(doc, env);
  const parsed = configSchema.safeParse(doc, { reportInput: true });
  if (!parsed.success) {
    return { ok: false, problems: zodProblems(parsed.error) };
  }
  const result: ConfigResult = { ok: true, config: parsed.data };
  if (migrated.from !== CONFIG_VERSION) result.migratedFrom = migrated.from;
  return result;
}

/** Parses and validates a config's YAML text. */
export function parseConfigText(text: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  const parsed = parseYamlText(text);
  return parsed.ok ? validateConfig(parsed.value, env) : parsed;
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): ConfigResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, problems: [{ path: '(file)', message: `cannot read ${file}: ${code}` }] };
  }
  return parseConfigText(text, env);
}
