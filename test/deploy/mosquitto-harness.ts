// Starts a real Mosquitto from one of deploy/mosquitto's files for the tests: the file as
// shipped, with only its paths, port and (as root) its user changed for a temp folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { freePort } from '../free-port.js';

export { freePort };

export function requireTools(...tools: string[]): void {
  for (const tool of tools) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`]);
    if (r.status !== 0) throw new Error(`${tool} is missing (apt-get install -y mosquitto openssl): this test needs it`);
  }
}

export interface Broker {
  port: number;
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Runs mosquitto on `conf` (already written) until stop(); resolves once it listens. */
export async function startMosquitto(conf: string, port: number): Promise<Broker> {
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mosquitto did not start within 10 s:\n${log}`)), 10_000);
    const onData = (c: Buffer): void => {
      log += c.toString();
      if (/mosquitto version \S+ running/.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mosquitto exited with ${code}:\n${log}`));
    });
  });
  return {
    port,
    process: child,
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The shipped block broker conf with this test's paths and port. */
export function blockBrokerConf(shipped: string, dir: string, port: number): string {
  return (
    shipped
      .replaceAll('/etc/mosquitto/nabo/', `${dir}/`)
      .replace('/var/lib/mosquitto/', `${dir}/data/`)
      .replace('include_dir /etc/mosquitto/conf.d', `include_dir ${dir}/conf.d`)
      .replace(/^listener 8883$/m, `listener ${port} 127.0.0.1`)
      .replace(/^pid_file .*$/m, '')
      // The 'running' line the harness waits for is logged at information level.
      .replace(/^log_dest syslog$/m, 'log_dest stderr\nlog_type information') +
    // As root, mosquitto would switch to the mosquitto user, who cannot read a temp folder.
    (process.getuid?.() === 0 ? '\nuser root\n' : '\n')
  );
}

export function writePasswords(file: string, users: Record<string, string>): void {
  writeFileSync(file, '');
  for (const [user, password] of Object.entries(users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', file, user, password], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
  }
}

/** Connects or says why not, within a bounded real time and without retrying. */
export function tryConnect(url: string, options: IClientOptions): Promise<{ ok: true; client: MqttClient } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const done = (r: { ok: true; client: MqttClient } | { ok: false; reason: string }): void => {
      client.removeAllListeners('connect');
      client.removeAllListeners('error');
      client.removeAllListeners('close');
      // Late errors of a settled attempt (a connack timeout after the close) are not news.
      client.on('error', () => undefined);
      if (!r.ok) client.end(true);
      resolve(r);
    };
    client.once('connect', () => done({ ok: true, client }));
    client.once('error', (err) => done({ ok: false, reason: err.message }));
    client.once('close', () => done({ ok: false, reason: 'closed before CONNACK' }));
  });
}

export async function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  const r = await tryConnect(url, options);
  if (!r.ok) throw new Error(`cannot connect to ${url} as ${options.username}: ${r.reason}`);
  return r.client;
}

/** Collects what a client receives, and waits for a message on a topic (bounded). */
export class Inbox {
  readonly received: Array<{ topic: string; payload: string; retain: boolean }> = [];
  private waiters: Array<{ topic: string; resolve: () => void }> = [];

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.received.push({ topic, payload: payload.toString(), retain: packet.retain });
      for (const w of this.waiters.filter((x) => x.topic === topic)) w.resolve();
      this.waiters = this.waiters.filter((x) => x.topic !== topic);
    });
  }

  topics(): string[] {
    return this.received.map((m) => m.topic);
  }

  waitFor(topic: string, timeoutMs = 10_000): Promise<void> {
    if (this.received.some((m) => m.topic === topic)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing on ${topic} within ${timeoutMs} ms; got ${JSON.stringify(this.topics())}`)), timeoutMs);
      this.waiters.push({
        topic,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}
