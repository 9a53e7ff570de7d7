import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPtyPair, parseSocatPtyPaths, ToolMissingError } from '../../../device-sim/transports/pty-pair.js';
import { PtyLine } from '../../../device-sim/transports/serial-line.js';
import { SerialTestClient } from './serial-test-client.js';
import { requireTool } from './tools.js';

describe('pty pairs from socat', () => {
  it('reads both pty paths from socat -d -d output', () => {
    const stderr = [
      '2026/11/21 23:55:19 socat[10791] N PTY is /dev/pts/4',
      '2026/11/21 23:55:19 socat[10791] N PTY is /dev/pts/5',
      '2026/11/21 23:55:20 socat[10791] N starting data transfer loop with FDs [5,5] and [7,7]',
    ].join('\n');
    expect(parseSocatPtyPaths(stderr)).toEqual(['/dev/pts/4', '/dev/pts/5']);
  });

  it('fails with a clear message when socat is missing', async () => {
    await expect(openPtyPair({ socatPath: 'socat-that-is-not-installed' })).rejects.toBeInstanceOf(ToolMissingError);
    await expect(openPtyPair({ socatPath: 'socat-that-is-not-installed' })).rejects.toThrow(/apt-get install socat/);
  });

  it('carries bytes to a client that opens the stable link path, and again after it reopens (needs socat)', async () => {
    requireTool('socat');
    const dir = mkdtempSync(join(tmpdir(), 'nabo-pty-'));
    const line = await PtyLine.open({ baudRate: 9600, pty: { clientLink: join(dir, 'meter0') } });
    try {
      expect(line.clientPath).toBe(join(dir, 'meter0'));
      for (const round of [1, 2]) {
        const client = await SerialTestClient.open(line.clientPath);
        const got: number[] = [];
        line.onData((chunk) => got.push(...chunk));
        line.write(Uint8Array.of(round, 0xaa));
        expect([...(await client.take(2))]).toEqual([round, 0xaa]);
        client.write([0x55, round]);
        await new Promise<void>((resolve) => {
          const check = () => (got.length >= 2 ? resolve() : setImmediate(check));
          check();
        });
        expect(got).toEqual([0x55, round]);
        await client.close();
      }
    } finally {
      await line.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
