// A tiny device model for transport tests: power in holding 0, the import counter as a 32-bit
// word pair in input 0–1, a battery setpoint register at holding 10 (int16, W, + discharges).
import type { ModbusDeviceModel } from '../../../device-sim/devices/modbus-device.js';
import { RegisterImage } from '../../../device-sim/devices/register-image.js';

export const toyModel: ModbusDeviceModel = {
  name: 'toy',
  buildImage(values) {
    const energy = Math.round(values.energyImportWh ?? 0);
    return new RegisterImage()
      .set('holding', 0, [Math.round(values.powerW ?? 0) & 0xffff])
      .set('holding', 10, [0])
      .set('input', 0, [Math.floor(energy / 65536) & 0xffff, energy & 0xffff]);
  },
  write(address, words) {
    if (address !== 10 || words.length !== 1) return { ok: false, exceptionCode: 2 };
    const w = words[0] as number;
    return { ok: true, setpoints: [{ kind: 'battery-power', batteryPowerW: w >= 0x8000 ? w - 0x10000 : w }] };
  },
};
