import { afterEach, describe, expect, it } from 'vitest';
import { runChild, startChild, type WatchedChild } from './child-process.js';

const node = process.execPath;
const started: WatchedChild[] = [];
afterEach(async () => {
  for (const c of started.splice(0)) await c.stop('SIGKILL');
});

function start(script: string): WatchedChild {
  const c = startChild(node, ['-e', script]);
  started.push(c);
  return c;
}

describe('test child processes', () => {
  it('waits for a line on one stream and keeps each stream apart', async () => {
    const c = start(`process.stdout.write('out-1\\n'); process.stderr.write('ready on 42\\n'); setInterval(() => {}, 1000);`);
    await c.waitFor(/ready on \d+/, 10_000, 'stderr');
    await c.waitFor('out-1', 10_000, 'stdout');
    expect(c.stderr()).toBe('ready on 42\n');
    expect(c.stdout()).toBe('out-1\n');
    expect(c.output()).toContain('ready on 42');
  });

  it('fails the wait as soon as the child exits without printing it, with what it printed', async () => {
    const c = start(`console.error('config broken'); process.exit(2);`);
    await expect(c.waitFor('listening', 10_000)).rejects.toThrow(/exited \(2\) before listening; it printed:\nconfig broken/);
  });

  it('fails the wait after its timeout when the child stays silent', async () => {
    const c = start(`setInterval(() => {}, 1000);`);
    await expect(c.waitFor('never', 200)).rejects.toThrow(/no never within 200 ms/);
  });

  it('stops a child with SIGTERM and reports the exit code it chose', async () => {
    const c = start(`process.on('SIGTERM', () => process.exit(7)); console.log('armed'); setInterval(() => {}, 1000);`);
    await c.waitFor('armed', 10_000);
    expect(await c.stop()).toBe(7);
    expect(await c.stop()).toBe(7);
  });

  it('runs a command to its end with all it printed, even output written just before exit', async () => {
    const r = await runChild(node, ['-e', `process.stdout.write('x'.repeat(200000)); process.stderr.write('done'); process.exitCode = 3;`]);
    expect(r).toEqual({ status: 3, stdout: 'x'.repeat(200000), stderr: 'done' });
  });

  it('hands over each complete line in order, however the output is split into chunks', async () => {
    const c = start(`process.stdout.write('{"n":1}\\n{"n"'); setTimeout(() => process.stdout.write(':2}\\n{"n":3}\\n'), 50);`);
    const seen: number[] = [];
    c.onLine((line) => seen.push((JSON.parse(line) as { n: number }).n));
    expect(await c.closed).toBe(0);
    expect(seen).toEqual([1, 2, 3]);
  });
});
