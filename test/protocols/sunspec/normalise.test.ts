import { describe, expect, it } from 'vitest';
import { buildSunSpecImage, imageReader, readSunSpecDevice, type ImageModel } from '../../../protocols/sunspec/index.js';

function quantities(models: ImageModel[], meterSign?: 'import-positive' | 'export-positive') {
  return readSunSpecDevice(imageReader(buildSunSpecImage({ baseAddress: 40000, models })), meterSign ? { meterSign } : {}).quantities;
}

describe('SunSpec → normalised quantities', () => {
  it('takes meter W as net import power and TotWhImp/TotWhExp as the two energies', () => {
    const q = quantities([{ id: 203, points: { W: -1500, WphA: -500, TotWhImp: 12000, TotWhExp: 3400, PF: -95 } }]);
    expect(q).toMatchObject({ powerW: -1500, powerL1W: -500, energyImportWh: 12000, energyExportWh: 3400, powerFactor: -0.95 });
  });

  it('flips power and swaps the energies for a meter installed export-positive', () => {
    const q = quantities([{ id: 201, points: { W: 800, TotWhImp: 10, TotWhExp: 20 } }], 'export-positive');
    expect(q).toMatchObject({ powerW: -800, energyImportWh: 20, energyExportWh: 10 });
  });

  it('lets a meter in the chain win over the inverter for grid voltages', () => {
    const q = quantities([
      { id: 103, points: { W: 3000, PhVphA: 231, WH: 5000, DCW: 3100 } },
      { id: 203, points: { W: 200, PhVphA: 229.5 } },
    ]);
    expect(q).toMatchObject({ pvAcPowerW: 3000, pvEnergyWh: 5000, pvDcPowerW: 3100, powerW: 200, voltageL1V: 229.5 });
  });

  it('clamps inverter standby draw at night to zero PV power', () => {
    expect(quantities([{ id: 101, points: { W: -4 } }]).pvAcPowerW).toBe(0);
  });

  it('reads SoC from model 124 and capacity from the 120 nameplate', () => {
    const q = quantities([
      { id: 120, points: { DERTyp: 82, WHRtg: 10000 } },
      { id: 124, points: { ChaState: 64.5, WChaMax: 5000 } },
    ]);
    expect(q).toMatchObject({ socPercent: 64.5, batteryCapacityWh: 10000 });
    expect(q.batteryPowerW).toBeUndefined();
  });

  it('signs 802 battery power by its charge state, positive when discharging', () => {
    expect(quantities([{ id: 802, points: { W: 1200, ChaSt: 4, SoC: 50 } }]).batteryPowerW).toBe(-1200);
    expect(quantities([{ id: 802, points: { W: -1200, ChaSt: 3 } }]).batteryPowerW).toBe(1200);
    expect(quantities([{ id: 802, points: { W: 300 } }]).batteryPowerW).toBe(300);
  });

  it('sums the implemented MPPT modules of model 160', () => {
    const q = quantities([{ id: 160, points: { 'module.0.DCW': 1200.5, 'module.1.DCW': 800, 'module.2.ID': 3 } }]);
    expect(q.pvDcPowerW).toBe(2000.5);
  });
});
