// Victron Energy GX device (Cerbo GX, Venus GX, Ekrano): the system service on unit id 100
// sums what the GX knows (grid meter, PV inverters and chargers, battery monitor).
import { defineDevice } from './define.js';

export const victronGx = defineDevice({
  id: 'victron-gx',
  manufacturer: 'Victron Energy',
  model: 'GX device system values (com.victronenergy.system, unit 100)',
  description: 'Energy gateway of a Victron ESS (MultiPlus/Quattro, MPPT, battery): grid, PV and battery totals over Modbus TCP.',
  category: 'energy-gateway',
  source: {
    document: 'Victron Energy "CCGX-Modbus-TCP-register-list" (com.victronenergy.system, registers 800–850)',
    version: 'register list 3.x as referenced by evcc (undated)',
    crossChecks: [
      'evcc-io/evcc templates/definition/meter/victron-energy.yaml @b29b49e',
      'OpenEMS/openems io.openems.edge.victron batteryinverter/VictronBatteryInverterImpl.java @0e4ea88 (808–826, 840–846, 850–851 with function 3; 842 inverted)',
    ],
    differences: [
      'evcc reads these registers with function 4, OpenEMS with function 3; the GX answers both. nabo uses function 3.',
      'Battery power 842 is positive when charging; evcc flips it with scale -1, OpenEMS with INVERT, nabo by positive: charge.',
      'There is no total grid power register: evcc sums 820–822; nabo keeps the three phases.',
    ],
    notes: ['Grid L1–L3 are positive on import.', 'AC consumption 817–819 and battery voltage/current 840/841 (0.1 V, 0.1 A) are read by OpenEMS only.'],
  },
  transports: ['tcp'],
  defaultUnitId: 100,
  limits: { maxRegistersPerRequest: 50, forbidden: [] },
  defaults: { functionCode: 3, type: 'u16' },
  registers: [
    { name: 'pvOnOutputL1', address: 808, unit: 'W', description: 'PV - AC-coupled on output L1' },
    { name: 'pvOnOutputL2', address: 809, unit: 'W', description: 'PV - AC-coupled on output L2' },
    { name: 'pvOnOutputL3', address: 810, unit: 'W', description: 'PV - AC-coupled on output L3' },
    { name: 'pvOnGridL1', address: 811, unit: 'W', description: 'PV - AC-coupled on input L1' },
    { name: 'pvOnGridL2', address: 812, unit: 'W', description: 'PV - AC-coupled on input L2' },
    { name: 'pvOnGridL3', address: 813, unit: 'W', description: 'PV - AC-coupled on input L3' },
    { name: 'consumptionL1', address: 817, unit: 'W', description: 'AC consumption L1' },
    { name: 'consumptionL2', address: 818, unit: 'W', description: 'AC consumption L2' },
    { name: 'consumptionL3', address: 819, unit: 'W', description: 'AC consumption L3' },
    { name: 'gridL1', address: 820, type: 'i16', unit: 'W', quantity: 'powerL1W', positive: 'import', description: 'Grid L1' },
    { name: 'gridL2', address: 821, type: 'i16', unit: 'W', quantity: 'powerL2W', positive: 'import', description: 'Grid L2' },
    { name: 'gridL3', address: 822, type: 'i16', unit: 'W', quantity: 'powerL3W', positive: 'import', description: 'Grid L3' },
    { name: 'batteryVoltage', address: 840, divisor: 10, unit: 'V', description: 'Battery voltage' },
    { name: 'batteryCurrent', address: 841, type: 'i16', divisor: 10, unit: 'A', description: 'Battery current' },
    { name: 'batteryPower', address: 842, type: 'i16', unit: 'W', quantity: 'batteryPowerW', positive: 'charge', description: 'Battery power (> 0 charging)' },
    { name: 'batterySoc', address: 843, unit: '%', quantity: 'socPercent', description: 'Battery state of charge' },
    { name: 'pvDcCoupled', address: 850, unit: 'W', quantity: 'pvDcPowerW', description: 'PV - DC-coupled power' },
  ],
});
