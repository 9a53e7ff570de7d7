// npm run bench:bus — an RTU bus at 9600 8N1 with an SDM630, a SunSpec inverter (1/103/160)
// and a SunSpec battery (1/124/802), simulated with real line timing on a pty. Measures the
// gateway's poll cycle (every device's fast and slow groups) against the line-time lower bound
// of the planned requests. Target ≤ 1.15×.
import { SimulatedClock } from '../../gateway/clock/clock.js';
import { ModbusDevice as SimDevice } from '../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../device-sim/devices/definition-model.js';
import { sunspecInverterModel, sunspecStorageModel } from '../../device-sim/devices/sunspec-models.js';
import { ModbusRtuBus } from '../../device-sim/transports/modbus-rtu-bus.js';
import { findDefinition } from '../../protocols/devices/index.js';
import { planSpans } from '../../protocols/modbus/planner.js';
import { rtuLine } from '../../protocols/modbus/line-time.js';
import { ModbusDevice } from '../../gateway/acquisition/modbus-device.js';
import { SunSpecDevice } from '../../gateway/acquisition/sunspec-device.js';
import { ModbusRtuPort } from '../../gateway/bus/modbus-rtu-port.js';
import { RequestQueue } from '../../gateway/bus/request-queue.js';

const BAUD = 9600;
const cycles = Number(process.argv[2] ?? 5);
// Line timing holds answers back on the simulator's clock: run it in real time.
const clock = new SimulatedClock({ startMs: Date.UTC(2026, 5, 21, 12), speed: 1 });
clock.start();
const bus = await ModbusRtuBus.open({ clock, baudRate: BAUD, lineTiming: true });
const truth = { powerW: 2345, voltageL1V: 231, energyImportWh: 1_234_567, pvAcPowerW: 4200, pvDcPowerW: 4400, pvEnergyWh: 8_765_432, socPercent: 55, batteryPowerW: -1200, frequencyHz: 50 };
const sims = [
  new SimDevice({ identity: { deviceId: 'meter', meterId: '1001', model: 'SDM630' }, truth: () => truth, clock }, definitionModel('eastron-sdm630'), { unitId: 1 }),
  new SimDevice({ identity: { deviceId: 'pv', meterId: 'INV1', model: 'Inverter' }, truth: () => truth, clock }, sunspecInverterModel({ unitId: 2 }), { unitId: 2 }),
  new SimDevice({ identity: { deviceId: 'bat', meterId: 'BAT1', model: 'Battery' }, truth: () => truth, clock }, sunspecStorageModel({ unitId: 3, maxPowerW: 5000 }), { unitId: 3 }),
];
for (const s of sims) bus.add(s);

const line = rtuLine(BAUD);
const port = new ModbusRtuPort({ id: 'rs485', path: bus.clientPath, baudRate: BAUD });
await port.open();
const queue = new RequestQueue();
const common = { busId: 'rs485', port, queue, line, timeoutMs: 2000 };
const meter = new ModbusDevice({ ...common, deviceId: 'meter', unitId: 1, definition: findDefinition('eastron-sdm630')! });
const pv = new SunSpecDevice({ ...common, deviceId: 'pv', unitId: 2 });
const bat = new SunSpecDevice({ ...common, deviceId: 'bat', unitId: 3 });
await pv.discover();
await bat.discover();

// The lower bound: the planned requests' time on the wire (requests, answers, 3.5-char silences).
const meterPlan = meter.plan(['fast', 'slow']);
const sunspecPlan = (d: SunSpecDevice) => {
  const spans = (d.models ?? []).filter((m) => m.length > 0).map((m) => ({ functionCode: 3 as const, address: m.address + 2, words: m.length }));
  const plan = planSpans(spans, { maxRegistersPerRequest: 125, forbidden: [] }, line);
  if (!plan.ok) throw new Error(plan.error.detail);
  return plan.value;
};
const plans = [meterPlan, sunspecPlan(pv), sunspecPlan(bat)];
const boundMs = plans.reduce((t, p) => t + p.predictedLineTimeMs, 0);
const requests = plans.reduce((n, p) => n + p.requests.length, 0);
// A pty does not pace what the gateway writes, and the simulator's line timing delays only its
// answers: the part of the bound this setup can show is the bound less the requests' 8 bytes.
const charMs = (10 * 1000) / BAUD;
const emulatedBoundMs = boundMs - requests * 8 * charMs;

const measured: number[] = [];
for (let i = 0; i < cycles; i++) {
  const started = performance.now();
  await meter.readGroups(['fast', 'slow'], 'fast');
  await pv.read('slow', 'fast');
  await bat.read('slow', 'fast');
  measured.push(performance.now() - started);
}
await port.close();
await bus.close();

measured.sort((a, b) => a - b);
const median = measured[Math.floor(measured.length / 2)] as number;
const ratio = median / emulatedBoundMs;
const rows = [
  ['line-time lower bound (planned requests)', boundMs.toFixed(1)],
  ['  less request bytes (not paced on a pty)', emulatedBoundMs.toFixed(1)],
  ['measured poll cycle, median', median.toFixed(1)],
  ['measured poll cycle, best', (measured[0] as number).toFixed(1)],
  ['ratio measured / emulated bound', ratio.toFixed(3)],
  ['ratio measured / full bound', (median / boundMs).toFixed(3)],
];
console.log(`RTU ${BAUD} 8N1, ${requests} planned requests: SDM630 + SunSpec inverter + SunSpec battery, ${cycles} cycles`);
for (const [k, v] of rows) console.log(`${(k as string).padEnd(44)} ${(v as string).padStart(10)} ${k?.startsWith('ratio') ? '' : 'ms'}`);
console.log(`target: ratio ≤ 1.15 → ${ratio <= 1.15 ? 'met' : 'MISSED'}`);
console.log(JSON.stringify({ bench: 'bus', baudRate: BAUD, cycles, lowerBoundMs: Number(boundMs.toFixed(2)), emulatedBoundMs: Number(emulatedBoundMs.toFixed(2)), requests, medianMs: Number(median.toFixed(2)), bestMs: Number((measured[0] as number).toFixed(2)), ratio: Number(ratio.toFixed(4)), target: 1.15 }));
process.exit(0);
