// Reads what a district day left behind (data/truth.json, each gateway's nabo.yaml under
// data/gateways/<id>/, out/summary.json) and runs issue #12's checks on the simulator's truth
// (truth-checks.ts). Files from a run may be missing or damaged: a Result, never a throw.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail, ok, type Result } from '../../core/result.js';
import { parseYamlText } from '../../core/yaml-text.js';
import type { TrueInterval } from '../../device-sim/fleet/interval-recorder.js';
import { parseSummary } from './summary.js';
import { checkDayOnTruth, limitsFromConfig, type BuildingLimits, type TruthCheckOptions, type TruthCheckReport } from './truth-checks.js';

export type TruthFilesError = 'missing' | 'json' | 'yaml' | 'summary';

function readJson(path: string): Result<unknown, TruthFilesError> {
  if (!existsSync(path)) return fail('missing', `${path} does not exist`);
  try {
    return ok(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  } catch (err) {
    return fail('json', `${path}: ${(err as Error).message}`);
  }
}

export function checkDistrictDayFiles(dataDir: string, outDir: string, options: TruthCheckOptions = {}): Result<TruthCheckReport, TruthFilesError> {
  const truth = readJson(join(dataDir, 'truth.json'));
  if (!truth.ok) return truth;
  if (typeof truth.value !== 'object' || truth.value === null || Object.values(truth.value).some((v) => !Array.isArray(v))) return fail('json', 'truth.json: expected { <building id>: TrueInterval[] }');
  const limits: Record<string, BuildingLimits> = {};
  const gateways = join(dataDir, 'gateways');
  if (!existsSync(gateways)) return fail('missing', `${gateways} does not exist`);
  for (const id of readdirSync(gateways)) {
    const file = join(gateways, id, 'nabo.yaml');
    if (!existsSync(file)) continue;
    const parsed = parseYamlText(readFileSync(file, 'utf8'));
    if (!parsed.ok) return fail('yaml', `${file}: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    limits[id] = limitsFromConfig(parsed.value);
  }
  const raw = readJson(join(outDir, 'summary.json'));
  if (!raw.ok) return raw;
  const summary = parseSummary(raw.value);
  if (!summary.ok) return fail('summary', `summary.json: ${summary.error.detail}`);
  return ok(checkDayOnTruth({ truth: truth.value as Record<string, TrueInterval[]>, limits, intervals: summary.value.intervals, options }));
}
