import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEVICES_DOC_PATH, renderDevicesDoc } from '../../../scripts/gen-devices-doc.js';
import { DEVICE_DEFINITIONS } from '../../../protocols/devices/index.js';

describe('docs/devices.md', () => {
  it('equals what scripts/gen-devices-doc.ts generates now (run npm run docs:devices after changing a definition)', () => {
    expect(readFileSync(DEVICES_DOC_PATH, 'utf8')).toBe(renderDevicesDoc());
  });

  it('has a section and a register row for every register of every definition', () => {
    const doc = renderDevicesDoc();
    for (const def of DEVICE_DEFINITIONS) {
      expect(doc).toContain(`\`${def.id}\``);
      for (const r of def.registers) expect(doc).toContain(`| ${r.name}`);
    }
  });
});
