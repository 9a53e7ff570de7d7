import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { acquireStoreLock, LOCK_FILE } from '../../../gateway/store/store-lock.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
afterAll(removeTempFolders);

/** The pid of a process that has exited (a stale lock's holder). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

describe('one daemon per store (lock file in the data folder)', () => {
  it('takes the lock, refuses a second taker naming the holder, and frees it on release', () => {
    const dir = tempFolder('nabo-store-lock-');
    const startedAtMs = Date.UTC(2026, 5, 21, 10);
    const first = acquireStoreLock(dir, startedAtMs);
    if (!first.ok) throw new Error(first.error.detail);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, startedAt: '2026-06-21T10:00:00.000Z', hostname: hostname() });
    const second = acquireStoreLock(dir);
    expect(second).toMatchObject({ ok: false, error: { kind: 'locked' } });
    expect(!second.ok && second.error.detail).toContain(`pid ${process.pid}, started 2026-06-21T10:00:00.000Z`);
    first.value.release();
    first.value.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const third = acquireStoreLock(dir);
    expect(third.ok).toBe(true);
    if (third.ok) third.value.release();
  });

  it('refuses while another live process holds the lock, with its pid and start time', async () => {
    const dir = tempFolder('nabo-store-lock-');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    cleanups.push(() => child.kill('SIGKILL'));
    await new Promise((r) => child.once('spawn', r));
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const holder = { pid: child.pid, startedAt: '2026-06-21T09:00:00.000Z', hostname: hostname(), processStart: stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(holder));
    const r = acquireStoreLock(dir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.detail).toBe(`the store in ${dir} is in use by another nabo (pid ${child.pid}, started 2026-06-21T09:00:00.000Z); stop that one first, or see \`nabo status\``);
    child.kill('SIGKILL');
    await new Promise((res) => child.once('exit', res));
    // Its holder gone, the lock is stale and taken over.
    const after = acquireStoreLock(dir);
    expect(after.ok).toBe(true);
    if (after.ok) after.value.release();
  });

  it('takes over a stale lock: a dead pid, a reused pid (another process start), or a torn file', async () => {
    const dir = tempFolder('nabo-store-lock-');
    const file = join(dir, LOCK_FILE);
    for (const stale of [
      JSON.stringify({ pid: await deadPid(), startedAt: '2026-01-01T00:00:00.000Z', hostname: hostname() }),
      // pid 1 runs, but it is not the process that wrote the lock.
      JSON.stringify({ pid: 1, startedAt: '2026-01-01T00:00:00.000Z', hostname: hostname(), processStart: '-1' }),
      '{"pid": 12',
    ]) {
      writeFileSync(file, stale);
      const r = acquireStoreLock(dir);
      expect(r.ok, stale).toBe(true);
      if (r.ok) {
        expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
        r.value.release();
      }
    }
  });
});
