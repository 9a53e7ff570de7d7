import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../gateway/config/load.js';
import { findAnyDefinition } from '../../protocols/devices/index.js';

const PUSH_MODELS = ['han', 'dsmr-p1', 's0', 'iec62056-21'];

describe('example configs in deploy/examples', () => {
  for (const [file, expected] of [
    ['deploy/examples/house-han-pv-battery.yaml', { han: 1, pv: 1, battery: 1 }],
    ['deploy/examples/office-rs485.yaml', { rtuMeters: 8 }],
  ] as const) {
    it(`${file} passes the config check and names only known device models`, () => {
      const r = loadConfigFile(file, {});
      expect(r.ok ? [] : r.problems).toEqual([]);
      if (!r.ok) return;
      for (const d of r.config.devices) expect(PUSH_MODELS.includes(d.model) || findAnyDefinition(d.model) !== undefined, `${d.id}: ${d.model}`).toBe(true);
      const busKind = (id: string): string | undefined => r.config.buses.find((b) => b.id === id)?.kind;
      if ('han' in expected) {
        expect(r.config.devices.filter((d) => busKind(d.bus) === 'han' && d.role === 'grid-meter')).toHaveLength(expected.han);
        expect(r.config.devices.filter((d) => d.role === 'pv')).toHaveLength(expected.pv);
        expect(r.config.devices.filter((d) => d.role === 'battery')).toHaveLength(expected.battery);
      } else {
        expect(r.config.devices.filter((d) => busKind(d.bus) === 'modbus-rtu')).toHaveLength(expected.rtuMeters);
      }
    });
  }

  it('the block broker host guide names the files it installs, and they exist', () => {
    const guide = readFileSync('deploy/examples/block-broker-host.md', 'utf8');
    for (const file of ['deploy/mosquitto/mosquitto.conf', 'deploy/mosquitto/conf.d/nabo-bridge.conf', 'deploy/certs/make-test-ca.sh']) {
      expect(guide).toContain(file);
      expect(() => readFileSync(file)).not.toThrow();
    }
  });
});
