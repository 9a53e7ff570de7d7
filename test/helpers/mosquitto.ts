// The one real Mosquitto for tests and benchmarks: a config written here (or given by the test,
// e.g. a shipped file adapted) in a temp folder, a free loopback port, optional TLS (certificates
// made here with openssl, or given), passwords and an ACL (text or files), persistence that
// survives restart on the same port. Start waits on the broker's own "running" log line,
// bounded by a real timeout, and fails with the install line when a tool is missing. Config
// lines, password file, start and stop are the demo broker's (gateway/demo/mosquitto.ts).
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPENSSL_BIN } from '../../gateway/demo/demo-tls.js';
import { LOG_LINES, MOSQUITTO_BIN, MOSQUITTO_PASSWD_BIN, RUN_AS_ROOT_LINES, runMosquitto, stopProcess, tlsLines, writePasswordFile } from '../../gateway/demo/mosquitto.js';
import { freePort } from '../free-port.js';
import { ChangeSignal } from './change-signal.js';

export { freePort };

export const MOSQUITTO = MOSQUITTO_BIN;
export const MOSQUITTO_PASSWD = MOSQUITTO_PASSWD_BIN;
export const OPENSSL = OPENSSL_BIN;

export function requireTool(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`this test needs ${what} at ${path}; install it (apt-get install mosquitto mosquitto-clients openssl postgresql-15)`);
}

/** Run as root (as tests here may be), mosquitto would drop to a user that cannot read a temp folder. */
export const RUN_AS_ROOT_LINE = RUN_AS_ROOT_LINES.join('\n');

export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

function openssl(args: string[]): void {
  requireTool(OPENSSL, 'openssl');
  execFileSync(OPENSSL, args, { stdio: 'pipe' });
}

