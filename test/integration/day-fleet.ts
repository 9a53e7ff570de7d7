// The building of the gateway-day test: an SDM630, a SunSpec inverter and a SunSpec battery on
// one RTU bus (unit ids 1-3), a second SDM630 on Modbus TCP, a Kaifa HAN meter (whole-Wh counters; Aidon and Kamstrup count 10 Wh), a DSMR 4.2
// P1 meter and an S0 board counting grid import, all measuring the same building.
export const DAY_FLEET = {
  version: 1,
  // Seed 33 gives this building a grid import counter under 8192 kWh, where an SDM630's
  // float32 kWh register still resolves 0.5 Wh (see the test's resolution check).
  seed: 33,
  blocks: [
    {
      id: 'blk',
      buildings: [
        {
          id: 'h1',
          pv: { kWp: 7 },
          battery: { capacityWh: 8000, maxChargeW: 2500, maxDischargeW: 2500 },
          rtuBuses: [{ id: 'rs485', baudRate: 9600 }],
          devices: [
            { id: 'meter', kind: 'sdm630', transport: 'modbus-rtu', bus: 'rs485', unitId: 1 },
            { id: 'pv', kind: 'sunspec-inverter', transport: 'modbus-rtu', bus: 'rs485', unitId: 2 },
            { id: 'battery', kind: 'sunspec-storage', transport: 'modbus-rtu', bus: 'rs485', unitId: 3 },
            { id: 'meter-tcp', kind: 'sdm630', transport: 'modbus-tcp', unitId: 1 },
            { id: 'ams', kind: 'han', vendor: 'kaifa' },
            { id: 'p1', kind: 'p1', dsmrVersion: '4.2' },
            { id: 's0', kind: 's0-board', pins: [{ pin: 2, counts: 'grid-import', impulsesPerKWh: 100 }] },
          ],
        },
      ],
    },
  ],
};
