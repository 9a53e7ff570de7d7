import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAnchorFile, startWhenAnchored } from '../../../gateway/clock/anchor-file.js';
import { SimulatedClock } from '../../../gateway/clock/clock.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(removeTempFolders);
const T0 = Date.UTC(2026, 5, 21, 0, 0);

describe('a simulated clock held until an anchor file names when time began', () => {
  it('reads the instant, and says why when the file is missing or malformed', () => {
    const dir = tempFolder('nabo-anchor-');
    const file = join(dir, 'anchor.json');
    expect(readAnchorFile(file)).toMatchObject({ ok: false, error: { kind: 'missing' } });
    writeFileSync(file, '{"anchoredAt": 12}');
    expect(readAnchorFile(file)).toMatchObject({ ok: false, error: { kind: 'parse' } });
    writeFileSync(file, '{"anchoredAt": "2026-12-06T02:00:00.000Z"}');
    expect(readAnchorFile(file)).toEqual({ ok: true, value: Date.parse('2026-12-06T02:00:00.000Z') });
  });

  it('holds time and timers at the start until the file appears, then runs as if started at the instant it names', async () => {
    const dir = tempFolder('nabo-anchor-');
    const file = join(dir, 'anchor.json');
    const clock = new SimulatedClock({ startMs: T0, speed: 1000 });
    let fired = 0;
    clock.setTimeout(() => fired++, 60_000);
    const wait = startWhenAnchored(clock, file, 10);
    await new Promise((r) => setTimeout(r, 200));
    expect(clock.now()).toBe(T0);
    expect(fired).toBe(0);
    // The district started its time 2 real seconds ago: 2000 simulated seconds at 1000x.
    writeFileSync(file, JSON.stringify({ anchoredAt: new Date(Date.now() - 2000).toISOString() }));
    await wait.started;
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(fired).toBe(1);
    expect(clock.now()).toBeGreaterThanOrEqual(T0 + 2_000_000);
    clock.stop();
  });
});
