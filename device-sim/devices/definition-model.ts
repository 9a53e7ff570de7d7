// A simulated meter from a protocols/devices definition (SDM630, EM24, …): the image is what
// protocols/modbus/image.ts writes for the truth, so the simulator and the gateway share one
// table. Reads follow the definition's limits; the meters take no writes here.
import { emptyRegisterImage, writeDeviceValues, type RegisterImage as DenseImage } from '../../protocols/modbus/image.js';
import { registerWords, type DeviceDefinition } from '../../protocols/modbus/registers.js';
import type { RawValue } from '../../protocols/modbus/values.js';
import { findDefinition } from '../../protocols/devices/index.js';
import type { ModbusDeviceModel } from './modbus-device.js';
import { RegisterImage } from './register-image.js';
import type { DeviceIdentity } from './simulated-device.js';

// One dense scratch image for every device: the definition writes all of its registers each
// time, and only those words are copied out, so a thousand meters do not hold 256 KiB each.
let scratch: DenseImage | undefined;

export interface DefinitionModelOptions {
  /** Raw register values by name (settings, identity), on top of the serial number from the identity. */
  raw?: (identity: DeviceIdentity) => Readonly<Record<string, RawValue>>;
}

export function definitionModel(defOrId: DeviceDefinition | string, options: DefinitionModelOptions = {}): ModbusDeviceModel {
  const def = typeof defOrId === 'string' ? findDefinition(defOrId) : defOrId;
  if (!def) throw new Error(`no device definition '${String(defOrId)}'`);
  const hasSerial = def.registers.some((r) => r.name === 'serialNumber' && r.type !== 'string');
  // The definition's words as a few contiguous runs per table, copied out of the scratch image whole.
  const footprint = new RegisterImage();
  for (const reg of def.registers) footprint.set(reg.functionCode === 3 ? 'holding' : 'input', reg.address, new Uint16Array(registerWords(reg)));
  const runs = (['holding', 'input'] as const).flatMap((table) => footprint.runs(table).map((r) => ({ table, start: r.start, length: r.length })));
  const forbidden = def.limits.forbidden.map((f) => ({ table: f.functionCode === 3 ? ('holding' as const) : ('input' as const), start: f.start, end: f.end }));
  return {
    name: def.id,
    buildImage(values, identity) {
      const dense = (scratch ??= emptyRegisterImage());
      const raw: Record<string, RawValue> = {};
      if (hasSerial && /^\d{1,9}$/.test(identity.meterId)) raw.serialNumber = Number(identity.meterId);
      Object.assign(raw, options.raw?.(identity));
      writeDeviceValues(dense, def, values, { raw });
      const image = new RegisterImage({ gapsReadAsZero: true, forbidden, maxRegistersPerRequest: def.limits.maxRegistersPerRequest });
      for (const r of runs) image.set(r.table, r.start, (r.table === 'holding' ? dense.holding : dense.input).subarray(r.start, r.start + r.length));
      return image;
    },
  };
}
