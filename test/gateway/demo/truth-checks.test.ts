import { describe, expect, it } from 'vitest';
import type { TrueInterval } from '../../../device-sim/fleet/interval-recorder.js';
import type { TrueExtremes } from '../../../device-sim/physics/limit-watch.js';
import type { ClearingResult } from '../../../edge-solver/clearing/index.js';
import { batteryHadRoom, checkDayOnTruth, limitsFromConfig, limitViolations, tradedByParticipant, type BuildingLimits } from '../../../gateway/demo/truth-checks.js';

const T0 = Date.UTC(2026, 5, 21, 10, 0);
const Q = 900_000;
const LIMITS: BuildingLimits = { maxChargeW: 5000, maxDischargeW: 5000, minSocPercent: 10, maxSocPercent: 90, rampWPerS: 5000 };

/** A true interval whose grid registers moved by `importWh` and `exportWh`, with the given extremes. */
function interval(k: number, importWh: number, exportWh: number, x: Partial<TrueExtremes> = {}): TrueInterval {
  const e = (i: number, x2: number) => ({ gridImportWh: 1000 + i, gridExportWh: 500 + x2, pvWh: 0, loadWh: 0, batteryChargeWh: 0, batteryDischargeWh: 0 });
  return {
    startMs: T0 + k * Q,
    endMs: T0 + (k + 1) * Q,
    energyWh: { ...e(importWh, exportWh), gridImportWh: importWh, gridExportWh: exportWh },
    registersAtStart: e(0, 0),
    registersAtEnd: e(importWh, exportWh),
    extremes: { maxBatteryChargeW: 1000, maxBatteryDischargeW: 0, minSocPercent: 50, maxSocPercent: 52, maxGridImportW: 2000, maxGridExportW: 0, maxSteeredStepW: 300, batteryClippedMs: 0, batteryAutoMs: 0, ...x },
  };
}

/** A clearing result holding just the accepted orders (what the checker reads of it). */
function result(k: number, orders: Array<[participant: string, side: 'bid' | 'offer', acceptedWh: number]>): ClearingResult {
  return {
    intervalStart: new Date(T0 + k * Q).toISOString(),
    orders: orders.map(([participant, side, acceptedWh], i) => ({ id: `o${i}`, participant, block: 'b1', side, acceptedWh, stepsAcceptedWh: [acceptedWh], amountMinor: 0 })),
  } as unknown as ClearingResult;
}

