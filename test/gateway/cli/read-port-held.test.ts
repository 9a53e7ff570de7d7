import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openPtyPair } from '../../../device-sim/transports/pty-pair.js';
import { NABO_CLI, runChild } from '../../helpers/child-process.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('nabo read on a port the daemon holds (socat pty)', () => {
  it('says to use nabo status instead', async () => {
    const pair = await openPtyPair();
    cleanup.push(() => pair.close());
    // Holding the port as the daemon does: serialport locks it exclusively.
    const holder = new SerialPort({ path: pair.clientPath, baudRate: 9600 });
    await new Promise<void>((resolve, reject) => holder.once('open', () => resolve()).once('error', reject));
    cleanup.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const dir = mkdtempSync(join(tmpdir(), 'nabo-read-held-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'nabo.yaml');
    writeFileSync(file, stringify({ version: 1, gateway: { id: 'gw-1', dataDir: dir }, buses: [{ id: 'rs485', kind: 'modbus-rtu', path: pair.clientPath, timeoutMs: 300 }], devices: [{ id: 'grid', bus: 'rs485', model: 'eastron-sdm630', unitId: 1 }] }));
    const r = await runChild(process.execPath, [...NABO_CLI, 'read', 'grid', '--config', file, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`nabo status --config ${file}`);
  });
});