/** A CA and a server certificate for 127.0.0.1 / localhost. */
export function makeTlsFiles(dir: string): TlsFiles {
  const f = (n: string): string => join(dir, n);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2', '-subj', '/CN=nabo test CA']);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('san.ext')]);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

/** A client certificate with common name `cn`, signed by the test CA in `dir` (made by makeTlsFiles). */
export function makeClientCert(dir: string, cn: string): { certFile: string; keyFile: string } {
  const f = (n: string): string => join(dir, n);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', f(`${cn}.key`), '-out', f(`${cn}.csr`), '-subj', `/CN=${cn}`]);
  openssl(['x509', '-req', '-in', f(`${cn}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f(`${cn}.crt`), '-days', '2']);
  return { certFile: f(`${cn}.crt`), keyFile: f(`${cn}.key`) };
}

/** A mosquitto password file with these users (mosquitto_passwd hashes them). */
export function writePasswords(file: string, users: Readonly<Record<string, string>>): void {
  requireTool(MOSQUITTO_PASSWD, 'mosquitto_passwd');
  writePasswordFile(file, users);
}

/** A config the helper writes from these options. */
export interface BrokerOptions {
  /** true: a test CA and server certificate made in the broker's folder; or the files to use. */
  tls?: boolean | TlsFiles;
  /** With tls: clients must present a certificate from the CA; its CN is the username. */
  clientCertificates?: boolean;
  /** user → password; with it (or passwordFile) anonymous clients are refused. */
  users?: Readonly<Record<string, string>>;
  passwordFile?: string;
  /** ACL text (mosquitto syntax), or aclFile: a file already written. */
  acl?: string;
  aclFile?: string;
  /** Keep retained messages and sessions across stop/restart: true (in the broker's folder) or a folder. */
  persistence?: boolean | string;
  maxPacketBytes?: number;
  /** How long start waits for the 'running' line (real time); 10 s by default. */
  startTimeoutMs?: number;
}

/** A config the test writes itself (a shipped file adapted), for the port the helper picked. */
export interface OwnConfig {
  config: (port: number) => string;
  /** How clients reach it: the url's scheme. */
  scheme?: 'mqtt' | 'mqtts';
  startTimeoutMs?: number;
}

export class TestBroker {
  /** The broker's own temp folder (config, generated files, default persistence); removed by close(). */
  readonly dir: string;
  tls: TlsFiles | null = null;
  private proc: ChildProcess | null = null;
  private logText = '';
  private readonly logChanged = new ChangeSignal();

  private constructor(
    readonly port: number,
    private readonly options: BrokerOptions | OwnConfig,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'nabo-mosq-'));
  }

  static async start(options: BrokerOptions | OwnConfig = {}): Promise<TestBroker> {
    requireTool(MOSQUITTO, 'mosquitto');
    const b = new TestBroker(await freePort(), options);
    try {
      writeFileSync(b.confFile, 'config' in options ? `${options.config(b.port)}\n${RUN_AS_ROOT_LINE}\n` : b.generatedConfig(options));
      await b.startProcess();
    } catch (err) {
      await b.close();
      throw err;
    }
    return b;
  }

  get url(): string {
    const secure = 'config' in this.options ? this.options.scheme === 'mqtts' : Boolean(this.options.tls);
    return `${secure ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  /** Everything the broker logged, across restarts. */
  log(): string {
    return this.logText;
  }

  /** Waits (bounded, real time) until the broker's log matches `pattern`, e.g. a client's connect line. */
  waitForLog(pattern: RegExp, timeoutMs = 10_000): Promise<void> {
    return this.logChanged.until(() => pattern.test(this.logText), timeoutMs, () => `the broker did not log ${pattern} within ${timeoutMs} ms:\n${this.logText.slice(-2000)}`);
  }

  private get confFile(): string {
    return join(this.dir, 'mosquitto.conf');
  }

  private generatedConfig(o: BrokerOptions): string {
    const lines = [`listener ${this.port} 127.0.0.1`, ...RUN_AS_ROOT_LINES, ...LOG_LINES, 'max_inflight_messages 1000', 'max_queued_messages 100000'];
    if (o.tls) {
      this.tls = o.tls === true ? makeTlsFiles(this.dir) : o.tls;
      lines.push(...tlsLines(this.tls, Boolean(o.clientCertificates)));
    }
    let passwordFile = o.passwordFile;
    if (o.users) {
      passwordFile = join(this.dir, 'passwd');
      writePasswords(passwordFile, o.users);
    }
    if (passwordFile) lines.push(`password_file ${passwordFile}`);
    lines.push(`allow_anonymous ${passwordFile || (o.tls && o.clientCertificates) ? 'false' : 'true'}`);
    let aclFile = o.aclFile;
    if (o.acl !== undefined) {
      aclFile = join(this.dir, 'acl');
      writeFileSync(aclFile, o.acl);
    }
    if (aclFile) lines.push(`acl_file ${aclFile}`);
    if (o.persistence) {
      const where = o.persistence === true ? join(this.dir, 'data') : o.persistence;
      mkdirSync(where, { recursive: true });
      lines.push('persistence true', `persistence_location ${where}/`);
    } else lines.push('persistence false');
    if (o.maxPacketBytes !== undefined) lines.push(`max_packet_size ${o.maxPacketBytes}`);
    return lines.filter((l) => l !== '').join('\n') + '\n';
  }

  private async startProcess(): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    const started = await runMosquitto(this.confFile, {
      timeoutMs,
      onLog: (text) => {
        this.logText += text;
        this.logChanged.notify();
      },
    });
    if (started.ok) this.proc = started.proc;
    else if (started.kind === 'timeout') throw new Error(`mosquitto did not log 'running' within ${timeoutMs} ms (it needs log_dest stderr and log_type information):\n${started.log}`);
    else throw new Error(`mosquitto exited with ${started.code}:\n${started.log}`);
  }

  private async end(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const p = this.proc;
    this.proc = null;
    // Generous: a broker with persistence saves it on SIGTERM.
    if (p) await stopProcess(p, 30_000, signal);
  }

  /** SIGTERM and wait for the exit: the broker saves its persistence. `restart` brings it back. */
  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  /** SIGKILL and wait for the exit: a crash, nothing saved. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  /** Stops the broker (if running) and starts it again on the same port and config. */
  async restart(): Promise<void> {
    await this.stop();
    await this.startProcess();
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