describe('checking a district day on the simulator truth', () => {
  it("takes a building's traded position as bought − sold over its accepted orders", () => {
    const traded = tradedByParticipant(result(0, [['h1', 'bid', 800], ['h1', 'offer', 300], ['h2', 'offer', 500], ['h3', 'bid', 0]]));
    expect(Object.fromEntries(traded)).toEqual({ h1: 500, h2: -500, h3: 0 });
  });

  it('finds every limit the true extremes passed, with the numbers, and none inside them', () => {
    const t = interval(0, 100, 0, { maxBatteryChargeW: 5003, maxBatteryDischargeW: 4999, minSocPercent: 9.5, maxSocPercent: 90, maxSteeredStepW: 60_000, maxGridImportW: 17_000, maxGridExportW: 9000 });
    const v = limitViolations('h1', t, { ...LIMITS, connectionCapW: 16_000 });
    expect(v.map((x) => [x.limit, x.trueValue, x.limitValue])).toEqual([
      ['charge-power', 5003, 5000],
      ['soc-min', 9.5, 10],
      ['ramp', 60_000, 50_000],
      ['connection-import', 17_000, 16_000],
    ]);
    expect(v[0]).toMatchObject({ buildingId: 'h1', intervalStart: '2026-06-21T10:00:00.000Z' });
    expect(limitViolations('h1', interval(0, 0, 0), LIMITS)).toEqual([]);
  });

  it('says the battery had room only when nothing cut it and it kept clear of its window and power limits', () => {
    expect(batteryHadRoom(interval(0, 0, 0), LIMITS)).toBe(true);
    expect(batteryHadRoom(interval(0, 0, 0, { batteryClippedMs: 1000 }), LIMITS)).toBe(false);
    expect(batteryHadRoom(interval(0, 0, 0, { minSocPercent: 10.4 }), LIMITS)).toBe(false);
    expect(batteryHadRoom(interval(0, 0, 0, { minSocPercent: 10.6 }), LIMITS)).toBe(true);
    expect(batteryHadRoom(interval(0, 0, 0, { maxSocPercent: 89.6 }), LIMITS)).toBe(false);
    expect(batteryHadRoom(interval(0, 0, 0, { maxBatteryChargeW: 4950 }), LIMITS)).toBe(false);
    expect(batteryHadRoom(interval(0, 0, 0, { maxBatteryDischargeW: 4949 }), LIMITS)).toBe(true);
    // Time on its own control is not a lack of room: control should have been steering.
    expect(batteryHadRoom(interval(0, 0, 0, { batteryAutoMs: Q }), LIMITS)).toBe(true);
  });

  it('judges only final intervals where the battery had room, against max(5 %, 50 Wh) of what was traded', () => {
    const truth = {
      // k0: traded +1000, metered 1040 (in: 5 % is 50); k1: traded −2000, metered −2150 (out: 5 % is 100);
      // k2: not final; k3: traded nothing, metered 45 (in: 50 Wh floor); k4: at the SoC floor, metered far off.
      h1: [interval(0, 1040, 0), interval(1, 0, 2150, { batteryAutoMs: 120_000 }), interval(2, 3000, 0), interval(3, 60, 15), interval(4, 900, 0, { minSocPercent: 10 })],
      // No battery: never judged, but its connection still counts for limits.
      h2: [0, 1, 2, 3, 4].map((k) => interval(k, 0, 400, { minSocPercent: undefined, maxSocPercent: undefined, maxBatteryChargeW: 0, maxGridExportW: 20_000 })),
    };
    const intervals = [
      { intervalStart: new Date(T0).toISOString(), final: true, result: result(0, [['h1', 'bid', 1000], ['h2', 'offer', 400]]) },
      { intervalStart: new Date(T0 + Q).toISOString(), final: true, result: result(1, [['h1', 'offer', 2000]]) },
      { intervalStart: new Date(T0 + 2 * Q).toISOString(), final: false, result: null },
      { intervalStart: new Date(T0 + 3 * Q).toISOString(), final: true, result: result(3, []) },
      { intervalStart: new Date(T0 + 4 * Q).toISOString(), final: true, result: result(4, [['h1', 'bid', 100]]) },
    ];
    const r = checkDayOnTruth({ truth, limits: { h1: LIMITS, h2: { connectionCapW: 16_000 } }, intervals });
    expect(r.judged).toBe(3);
    expect(r.compliant).toBe(2);
    expect(r.complianceShare).toBeCloseTo(2 / 3, 12);
    expect(r.deviations).toEqual([
      { buildingId: 'h1', intervalStart: '2026-06-21T10:15:00.000Z', tradedWh: -2000, meteredWh: -2150, deviationWh: -150, toleranceWh: 100, batteryAutoMs: 120_000, batteryClippedMs: 0 },
    ]);
    expect(r.worst?.deviationWh).toBe(-150);
    expect(r.notJudged).toEqual({ warmUp: 0, notFinal: 2, noTruth: 0, noBattery: 4, noRoom: 1 });
    // Skipping the first interval as warm-up leaves its limits checked but its exchange unjudged.
    const warm = checkDayOnTruth({ truth, limits: { h1: LIMITS, h2: { connectionCapW: 16_000 } }, intervals, options: { warmUpIntervals: 2 } });
    expect([warm.judged, warm.compliant, warm.notJudged.warmUp, warm.violations.length]).toEqual([1, 1, 4, 5]);
    expect(r.violations.map((v) => `${v.buildingId} ${v.limit}`)).toEqual(Array(5).fill('h2 connection-export'));
  });

  it("reads the steered battery's limits from a gateway config, ignoring other devices' fields", () => {
    const config = {
      devices: [
        { id: 'grid', role: 'grid-meter', capabilities: ['read'], limits: { maxChargeW: 1 } },
        { id: 'bat', role: 'battery', capabilities: ['read', 'battery-setpoint'], limits: { maxChargeW: 5000, maxDischargeW: 4000, minSocPercent: 10, maxSocPercent: 95, rampWPerS: 5000, revertTimeoutS: 300 } },
      ],
    };
    expect(limitsFromConfig(config)).toEqual({ maxChargeW: 5000, maxDischargeW: 4000, minSocPercent: 10, maxSocPercent: 95, rampWPerS: 5000 });
    expect(limitsFromConfig({ devices: [{ id: 'grid', capabilities: ['read'] }] }, 11_000)).toEqual({ connectionCapW: 11_000 });
    expect(limitsFromConfig(null)).toEqual({});
  });

  it('reports nothing judged, rather than full compliance, when no interval could be judged', () => {
    const r = checkDayOnTruth({ truth: { h1: [interval(0, 10, 0, { batteryClippedMs: 5 })] }, limits: { h1: LIMITS }, intervals: [{ intervalStart: new Date(T0).toISOString(), final: true, result: result(0, []) }] });
    expect(r.complianceShare).toBeNull();
    expect(r.worst).toBeNull();
    expect(r.notJudged.noRoom).toBe(1);
  });
});
