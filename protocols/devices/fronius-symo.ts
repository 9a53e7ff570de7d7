// Fronius Symo / Primo / Eco / Tauro (SnapINverter with Datamanager 2.0) in SunSpec "float"
// mode: common model at 40002, three-phase float inverter model 113 at 40069 (111/112 for one
// and split phase keep the same offsets), values IEEE 754 float32, NaN for "not implemented".
import { defineDevice, type RegisterSpec } from './define.js';

const float = (name: string, address: number, rest: Partial<RegisterSpec>): RegisterSpec => ({ name, address, ...rest });

export const froniusSymo = defineDevice({
  id: 'fronius-symo',
  manufacturer: 'Fronius',
  model: 'Symo / Primo / Eco / Tauro (SunSpec float, model 111–113)',
  description: 'PV string inverter over Modbus TCP (Datamanager, unit id 1) in SunSpec float mode.',
  category: 'pv-inverter',
  source: {
    document: 'Fronius "Datamanager Modbus TCP & RTU" operating instructions (42,0410,2049), register map "Inverter – float" (models 1, 111–113 at 40001 ff.)',
    version: 'edition 2019 as referenced by the readers below',
    crossChecks: [
      'test/fixtures/conformance/sunspec-dumps.json sunspec-fronius-symo-3.0-3-s-model113-160 (a real Symo 3.0-3-S dump via SolarNetwork): decoded with this map in test/protocols/devices/sunspec-vendor-maps.test.ts',
      'sunspec/models json/model_113.json (point offsets) via protocols/sunspec/models',
      'evcc-io/evcc templates/definition/meter/fronius-gen24.yaml @b29b49e (reads the same inverter through SunSpec discovery instead)',
    ],
    differences: [
      'evcc finds the models by discovery; nabo\'s fixed map assumes the Datamanager\'s documented float layout (model 113 at 40069), which the Symo dump confirms. In "int + SF" mode use the generic sunspec device instead.',
      'The Symo dump has NaN in the temperature points: those are left without a quantity.',
    ],
    notes: ['Float mode must be selected in the Datamanager ("float" register map).'],
  },
  transports: ['tcp'],
  defaultUnitId: 1,
  limits: { maxRegistersPerRequest: 120, forbidden: [] },
  defaults: { functionCode: 3, type: 'float32', notImplemented: { u16: [0xffff] } },
  registers: [
    { name: 'sunsMarker', address: 40000, type: 'u32', poll: 'identity', fixed: 0x53756e53, description: "'SunS'" },
    { name: 'commonModelId', address: 40002, type: 'u16', poll: 'identity', fixed: 1, description: 'ID of the common model' },
    { name: 'commonModelLength', address: 40003, type: 'u16', poll: 'identity', fixed: 65, description: 'L of the common model' },
    { name: 'manufacturer', address: 40004, type: 'string', words: 16, poll: 'identity', description: 'Mn' },
    { name: 'modelName', address: 40020, type: 'string', words: 16, poll: 'identity', description: 'Md' },
    { name: 'firmware', address: 40044, type: 'string', words: 8, poll: 'identity', description: 'Vr' },
    { name: 'serialNumber', address: 40052, type: 'string', words: 16, poll: 'identity', description: 'SN' },
    { name: 'inverterModelId', address: 40069, type: 'u16', poll: 'identity', fixed: 113, description: 'model id: 111, 112 or 113' },
    { name: 'inverterModelLength', address: 40070, type: 'u16', poll: 'identity', fixed: 60, description: 'L of the inverter model' },
    float('acCurrent', 40071, { unit: 'A', description: 'A' }),
    float('acCurrentL1', 40073, { unit: 'A', quantity: 'currentL1A', description: 'AphA' }),
    float('acCurrentL2', 40075, { unit: 'A', quantity: 'currentL2A', description: 'AphB' }),
    float('acCurrentL3', 40077, { unit: 'A', quantity: 'currentL3A', description: 'AphC' }),
    float('acVoltageL1', 40085, { unit: 'V', quantity: 'voltageL1V', description: 'PhVphA' }),
    float('acVoltageL2', 40087, { unit: 'V', quantity: 'voltageL2V', description: 'PhVphB' }),
    float('acVoltageL3', 40089, { unit: 'V', quantity: 'voltageL3V', description: 'PhVphC' }),
    float('acPower', 40091, { unit: 'W', quantity: 'pvAcPowerW', description: 'W' }),
    float('acFrequency', 40093, { unit: 'Hz', quantity: 'frequencyHz', description: 'Hz' }),
    float('acApparentPower', 40095, { unit: 'VA', description: 'VA' }),
    float('acReactivePower', 40097, { unit: 'var', description: 'VAr' }),
    float('acPowerFactor', 40099, { unit: '%', description: 'PF (percent)' }),
    float('acEnergy', 40101, { unit: 'Wh', quantity: 'pvEnergyWh', description: 'WH' }),
    float('dcCurrent', 40103, { unit: 'A', description: 'DCA' }),
    float('dcVoltage', 40105, { unit: 'V', description: 'DCV' }),
    float('dcPower', 40107, { unit: 'W', quantity: 'pvDcPowerW', description: 'DCW' }),
    float('cabinetTemperature', 40109, { unit: '°C', description: 'TmpCab' }),
    { name: 'nextModelId', address: 40131, type: 'u16', poll: 'identity', fixed: 0xffff, description: 'next model id (120 on a real Datamanager; the simulator ends the chain here)' },
    { name: 'nextModelLength', address: 40132, type: 'u16', poll: 'identity', fixed: 0, description: 'next model length' },
    { name: 'operatingState', address: 40117, type: 'u16', poll: 'fast', enumValues: { 1: 'off', 2: 'sleeping', 3: 'starting', 4: 'MPPT', 5: 'throttled', 6: 'shutting down', 7: 'fault', 8: 'standby' }, description: 'St' },
  ],
});
