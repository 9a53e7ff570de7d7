// `nabo scan` as an installer meets it: a Modbus TCP gateway answers 0x0B for the unit ids
// behind it where nothing lives, the printed snippet pastes into a config whole, and a TCP
// port number given to --port points at --tcp-port.
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { validateConfig } from '../../../gateway/config/load.js';
import { ModbusDevice as SimDevice } from '../../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../../device-sim/devices/definition-model.js';
import { ModbusTcpServer } from '../../../device-sim/transports/modbus-tcp-server.js';
import { runCli } from './run-cli.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function gatewayWithOneMeter(unitId: number): Promise<number> {
  const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 12) });
  // The simulator's TCP server answers 0x0B (gateway target failed to respond) for unit ids it does not serve.
  const server = new ModbusTcpServer({ clock });
  server.add(new SimDevice({ identity: { deviceId: 'grid', meterId: '42', model: 'SDM630' }, truth: () => ({ powerW: 1000, energyImportWh: 1_000_000, voltageL1V: 230 }), clock }, definitionModel('eastron-sdm630'), { unitId }));
  const { port } = await server.listen();
  cleanup.push(() => server.close());
  return port;
}

describe('nabo scan', () => {
  it('takes a gateway exception 0x0A/0x0B as no device at that unit id', async () => {
    const port = await gatewayWithOneMeter(2);
    const { code, stdout, stderr } = await runCli(['scan', '--host', '127.0.0.1', '--tcp-port', String(port), '--units', '1-4', '--timeout', '300', '--format', 'json']);
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as { found: Array<{ unitId: number; kind: string; model?: string }> };
    expect(out.found.map((f) => [f.unitId, f.kind, f.model])).toEqual([[2, 'meter', 'eastron-sdm630']]);
  });

  it('prints a snippet that defines every bus it refers to and passes the config check', async () => {
    const port = await gatewayWithOneMeter(1);
    const { stdout } = await runCli(['scan', '--host', '127.0.0.1', '--tcp-port', String(port), '--units', '1', '--timeout', '300', '--format', 'json']);
    const snippet = parse((JSON.parse(stdout) as { snippet: string }).snippet) as { buses: Array<Record<string, unknown>>; devices: Array<Record<string, unknown>> };
    expect(snippet.buses).toEqual([{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port }]);
    const checked = validateConfig({ version: 1, gateway: { id: 'gw' }, ...snippet }, {});
    expect(checked.ok ? [] : checked.problems).toEqual([]);
  });

  it('points a TCP port number given to --port at --tcp-port', async () => {
    const { code, stderr } = await runCli(['scan', '--port', '502']);
    expect(code).toBe(2);
    expect(stderr).toContain('--host <host> --tcp-port 502');
  });
});
