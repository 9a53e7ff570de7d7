// A real Mosquitto broker for tests and benchmarks: a fresh config in a temp folder, a free
// port, optional TLS (certificates made here with openssl), per-user passwords and an ACL.
// Start waits on the broker's own "running" log line, bounded by a real timeout.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../free-port.js';

export { freePort };

export const MOSQUITTO = '/usr/sbin/mosquitto';

export function requireTool(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`this test needs ${what} at ${path}; install it (apt-get install mosquitto mosquitto-clients openssl postgresql-15)`);
}

export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA and a server certificate for 127.0.0.1 / localhost. */
export function makeTlsFiles(dir: string): TlsFiles {
  requireTool('/usr/bin/openssl', 'openssl');
  const f = (n: string): string => join(dir, n);
  const run = (args: string[]): void => {
    execFileSync('/usr/bin/openssl', args, { stdio: 'pipe' });
  };
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=nabo test CA']);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('san.ext')]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/** A client certificate with common name `cn`, signed by the test CA in `dir`. */
export function makeClientCert(dir: string, cn: string): { certFile: string; keyFile: string } {
  const f = (n: string): string => join(dir, n);
  const run = (args: string[]): void => {
    execFileSync('/usr/bin/openssl', args, { stdio: 'pipe' });
  };
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f(`${cn}.key`), '-out', f(`${cn}.csr`), '-subj', `/CN=${cn}`]);
  run(['x509', '-req', '-in', f(`${cn}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${cn}.crt`), '-days', '2']);
  return { certFile: f(`${cn}.crt`), keyFile: f(`${cn}.key`) };
}

export interface BrokerOptions {
  tls?: boolean;
  /** With tls: clients must present a certificate from the test CA; its CN is the username. */
  clientCertificates?: boolean;
  /** user → password; with it anonymous clients are refused. */
  users?: Record<string, string>;
  /** ACL file text (mosquitto syntax). */
  acl?: string;
}

export class TestBroker {
  private proc: ChildProcess | null = null;
  readonly dir: string;
  tls: TlsFiles | null = null;

  private constructor(
    readonly port: number,
    private readonly options: BrokerOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'nabo-mosq-'));
  }

  static async start(options: BrokerOptions = {}): Promise<TestBroker> {
    requireTool(MOSQUITTO, 'mosquitto');
    const b = new TestBroker(await freePort(), options);
    b.writeConfig();
    await b.startProcess();
    return b;
  }

  get url(): string {
    return `${this.options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  private writeConfig(): void {
    const lines = [`listener ${this.port} 127.0.0.1`, 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice', 'log_type information', 'max_inflight_messages 1000', 'max_queued_messages 100000'];
    // Run as root (as tests here do), mosquitto would drop to a user that cannot read the temp folder.
    if (process.getuid?.() === 0) lines.push('user root');
    if (this.options.tls) {
      this.tls = makeTlsFiles(this.dir);
      lines.push(`cafile ${this.tls.caFile}`, `certfile ${this.tls.certFile}`, `keyfile ${this.tls.keyFile}`);
      if (this.options.clientCertificates) lines.push('require_certificate true', 'use_identity_as_username true', 'allow_anonymous false');
      else lines.push('require_certificate false');
    }
    if (this.options.users) {
      const pw = join(this.dir, 'passwd');
      writeFileSync(pw, '');
      for (const [u, p] of Object.entries(this.options.users)) execFileSync('/usr/bin/mosquitto_passwd', ['-b', pw, u, p], { stdio: 'pipe' });
      lines.push('allow_anonymous false', `password_file ${pw}`);
    } else if (!this.options.clientCertificates) lines.push('allow_anonymous true');
    if (this.options.acl) {
      writeFileSync(join(this.dir, 'acl'), this.options.acl);
      lines.push(`acl_file ${join(this.dir, 'acl')}`);
    }
    writeFileSync(join(this.dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  }

  private startProcess(): Promise<void> {
    const proc = spawn(MOSQUITTO, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`mosquitto did not start in 10 s: ${log}`)), 10_000);
      proc.stderr?.on('data', (d: Buffer) => {
        log += d.toString();
        if (/running/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`mosquitto exited with ${code}: ${log}`));
      });
    });
  }

  /** Stops the broker process; `start` again brings it back on the same port and config. */
  async stopProcess(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  async restart(): Promise<void> {
    await this.stopProcess();
    await this.startProcess();
  }

  async close(): Promise<void> {
    await this.stopProcess();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
