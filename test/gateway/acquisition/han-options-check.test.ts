// A HAN option set wrong in the config shows where the installer looks: `nabo check` reads the
// simulated Kamstrup meter on a real pseudo-terminal, and a voltage scaler override that does
// not fit the meter gives the plausibility warning in its result and its table row.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { probeDevices } from '../../../gateway/acquisition/probe.js';
import { HanMeter } from '../../../device-sim/devices/han-meter.js';
import { requireTool } from '../../device-sim/transports/tools.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from '../cli/run-cli.js';

const T0 = Date.UTC(2026, 5, 21, 12);
let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  process.exitCode = undefined;
});
afterAll(removeTempFolders);

async function kamstrupMeter(): Promise<HanMeter> {
  // Runs by itself at 20×: a list 2 every 500 real ms.
  const clock = new SimulatedClock({ startMs: T0, speed: 20 });
  clock.start();
  cleanup.push(() => clock.stop());
  const meter = await HanMeter.open(
    {
      identity: { deviceId: 'ams', meterId: '5706567331323526', model: '6841131BN245101092' },
      truth: () => ({ powerW: 2300, powerImportW: 2300, powerExportW: 0, voltageL1V: 230, voltageL2V: 231, voltageL3V: 229, currentL1A: 3.3, currentL2A: 3.4, currentL3A: 3.3, energyImportWh: 12_345_670 }),
      clock,
    },
    { layout: 'kamstrup' },
  );
  cleanup.push(() => meter.close());
  return meter;
}

function config(path: string, han: unknown) {
  return {
    version: 2,
    gateway: { id: 'gw', timeZone: 'Europe/Stockholm' },
    buses: [{ id: 'han', kind: 'han', path, baudRate: 2400, parity: 'none' }],
    devices: [{ id: 'ams', bus: 'han', model: 'han', role: 'grid-meter', ...(han === undefined ? {} : { han }) }],
  };
}

describe('HAN options seen in nabo check (needs socat)', () => {
  beforeAll(() => requireTool('socat'));

  it('a voltage scaler override that does not fit the meter gives the plausibility warning; none without it', async () => {
    const meter = await kamstrupMeter();
    const probe = async (han: unknown) => {
      const checked = validateConfig(config(meter.endpoint().path, han), {});
      if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
      const [r] = await probeDevices(checked.config, { pushWaitMs: 5000 });
      return r!;
    };
    const plain = await probe({ country: 'SE' });
    expect(plain.status).toBe('ok');
    expect(plain.values.voltageL1V).toBe(230);
    expect(plain.warnings).toBeUndefined();
    const wrong = await probe({ country: 'SE', scalers: { '32.7.0': -1 } });
    expect(wrong.values.voltageL1V).toBe(23);
    expect(wrong.warnings).toEqual(['voltageL1V = 23 V is not a grid voltage: wrong scaler?']);
  });

  it('nabo check prints the warning in the device row', async () => {
    const meter = await kamstrupMeter();
    const file = join(tempFolder('nabo-han-check-'), 'nabo.yaml');
    writeFileSync(file, JSON.stringify(config(meter.endpoint().path, { country: 'SE', scalers: { '32.7.0': -1 } })));
    const r = await runCli(['check', '--config', file, '--push-wait', '5000', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ams .* warning: voltageL1V = 23 V is not a grid voltage: wrong scaler\?/);
  });
});
