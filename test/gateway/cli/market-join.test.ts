// `nabo market join` and the operator-side commands the install guide uses before it:
// `nabo keys show --public-key` for a roster member line and `nabo roster init --speed`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';
import { runCli } from './run-cli.js';

afterAll(removeTempFolders);

let dir: string;
let operatorKey: string;
let ownKey: string;

const CONFIG = (dataDir: string): string => `# the installer's note: kept by join
version: 2
gateway:
  id: b1-h1
  dataDir: ${dataDir}
  timeZone: Europe/Oslo
site:
  latitude: 63.43
  longitude: 10.4
buses:
  - id: tcp-meter
    kind: modbus-tcp
    host: 127.0.0.1
    port: 1502
devices:
  - id: meter
    bus: tcp-meter
    model: eastron-sdm630
    role: grid-meter
    unitId: 1
  - id: pv
    bus: tcp-meter
    model: sunspec
    role: pv
    unitId: 2
market:
  enabled: false
  blockId: b1
  broker:
    url: mqtts://broker.b1.local:8883
`;

async function ok(args: string[]): Promise<string> {
  const r = await runCli(args);
  expect(r.code, `nabo ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A signed roster with these members (gateway:key), block b1. */
async function roster(name: string, members: string[], extra: string[] = []): Promise<string> {
  const unsigned = join(dir, `${name}.json`);
  await ok(['roster', 'init', '--market', 'm1', '--block', 'b1', '--operator-key-file', join(dir, 'operator.key'), ...members.flatMap((m) => ['--member', `${m.split(':')[0]}:${m.split(':')[1]}:${m.split(':')[0]}:b1`]), ...extra, '--out', unsigned]);
  await ok(['roster', 'sign', unsigned, '--key-file', join(dir, 'operator.key'), '--out', join(dir, `${name}.signed.json`)]);
  return join(dir, `${name}.signed.json`);
}

function freshConfig(name: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, CONFIG(join(dir, 'data')));
  return file;
}

beforeAll(async () => {
  dir = tempFolder('nabo-market-join-');
  await ok(['keys', 'init', '--key-file', join(dir, 'operator.key'), '--format', 'json']);
  // keys init makes the data directory a gateway has not run in yet.
  await ok(['keys', 'init', '--data-dir', join(dir, 'data'), '--format', 'json']);
  operatorKey = (await ok(['keys', 'show', '--key-file', join(dir, 'operator.key'), '--public-key'])).trim();
  ownKey = (await ok(['keys', 'show', '--data-dir', join(dir, 'data'), '--public-key'])).trim();
}, 30_000);

describe('nabo keys show --public-key', () => {
  it('prints the public key alone, as the JSON view names it', async () => {
    expect(ownKey).toMatch(/^[0-9a-f]{64}$/);
    const view = JSON.parse(await ok(['keys', 'show', '--data-dir', join(dir, 'data'), '--format', 'json'])) as { publicKey: string };
    expect(view.publicKey).toBe(ownKey);
  });
});

describe('nabo roster init --speed', () => {
  it('gives the market timing of a simulated clock that many times real time, and the defaults without it', async () => {
    await roster('fast', [], ['--speed', '60']);
    await roster('plain', []);
    const fast = JSON.parse(readFileSync(join(dir, 'fast.json'), 'utf8')) as { parameters: Record<string, number> };
    const plain = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8')) as { parameters: Record<string, number> };
    expect(plain.parameters.gateClosureLeadMs).toBe(300_000);
    // At 60x, 2 real seconds between gate closure and the interval, 5 to reach finality.
    expect(fast.parameters).toMatchObject({ gateClosureLeadMs: 120_000, finalityTimeoutMs: 300_000 });
    expect((await runCli(['roster', 'init', '--market', 'm1', '--operator-key-file', join(dir, 'operator.key'), '--speed', 'fast'])).code).toBe(2);
  });
});

describe('nabo market join', () => {
  it('enables the market section from a roster that lists this gateway with its key, keeping the file’s comments', async () => {
    const signed = await roster('member', [`b1-h1:${ownKey}`, `b1-h2:${'b'.repeat(64)}`]);
    const file = freshConfig('member');
    writeFileSync(join(dir, 'ca.crt'), 'a CA certificate\n');
    const out = JSON.parse(await ok(['market', 'join', '--config', file, '--roster', signed, '--operator-key', operatorKey, '--ca-file', join(dir, 'ca.crt'), '--order-lead-ms', '90000', '--format', 'json'])) as Record<string, unknown>;
    expect(out).toMatchObject({ written: true, gateway: 'b1-h1', marketId: 'm1', block: 'b1', members: 2, gridMeterDeviceId: 'meter', pvDeviceId: 'pv', broker: 'mqtts://broker.b1.local:8883' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain("# the installer's note: kept by join");
    const check = JSON.parse(await ok(['config', 'check', file, '--format', 'json'])) as Record<string, unknown>;
    expect(check).toMatchObject({ valid: true });
    const { parse } = await import('yaml');
    expect((parse(text) as { market: unknown }).market).toEqual({
      enabled: true,
      blockId: 'b1',
      broker: { url: 'mqtts://broker.b1.local:8883', username: 'b1-h1', caFile: join(dir, 'ca.crt') },
      marketId: 'm1',
      operatorPublicKey: operatorKey,
      rosterFile: signed,
      gridMeterDeviceId: 'meter',
      pvDeviceId: 'pv',
      orderLeadMs: 90000,
    });
  });

  it('refuses a roster that lists this gateway with another key, and writes nothing', async () => {
    const signed = await roster('other-key', [`b1-h1:${'c'.repeat(64)}`]);
    const file = freshConfig('other-key');
    const r = await runCli(['market', 'join', '--config', file, '--roster', signed, '--operator-key', operatorKey]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/key-mismatch: the roster lists b1-h1 with key cccccccccccccccc…/);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG(join(dir, 'data')));
  });

  it('refuses a roster without this gateway, and one not signed by the pinned operator key', async () => {
    const signed = await roster('stranger', [`b1-h9:${ownKey}`]);
    const file = freshConfig('stranger');
    const r = await runCli(['market', 'join', '--config', file, '--roster', signed, '--operator-key', operatorKey]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`not-member: the roster (market m1, version 1) does not list gateway b1-h1; send the operator its public key ${ownKey}`);
    const forged = await runCli(['market', 'join', '--config', file, '--roster', await roster('member2', [`b1-h1:${ownKey}`]), '--operator-key', 'd'.repeat(64)]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/roster refused: wrong-signer/);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG(join(dir, 'data')));
  });

  it('checks and writes nothing on --dry-run; a malformed operator key is a usage error', async () => {
    const signed = await roster('dry', [`b1-h1:${ownKey}`]);
    const file = freshConfig('dry');
    const out = JSON.parse(await ok(['market', 'join', '--config', file, '--roster', signed, '--operator-key', operatorKey, '--dry-run', '--format', 'json'])) as Record<string, unknown>;
    expect(out).toMatchObject({ written: false, marketId: 'm1' });
    expect(readFileSync(file, 'utf8')).toBe(CONFIG(join(dir, 'data')));
    expect((await runCli(['market', 'join', '--config', file, '--roster', signed, '--operator-key', 'XYZ'])).code).toBe(2);
    const noCa = await runCli(['market', 'join', '--config', file, '--roster', signed, '--operator-key', operatorKey, '--ca-file', join(dir, 'missing.crt')]);
    expect(noCa.code).toBe(2);
    expect(noCa.stderr).toContain('missing.crt: no such file');
    expect(readFileSync(file, 'utf8')).toBe(CONFIG(join(dir, 'data')));
  });
});
