import { describe, expect, it } from 'vitest';
import { FaultSwitch, ReportedValues } from '../../../device-sim/devices/faults.js';
import type { QuantityValues } from '../../../core/quantities.js';

describe('device faults', () => {
  it('holds the values seen when frozen-values is set and follows the truth again when cleared', () => {
    let truth: QuantityValues = { powerW: 100, energyImportWh: 1000 };
    const faults = new FaultSwitch();
    const reported = new ReportedValues(() => truth, faults);
    faults.set({ kind: 'frozen-values' });
    truth = { powerW: 250, energyImportWh: 1200 };
    expect(reported.read()).toEqual({ powerW: 100, energyImportWh: 1000 });
    faults.clear('frozen-values');
    expect(reported.read()).toEqual({ powerW: 250, energyImportWh: 1200 });
  });

  it('counts energy from zero after a counter reset but leaves powers alone', () => {
    let truth: QuantityValues = { powerW: 100, energyImportWh: 5000, energyExportWh: 300 };
    const faults = new FaultSwitch();
    const reported = new ReportedValues(() => truth, faults);
    faults.set({ kind: 'counter-reset' });
    truth = { powerW: 120, energyImportWh: 5040, energyExportWh: 300 };
    expect(reported.read()).toEqual({ powerW: 120, energyImportWh: 40, energyExportWh: 0 });
    faults.clear();
    expect(reported.read().energyImportWh).toBe(5040);
  });

  it('rejects a fault with a code that is not a Modbus exception', () => {
    const faults = new FaultSwitch();
    expect(() => faults.set({ kind: 'exception', code: 7 })).toThrow(/exception code/);
    faults.set({ kind: 'exception', code: 2 });
    expect(faults.get('exception')?.code).toBe(2);
  });

  it('tells listeners when a fault is set and cleared', () => {
    const faults = new FaultSwitch();
    const seen: string[] = [];
    faults.onChange((kind, f) => seen.push(`${kind}:${f ? 'on' : 'off'}`));
    faults.set({ kind: 'late-answer', delayMs: 200 });
    faults.clear('late-answer');
    faults.clear('late-answer');
    expect(seen).toEqual(['late-answer:on', 'late-answer:off']);
    expect(faults.list()).toEqual([]);
  });
});
