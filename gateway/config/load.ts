// Reading a gateway config: YAML → migrations → secrets from the environment → schema.
// Every problem comes back with the path of the field it concerns, so an installer can fix a
// file from the message alone.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { CONFIG_VERSION, configSchema, type NaboConfig } from './schema.js';
import { migrateConfig } from './migrations.js';

export interface ConfigProblem {
  /** `devices[2].unitId`, or `(file)` for a problem with the file as a whole. */
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: NaboConfig; migratedFrom?: number } | { ok: false; problems: ConfigProblem[] };

/** `['devices', 2, 'unitId']` → `devices[2].unitId`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    return issue.message;
  }
  return issue.message;
}

/** Environment variables that may carry secrets instead of the file. */
export const SECRET_ENVIRONMENT: ReadonlyArray<{ variable: string; describe: string; apply: (raw: Record<string, unknown>, value: string) => void }> = [
  {
    variable: 'NABO_MQTT_PASSWORD',
    describe: 'mqtt.password',
    apply: (raw, value) => {
      const mqtt = raw.mqtt;
      if (mqtt && typeof mqtt === 'object') (mqtt as Record<string, unknown>).password = value;
    },
  },
  {
    variable: 'NABO_MQTT_USERNAME',
    describe: 'mqtt.username',
    apply: (raw, value) => {
      const mqtt = raw.mqtt;
      if (mqtt && typeof mqtt === 'object') (mqtt as Record<string, unknown>).username = value;
    },
  },
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
  const parsed = configSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: issueMessage(i) }));
    return { ok: false, problems };
  }
  const result: ConfigResult = { ok: true, config: parsed.data };
  if (migrated.from !== CONFIG_VERSION) result.migratedFrom = migrated.from;
  return result;
}

/** YAML text to plain data; syntax errors (duplicate keys too) come back with line and column. */
export function parseYamlText(text: string): { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] } {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return { path: pos ? `(line ${pos.line}, column ${pos.col})` : '(file)', message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }
  return { ok: true, value: doc.toJS() as unknown };
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
