// MQTT clients for broker tests: connect once without retrying (and say why not), and an inbox
// that keeps what a client receives and waits for a message with a bounded real timeout.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ChangeSignal } from './change-signal.js';

export type ConnectOutcome = { ok: true; client: MqttClient } | { ok: false; reason: string };

/** Connects or says why not, within a bounded real time and without retrying. */
export function tryConnect(url: string, options: IClientOptions = {}): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    const done = (r: ConnectOutcome): void => {
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

export async function connect(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  const r = await tryConnect(url, options);
  if (!r.ok) throw new Error(`cannot connect to ${url} as ${options.username ?? 'anonymous'}: ${r.reason}`);
  return r.client;
}

/** Collects what a client receives, and waits for a message or a condition (bounded, real time). */
export class Inbox {
  readonly received: Array<{ topic: string; payload: string; retain: boolean }> = [];
  private readonly changed = new ChangeSignal();

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.received.push({ topic, payload: payload.toString(), retain: packet.retain });
      this.changed.notify();
    });
  }

  topics(): string[] {
    return this.received.map((m) => m.topic);
  }

  /** The payload last received on `topic`. */
  last(topic: string): string | undefined {
    return this.received.findLast((m) => m.topic === topic)?.payload;
  }

  waitFor(topic: string, timeoutMs = 10_000): Promise<void> {
    return this.until(() => this.received.some((m) => m.topic === topic), timeoutMs, `a message on ${topic}`);
  }

  /** Resolves once `predicate` holds, checked on each message; rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs = 10_000, what = 'the condition'): Promise<void> {
    return this.changed.until(predicate, timeoutMs, () => `no ${what} within ${timeoutMs} ms; topics seen: ${JSON.stringify([...new Set(this.topics())])}`);
  }
}
