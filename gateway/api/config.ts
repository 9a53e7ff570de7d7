// The `api:` section of nabo.yaml: where the dashboard, JSON API and /metrics listen, the token
// that guards them off loopback, and the optional Home Assistant discovery. The main schema
// embeds this as `api: apiConfigSchema.default(API_DEFAULTS)`.
import { z } from 'zod';

const homeAssistantSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** HA's discovery prefix (HA's own default). */
  discoveryPrefix: z.string().min(1).default('homeassistant'),
  /** Where nabo publishes the states the discovery configs point at. */
  statePrefix: z.string().min(1).default('nabo'),
  /** Seconds between state publications. */
  statePeriodS: z.number().int().positive('must be a positive number of seconds').default(10),
  /** Home Assistant's broker (often HA's own Mosquitto add-on); required when enabled. */
  mqtt: z
    .strictObject({
      url: z.string().regex(/^(mqtts?|wss?|tcp):\/\/.+/, 'must be an MQTT URL such as mqtt://homeassistant.local:1883'),
      username: z.string().optional(),
      password: z.string().optional(),
    })
    .optional(),
}).refine((ha) => !ha.enabled || ha.mqtt !== undefined, { message: 'mqtt.url is required when enabled (Home Assistant\'s broker)', path: ['mqtt'] });

export const apiConfigSchema = z.strictObject({
  enabled: z.boolean().default(true),
  listen: z
    .strictObject({
      /** Loopback by default: anything else requires a token. */
      host: z.string().min(1).default('127.0.0.1'),
      /** 0 picks any free port (tests). */
      port: z.number().int().min(0, 'must be 0..65535').max(65535, 'must be 0..65535').default(8080),
    })
    .default({ host: '127.0.0.1', port: 8080 }),
  /** Bearer token; may come from NABO_API_TOKEN. Required when listen.host is not loopback. */
  token: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Alarms kept for /api/alarms (newest first). */
  alarmHistory: z.number().int().min(1).max(10_000).default(200),
  homeAssistant: homeAssistantSchema.default({ enabled: false, discoveryPrefix: 'homeassistant', statePrefix: 'nabo', statePeriodS: 10 }),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
export type HomeAssistantConfig = ApiConfig['homeAssistant'];

/** The whole section with every default, for configs that have none. */
export const API_DEFAULTS: ApiConfig = apiConfigSchema.parse({});

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * The section as the service uses it: the token from the environment when the file has none,
 * and a refusal (a message with the field's path) when a non-loopback listener has no token.
 */
export function resolveApiConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): { ok: true; config: ApiConfig } | { ok: false; problems: Array<{ path: string; message: string }> } {
  const parsed = apiConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => ({ path: ['api', ...i.path].join('.'), message: i.message })) };
  }
  const config = { ...parsed.data };
  const fromEnv = env.NABO_API_TOKEN;
  if (config.token === undefined && fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) return { ok: false, problems: [{ path: 'api.token', message: 'NABO_API_TOKEN must be at least 16 characters' }] };
    config.token = fromEnv;
  }
  if (config.enabled && !isLoopbackHost(config.listen.host) && config.token === undefined) {
    return { ok: false, problems: [{ path: 'api.token', message: `required when api.listen.host (${config.listen.host}) is not loopback; set it or NABO_API_TOKEN` }] };
  }
  return { ok: true, config };
}
