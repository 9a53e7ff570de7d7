// Reads what a district day left behind (data/truth.json, each gateway's nabo.yaml, the
// summary's clearing results) and checks it on the simulator's truth (gateway/demo/truth-checks.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlText } from '../../core/yaml-text.js';
import type { TrueInterval } from '../../device-sim/fleet/interval-recorder.js';
import { parseSummary } from '../../gateway/demo/summary.js';
import { checkDayOnTruth, limitsFromConfig, type BuildingLimits, type TruthCheckOptions, type TruthCheckReport } from '../../gateway/demo/truth-checks.js';

export function checkDistrictDayOnTruth(dataDir: string, outDir: string, options: TruthCheckOptions = {}): TruthCheckReport {
  const truth = JSON.parse(readFileSync(join(dataDir, 'truth.json'), 'utf8')) as Record<string, TrueInterval[]>;
  const limits: Record<string, BuildingLimits> = {};
  for (const id of readdirSync(join(dataDir, 'gateways'))) {
    const parsed = parseYamlText(readFileSync(join(dataDir, 'gateways', id, 'nabo.yaml'), 'utf8'));
    if (!parsed.ok) throw new Error(`${id}/nabo.yaml: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    limits[id] = limitsFromConfig(parsed.value);
  }
  const summary = parseSummary(JSON.parse(readFileSync(join(outDir, 'summary.json'), 'utf8')));
  if (!summary.ok) throw new Error(`summary.json: ${summary.error.detail}`);
  return checkDayOnTruth({ truth, limits, intervals: summary.value.intervals, options });
}
