import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../gateway/log/logger.js';

function capture(pretty: boolean): { lines: () => string; log: ReturnType<typeof createLogger> } {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { lines: () => out, log: createLogger({ pretty, destination: stream, level: 'debug' }) };
}

describe('logger', () => {
  it('writes JSON lines with level, time and message for services', () => {
    const { lines, log } = capture(false);
    log.info({ deviceId: 'grid-meter', latencyMs: 12 }, 'read ok');
    const line = JSON.parse(lines().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'read ok', deviceId: 'grid-meter', latencyMs: 12 });
    expect(typeof line.time).toBe('string');
  });

  it('never writes a secret, however deep it sits in the logged object', () => {
    const { lines, log } = capture(false);
    log.info({ config: { mqtt: { url: 'mqtt://x', password: 'hunter2' }, devices: [{ id: 'han', encryptionKey: '00112233445566778899aabbccddeeff' }] }, password: 'top' }, 'loaded');
    const text = lines();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('00112233445566778899aabbccddeeff');
    expect(text).not.toContain('"top"');
    expect(text).toContain('[redacted]');
  });

  it('redacts secrets in pretty output too', () => {
    const { lines, log } = capture(true);
    log.warn({ mqtt: { password: 'hunter2' } }, 'pretty line');
    expect(lines()).toContain('pretty line');
    expect(lines()).not.toContain('hunter2');
  });
});
