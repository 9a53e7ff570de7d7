// A real Mosquitto for market tests: generated config on a free loopback port, a password file
// (mosquitto_passwd) and an ACL file; started, restarted and stopped by the test. Fails with a
// clear message when mosquitto is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../free-port.js';

export { freePort };

export const MOSQUITTO = '/usr/sbin/mosquitto';
export const MOSQUITTO_PASSWD = '/usr/bin/mosquitto_passwd';

export function requireMosquitto(): void {
  if (!existsSync(MOSQUITTO) || !existsSync(MOSQUITTO_PASSWD)) throw new Error(`this test needs Mosquitto: ${MOSQUITTO} and ${MOSQUITTO_PASSWD} (apt-get install mosquitto)`);
}

export class Broker {
  readonly dir: string;
  private proc: ChildProcess | undefined;
  port = 0;

  constructor(
    private readonly users: ReadonlyMap<string, string>,
    private readonly acl: string,
    private readonly maxPacketBytes = 1024 * 1024,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'nabo-mosquitto-'));
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    requireMosquitto();
    if (this.port === 0) {
      this.port = await freePort();
      const passwd = join(this.dir, 'passwd');
      writeFileSync(passwd, '');
      for (const [user, pass] of this.users) {
        const r = spawnSync(MOSQUITTO_PASSWD, ['-b', passwd, user, pass]);
        if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr.toString()}`);
      }
      writeFileSync(join(this.dir, 'acl'), this.acl);
      writeFileSync(
        join(this.dir, 'mosquitto.conf'),
        [
          `listener ${this.port} 127.0.0.1`,
          // Started as root, Mosquitto would switch to its own user, which cannot read our temp folder.
          ...(process.getuid?.() === 0 ? ['user root'] : []),
          'allow_anonymous false',
          `password_file ${passwd}`,
          `acl_file ${join(this.dir, 'acl')}`,
          `max_packet_size ${this.maxPacketBytes}`,
          'persistence true',
          `persistence_location ${this.dir}/`,
          'max_queued_messages 10000',
          'log_type error',
          'log_type warning',
          'log_type notice',
          'log_type information',
          'log_dest stderr',
          '',
        ].join('\n'),
      );
    }
    const proc = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    await new Promise<void>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start within 5 s: ${text}`)), 5000);
      proc.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        if (/ running/.test(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited with ${code}: ${text}`));
      });
    });
  }

  /** Stops the broker (SIGTERM saves its persistent sessions) and waits for it to exit. */
  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
