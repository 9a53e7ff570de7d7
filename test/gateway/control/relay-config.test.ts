import { describe, expect, it } from 'vitest';
import { relayConfigProblems, relaysSectionSchema } from '../../../gateway/control/relay-config.js';

const context = {
  buses: [
    { id: 'lan', kind: 'modbus-tcp' },
    { id: 'uno', kind: 'firmata' },
  ],
  devices: [
    { id: 'grid', bus: 'lan', model: 'eastron-sdm630' },
    { id: 'pulses', bus: 'uno', model: 's0', pin: 2 },
  ],
};

describe('relays config section', () => {
  it('fills the defaults of a water heater relay', () => {
    expect(relaysSectionSchema.parse([{ id: 'heater', device: 'uno', pin: 8, loadW: 2000 }])).toEqual([
      { id: 'heater', device: 'uno', pin: 8, loadW: 2000, minOnMs: 300_000, minOffMs: 300_000, failSafe: 'off', maxSwitchesPerHour: 6, readBackTimeoutMs: 30_000 },
    ]);
    expect(relaysSectionSchema.parse(undefined)).toEqual([]);
  });

  it('refuses a pin that is no digital output and an unknown field', () => {
    expect(relaysSectionSchema.safeParse([{ id: 'heater', device: 'uno', pin: 14, loadW: 2000 }]).success).toBe(false);
    expect(relaysSectionSchema.safeParse([{ id: 'heater', device: 'uno', pin: 8, loadW: 2000, failSafe: 'maybe' }]).success).toBe(false);
    expect(relaysSectionSchema.safeParse([{ id: 'heater', device: 'uno', pin: 8, loadW: 2000, colour: 'red' }]).success).toBe(false);
  });

  it('names the board by its bus or by a device on it, and finds clashes with their paths', () => {
    const relays = relaysSectionSchema.parse([
      { id: 'heater', device: 'uno', pin: 8, loadW: 2000 },
      { id: 'heater', device: 'pulses', pin: 8, loadW: 1000 },
      { id: 'grid', device: 'lan', pin: 9, loadW: 1000 },
      { id: 'pump', device: 'uno', pin: 2, loadW: 500 },
    ]);
    expect(relayConfigProblems(relays, context)).toEqual([
      { path: 'relays[1].id', message: "duplicate relay id 'heater'" },
      { path: 'relays[1].pin', message: "pin 8 of 'uno' is already relays[0]" },
      { path: 'relays[2].id', message: "'grid' is also a device id; holds name relays and devices alike" },
      { path: 'relays[2].device', message: "'lan' is not a Firmata board (a bus of kind firmata, or a device on one)" },
      { path: 'relays[3].pin', message: "pin 2 of 'uno' is the input of device 'pulses'" },
    ]);
  });

  it('reports the same problems through a superRefine, with their paths, as the main schema will', async () => {
    const { z } = await import('zod');
    const { addRelayConfigIssues, relaysSectionSchema: section } = await import('../../../gateway/control/relay-config.js');
    const schema = z.object({ relays: section }).superRefine((cfg, ctx) => addRelayConfigIssues(cfg.relays, context, ctx));
    const parsed = schema.safeParse({ relays: [{ id: 'pump', device: 'uno', pin: 2, loadW: 500 }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => [i.path, i.message])).toEqual([[['relays', 0, 'pin'], "pin 2 of 'uno' is the input of device 'pulses'"]]);
  });
});
