// The hand-worked value case shared by the value tests: the control day is the demo fixture
// (its costs as the generator made them, Σ market −212, Σ alone −189), the no-control day the
// same day with costs typed by hand, so every sum can be checked on paper.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSummary, type Summary } from '../../../gateway/demo/summary.js';

const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'demo', 'summary.json');

export function fixtureDay(): Summary {
  const parsed = parseSummary(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  if (!parsed.ok) throw new Error(parsed.error.detail);
  return parsed.value;
}

// ila-1 ila-2 ila-3 lade-1 lade-2 lade-3 lade-4 moholt-1 moholt-2 moholt-3
export const NO_CONTROL_ALONE = [100, 50, -20, 0, 0, 300, 0, -150, -80, -40]; // Σ 160
export const NO_CONTROL_MARKET = [90, 50, -25, 0, 0, 250, 0, -150, -85, -40]; // Σ 90

export function noControlDay(): Summary {
  const s = structuredClone(fixtureDay());
  s.buildings.forEach((b, k) => {
    b.costAloneMinor = NO_CONTROL_ALONE[k]!;
    b.costMinor = NO_CONTROL_MARKET[k]!;
  });
  s.district.costAloneMinor = 160;
  s.district.costMinor = 90;
  return s;
}
