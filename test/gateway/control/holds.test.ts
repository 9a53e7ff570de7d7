import { describe, expect, it } from 'vitest';
import { notHoldable } from '../../../gateway/control/holds.js';

const config = {
  devices: [
    { id: 'grid', capabilities: ['read'] },
    { id: 'battery', capabilities: ['read', 'battery-setpoint'] },
  ],
  relays: [{ id: 'water-heater', device: 'uno', pin: 8, loadW: 2000 }],
};

describe('what nabo control hold accepts', () => {
  it('holds a steered battery and a relay of the relays section', () => {
    expect(notHoldable(config, 'battery')).toBeUndefined();
    expect(notHoldable(config, 'water-heater')).toBeUndefined();
  });

  it('refuses a read-only device and an unknown id, naming what could be held', () => {
    expect(notHoldable(config, 'grid')).toMatch(/'grid' is read only/);
    expect(notHoldable(config, 'boiler')).toBe("no device or relay 'boiler' (devices: grid, battery; relays: water-heater)");
    expect(notHoldable({ devices: config.devices }, 'water-heater')).toMatch(/relays: none/);
  });
});
