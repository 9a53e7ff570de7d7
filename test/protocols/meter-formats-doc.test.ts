import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METER_FORMATS_DOC_PATH, renderMeterFormatsDoc } from '../../scripts/gen-meter-formats-doc.js';
import { P1_VARIANTS } from '../../protocols/dsmr/variants.js';
import { POSITIONAL_LAYOUTS } from '../../protocols/han/layouts/positional.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const allFixtureText = ['conformance', 'captures'].flatMap((d) => readdirSync(fixtures + d).filter((f) => f.endsWith('.json')).map((f) => readFileSync(`${fixtures}${d}/${f}`, 'utf8'))).join('\n');

describe('docs/meter-formats.md', () => {
  it('equals what scripts/gen-meter-formats-doc.ts generates now (run npx tsx scripts/gen-meter-formats-doc.ts after changing a layout)', () => {
    expect(readFileSync(METER_FORMATS_DOC_PATH, 'utf8')).toBe(renderMeterFormatsDoc());
  });

  it('names, for every P1 variant, real telegrams that are in the fixtures', () => {
    for (const v of P1_VARIANTS) {
      expect(v.evidence.length, v.name).toBeGreaterThan(0);
      for (const id of v.evidence) expect(allFixtureText.includes(`"id": "${id}"`), `${v.name}: ${id}`).toBe(true);
    }
  });

  it('has a section for every positional HAN layout', () => {
    const doc = renderMeterFormatsDoc();
    for (const l of POSITIONAL_LAYOUTS) expect(doc).toContain(`#### \`${l.id}\``);
  });
});
