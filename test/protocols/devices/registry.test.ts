import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEVICE_DEFINITIONS } from '../../../protocols/devices/index.js';

const dir = fileURLToPath(new URL('../../../protocols/devices/', import.meta.url));
// Files of protocols/devices that are not one device each.
const NOT_DEVICES = new Set(['index.ts', 'define.ts', 'sign-conventions.ts', 'carlo-gavazzi-common.ts', 'sunspec.ts']);

describe('the device registry', () => {
  it('lists every definition file of protocols/devices, so a new device is its file plus one line in index.ts', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !NOT_DEVICES.has(f));
    const listed = new Set(DEVICE_DEFINITIONS);
    for (const file of files) {
      const mod = (await import(`${dir}${file}`)) as Record<string, unknown>;
      const defs = Object.values(mod).filter((v) => typeof v === 'object' && v !== null && 'registers' in v && 'id' in v);
      expect(defs.length, file).toBeGreaterThan(0);
      for (const d of defs) expect(listed.has(d as never), `${file} exports ${(d as { id: string }).id}, which index.ts does not list`).toBe(true);
      // One concept per file: the file is named for the definition it holds.
      expect(defs.map((d) => (d as { id: string }).id), file).toContain(file.replace(/\.ts$/, ''));
    }
    expect(files.length).toBe(DEVICE_DEFINITIONS.length);
  });
});
