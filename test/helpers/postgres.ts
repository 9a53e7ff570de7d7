// A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb in a temp folder owned by
// the postgres user (the server refuses root), on a free port, removed afterwards.
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port.js';

const BIN = '/usr/lib/postgresql/15/bin';

function asPostgres(args: string[]): string {
  return execFileSync('/usr/sbin/runuser', ['-u', 'postgres', '--', ...args], { stdio: 'pipe', encoding: 'utf8' });
}

export class TestPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<TestPostgres> {
    if (!existsSync(join(BIN, 'initdb'))) throw new Error(`this test needs PostgreSQL 15 at ${BIN} (apt-get install postgresql-15)`);
    const dir = mkdtempSync(join(tmpdir(), 'nabo-pg-'));
    const pwd = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim();
    const gid = execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim();
    chownSync(dir, Number(pwd), Number(gid));
    asPostgres([join(BIN, 'initdb'), '-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const pg = new TestPostgres(dir, await freePort());
    pg.startServer();
    return pg;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  startServer(): void {
    asPostgres([join(BIN, 'pg_ctl'), '-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-w', '-t', '30', '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=50`, 'start']);
  }

  /** `immediate` is a crash: no checkpoint, recovery from the WAL at the next start. */
  stopServer(mode: 'fast' | 'immediate' = 'fast'): void {
    asPostgres([join(BIN, 'pg_ctl'), '-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  close(): void {
    try {
      this.stopServer('immediate');
    } catch {
      // Already stopped: nothing to do before removing the folder.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
