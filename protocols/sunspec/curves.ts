// Curves of the control models 126 (volt-var), 129 (LVRTD), 130 (HVRTD), 131 (watt-PF) and 132
// (volt-watt) as (x, y) pairs: each curve group holds numbered points X1, Y1, X2, Y2 … and ActPt
// says how many of them are in use. Pure: works on a decoded model.
import type { DecodedModel, PointValue } from './decode-model.js';

export const CURVE_MODELS: ReadonlySet<number> = new Set([126, 129, 130, 131, 132]);

export interface CurvePoint {
  x: number | null;
  y: number | null;
}

export interface Curve {
  /** 1-based curve number, as ActCrv counts them. */
  index: number;
  /** Names of the x and y axes (V and VAr for 126, Tms and V for 129/130, W and PF for 131, V and W for 132). */
  axes: [string, string];
  points: CurvePoint[];
  /** The other points of the group (DeptRef, RmpTms, CrvNam, ReadOnly …), decoded. */
  settings: Record<string, PointValue['value']>;
}

const NUMBERED = /^([A-Za-z]+?)(\d+)$/;

/** The curves of a decoded curve model; empty for other models or a model without curve groups. */
export function decodeCurves(model: DecodedModel): Curve[] {
  if (!CURVE_MODELS.has(model.id)) return [];
  return model.groups.map((group, i) => {
    const axes: string[] = [];
    const byAxis = new Map<string, Map<number, number | null>>();
    const settings: Record<string, PointValue['value']> = {};
    for (const [name, point] of Object.entries(group)) {
      const m = NUMBERED.exec(name);
      if (!m) {
        settings[name] = point.value;
        continue;
      }
      const [, axis = '', n = '0'] = m;
      if (!byAxis.has(axis)) {
        byAxis.set(axis, new Map());
        axes.push(axis);
      }
      byAxis.get(axis)!.set(Number(n), typeof point.value === 'number' ? point.value : null);
    }
    const [xAxis = 'x', yAxis = 'y'] = axes;
    const xs = byAxis.get(xAxis) ?? new Map<number, number | null>();
    const ys = byAxis.get(yAxis) ?? new Map<number, number | null>();
    const declared = typeof settings.ActPt === 'number' ? settings.ActPt : xs.size;
    const count = Math.max(0, Math.min(declared, xs.size));
    const points: CurvePoint[] = [];
    for (let k = 1; k <= count; k++) points.push({ x: xs.get(k) ?? null, y: ys.get(k) ?? null });
    return { index: i + 1, axes: [xAxis, yAxis], points, settings };
  });
}
