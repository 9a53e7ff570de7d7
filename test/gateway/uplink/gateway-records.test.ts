// The gateway's own records: interval energy queued in the transaction that writes the rows
// (so a failed enqueue leaves no row either), revisions as new ids, alarms as they are raised.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { IntervalJob } from '../../../gateway/acquisition/interval-job.js';
import { Store } from '../../../gateway/store/store.js';
import { intervalEnergyRecord, intervalEnergyRecorder, AlarmRecordService } from '../../../gateway/uplink/gateway-records.js';
import { parseSignedRecord } from '../../../gateway/uplink/record.js';
import { intervalEnergyPayloadSchema } from '../../../gateway/uplink/payloads.js';
import { EventBus } from '../../../gateway/events/events.js';
import { createLogger } from '../../../gateway/log/logger.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { configSchema } from '../../../gateway/config/schema.js';

afterAll(removeTempFolders);

const Q = 900_000;
const T0 = Date.UTC(2026, 5, 21, 10);
const seed = new Uint8Array(generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32));
let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

function openStore(): Store {
  store = Store.open(join(tempFolder('nabo-gateway-records-'), 'nabo.db'));
  return store;
}

function counters(s: Store, deviceId: string, imports: Array<[number, number]>): void {
  for (const [atMs, value] of imports) {
    s.readings.add({ deviceId, quantity: 'energyImportWh', unit: 'Wh', atMs, value });
    s.readings.add({ deviceId, quantity: 'energyExportWh', unit: 'Wh', atMs, value: 0 });
  }
  s.readings.flush();
}

describe('gateway records for the operator', () => {
  it('queues each interval-energy row as a signed record in the same transaction as the row', () => {
    const s = openStore();
    const clock = new SimulatedClock({ startMs: T0 + Q + 70_000 });
    counters(s, 'grid', [[T0 - 30_000, 1000], [T0 + 30_000, 1010], [T0 + Q - 30_000, 1290], [T0 + Q + 30_000, 1300]]);
    const job = new IntervalJob(clock, s, { intervalMs: Q, deviceIds: () => ['grid'], maxBracketMs: 120_001, graceMs: 65_000, withinWrite: intervalEnergyRecorder(() => s, 'gw-1', seed, () => clock.now()) });
    const [row] = job.compute(T0);
    expect(row).toMatchObject({ deviceId: 'grid', importWh: 290, quality: 'measured' });
    const queued = s.outbox.pending(10);
    expect(queued.map((r) => r.id)).toEqual([`interval-energy:gw-1:grid:${T0}:measured`]);
    const parsed = parseSignedRecord(queued[0]!.payload);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(intervalEnergyPayloadSchema.parse(parsed.value.payload.payload)).toMatchObject({ deviceId: 'grid', intervalStartMs: T0, importWh: 290, exportWh: 0, quality: 'measured' });
    // Recomputing the same row queues nothing new; a revision with another quality is a new fact.
    job.compute(T0);
    expect(s.outbox.pending(10)).toHaveLength(1);
    expect(intervalEnergyRecord('gw-1', { ...row!, quality: 'reconciled' }, 0).id).toBe(`interval-energy:gw-1:grid:${T0}:reconciled`);
  });

  it('writes no interval row when its record cannot be queued, and the job retries it', () => {
    const s = openStore();
    const clock = new SimulatedClock({ startMs: T0 + Q + 70_000 });
    counters(s, 'grid', [[T0 - 30_000, 1000], [T0 + Q + 30_000, 1300]]);
    let fail = true;
    const job = new IntervalJob(clock, s, {
      intervalMs: Q,
      deviceIds: () => ['grid'],
      maxBracketMs: 2 * Q,
      graceMs: 65_000,
      withinWrite: (rows) => {
        if (fail) throw new Error('disk full');
        intervalEnergyRecorder(() => s, 'gw-1', seed, () => clock.now())(rows);
      },
    });
    expect(() => job.compute(T0)).toThrow('disk full');
    expect(s.intervals.range('grid', T0, T0 + Q)).toEqual([]);
    expect(s.outbox.pending(10)).toEqual([]);
    fail = false;
    job.compute(T0);
    expect(s.intervals.range('grid', T0, T0 + Q)).toHaveLength(1);
    expect(s.outbox.pending(10)).toHaveLength(1);
  });

  it('queues every alarm raised on the bus as a signed alarm record', async () => {
    const s = openStore();
    const clock = new SimulatedClock({ startMs: T0 });
    const log = createLogger({ level: 'silent', pretty: false });
    const events = new EventBus(log);
    const service = new AlarmRecordService(seed);
    await service.start({ config: configSchema.parse({ version: 2, gateway: { id: 'gw-1', dataDir: '/tmp' } }), clock, log, store: s, events, status: new StatusBoard(), serviceFailed: () => undefined } as never);
    events.emit('alarm', { code: 'battery-not-following', severity: 'warning', message: 'bat runs at 0 W against 2000 W', atMs: T0, deviceId: 'bat' });
    events.emit('alarm', { code: 'battery-not-following', severity: 'warning', message: 'again', atMs: T0, deviceId: 'bat' });
    await service.stop();
    events.emit('alarm', { code: 'after-stop', severity: 'info', message: 'not queued', atMs: T0 });
    const queued = s.outbox.pending(10);
    expect(queued).toHaveLength(2);
    for (const q of queued) {
      const p = parseSignedRecord(q.payload);
      expect(p.ok && p.value.payload.kind).toBe('alarm');
      expect(p.ok && (p.value.payload.payload as { code: string }).code).toBe('battery-not-following');
    }
  });
});
