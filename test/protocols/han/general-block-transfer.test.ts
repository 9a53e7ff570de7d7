// Landis+Gyr E450 meters push long lists as a general-block-transfer: numbered blocks in
// separate HDLC frames, the last one flagged. The reader joins them; a block alone, or out of
// order, is a 'segment' rejection. Blocks from the real capture (amsreader issue 740).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createHanReader, decodeHanFrame } from '../../../protocols/han/index.js';

const captures = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/captures/han-amsreader.json', import.meta.url)), 'utf8')) as {
  entries: Array<{ id: string; raw_hex: string }>;
};
const stream = new Uint8Array(Buffer.from((captures.entries.find((e) => e.id === 'han-landis-gyr-gh740') as { raw_hex: string }).raw_hex, 'hex'));

/** The capture's three frames, split at their flags. */
function frames(): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 1; i < stream.length; i++) {
    if (stream[i] === 0x7e && stream[i + 1] === 0x7e) {
      out.push(stream.subarray(start, i + 1));
      start = i + 1;
    }
  }
  out.push(stream.subarray(start));
  return out;
}

const readAll = (parts: Uint8Array[]) => {
  const r = createHanReader();
  return [...parts.flatMap((p) => r.push(p)), ...r.flush()];
};

describe('HAN general-block-transfer', () => {
  it('joins the three blocks of the E450 push into one list', () => {
    expect(frames()).toHaveLength(3);
    const out = readAll(frames());
    expect(out).toHaveLength(1);
    const r = out[0]?.result;
    if (!r?.ok) throw new Error(r?.error.detail);
    expect(r.value).toMatchObject({ manufacturer: 'Landis+Gyr', meterId: '63326413', values: { powerImportW: 362, energyImportWh: 2_302_502 } });
  });

  it('rejects one block given alone, and blocks out of order', () => {
    const [first, second, third] = frames() as [Uint8Array, Uint8Array, Uint8Array];
    const alone = decodeHanFrame(first);
    expect(alone.ok ? 'ok' : alone.error.kind).toBe('segment');
    const shuffled = readAll([first, third, second]);
    expect(shuffled.map((o) => (o.result.ok ? 'ok' : o.result.error.kind))).toContain('segment');
    expect(shuffled.some((o) => o.result.ok)).toBe(false);
    const cut = readAll([first, second]);
    expect(cut.map((o) => (o.result.ok ? 'ok' : o.result.error.detail))).toEqual(['input ended inside a general-block-transfer']);
  });
});
