// npm run bench:store — batched reading inserts into the real store (WAL, synchronous=NORMAL):
// readings/s and bytes written per million readings, for a few batch sizes side by side.
import { mkdtempSync, rmSync, statSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../gateway/store/store.js';

interface Row {
  batchSize: number;
  readings: number;
  seconds: number;
  readingsPerSecond: number;
  bytesPerMillion: number;
  writtenBytesPerMillion: number;
  walPeakBytes: number;
}

/** Bytes this process handed to write(2) so far (Linux /proc/self/io `wchar`), or NaN elsewhere. */
function writtenBytes(): number {
  try {
    const m = /wchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function fileSize(f: string): number {
  return existsSync(f) ? statSync(f).size : 0;
}

function run(batchSize: number, total: number): Row {
  const dir = mkdtempSync(join(tmpdir(), 'nabo-bench-store-'));
  const file = join(dir, 'bench.db');
  const store = Store.open(file);
  // A building-sized mix: 5 devices × 12 quantities, one reading each per second.
  const series: Array<[string, string, string]> = [];
  for (let d = 0; d < 5; d++) for (let q = 0; q < 12; q++) series.push([`device-${d}`, `quantity${q}`, 'W']);
  let t = Date.UTC(2026, 0, 1);
  let walPeak = 0;
  const wcharBefore = writtenBytes();
  const start = performance.now();
  let written = 0;
  let i = 0;
  while (written < total) {
    const s = series[i % series.length] as [string, string, string];
    if (i % series.length === 0) t += 1000;
    store.readings.add({ deviceId: s[0], quantity: s[1], unit: s[2], atMs: t, value: Math.sin(i) * 1000 });
    i++;
    if (store.readings.pending >= batchSize) {
      written += store.readings.flush();
      if (written % (batchSize * 50) === 0) walPeak = Math.max(walPeak, fileSize(`${file}-wal`));
    }
  }
  written += store.readings.flush();
  const seconds = (performance.now() - start) / 1000;
  walPeak = Math.max(walPeak, fileSize(`${file}-wal`));
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.close();
  const wrote = writtenBytes() - wcharBefore;
  const bytes = fileSize(file);
  rmSync(dir, { recursive: true, force: true });
  return { batchSize, readings: written, seconds: Number(seconds.toFixed(3)), readingsPerSecond: Math.round(written / seconds), bytesPerMillion: Math.round((bytes / written) * 1e6), writtenBytesPerMillion: Math.round((wrote / written) * 1e6), walPeakBytes: walPeak };
}

const total = Number(process.argv[2] ?? 1_000_000);
const rows = [100, 1000, 10_000].map((b) => run(b, total));
const header = ['batch size', 'readings', 'seconds', 'readings/s', 'file bytes per 1M', 'bytes written per 1M', 'WAL peak bytes'];
const cells = rows.map((r) => [r.batchSize, r.readings, r.seconds, r.readingsPerSecond, r.bytesPerMillion, r.writtenBytesPerMillion, r.walPeakBytes].map(String));
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
console.log(header.map((h, i) => h.padEnd(widths[i] ?? 0)).join('  '));
for (const c of cells) console.log(c.map((v, i) => v.padStart(widths[i] ?? 0)).join('  '));
const target = 100_000;
const best1000 = rows.find((r) => r.batchSize === 1000);
console.log(`target: ≥ ${target} readings/s at batch 1000 → ${best1000 && best1000.readingsPerSecond >= target ? 'met' : 'MISSED'}`);
console.log(JSON.stringify({ bench: 'store', targetReadingsPerSecond: target, rows }));
