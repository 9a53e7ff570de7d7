import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrueInterval } from '../../../device-sim/fleet/interval-recorder.js';
import { parseSummary } from '../../../gateway/demo/summary.js';
import { checkDistrictDayFiles } from '../../../gateway/demo/truth-check-files.js';
import { tradedByParticipant } from '../../../gateway/demo/truth-checks.js';
import { removeTempFolders, tempFolder } from '../../temp-folders.js';

afterAll(() => removeTempFolders());

// test/fixtures/demo/summary.json: four intervals of a generated demo day, the last not final.
const FIXTURE = join(import.meta.dirname, '../../fixtures/demo/summary.json');
const CONFIG = `version: 2
gateway: { id: ila-1 }
devices:
  - { id: meter, role: grid-meter, capabilities: [read] }
  - id: battery
    role: battery
    capabilities: [read, battery-setpoint]
    limits: { maxChargeW: 5000, maxDischargeW: 5000, minSocPercent: 10, maxSocPercent: 95, rampWPerS: 5000, revertTimeoutS: 300 }
`;

function trueInterval(startMs: number, netWh: number, maxBatteryChargeW: number): TrueInterval {
  const at = (importWh: number, exportWh: number) => ({ gridImportWh: importWh, gridExportWh: exportWh, pvWh: 0, loadWh: 0, batteryChargeWh: 0, batteryDischargeWh: 0 });
  return {
    startMs,
    endMs: startMs + 900_000,
    energyWh: at(Math.max(0, netWh), Math.max(0, -netWh)),
    registersAtStart: at(10_000, 20_000),
    registersAtEnd: at(10_000 + Math.max(0, netWh), 20_000 + Math.max(0, -netWh)),
    extremes: { maxBatteryChargeW, maxBatteryDischargeW: 800, minSocPercent: 40, maxSocPercent: 41, maxGridImportW: 3000, maxGridExportW: 1000, maxSteeredStepW: 400, batteryClippedMs: 0, batteryAutoMs: 0 },
  };
}

/** A district day's folders: the fixture summary, ila-1's config, and its truth built by `net(k, traded)`. */
function districtDay(net: (k: number, tradedWh: number) => number, chargeW = 1200): { data: string; out: string } {
  const dir = tempFolder('nabo-truth-files-');
  const data = join(dir, 'data');
  const out = join(dir, 'out');
  mkdirSync(join(data, 'gateways', 'ila-1'), { recursive: true });
  mkdirSync(out);
  copyFileSync(FIXTURE, join(out, 'summary.json'));
  writeFileSync(join(data, 'gateways', 'ila-1', 'nabo.yaml'), CONFIG);
  const s = parseSummary(JSON.parse(readFileSync(FIXTURE, 'utf8')));
  if (!s.ok) throw new Error(s.error.detail);
  const truth = s.value.intervals.map((i, k) => trueInterval(Date.parse(i.intervalStart), net(k, tradedByParticipant(i.result!).get('ila-1') ?? 0), chargeW));
  writeFileSync(join(data, 'truth.json'), JSON.stringify({ 'ila-1': truth }));
  return { data, out };
}

describe('checking a kept district day from its files', () => {
  it("judges a building against what the summary's results say it traded, with its config's limits", () => {
    // Interval 2 misses its trade by 300 Wh; the others meet it to the Wh.
    const { data, out } = districtDay((k, traded) => traded + (k === 2 ? 300 : 0));
    const r = checkDistrictDayFiles(data, out);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.judged).toBe(3);
    expect(r.value.compliant).toBe(2);
    expect(r.value.notJudged.notFinal).toBe(1);
    expect(r.value.deviations.map((d) => [d.buildingId, d.deviationWh])).toEqual([['ila-1', 300]]);
    expect(r.value.violations).toEqual([]);
  });

  it('finds a charge power past the configured limit', () => {
    const { data, out } = districtDay((_, traded) => traded, 5200);
    const r = checkDistrictDayFiles(data, out);
    if (!r.ok) throw new Error(r.error.detail);
    expect(r.value.violations.map((v) => [v.limit, v.trueValue, v.limitValue])).toEqual(Array(4).fill(['charge-power', 5200, 5000]));
  });

  it('says which file is missing or broken instead of throwing', () => {
    const { data, out } = districtDay((_, traded) => traded);
    const missing = checkDistrictDayFiles(join(data, 'nowhere'), out);
    expect(missing.ok ? 'ok' : missing.error.kind).toBe('missing');
    writeFileSync(join(data, 'gateways', 'ila-1', 'nabo.yaml'), 'devices: [\n');
    const yaml = checkDistrictDayFiles(data, out);
    expect(yaml.ok ? 'ok' : yaml.error.kind).toBe('yaml');
    writeFileSync(join(out, 'summary.json'), '{"version": 1}');
    writeFileSync(join(data, 'gateways', 'ila-1', 'nabo.yaml'), CONFIG);
    const summary = checkDistrictDayFiles(data, out);
    expect(summary.ok ? 'ok' : summary.error.kind).toBe('summary');
  });
});
