import { execFileSync } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RealClock, SimulatedClock } from '../../../gateway/clock/clock.js';
import { EventBus, type Alarm } from '../../../gateway/events/events.js';
import { openDatabase } from '../../../gateway/store/database.js';
import { StatusBoard } from '../../../gateway/services/service.js';
import { Store } from '../../../gateway/store/store.js';
import { enqueueRecord } from '../../../gateway/uplink/record.js';
import { UplinkService, type UplinkStatus } from '../../../gateway/uplink/uplink-service.js';
import { TestBroker } from '../../helpers/mosquitto.js';
import { DAY_START_MS, energyRecord, gateways, quietLog, startSqliteOperator, tempDir, uplinkConfig, type TestGateway } from '../../helpers/uplink-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Writes zeros until the filesystem is full; returns the file to delete to free the space. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  // The last partial blocks too.
  const fd2 = openSync(join(dir, 'filler-tail'), 'w');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(512));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd2);
  }
  return file;
}

describe('uplink on a full disk', () => {
  it('keeps the store consistent, refuses new records, alarms, and drains when space returns (needs root for a 8 MB tmpfs, mosquitto)', async () => {
    if (process.getuid?.() !== 0) throw new Error('this test mounts a small tmpfs and must run as root');
    const broker = await TestBroker.start();
    cleanups.push(() => broker.close());
    const outer = tempDir('nabo-diskfull-');
    const mnt = join(outer, 'mnt');
    execFileSync('mkdir', [mnt]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
    cleanups.push(() => {
      execFileSync('umount', ['-l', mnt]);
      rmSync(outer, { recursive: true, force: true });
    });
    const gws = gateways(1);
    const g = gws[0] as TestGateway;
    const { storage, stop } = await startSqliteOperator(broker.url, join(outer, 'operator.db'), gws);
    cleanups.push(stop);
    const file = join(mnt, 'gw.db');
    const store = Store.open(file);
    const alarms: Alarm[] = [];
    const events = new EventBus();
    events.on('alarm', (a) => alarms.push(a));
    const status = new StatusBoard();
    const uplink = new UplinkService({ config: uplinkConfig(broker.url, { ackTimeoutMs: 500 }), gatewayId: g.id, ioClock: new RealClock(), pollMs: 50 });
    // The broker is down while a backlog builds, so acks arrive only once the disk is full.
    await broker.kill();
    uplink.start({ clock: new SimulatedClock({ startMs: DAY_START_MS }), store, status, log: quietLog, events });
    cleanups.push(async () => {
      await uplink.stop();
      store.close();
    });
    store.db.transaction(() => {
      for (let i = 0; i < 300; i++) enqueueRecord(store, energyRecord(g.id, 'main', i), g.seed);
    })();
    const filler = fillDisk(mnt);
    // A producer on a full disk fails as a whole: its transaction leaves nothing behind.
    let refused = 0;
    for (let i = 300; i < 2000 && refused === 0; i++) {
      try {
        store.db.transaction(() => {
          for (let k = 0; k < 50; k++) enqueueRecord(store, energyRecord(g.id, `bulk-${k}`, i), g.seed);
        })();
      } catch (err) {
        expect((err as { code?: string }).code).toMatch(/SQLITE_FULL|SQLITE_IOERR/);
        refused++;
      }
    }
    expect(refused).toBe(1);
    const before = (store.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
    expect(before % 50).toBe(300 % 50);
    await broker.restart();
    // The uplink keeps going: it sends, acks that cannot be written leave records pending.
    await new Promise<void>((resolve) => {
      const off = uplink.onDelivered(() => {
        off();
        resolve();
      });
      const t = setInterval(() => {
        if ((status.snapshot().uplink as UplinkStatus).storeErrors > 0) {
          clearInterval(t);
          off();
          resolve();
        }
      }, 20);
      cleanups.push(() => clearInterval(t));
    });
    rmSync(filler);
    rmSync(join(mnt, 'filler-tail'));
    await uplink.drained(30_000);
    expect(await storage.count()).toBe(before);
    const s = status.snapshot().uplink as UplinkStatus;
    // Acks that could not be written raised one alarm, cleared once the store took writes again.
    expect(s.storeErrors).toBeGreaterThan(0);
    expect(alarms.map((a) => `${a.code}${a.cleared ? ':cleared' : ''}`)).toEqual(['uplink-store-error', 'uplink-store-error:cleared']);
    store.close();
    const check = openDatabase(file);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 60_000);
});
