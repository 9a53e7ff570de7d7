// Runs `nabo sim fleet` as its own process (Modbus TCP only, so no socat needed), reads a
// meter over Modbus TCP, compares it with the control API's truth, and turns the listing into
// gateway configs that pass `nabo config check`.
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { startChild, type WatchedChild } from '../../helpers/child-process.js';
import { main } from '../../../gateway/cli/program.js';
import { readListingFile, type FleetListing } from '../../../device-sim/fleet/listing.js';

afterAll(removeTempFolders);

const ROOT = path.resolve(import.meta.dirname, '../../..');
let child: WatchedChild | undefined;
let listing: FleetListing;
let dir: string;

beforeAll(async () => {
  dir = tempFolder('nabo-sim-fleet-');
  const out = path.join(dir, 'fleet.json');
  child = startChild(path.join(ROOT, 'node_modules/.bin/tsx'), ['gateway/cli/main.ts', 'sim', 'fleet', '--tcp-only', '--blocks', '1', '--buildings', '2', '--seed', '7', '--out', out, '--format', 'json'], { cwd: ROOT });
  await child.waitFor('fleet running', 25_000, 'stderr');
  const read = readListingFile(out);
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  listing = read.listing;
}, 30_000);

afterAll(async () => {
  await child?.stop();
});

/** Reads `count` input registers with one Modbus TCP request (function 4). */
function readInputRegisters(host: string, port: number, unitId: number, address: number, count: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    const request = Buffer.from([0, 1, 0, 0, 0, 6, unitId, 4, address >> 8, address & 0xff, 0, count]);
    let data = Buffer.alloc(0);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (c: Buffer) => {
      data = Buffer.concat([data, c]);
      if (data.length >= 9 && data.length >= 9 + (data[8] ?? 0)) {
        socket.destroy();
        if ((data[7] ?? 0) & 0x80) reject(new Error(`exception ${data[8]}`));
        else resolve(data.subarray(9, 9 + (data[8] ?? 0)));
      }
    });
    socket.on('error', reject);
  });
}

describe('nabo sim fleet (a separate process, Modbus TCP only)', () => {
  it('lists every device with a host, port and unit id, and the control API', () => {
    const devices = listing.blocks.flatMap((b) => b.buildings.flatMap((h) => h.devices));
    expect(devices.length).toBeGreaterThanOrEqual(2);
    for (const d of devices) expect(d.endpoint).toMatchObject({ transport: 'modbus-tcp', host: '127.0.0.1', port: expect.any(Number), unitId: 1 });
    expect(listing.control?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listing.clock.mode).toBe('real');
  });

  it('serves an SDM630 whose import counter agrees with the truth of the control API', async () => {
    const meter = listing.blocks[0]?.buildings[0]?.devices.find((d) => d.kind === 'sdm630');
    if (!meter || meter.endpoint.transport !== 'modbus-tcp') throw new Error('no TCP meter listed');
    // SDM630 input register 0x0048: total import, kWh, float32 big-endian.
    const words = await readInputRegisters(meter.endpoint.host, meter.endpoint.port, meter.endpoint.unitId, 0x48, 2);
    const readKWh = words.readFloatBE(0);
    const truth = (await (await fetch(`${listing.control?.url}/devices/${meter.deviceId}`)).json()) as { truth: { energyImportWh: number } };
    // float32 holds a 5-digit kWh count to a few Wh; a second of load adds a few more.
    expect(Math.abs(readKWh * 1000 - truth.truth.energyImportWh)).toBeLessThan(20);
  });

  it('turns the listing into gateway configs that pass `nabo config check`', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const out = path.join(dir, 'configs');
      expect(await main(['node', 'nabo', 'sim', 'configs', '--fleet', path.join(dir, 'fleet.json'), '--out', out, '--format', 'json'])).toBe(0);
      for (const b of listing.blocks[0]?.buildings ?? []) {
        process.exitCode = undefined;
        expect(await main(['node', 'nabo', 'config', 'check', path.join(out, b.id, 'nabo.yaml'), '--format', 'json'])).toBe(0);
      }
    } finally {
      vi.restoreAllMocks();
      process.exitCode = undefined;
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await child?.stop()).toBe(0);
  });
});
