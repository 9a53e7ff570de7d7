// npm run bench:gateway — footprint of the gateway daemon reading 5 devices every second:
// `nabo run` (the built CLI, as deployed) in its own process against 5 simulated Modbus TCP
// devices served by this process; RSS and CPU of the gateway process from /proc.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SimulatedClock } from '../../gateway/clock/clock.js';
import { ModbusDevice as SimDevice } from '../../device-sim/devices/modbus-device.js';
import { definitionModel } from '../../device-sim/devices/definition-model.js';
import { sunspecInverterModel, sunspecStorageModel } from '../../device-sim/devices/sunspec-models.js';
import { ModbusTcpServer } from '../../device-sim/transports/modbus-tcp-server.js';

const seconds = Number(process.argv[2] ?? 60);
if (!existsSync('dist/gateway/cli/main.js')) spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });

const clock = new SimulatedClock({ startMs: Date.now(), speed: 1 });
clock.start();
let t = 0;
const truth = () => {
  t++;
  return { powerW: 2000 + (t % 100), voltageL1V: 231, energyImportWh: 1_000_000 + t, pvAcPowerW: 4200, pvDcPowerW: 4400, pvEnergyWh: 5_000_000 + t, socPercent: 55, batteryPowerW: -1200, frequencyHz: 50 };
};
const server = new ModbusTcpServer({ clock });
const models = [definitionModel('eastron-sdm630'), definitionModel('eastron-sdm630'), definitionModel('eastron-sdm120'), sunspecInverterModel({ unitId: 4 }), sunspecStorageModel({ unitId: 5, maxPowerW: 5000 })];
models.forEach((m, i) => server.add(new SimDevice({ identity: { deviceId: `d${i + 1}`, meterId: String(100 + i), model: m.name }, truth, clock }, m, { unitId: i + 1 })));
const { port } = await server.listen();

const dir = mkdtempSync(join(tmpdir(), 'nabo-bench-gw-'));
const config = {
  version: 1,
  gateway: { id: 'bench', dataDir: dir },
  buses: [{ id: 'lan', kind: 'modbus-tcp', host: '127.0.0.1', port }],
  devices: [
    { id: 'meter-1', bus: 'lan', model: 'eastron-sdm630', unitId: 1, poll: { fastMs: 1000, slowMs: 1000 } },
    { id: 'meter-2', bus: 'lan', model: 'eastron-sdm630', unitId: 2, poll: { fastMs: 1000, slowMs: 1000 } },
    { id: 'meter-3', bus: 'lan', model: 'eastron-sdm120', unitId: 3, poll: { fastMs: 1000, slowMs: 1000 } },
    { id: 'pv', bus: 'lan', model: 'sunspec', unitId: 4, poll: { fastMs: 1000, slowMs: 1000 } },
    { id: 'battery', bus: 'lan', model: 'sunspec', unitId: 5, poll: { fastMs: 1000, slowMs: 1000 } },
  ],
};
const configFile = join(dir, 'nabo.yaml');
// Run it as the installed bin runs: with the Node flags of its shebang line.
const shebang = readFileSync('dist/gateway/cli/main.js', 'utf8').split('\n')[0] ?? '';
const nodeFlags = shebang.split(' ').filter((w) => w.startsWith('--'));
writeFileSync(configFile, stringify(config));

const child = spawn(process.execPath, [...nodeFlags, 'dist/gateway/cli/main.js', 'run', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NABO_LOG_LEVEL: 'warn' } });
let stderr = '';
child.stderr.on('data', (d: Buffer) => {
  stderr += d.toString();
});
const pid = child.pid as number;
const ticksPerSecond = 100;
const cpuTicks = (): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
};
const rssKb = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

// Warm-up: start-up (module loading, discovery) is not the steady state.
await new Promise((r) => setTimeout(r, 5000));
const startTicks = cpuTicks();
const startMs = performance.now();
const rss: number[] = [];
while (performance.now() - startMs < seconds * 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  rss.push(rssKb());
}
const elapsedS = (performance.now() - startMs) / 1000;
const cpuPercent = ((cpuTicks() - startTicks) / ticksPerSecond / elapsedS) * 100;
child.kill('SIGTERM');
const exit = await new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
await server.close();
clock.stop();

const peakRssMb = Math.max(...rss) / 1024;
const meanRssMb = rss.reduce((a, b) => a + b, 0) / rss.length / 1024;
const answered = server.stats.answered;
const requestsPerS = answered / (elapsedS + 5);
console.log(`node flags: ${nodeFlags.join(' ') || '(none)'}`);
console.log(`gateway: 5 devices (3 register-map meters, SunSpec inverter and battery) every 1 s over Modbus TCP, ${seconds} s measured`);
console.log(`${'peak RSS'.padEnd(28)} ${peakRssMb.toFixed(1).padStart(8)} MB   (target < 80)`);
console.log(`${'mean RSS'.padEnd(28)} ${meanRssMb.toFixed(1).padStart(8)} MB`);
console.log(`${'CPU of one core'.padEnd(28)} ${cpuPercent.toFixed(2).padStart(8)} %    (target < 3)`);
console.log(`${'requests answered per s'.padEnd(28)} ${requestsPerS.toFixed(1).padStart(8)}`);
console.log(`${'exit on SIGTERM'.padEnd(28)} ${String(exit).padStart(8)}`);
if (exit !== 0) console.log(stderr.slice(-2000));
console.log(`targets: RSS ${peakRssMb < 80 ? 'met' : 'MISSED'}, CPU ${cpuPercent < 3 ? 'met' : 'MISSED'}`);
console.log(JSON.stringify({ bench: 'gateway', seconds, nodeFlags, peakRssMb: Number(peakRssMb.toFixed(1)), meanRssMb: Number(meanRssMb.toFixed(1)), cpuPercent: Number(cpuPercent.toFixed(2)), requestsPerSecond: Number(requestsPerS.toFixed(1)), exitCode: exit }));
process.exit(0);
