// One daemon per store: `nabo run` takes an exclusive lock file in the data folder before it
// opens the store, and a second one refuses, naming the first (pid, start time, host). A lock
// whose process is gone (a crash, a power cut) is stale and taken over; on Linux the holder's
// boot and process start time are recorded too, so a reused pid after a reboot or in a fresh
// container does not keep the lock. SQLite's own locks do not serve: WAL lets two writers take
// turns, which is exactly what must not happen.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../core/result.js';
import { RealClock } from '../clock/clock.js';

export const LOCK_FILE = 'nabo.lock';

export interface StoreLockHolder {
  pid: number;
  /** ISO 8601 UTC, wall-clock time (whatever clock the gateway runs on). */
  startedAt: string;
  hostname: string;
  /** Linux: /proc/sys/kernel/random/boot_id and the process's start time in ticks since boot. */
  bootId?: string;
  processStart?: string;
}

export interface StoreLock {
  readonly file: string;
  readonly holder: StoreLockHolder;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export type StoreLockErrorKind = 'locked' | 'io';

/** Lock files this process holds (a second acquire here is refused too). */
const heldHere = new Map<string, StoreLockHolder>();

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks after boot. */
function processStart(pid: number | 'self'): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the holder recorded in a lock file still runs. */
function holderRuns(h: StoreLockHolder): boolean {
  if (h.hostname !== hostname()) return true; // another machine's process: cannot tell, assume it runs
  if (h.pid === process.pid) return false; // an earlier life of this pid (a container restart)
  if (!alive(h.pid)) return false;
  const bootId = readOr('/proc/sys/kernel/random/boot_id');
  if (h.bootId && bootId && h.bootId !== bootId) return false;
  const start = processStart(h.pid);
  if (h.processStart && start && h.processStart !== start) return false;
  return true;
}

function describe(h: StoreLockHolder): string {
  return `pid ${h.pid}, started ${h.startedAt}${h.hostname !== hostname() ? ` on ${h.hostname}` : ''}`;
}

/**
 * Takes the data folder's lock, or says who holds it. `startedAtMs` defaults to the wall clock
 * (the lock names real time, also for a gateway on a simulated clock).
 */
export function acquireStoreLock(dataDir: string, startedAtMs: number = new RealClock().now()): Result<StoreLock, StoreLockErrorKind> {
  const file = join(dataDir, LOCK_FILE);
  const me: StoreLockHolder = { pid: process.pid, startedAt: new Date(startedAtMs).toISOString(), hostname: hostname() };
  const bootId = readOr('/proc/sys/kernel/random/boot_id');
  const start = processStart('self');
  if (bootId) me.bootId = bootId;
  if (start) me.processStart = start;
  const mine = heldHere.get(file);
  if (mine) return fail('locked', `the store in ${dataDir} is already in use by this process (${describe(mine)})`);
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return fail('io', `cannot create the lock ${file}: ${(err as Error).message}`);
      const text = readOr(file);
      let holder: StoreLockHolder | undefined;
      try {
        holder = text ? (JSON.parse(text) as StoreLockHolder) : undefined;
      } catch {
        holder = undefined; // a torn write by a process that died while writing it: stale
      }
      if (holder && typeof holder.pid === 'number' && holderRuns(holder)) {
        return fail('locked', `the store in ${dataDir} is in use by another nabo (${describe(holder)}); stop that one first, or see \`nabo status\``);
      }
      try {
        unlinkSync(file);
      } catch (unlinkErr) {
        if ((unlinkErr as NodeJS.ErrnoException).code !== 'ENOENT') return fail('io', `cannot remove the stale lock ${file}: ${(unlinkErr as Error).message}`);
      }
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(me)}\n`);
    } finally {
      closeSync(fd);
    }
    heldHere.set(file, me);
    let released = false;
    return ok({
      file,
      holder: me,
      release(): void {
        if (released) return;
        released = true;
        heldHere.delete(file);
        // Only our own lock: a lock taken over by another process after ours was judged stale stays.
        const current = readOr(file);
        if (current && (JSON.parse(current) as StoreLockHolder).pid === me.pid) unlinkSync(file);
      },
    });
  }
  return fail('locked', `the lock ${file} keeps changing hands; is another nabo starting right now?`);
}
