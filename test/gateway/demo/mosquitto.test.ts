import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from '../../../gateway/demo/loopback-port.js';
import { LOG_LINES, MOSQUITTO_BIN, MOSQUITTO_PASSWD_BIN, runMosquitto, stopProcess, writePasswordFile } from '../../../gateway/demo/mosquitto.js';
import { requireTool } from '../../helpers/mosquitto.js';

let dir: string;
beforeAll(() => {
  requireTool(MOSQUITTO_BIN, 'mosquitto');
  requireTool(MOSQUITTO_PASSWD_BIN, 'mosquitto_passwd');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nabo-demo-mosq-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function conf(lines: string[]): string {
  const file = join(dir, 'mosquitto.conf');
  writeFileSync(file, [...lines, ''].join('\n'));
  return file;
}

describe('the demo broker process (needs mosquitto)', () => {
  it('starts on its running line, passes on everything it logs, and stops on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    let logged = '';
    const started = await runMosquitto(conf([`listener ${port} 127.0.0.1`, 'allow_anonymous true', ...LOG_LINES]), { onLog: (t) => (logged += t) });
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(logged).toMatch(/mosquitto version \S+ running/);
    await stopProcess(started.proc);
    expect(started.proc.signalCode ?? started.proc.exitCode).not.toBeNull();
  });

  it('says that the broker exited, with its code and log, when its config is wrong', async () => {
    const started = await runMosquitto(conf(['no_such_option 1', 'log_dest stderr']));
    expect(started).toMatchObject({ ok: false, kind: 'exited', code: expect.any(Number) });
    expect(started.ok ? '' : started.log).toMatch(/no_such_option|invalid/i);
  });

  it('kills a broker that never logs that it runs after the timeout', async () => {
    const port = await freeLoopbackPort();
    const started = await runMosquitto(conf([`listener ${port} 127.0.0.1`, 'log_dest none']), { timeoutMs: 1000 });
    expect(started).toMatchObject({ ok: false, kind: 'timeout' });
  });

  it('writes a password file only its owner can read, with one hashed line per user', () => {
    const file = join(dir, 'passwd');
    writePasswordFile(file, { alice: 'pw-a', bob: 'pw-b' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text.trim().split('\n').map((l) => l.split(':')[0])).toEqual(['alice', 'bob']);
    expect(text).not.toContain('pw-a');
  });
});
