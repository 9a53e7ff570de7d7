// Interop: the gateway reads a Modbus server that nabo did not write — Debian's python3-pymodbus
// serving an SDM630 register image — over TCP and over RTU on a socat pty pair.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { eastronSdm630 } from '../../../protocols/devices/eastron-sdm630.js';
import { buildRegisterImage } from '../../../protocols/modbus/image.js';
import { rtuLine, tcpLine } from '../../../protocols/modbus/line-time.js';
import type { QuantityValues } from '../../../core/quantities.js';
import { ModbusDevice } from '../../../gateway/acquisition/modbus-device.js';
import { ModbusRtuPort } from '../../../gateway/bus/modbus-rtu-port.js';
import { ModbusTcpPort } from '../../../gateway/bus/modbus-tcp-port.js';
import { RequestQueue } from '../../../gateway/bus/request-queue.js';
import { configSnippet, scanBus } from '../../../gateway/acquisition/scan.js';
import { openPtyPair, type PtyPair } from '../../../device-sim/transports/pty-pair.js';
import { freePort } from '../../free-port.js';
import { startChild, type WatchedChild } from '../../helpers/child-process.js';

afterAll(removeTempFolders);

const PYTHON = '/usr/bin/python3';
const TRUTH: QuantityValues = {
  voltageL1V: 231.4,
  voltageL2V: 229.8,
  voltageL3V: 233.1,
  currentL1A: 5.25,
  powerW: 3456.5,
  frequencyHz: 49.98,
  energyImportWh: 12_345_678,
  energyExportWh: 2_345_600,
};

function requirePymodbus(): void {
  const r = spawnSync(PYTHON, ['-c', 'import pymodbus'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3-pymodbus is missing (apt-get install -y python3-pymodbus): ${r.stderr || r.error}`);
}

function imageJson(dir: string, extra: Record<string, unknown>): string {
  const image = buildRegisterImage(eastronSdm630, TRUTH);
  const top = (fc: 3 | 4): number => Math.max(...eastronSdm630.registers.filter((r) => r.functionCode === fc).map((r) => r.address + 4));
  const file = join(dir, 'image.json');
  writeFileSync(file, JSON.stringify({ ...extra, units: { '7': { input: Array.from(image.input.subarray(0, top(4))), holding: Array.from(image.holding.subarray(0, top(3))) } } }));
  return file;
}

async function startServer(specFile: string): Promise<WatchedChild> {
  const server = startChild(PYTHON, ['test/gateway/interop/pymodbus-server.py', specFile]);
  child = server; // stopped by afterEach even when it never gets ready
  await server.waitFor('ready', 15_000, 'stdout');
  return server;
}

function expectTruth(values: QuantityValues): void {
  for (const [q, v] of Object.entries(TRUTH)) {
    const got = values[q as keyof QuantityValues];
    expect(got, q).toBeDefined();
    // float32 carries 7 significant digits.
    expect(Math.abs((got as number) - v) / Math.max(1, Math.abs(v)), q).toBeLessThan(1e-6);
  }
}

let child: WatchedChild | undefined;
let pty: PtyPair | undefined;
afterEach(async () => {
  await child?.stop('SIGKILL');
  child = undefined;
  await pty?.close();
  pty = undefined;
});

describe('gateway reads a python3-pymodbus server', () => {
  it('reads an SDM630 image over Modbus TCP (needs python3-pymodbus)', async () => {
    requirePymodbus();
    const dir = tempFolder('nabo-interop-');
    const port = await freePort();
    child = await startServer(imageJson(dir, { transport: 'tcp', port }));
    const tcp = new ModbusTcpPort({ id: 'lan', host: '127.0.0.1', port });
    const device = new ModbusDevice({ deviceId: 'sdm', busId: 'lan', unitId: 7, definition: eastronSdm630, port: tcp, queue: new RequestQueue(), line: tcpLine(1), timeoutMs: 2000 });
    await tcp.open();
    const fast = await device.read('fast');
    const slow = await device.read('slow');
    await tcp.close();
    expectTruth({ ...fast.values, ...slow.values });
  });

  it('reads an SDM630 image over Modbus RTU on a pty (needs python3-pymodbus and socat)', async () => {
    requirePymodbus();
    const dir = tempFolder('nabo-interop-');
    pty = await openPtyPair();
    child = await startServer(imageJson(dir, { transport: 'rtu', path: pty.devicePath, baudRate: 9600 }));
    const rtu = new ModbusRtuPort({ id: 'rs485', path: pty.clientPath, baudRate: 9600 });
    const device = new ModbusDevice({ deviceId: 'sdm', busId: 'rs485', unitId: 7, definition: eastronSdm630, port: rtu, queue: new RequestQueue(), line: rtuLine(9600), timeoutMs: 2000 });
    await rtu.open();
    const fast = await device.read('fast');
    const slow = await device.read('slow');
    await rtu.close();
    expectTruth({ ...fast.values, ...slow.values });
  });

  it('finds the SDM630 by its meter code when scanning unit ids over TCP (needs python3-pymodbus)', async () => {
    requirePymodbus();
    const dir = tempFolder('nabo-interop-');
    const port = await freePort();
    child = await startServer(imageJson(dir, { transport: 'tcp', port }));
    const tcp = new ModbusTcpPort({ id: 'lan', host: '127.0.0.1', port });
    await tcp.open();
    const findings = await scanBus({ port: tcp, line: tcpLine(1), units: [5, 6, 7, 8], timeoutMs: 300 });
    await tcp.close();
    expect(findings).toEqual([{ unitId: 7, kind: 'meter', model: 'eastron-sdm630', description: 'Eastron SDM630-Modbus V2' }]);
    expect(configSnippet('lan', findings)).toContain('model: eastron-sdm630\n    unitId: 7');
  });
});
