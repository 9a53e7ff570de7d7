import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { clockFrom } from '../../../gateway/cli/gateway-setup.js';

function config(clock: Record<string, unknown>) {
  const r = validateConfig({ version: 1, gateway: { id: 'g' }, clock }, {});
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.config;
}

describe('the clock a gateway command runs on', () => {
  it('is simulated from the config, at its start and speed', () => {
    const clock = clockFrom(config({ mode: 'simulated', startAt: '2026-06-21T00:00:00Z', speed: 60 }), {}) as SimulatedClock;
    clock.stop();
    expect(clock.speed).toBe(60);
    expect(Math.abs(clock.now() - Date.UTC(2026, 5, 21))).toBeLessThan(60_000);
  });

  it('catches up with a simulator that started earlier (anchoredAt)', () => {
    const anchoredAt = new Date(Date.now() - 10_000).toISOString();
    const clock = clockFrom(config({ mode: 'simulated', startAt: '2026-06-21T00:00:00Z', speed: 60, anchoredAt }), {}) as SimulatedClock;
    clock.stop();
    // 10 real seconds at 60x: the fleet is 10 simulated minutes past its start.
    const ahead = clock.now() - Date.UTC(2026, 5, 21);
    expect(ahead).toBeGreaterThanOrEqual(600_000);
    expect(ahead).toBeLessThan(600_000 + 60 * 5_000);
  });

  it('lets --start and --speed override the config', () => {
    const clock = clockFrom(config({ mode: 'real' }), { start: '2026-01-01T00:00:00Z', speed: '1440' }) as SimulatedClock;
    clock.stop();
    expect(clock.speed).toBe(1440);
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBeLessThan(1440 * 5_000);
  });

  it('refuses a bad --speed', () => {
    expect(() => clockFrom(config({ mode: 'real' }), { speed: '-3' })).toThrow(/--speed/);
  });
});
