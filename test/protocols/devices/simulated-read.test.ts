import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Quantity } from '../../../core/quantities.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusDevice } from '../../../device-sim/devices/modbus-device.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { DEVICE_DEFINITIONS } from '../../../protocols/devices/index.js';
import { runCli } from '../../gateway/cli/run-cli.js';
import { tolerance, trueValues } from './true-values.js';
import { unitOf } from '../../../core/quantities.js';
import { resolutionOf } from '../../../gateway/cli/output.js';

const dir = mkdtempSync(join(tmpdir(), 'nabo-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Every definition end to end: the simulator serves it on a Modbus TCP port from true values,
// and `nabo read` (the gateway's read path: config, bus, planner, decoder, sanity checks) gets
// those values back. The simulator and the gateway share the table, so this proves the
// pipeline for each device; the tables themselves are proven against their vendor documents.
describe('nabo read decodes every device definition the simulator serves', () => {
  DEVICE_DEFINITIONS.forEach((def, i) => {
    it(`${def.id}: ${def.manufacturer} ${def.model}`, async () => {
      const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 12) });
      const truth = trueValues(def, 1000 + i);
      const unitId = def.defaultUnitId ?? 1;
      const server = new ModbusTcpServer({ clock });
      server.add(new ModbusDevice({ identity: { deviceId: def.id, meterId: '12345678', model: def.model, manufacturer: def.manufacturer }, truth: () => truth, clock }, definitionModel(def), { unitId }));
      const { port } = await server.listen();
      try {
        const config = join(dir, `${def.id}.yaml`);
        writeFileSync(
          config,
          stringify({
            version: 1,
            gateway: { id: 'devices-test', dataDir: join(dir, def.id) },
            buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port, timeoutMs: 2000 }],
            devices: [{ id: 'dev', bus: 'lan', model: def.id, unitId }],
          }),
        );
        const r = await runCli(['read', 'dev', '--config', config, '--format', 'json']);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        const out = JSON.parse(r.stdout) as { status: string; errors: string[]; quantities: Array<{ quantity: Quantity; value: number }> };
        expect(out.errors).toEqual([]);
        expect(out.status).toBe('ok');
        const got = Object.fromEntries(out.quantities.map((q) => [q.quantity, q.value]));
        expect(Object.keys(got).sort()).toEqual(Object.keys(truth).sort());
        for (const reg of def.registers) {
          if (!reg.quantity) continue;
          const want = truth[reg.quantity]!;
          expect(Math.abs(got[reg.quantity]! - want), `${reg.name} → ${reg.quantity}: ${got[reg.quantity]} vs ${want}`).toBeLessThanOrEqual(tolerance(reg, want) + resolutionOf(unitOf(reg.quantity)) / 2 + 1e-9);
        }
      } finally {
        await server.close();
      }
    });
  });
});
