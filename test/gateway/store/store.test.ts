import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { startChild } from '../../helpers/child-process.js';
import { Store } from '../../../gateway/store/store.js';
import { StoreError, migrate, openDatabase, schemaVersion } from '../../../gateway/store/database.js';
import { STORE_MIGRATIONS, STORE_SCHEMA_VERSION } from '../../../gateway/store/migrations.js';

afterAll(removeTempFolders);

const DAY = 86_400_000;
const tempFile = (name = 'nabo.db'): string => join(tempFolder('nabo-store-'), name);

describe('store schema', () => {
  it('migrates an empty file to the current version with every table', () => {
    const store = Store.open(tempFile());
    expect(schemaVersion(store.db)).toBe(STORE_SCHEMA_VERSION);
    const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of ['readings', 'aggregates_minute', 'interval_energy', 'orders', 'clearing_results', 'trades', 'settlements', 'outbox', 'schema_version']) expect(tables).toContain(t);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.close();
  });

  it('reopens an existing file without re-running migrations and keeps its data', () => {
    const file = tempFile();
    const a = Store.open(file);
    a.readings.add({ deviceId: 'm', quantity: 'powerW', unit: 'W', atMs: 1000, value: 5 });
    a.close();
    const b = Store.open(file);
    expect(b.readings.count()).toBe(1);
    expect((b.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get() as { n: number }).n).toBe(STORE_MIGRATIONS.length);
    b.close();
  });

  it('applies a later numbered migration once, on top of the existing ones', () => {
    const file = tempFile();
    Store.open(file).close();
    const extra = [...STORE_MIGRATIONS, { version: STORE_SCHEMA_VERSION + 1, describe: 'test column', sql: 'ALTER TABLE trades ADD COLUMN note TEXT' }];
    const db = openDatabase(file, { migrations: extra });
    expect(schemaVersion(db)).toBe(STORE_SCHEMA_VERSION + 1);
    expect(migrate(db, extra)).toBe(STORE_SCHEMA_VERSION + 1);
    db.close();
  });

  it('gives interval energy written before version 2 a quality: measured, or gap where it was a gap', () => {
    const file = tempFile();
    const old = new Database(file);
    migrate(old, STORE_MIGRATIONS.filter((m) => m.version === 1));
    const insert = old.prepare('INSERT INTO interval_energy (device_id, interval_start_ms, interval_ms, import_wh, export_wh, gap, gap_reason) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insert.run('g', 0, 900_000, 100, 0, 0, null);
    insert.run('g', 900_000, 900_000, null, null, 1, 'import: no-reading-at-end');
    old.close();
    const store = Store.open(file);
    expect(store.intervals.range('g', 0, 1_800_000).map((r) => [r.importWh, r.gap, r.quality])).toEqual([
      [100, false, 'measured'],
      [null, true, 'gap'],
    ]);
    store.intervals.put([{ deviceId: 'g', intervalStartMs: 1_800_000, intervalMs: 900_000, importWh: 7, exportWh: 0, gap: false, gapReason: null, quality: 'estimated' }]);
    expect(store.intervals.withQuality('g', 'estimated', 0, 3_600_000).map((r) => r.intervalStartMs)).toEqual([1_800_000]);
    store.close();
  });

  it('refuses a database written by a newer nabo, and leaves it untouched', () => {
    const file = tempFile();
    Store.open(file).close();
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_version (version, describe, applied_ms) VALUES (?, ?, ?)').run(STORE_SCHEMA_VERSION + 5, 'future', 0);
    raw.close();
    const before = readFileSync(file);
    expect(() => Store.open(file)).toThrow(StoreError);
    try {
      Store.open(file);
    } catch (err) {
      expect((err as StoreError).kind).toBe('newer-version');
      expect((err as Error).message).toMatch(/newer than this nabo/);
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database with a clear error, never a silent reset', () => {
    const file = tempFile();
    writeFileSync(file, 'this is not sqlite, just some text that happens to be here'.repeat(100));
    const before = readFileSync(file);
    let error: unknown;
    try {
      Store.open(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).kind).toBe('not-a-database');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('detects a damaged page on open', () => {
    const file = tempFile();
    const s = Store.open(file);
    for (let i = 0; i < 5000; i++) s.readings.add({ deviceId: 'm', quantity: 'powerW', unit: 'W', atMs: i * 1000, value: i });
    s.close();
    const raw = new Database(file);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16) || 65536;
    // Scribble over the middle of the file, past the schema page.
    for (let i = pageSize * 3; i < Math.min(bytes.length, pageSize * 6); i++) bytes[i] = 0xa5;
    writeFileSync(file, bytes);
    let error: unknown;
    try {
      Store.open(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect(['corrupt', 'not-a-database']).toContain((error as StoreError).kind);
  });
});

describe('readings and aggregates', () => {
  it('writes a flush in one transaction with per-minute aggregates', () => {
    const store = Store.open(tempFile());
    const t0 = Date.UTC(2026, 0, 1, 12, 0);
    for (let s = 0; s < 120; s++) store.readings.add({ deviceId: 'grid', quantity: 'powerW', unit: 'W', atMs: t0 + s * 1000, value: s });
    expect(store.readings.flush()).toBe(120);
    expect(store.readings.pending).toBe(0);
    const aggs = store.readings.minuteAggregates({ deviceId: 'grid', quantity: 'powerW' }, t0, t0 + 120_000);
    expect(aggs).toEqual([
      { minuteMs: t0, count: 60, mean: 29.5, min: 0, max: 59, last: 59 },
      { minuteMs: t0 + 60_000, count: 60, mean: 89.5, min: 60, max: 119, last: 119 },
    ]);
    expect(store.readings.range({ deviceId: 'grid', quantity: 'powerW' }, t0, t0 + 3000).map((r) => r.value)).toEqual([0, 1, 2]);
    store.close();
  });

  it('merges aggregates of one minute written by two flushes', () => {
    const store = Store.open(tempFile());
    const t0 = Date.UTC(2026, 0, 1, 12, 0);
    store.readings.add({ deviceId: 'g', quantity: 'powerW', unit: 'W', atMs: t0 + 1000, value: 10 });
    store.readings.flush();
    store.readings.add({ deviceId: 'g', quantity: 'powerW', unit: 'W', atMs: t0 + 2000, value: -4 });
    store.readings.flush();
    expect(store.readings.minuteAggregates({ deviceId: 'g', quantity: 'powerW' }, t0, t0 + 60_000)).toEqual([{ minuteMs: t0, count: 2, mean: 3, min: -4, max: 10, last: -4 }]);
    store.close();
  });

  it('keeps the batch buffered when a flush fails, so a retry loses nothing', () => {
    const store = Store.open(tempFile());
    store.readings.add({ deviceId: 'g', quantity: 'powerW', unit: 'W', atMs: 1, value: 1 });
    store.readings.add({ deviceId: 'g', quantity: 'powerW', unit: 'W', atMs: 2, value: Number.NaN as unknown as number });
    // NaN becomes NULL in SQLite, which the NOT NULL column refuses: the whole flush rolls back.
    expect(() => store.readings.flush()).toThrow();
    expect(store.readings.count()).toBe(0);
    expect(store.readings.pending).toBe(2);
    store.db.close();
  });
});

describe('retention', () => {
  it('prunes raw readings after N days and aggregates after a year, keeping market records forever', () => {
    const store = Store.open(tempFile());
    const now = Date.UTC(2026, 10, 21);
    const ages = [0, 6, 8, 200, 400];
    for (const d of ages) store.readings.add({ deviceId: 'g', quantity: 'powerW', unit: 'W', atMs: now - d * DAY, value: d });
    store.readings.flush();
    store.db
      .prepare('INSERT INTO trades (trade_id, interval_start_ms, buyer_id, seller_id, energy_wh, price_minor_per_kwh, amount_minor, payload, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('t-old', now - 900 * DAY, 'a', 'b', 100, 120, 12, '{}', now - 900 * DAY);
    store.db.prepare('INSERT INTO interval_energy (device_id, interval_start_ms, interval_ms, import_wh, export_wh) VALUES (?, ?, ?, ?, ?)').run('g', now - 900 * DAY, 900_000, 1, 0);
    const result = store.prune(now, { rawRetentionDays: 7, aggregateRetentionDays: 365 });
    expect(result.readingsDeleted).toBe(3);
    expect(result.aggregatesDeleted).toBe(1);
    expect(store.readings.range({ deviceId: 'g', quantity: 'powerW' }, 0, now + 1).map((r) => r.value).sort((a, b) => a - b)).toEqual([0, 6]);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM aggregates_minute').get() as { n: number }).n).toBe(4);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM trades').get() as { n: number }).n).toBe(1);
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM interval_energy').get() as { n: number }).n).toBe(1);
    store.close();
  });

  it('prunes in chunks larger than one delete statement', () => {
    const store = Store.open(tempFile());
    const now = Date.UTC(2026, 10, 21);
    for (let i = 0; i < 45_000; i++) store.readings.add({ deviceId: 'g', quantity: 'powerW', unit: 'W', atMs: now - 30 * DAY + i, value: i });
    store.readings.flush();
    expect(store.prune(now, { rawRetentionDays: 7, aggregateRetentionDays: 365 }).readingsDeleted).toBe(45_000);
    expect(store.readings.count()).toBe(0);
    store.close();
  });
});

describe('outbox', () => {
  it('hands out pending records in the order they were written, and forgets acked ones', () => {
    const store = Store.open(tempFile());
    for (const id of ['c', 'a', 'b']) store.outbox.enqueue({ id, kind: 'trade', payload: `{"id":"${id}"}`, createdMs: 1 });
    expect(store.outbox.pending().map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(store.outbox.ack(['a'], 5)).toBe(1);
    expect(store.outbox.ack(['a'], 6)).toBe(0);
    expect(store.outbox.pending().map((r) => r.id)).toEqual(['c', 'b']);
    expect(store.outbox.pendingCount()).toBe(2);
    const first = store.outbox.pending(1)[0];
    expect(store.outbox.pending(10, first?.seq).map((r) => r.id)).toEqual(['b']);
    store.close();
  });

  it('ignores a second enqueue of the same id (idempotent producers)', () => {
    const store = Store.open(tempFile());
    expect(store.outbox.enqueue({ id: 'x', kind: 'k', payload: '1', createdMs: 1 })).toBe(true);
    expect(store.outbox.enqueue({ id: 'x', kind: 'k', payload: '2', createdMs: 2 })).toBe(false);
    expect(store.outbox.pending()).toHaveLength(1);
    expect(store.outbox.pending()[0]?.payload).toBe('1');
    store.close();
  });

  it('survives a reopen with its order and ack state', () => {
    const file = tempFile();
    const a = Store.open(file);
    for (let i = 0; i < 5; i++) a.outbox.enqueue({ id: `m${i}`, kind: 'k', payload: String(i), createdMs: i });
    a.outbox.ack(['m1', 'm3'], 10);
    a.close();
    const b = Store.open(file);
    expect(b.outbox.pending().map((r) => r.id)).toEqual(['m0', 'm2', 'm4']);
    b.close();
  });
});

describe('crash safety', () => {
  it('keeps whole batches or none when the writer is killed with SIGKILL mid-batch', async () => {
    const file = tempFile();
    const batchSize = 60_000;
    const child = startChild(process.execPath, ['--import', 'tsx', 'test/gateway/store/crash-writer.ts', file, String(batchSize)]);
    const committed: number[] = [];
    const enqueued: string[] = [];
    child.onLine((line) => {
      const [what, arg] = line.split(' ');
      if (what === 'committed') committed.push(Number(arg));
      if (what === 'enqueued' && arg) enqueued.push(arg);
      // Kill right after a batch has begun: the flush of batch 3 is in progress.
      if (what === 'begin' && Number(arg) === 3) child.proc.kill('SIGKILL');
    });
    await child.waitFor(/^begin 3$/m, 25_000, 'stdout').finally(() => child.stop('SIGKILL'));
    await child.closed;
    expect(child.proc.signalCode, `the writer ended on its own: ${child.stderr()}`).toBe('SIGKILL');
    const store = Store.open(file);
    const count = store.readings.count();
    expect(count % batchSize).toBe(0);
    expect(count / batchSize).toBeGreaterThanOrEqual(committed.length);
    expect(count / batchSize).toBeLessThanOrEqual(4);
    // Aggregates were written in the same transactions: they account for exactly the readings.
    const aggCount = (store.db.prepare('SELECT SUM(count) AS n FROM aggregates_minute').get() as { n: number }).n;
    expect(aggCount).toBe(count);
    // Every record the writer saw committed to the outbox is there.
    const ids = new Set(store.outbox.pending(100).map((r) => r.id));
    for (const id of enqueued) expect(ids.has(id)).toBe(true);
    store.close();
  });
});
