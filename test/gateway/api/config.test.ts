import { describe, expect, it } from 'vitest';
import { API_DEFAULTS, isLoopbackHost, resolveApiConfig } from '../../../gateway/api/config.js';

describe('api config section', () => {
  it('listens on loopback port 8080 by default, with no token and Home Assistant off', () => {
    expect(API_DEFAULTS).toEqual({
      enabled: true,
      listen: { host: '127.0.0.1', port: 8080 },
      alarmHistory: 200,
      homeAssistant: { enabled: false, discoveryPrefix: 'homeassistant', statePrefix: 'nabo', statePeriodS: 10 },
    });
    expect(resolveApiConfig(undefined, {})).toEqual({ ok: true, config: API_DEFAULTS });
  });

  it('requires a token on a non-loopback address, from the file or NABO_API_TOKEN', () => {
    expect(resolveApiConfig({ listen: { host: '0.0.0.0' } }, {})).toEqual({
      ok: false,
      problems: [{ path: 'api.token', message: 'required when api.listen.host (0.0.0.0) is not loopback; set it or NABO_API_TOKEN' }],
    });
    const fromEnv = resolveApiConfig({ listen: { host: '0.0.0.0' } }, { NABO_API_TOKEN: 'from-the-environment-123' });
    expect(fromEnv.ok && fromEnv.config.token).toBe('from-the-environment-123');
    const fromFile = resolveApiConfig({ listen: { host: '192.0.2.10' }, token: 'from-the-file-1234567' }, { NABO_API_TOKEN: 'from-the-environment-123' });
    expect(fromFile.ok && fromFile.config.token).toBe('from-the-file-1234567');
    expect(resolveApiConfig({ listen: { host: '0.0.0.0' } }, { NABO_API_TOKEN: 'short' })).toMatchObject({ ok: false, problems: [{ path: 'api.token' }] });
  });

  it('names the field of a bad value and refuses unknown keys', () => {
    expect(resolveApiConfig({ listen: { port: 70000 } }, {})).toEqual({ ok: false, problems: [{ path: 'api.listen.port', message: 'must be 0..65535' }] });
    expect(resolveApiConfig({ tokn: 'x' }, {})).toMatchObject({ ok: false, problems: [{ path: 'api' }] });
  });

  it('wants Home Assistant\'s broker when discovery is on', () => {
    expect(resolveApiConfig({ homeAssistant: { enabled: true } }, {})).toMatchObject({ ok: false, problems: [{ path: 'api.homeAssistant.mqtt' }] });
    expect(resolveApiConfig({ homeAssistant: { enabled: true, mqtt: { url: 'mqtt://ha.local:1883' } } }, {}).ok).toBe(true);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'gateway.local', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });
});
